/**
 * Writes the data of examples/counts (`counts-train.csv`, `counts-test.csv`, committed; a test
 * regenerates them and fails if they drift from this script):
 *
 *     npx tsx examples/counts/generate.ts
 *
 * A count response whose log mean is linear within each of two regimes: `x1` = 1, `x2` = u
 * uniform on [−2, 2], `x3` = v standard normal and irrelevant; y is negative binomial with
 * dispersion 4 (variance μ + μ²/4) and mean μ = exp(0.5 − u) for u < 0, exp(0.5 + 1.2u) for
 * u ≥ 0 — many counts at both ends, few in the middle, which no single log-linear regression
 * can draw.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Rng } from "../../runtime/rng/rng.js";
import { gamma } from "../../runtime/rng/samplers.js";

/** Rows of each file and their seeds. */
export const COUNTS = { train: { rows: 1000, seed: 1 }, test: { rows: 1000, seed: 2 } } as const;

/** The truth's dispersion r. */
export const DISPERSION = 4;

/** The truth: the mean count at u. */
export function meanCount(u: number): number {
  return Math.exp(u < 0 ? 0.5 - u : 0.5 + 1.2 * u);
}

/** A negative-binomial draw with mean μ and dispersion r, as Poisson(Gamma(r, rate r/μ)). */
function negativeBinomial(rng: Rng, mu: number, r: number): number {
  const rate = gamma(rng, r, r / mu);
  let y = 0;
  for (let t = rng.exponential(); t < rate; t += rng.exponential()) y++;
  return y;
}

/** The CSV text (`x1,x2,x3,y`), numbers rounded to 6 decimals. */
export function countsCsv(rows: number, seed: number): string {
  const rng = Rng.fromSeed(seed);
  const lines = ["x1,x2,x3,y"];
  for (let t = 0; t < rows; t++) {
    const u = Number((rng.uniform() * 4 - 2).toFixed(6));
    const v = rng.normal();
    lines.push(`1,${u},${Number(v.toFixed(6))},${negativeBinomial(rng, meanCount(u), DISPERSION)}`);
  }
  return lines.join("\n") + "\n";
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const [name, { rows, seed }] of Object.entries(COUNTS)) writeFileSync(fileURLToPath(new URL(`counts-${name}.csv`, import.meta.url)), countsCsv(rows, seed));
}
