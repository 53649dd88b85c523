/**
 * The sweeps' window (spec §3.8): held-out lpd, wall time and rows held against the window W on
 * streams longer than the bundled data (which are all shorter than the default W = 4096, so
 * there the window changes nothing). Piecewise (20,000 rows) and sparse routing (8,000 rows)
 * from examples/data/simulate.ts, the flagship at K = 3, 200 particles in 4 sets, one thread;
 * W = ∞ is the unwindowed filter. Over seeds (data and filter alike), with each window's
 * held-out lpd against the unwindowed fit's on the same data as a paired difference.
 */
import { readFileSync } from "node:fs";
import { compile } from "../api.js";
import { heldoutLpd, piecewise, sparseRouting, type SyntheticData } from "../examples/data/simulate.js";
import { printTable } from "./util.js";

const flagship = readFileSync(new URL("../../stdlib/hsmoe.moe", import.meta.url), "utf8");

function run(data: SyntheticData, window: number, seed: number) {
  const f = compile(flagship, { K: 3 }).filter({ particles: 200, seed, window });
  const t0 = performance.now();
  let held = 0;
  for (const r of data.train) {
    f.observe(r.x, r.y);
    held = Math.max(held, f.filter.rows.held);
  }
  f.finish();
  const seconds = (performance.now() - t0) / 1000;
  let lpd = 0;
  for (const r of data.test) lpd += f.predict(r.x, []).logDensity(r.y);
  return { lpd: lpd / data.test.length, seconds, held };
}

export default function bench(): void {
  const rows: (string | number)[][] = [];
  const seeds = Array.from({ length: Number(process.env.HSMOE_BENCH_SEEDS ?? 3) }, (_, i) => 7 + i);
  const windows = [250, 1000, 4096, 1e9];
  for (const [name, make] of [
    ["piecewise", (seed: number) => piecewise(seed, { nTrain: 20_000, nTest: 2_000 })],
    ["sparse routing", (seed: number) => sparseRouting(seed, { nTrain: 8_000, nTest: 2_000 })],
  ] as const) {
    // per seed, each window's result; the unwindowed fit (last) is the reference of the paired differences
    const runs = seeds.map((seed) => {
      const data = make(seed);
      return { truth: heldoutLpd(data), byW: windows.map((W) => run(data, W, seed)) };
    });
    windows.forEach((W, w) => {
      const lpd = runs.map((r) => r.byW[w].lpd);
      const diff = runs.map((r) => r.byW[w].lpd - r.byW[windows.length - 1].lpd);
      const m = diff.reduce((a, b) => a + b, 0) / diff.length;
      const se = diff.length > 1 ? Math.sqrt(diff.reduce((a, b) => a + (b - m) ** 2, 0) / (diff.length - 1) / diff.length) : NaN;
      rows.push([
        name,
        W === 1e9 ? "∞" : String(W),
        (lpd.reduce((a, b) => a + b, 0) / lpd.length).toFixed(4),
        W === 1e9 ? "" : `${m.toFixed(4)} ± ${se.toFixed(4)}`,
        (runs.reduce((a, r) => a + r.truth, 0) / runs.length).toFixed(4),
        (runs.reduce((a, r) => a + r.byW[w].seconds, 0) / runs.length).toFixed(1),
        String(runs.reduce((a, r) => Math.max(a, r.byW[w].held), 0)),
      ]);
    });
  }
  printTable(["stream", "W", "held-out lpd (mean)", "vs no window (paired)", "truth", "wall s (mean)", "rows held (max)"], rows);
  console.log(`(seeds ${seeds.join(", ")}; HSMOE_BENCH_SEEDS sets how many)`);
}
