/**
 * Writes the data of examples/binary (`binary-train.csv`, `binary-test.csv`, committed; a test
 * regenerates them and fails if they drift from this script):
 *
 *     npx tsx examples/binary/generate.ts
 *
 * A binary response whose log-odds are linear within each of two regimes: `x1` = 1, `x2` = u
 * uniform on [−3, 3], `x3` = v standard normal and irrelevant; P(y = 1) = logistic(−2 − 3u) for
 * u < 0 and logistic(−2 + 3u) for u ≥ 0 — likely at both ends, unlikely in the middle, which no
 * single logistic regression can draw.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Rng } from "../../runtime/rng/rng.js";

/** Rows of each file and their seeds. */
export const BINARY = { train: { rows: 1000, seed: 1 }, test: { rows: 1000, seed: 2 } } as const;

/** The truth: P(y = 1) at u. */
export function successProbability(u: number): number {
  return 1 / (1 + Math.exp(-(u < 0 ? -2 - 3 * u : -2 + 3 * u)));
}

/** The CSV text (`x1,x2,x3,y`), numbers rounded to 6 decimals. */
export function binaryCsv(rows: number, seed: number): string {
  const rng = Rng.fromSeed(seed);
  const lines = ["x1,x2,x3,y"];
  for (let t = 0; t < rows; t++) {
    const u = rng.uniform() * 6 - 3;
    const v = rng.normal();
    const y = rng.uniform() < successProbability(u) ? 1 : 0;
    lines.push(`1,${Number(u.toFixed(6))},${Number(v.toFixed(6))},${y}`);
  }
  return lines.join("\n") + "\n";
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const [name, { rows, seed }] of Object.entries(BINARY)) writeFileSync(fileURLToPath(new URL(`binary-${name}.csv`, import.meta.url)), binaryCsv(rows, seed));
}
