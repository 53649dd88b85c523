/**
 * Writes the data of examples/robust (`robust-train.csv`, `robust-test.csv`, committed; a test
 * regenerates them and fails if they drift from this script):
 *
 *     npx tsx examples/robust/generate.ts
 *
 * The bundled piecewise truth (`x1` = 1, `x2` = u uniform on [−3, 3]; y = −1 − u for u < 0 and
 * 1 + 2u for u ≥ 0, noise sd 0.3) with one row in ten an outlier: y shifted by +6 or −6.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Rng } from "../../runtime/rng/rng.js";

/** Rows of each file and their seeds. */
export const ROBUST = { train: { rows: 1000, seed: 1 }, test: { rows: 1000, seed: 2 } } as const;

/** The regimes' location at u (what the outliers do not move). */
export function location(u: number): number {
  return u < 0 ? -1 - u : 1 + 2 * u;
}

/** The CSV text (`x1,x2,y`), numbers rounded to 6 decimals. */
export function robustCsv(rows: number, seed: number): string {
  const rng = Rng.fromSeed(seed);
  const lines = ["x1,x2,y"];
  for (let t = 0; t < rows; t++) {
    const u = rng.uniform() * 6 - 3;
    const outlier = rng.uniform() < 0.1 ? (rng.uniform() < 0.5 ? 6 : -6) : 0;
    const y = location(u) + 0.3 * rng.normal() + outlier;
    lines.push(`1,${Number(u.toFixed(6))},${Number(y.toFixed(6))}`);
  }
  return lines.join("\n") + "\n";
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const [name, { rows, seed }] of Object.entries(ROBUST)) writeFileSync(fileURLToPath(new URL(`robust-${name}.csv`, import.meta.url)), robustCsv(rows, seed));
}
