/**
 * Writes the data of examples/routing (`routing-train.csv`, `routing-test.csv`, committed; a test
 * regenerates them and fails if they drift from this script):
 *
 *     npx tsx examples/routing/generate.ts
 *
 * d = 16 inputs: `x1` = 1, `x2..x16` standard normal. The regime is drawn from a softmax over
 * seven regimes that reads only u = (`x2`, `x3`, `x4`): regime k has a centre m_k (the origin,
 * and ±1.5 on each of the three axes) and logit s·(m_k·u − |m_k|²/2), so as s grows the regime
 * becomes the nearest centre; at s = 6 most rows are routed clearly and the rows near a boundary
 * are not. Then y = a_k + b_k·x2 + c_k·x3 plus noise of sd 0.3. The other twelve inputs are noise.
 * The regime is written too (`regime`, 1–7), for scoring routes.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Rng } from "../../runtime/rng/rng.js";

/** Rows of each file and their seeds. */
export const ROUTING = { train: { rows: 2000, seed: 1 }, test: { rows: 2000, seed: 2 } } as const;

/** Inputs per row, the intercept `x1` included. */
export const D = 16;

/** The regimes' centres in (x2, x3, x4). */
export const CENTRES = [
  [0, 0, 0],
  [1.5, 0, 0],
  [-1.5, 0, 0],
  [0, 1.5, 0],
  [0, -1.5, 0],
  [0, 0, 1.5],
  [0, 0, -1.5],
] as const;

/** The regimes' lines: [a, b, c] of y = a + b·x2 + c·x3. Intercepts 2 apart, so the lines stay apart where their regimes live. */
export const LINES = [
  [0, 1, 0],
  [4, -1, 0.5],
  [-4, 0.5, 1],
  [2, 0, -1],
  [-2, 1, 0.5],
  [6, -0.5, 0],
  [-6, 0, -0.5],
] as const;

/** Noise sd of y about its regime's line. */
export const NOISE_SD = 0.3;

/** The gate's sharpness s. */
const SHARPNESS = 6;

/** The true gate probabilities of the seven regimes at a row `x` (x[1..3] = x2..x4). */
export function truthGate(x: ArrayLike<number>): number[] {
  const eta = CENTRES.map((m) => SHARPNESS * (m[0] * x[1] + m[1] * x[2] + m[2] * x[3] - (m[0] ** 2 + m[1] ** 2 + m[2] ** 2) / 2));
  const top = Math.max(...eta);
  const e = eta.map((v) => Math.exp(v - top));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / total);
}

/** The mean of regime k (0-based) at a row `x`. */
export function truthMean(k: number, x: ArrayLike<number>): number {
  const [a, b, c] = LINES[k];
  return a + b * x[1] + c * x[2];
}

/** The CSV text (`x1,…,x16,y,regime`), numbers rounded to 4 decimals. */
export function routingCsv(rows: number, seed: number): string {
  const rng = Rng.fromSeed(seed);
  const header = [...Array.from({ length: D }, (_, j) => `x${j + 1}`), "y", "regime"];
  const lines = [header.join(",")];
  const x = new Float64Array(D);
  for (let t = 0; t < rows; t++) {
    x[0] = 1;
    // rounded before use, so the truth in the file is the truth of the file's inputs
    for (let j = 1; j < D; j++) x[j] = Number(rng.normal().toFixed(4));
    const g = truthGate(x);
    let r = rng.uniform();
    let k = 0;
    while (k < g.length - 1 && (r -= g[k]) > 0) k++;
    const y = Number((truthMean(k, x) + NOISE_SD * rng.normal()).toFixed(4));
    lines.push(`${Array.from(x).join(",")},${y},${k + 1}`);
  }
  return lines.join("\n") + "\n";
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const [name, { rows, seed }] of Object.entries(ROUTING)) writeFileSync(fileURLToPath(new URL(`routing-${name}.csv`, import.meta.url)), routingCsv(rows, seed));
}
