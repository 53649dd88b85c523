/**
 * The hostile-input suite at full size (the test suite runs it small): corrupt CSVs,
 * byte-flipped and truncated states, random argument lists, deep and huge models and failing
 * writes, each through the CLI. Prints the case counts and every case that broke the oracle
 * (exit 0/1/2, no stack trace, no exit 70, nothing damaged).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runHostile } from "../test/hostile/harness.js";

export default async function hostile(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "hsmoe-hostile-bench-"));
  try {
    const t0 = performance.now();
    const r = await runHostile(dir, { csv: 500, stateFlips: 500, stateTruncations: 200, argv: 3000, models: 30 }, 2);
    const total = Object.values(r.cases).reduce((a, b) => a + b, 0);
    for (const [kind, n] of Object.entries(r.cases)) console.log(`${kind.padEnd(28)} ${String(n).padStart(6)}`);
    console.log(`${"all".padEnd(28)} ${String(total).padStart(6)} cases in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${r.failures.length} broke the oracle`);
    for (const f of r.failures.slice(0, 20)) console.log(`  ${f.kind}: ${f.why} (exit ${f.code}) ${JSON.stringify(f.argv).slice(0, 200)}\n    ${f.stderr.split("\n")[0].slice(0, 200)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
