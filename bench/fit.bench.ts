/**
 * Particle-learning speed (issue 5). Every figure is measured in this run:
 * - rows per second of a whole fit (resample-move on), single-threaded, for (N, K, d) =
 *   (1000, 4, 2), (1000, 10, 5), (500, 8, 16), on 1,000 rows simulated from a random HS-MoE,
 *   beside the same fit with the sweeps off (the streaming step alone);
 * - the streaming step's cost for d = 4, 8, 16, 32 (N = 200, K = 4, sweeps off) and the
 *   exponent of d fitted to it (goal ≤ 2.2);
 * - a 100,000-row stream (N = 100, K = 4, d = 2, sweeps off, since they keep every row):
 *   step time of the last 10 % over the first 10 % (goal ≤ 1.1), and peak heap;
 * - wall time of the CLI-style parallel fit on the bundled piecewise (goal ≤ 1.7 s) and
 *   sparse-routing (goal ≤ 6 s) data, N = 1000, K = 3, and the share of time in sweeps;
 * - the piecewise fit's time beside a plain Float64Array multiply-add loop doing the fit's
 *   estimated count of multiply-adds (the kernel's efficiency; the count model is printed).
 */
import { readFileSync } from "node:fs";
import { compile } from "../api.js";
import { fitParallelArrays } from "../cli/parallel/fit-parallel.js";
import { piecewise, sparseRouting, type SyntheticData } from "../examples/data/simulate.js";
import { printTable, simulate, timeSimulatedFit } from "./util.js";

const flagshipSource = readFileSync(new URL("../../stdlib/hsmoe.moe", import.meta.url), "utf8");

const timeFit = (K: number, d: number, N: number, n: number, rejuvenate: boolean) => timeSimulatedFit(flagshipSource, K, d, N, n, rejuvenate);

function throughput(): void {
  const rows = [[1000, 4, 2], [1000, 10, 5], [500, 8, 16]].map(([N, K, d]) => {
    const n = 1000;
    const s = timeFit(K, d, N, n, true);
    const stream = timeFit(K, d, N, n, false);
    return [N, K, d, n, s, n / s, n / stream];
  });
  printTable(["N", "K", "d", "rows", "seconds", "rows/s", "rows/s, sweeps off"], rows);
}

function exponent(): void {
  const ds = [4, 8, 16, 32];
  const n = 300;
  const times = ds.map((d) => timeFit(4, d, 200, n, false) / n);
  // least-squares slope of log(time) on log(d)
  const lx = ds.map(Math.log);
  const ly = times.map(Math.log);
  const mx = lx.reduce((a, b) => a + b) / lx.length;
  const my = ly.reduce((a, b) => a + b) / ly.length;
  const slope = lx.reduce((a, v, i) => a + (v - mx) * (ly[i] - my), 0) / lx.reduce((a, v) => a + (v - mx) ** 2, 0);
  printTable(["d", "ms per step (N = 200, K = 4)"], ds.map((d, i) => [d, 1000 * times[i]]));
  console.log(`fitted exponent of d: ${slope.toFixed(2)} (goal ≤ 2.2)`);
}

function longStream(): void {
  const n = 100_000;
  const d = 2;
  const { x, y } = simulate(n, 4, d, 2);
  const f = compile(flagshipSource, { K: 4 }).filter({ particles: 100, seed: 1, D: d, rejuvenate: false });
  const tenth = n / 10;
  const marks: number[] = [];
  let peak = 0;
  let t0 = performance.now();
  for (let s = 0; s < n; s++) {
    f.observe(x.subarray(s * d, (s + 1) * d), y[s]);
    if ((s + 1) % tenth === 0) {
      const now = performance.now();
      marks.push(now - t0);
      t0 = now;
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
  }
  printTable(["first 10 % (ms)", "last 10 % (ms)", "last / first", "peak heap (MB)"], [[marks[0], marks[9], marks[9] / marks[0], peak / 2 ** 20]]);
}

async function wallTimes(): Promise<void> {
  const model = compile(flagshipSource, { K: 3 });
  const rows: (string | number)[][] = [];
  const fits: Record<string, number> = {};
  for (const [name, data, goal] of [["piecewise", piecewise(1), 1.7], ["sparse", sparseRouting(1), 6]] as [string, SyntheticData, number][]) {
    const D = data.train[0].x.length;
    const x = Float64Array.from(data.train.flatMap((r) => r.x));
    const y = Float64Array.from(data.train.map((r) => r.y));
    const t0 = performance.now();
    const f = await fitParallelArrays(model, D, x, y, { particles: 1000, seed: 1 });
    const s = (performance.now() - t0) / 1000;
    fits[name] = s;
    rows.push([name, data.train.length, D, s, goal, f.sweepShare]);
  }
  printTable(["data", "rows", "d", "wall s (2 threads)", "goal s", "share in sweeps"], rows);
  efficiency(fits.piecewise);
}

/**
 * Multiply-adds of the piecewise fit (N = 1000, K = 3, d = 2, n = 600), counted from the
 * kernel's operations: per particle and row, K forward solves (d²/2) and dot products (d) for
 * the predictives, S gate dot products, the chosen expert's back solve and rank-one update
 * (≈ 2d²), and for each visited stick (≤ S) a rank-one update and the statistics (d²/2); every
 * 10 rows, per particle and stick, a refactorisation (d³/6) and the φ draw (d²); per sweep, per
 * particle and row, K dot products, S gate dots, 5·S + 2 scale-move passes of d each, and the
 * rebuilds (S·d²/2 + d²/2).
 */
function efficiency(fitSeconds: number): void {
  const N = 1000, K = 3, S = 2, d = 2, n = 600;
  const step = K * (d * d / 2 + d) + S * d + 2 * d * d + S * (2 * d * d + d * d / 2) + (S * (d * d * d / 6 + d * d)) / 10;
  const sweepRows = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 200, 400, 600].reduce((a, b) => a + b, 0);
  const sweep = K * d + S * d + (5 * S + 2) * d + S * d * d / 2 + d * d / 2;
  const madds = N * (n * step + sweepRows * sweep);
  const a = new Float64Array(1024).map((_, i) => Math.sin(i));
  const b = new Float64Array(1024).map((_, i) => Math.cos(i));
  const reps = Math.ceil(madds / 1024);
  const t0 = performance.now();
  let acc = 0;
  for (let r = 0; r < reps; r++) for (let i = 0; i < 1024; i++) acc += a[i] * b[i];
  const loop = (performance.now() - t0) / 1000;
  if (Number.isNaN(acc)) console.log("(sink)");
  console.log(`piecewise fit: ${(madds / 1e6).toFixed(0)} M multiply-adds (count model above); plain loop ${loop.toFixed(3)} s; fit ${fitSeconds.toFixed(2)} s on 2 threads = ${(2 * fitSeconds / loop).toFixed(0)}× the loop's core-seconds`);
}

export default async function run(): Promise<void> {
  console.log("\nwhole fits, one thread");
  throughput();
  console.log("\nstreaming step cost against d");
  exponent();
  console.log("\n100,000-row stream");
  longStream();
  console.log("\nparallel fits on the bundled data");
  await wallTimes();
}
