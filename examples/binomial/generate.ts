/**
 * Writes the data of examples/binomial (`binomial-train.csv`, `binomial-test.csv`, committed; a
 * test regenerates them and fails if they drift from this script):
 *
 *     npx tsx examples/binomial/generate.ts
 *
 * Successes out of a number of trials per row, whose log-odds are linear within each of two
 * regimes: `x1` = 1, `x2` = u uniform on [−3, 3], `x3` = v standard normal and irrelevant, `n`
 * trials uniform on 1..20, and y ~ Binomial(n, p) with p = logistic(−2 − 3u) for u < 0 and
 * logistic(−2 + 3u) for u ≥ 0 (examples/binary's probability, now with many trials a row).
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Rng } from "../../runtime/rng/rng.js";
import { successProbability } from "../binary/generate.js";

/** Rows of each file and their seeds. */
export const BINOMIAL = { train: { rows: 600, seed: 1 }, test: { rows: 1000, seed: 2 } } as const;

/** The CSV text (`x1,x2,x3,n,y`), numbers rounded to 6 decimals. */
export function binomialCsv(rows: number, seed: number): string {
  const rng = Rng.fromSeed(seed);
  const lines = ["x1,x2,x3,n,y"];
  for (let t = 0; t < rows; t++) {
    const u = Number((rng.uniform() * 6 - 3).toFixed(6));
    const v = rng.normal();
    const n = 1 + Math.floor(20 * rng.uniform());
    const p = successProbability(u);
    let y = 0;
    for (let k = 0; k < n; k++) if (rng.uniform() < p) y++;
    lines.push(`1,${u},${Number(v.toFixed(6))},${n},${y}`);
  }
  return lines.join("\n") + "\n";
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const [name, { rows, seed }] of Object.entries(BINOMIAL)) writeFileSync(fileURLToPath(new URL(`binomial-${name}.csv`, import.meta.url)), binomialCsv(rows, seed));
}
