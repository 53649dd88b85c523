/**
 * Writes the drifting stream of examples/drift (`drift.csv`, committed; a test regenerates it
 * and fails if it drifts from this script):
 *
 *     npx tsx examples/drift/generate.ts
 *
 * 6,000 rows of the bundled piecewise truth (`x1` = 1, `x2` uniform on [−3, 3], noise sd 0.3)
 * whose world moves: rows 1–2,000 the piecewise regimes; rows 2,001–4,000 the regimes swapped
 * (an abrupt change); rows 4,001–6,000 the first regimes again with a level that climbs
 * steadily from 0 to 2 (a gradual drift).
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Rng } from "../../runtime/rng/rng.js";

/** Rows of the stream and where its phases start (0-based). */
export const DRIFT = { rows: 6000, swap: 2000, climb: 4000, seed: 1 } as const;

/** The truth's mean at input u on row t (0-based). */
export function driftMean(u: number, t: number): number {
  const piecewise = u < 0 ? -1 - u : 1 + 2 * u;
  if (t < DRIFT.swap) return piecewise;
  if (t < DRIFT.climb) return u < 0 ? 1 + u : -1 - 2 * u;
  return piecewise + (2 * (t - DRIFT.climb)) / (DRIFT.rows - DRIFT.climb);
}

/** The CSV text (`x1,x2,y`), numbers rounded to 6 decimals. */
export function driftCsv(): string {
  const rng = Rng.fromSeed(DRIFT.seed);
  const lines = ["x1,x2,y"];
  for (let t = 0; t < DRIFT.rows; t++) {
    const u = rng.uniform() * 6 - 3;
    const y = driftMean(u, t) + 0.3 * rng.normal();
    lines.push(`1,${Number(u.toFixed(6))},${Number(y.toFixed(6))}`);
  }
  return lines.join("\n") + "\n";
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(fileURLToPath(new URL("drift.csv", import.meta.url)), driftCsv());
}
