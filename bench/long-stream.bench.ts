/**
 * A 10⁶-row stream through `hsmoe fit` in a child process (cheap settings: 16 particles in two
 * sets on two threads), with rejuvenation on and off: wall time, rows per second and peak
 * resident memory. The test suite runs 2 × 10⁵ rows (test/cli/long-stream.test.ts). Then, in
 * process, the step time over a 10⁶-row stream with sweeps on: the last 10 % of the rows
 * against the first 10 % (issue 12's goal ≤ 1.1: with the window the cost per row is flat).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packageRoot, runCliProcess, writeLongStream } from "../test/hostile/long-stream.js";
import { readFileSync } from "node:fs";
import { compile } from "../api.js";
import { printTable } from "./util.js";

export default function longStream(): void {
  const dir = mkdtempSync(join(tmpdir(), "hsmoe-long-bench-"));
  const flagship = join(packageRoot(), "stdlib/hsmoe.moe");
  try {
    const rows: string[][] = [];
    for (const n of [200_000, 1_000_000]) {
      const data = join(dir, `long-${n}.csv`);
      writeLongStream(data, n);
      for (const extra of [[], ["--no-rejuvenate"]]) {
        const r = runCliProcess(["fit", flagship, "--set", "K=2", "--data", data, "--particles", "16", "--sets", "2", "--json", "--save", join(dir, "state.json"), ...extra]);
        const ok = r.code === 0 ? JSON.parse(r.stdout) : null;
        rows.push([String(n), extra.length ? "off" : "on", String(r.code), r.seconds.toFixed(1), ok ? (n / r.seconds).toFixed(0) : "-", r.maxRssMB.toFixed(0)]);
        if (r.code !== 0) console.log(r.stderr.slice(0, 500));
      }
    }
    printTable(["rows", "sweeps", "exit", "wall s", "rows/s", "peak RSS MB"], rows);
    printTable(["rows", "particles", "first 10 % s (median chunk × 10)", "last 10 % s", "last / first"], [stepTimes(1_000_000, 16)]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Step time over the first and the last tenth of an n-row stream through one filter (sweeps
 * on, default window): each tenth timed as ten chunks of n/100 rows and summarised by their
 * median, so one slow chunk (a collection, another process) does not decide the ratio.
 */
function stepTimes(n: number, particles: number): (string | number)[] {
  const source = readFileSync(join(packageRoot(), "stdlib/hsmoe.moe"), "utf8");
  const f = compile(source, { K: 2 }).filter({ particles, sets: 2, seed: 1 });
  let s = 1;
  const u = () => (s = (s * 16807) % 2147483647) / 2147483647;
  const x = [1, 0];
  const chunk = n / 100;
  const times: number[] = [];
  let t0 = performance.now();
  for (let i = 0; i < n; i++) {
    x[1] = 2 * u() - 1;
    const mean = x[1] < 0 ? 1 + 0.5 * x[1] : -1 + 2 * x[1];
    f.observe(x, mean + 0.1 * Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
    if ((i + 1) % chunk === 0) {
      const t1 = performance.now();
      times.push((t1 - t0) / 1000);
      t0 = t1;
    }
  }
  const median = (v: number[]) => v.slice().sort((a, b) => a - b)[Math.floor(v.length / 2)];
  const first = median(times.slice(0, 10)) * 10;
  const last = median(times.slice(90)) * 10;
  return [String(n), String(particles), first, last, last / first];
}
