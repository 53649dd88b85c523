/**
 * A 10⁶-row stream through `hsmoe fit` in a child process (cheap settings: 16 particles in two
 * sets on two threads), with rejuvenation on and off: wall time, rows per second and peak
 * resident memory. The test suite runs 2 × 10⁵ rows (test/cli/long-stream.test.ts).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packageRoot, runCliProcess, writeLongStream } from "../test/hostile/long-stream.js";
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
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
