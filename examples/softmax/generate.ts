/**
 * Writes the data of examples/softmax (`softmax-train.csv`, `softmax-test.csv`, committed; a test
 * regenerates them and fails if they drift from this script):
 *
 *     npx tsx examples/softmax/generate.ts
 *
 * Three regimes in three wedges of the plane: `x1` = 1, (u, v) = (`x2`, `x3`) uniform on
 * [−3, 3]², the regime drawn from a softmax of 3·(u cos θ_k + v sin θ_k), θ_k = 90°, 210°, 330°
 * (each regime owns a 120° wedge, none of them a half-plane), and y = a_k + b_k·u + c_k·v plus
 * noise of sd 0.3. The regime is written too (`regime`, 1–3), for scoring routes.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Rng } from "../../runtime/rng/rng.js";

/** Rows of each file and their seeds. */
export const SOFTMAX = { train: { rows: 1000, seed: 1 }, test: { rows: 1000, seed: 2 } } as const;

/** The regimes' lines: [a, b, c] of y = a + b·u + c·v. */
export const LINES = [
  [2, 1, 0],
  [-2, 0, 1],
  [0, 0.5, -1],
] as const;

/** The wedges' directions and the gate's sharpness. */
const ANGLES = [90, 210, 330].map((d) => (d * Math.PI) / 180);
const SHARPNESS = 3;

/** The true gate probabilities at (u, v). */
export function truthGate(u: number, v: number): number[] {
  const eta = ANGLES.map((t) => SHARPNESS * (u * Math.cos(t) + v * Math.sin(t)));
  const m = Math.max(...eta);
  const e = eta.map((x) => Math.exp(x - m));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / total);
}

/** The CSV text (`x1,x2,x3,y,regime`), numbers rounded to 6 decimals. */
export function softmaxCsv(rows: number, seed: number): string {
  const rng = Rng.fromSeed(seed);
  const lines = ["x1,x2,x3,y,regime"];
  for (let t = 0; t < rows; t++) {
    const u = rng.uniform() * 6 - 3;
    const v = rng.uniform() * 6 - 3;
    const g = truthGate(u, v);
    let r = rng.uniform();
    let k = 0;
    while (k < 2 && (r -= g[k]) > 0) k++;
    const [a, b, c] = LINES[k];
    const y = a + b * u + c * v + 0.3 * rng.normal();
    lines.push(`1,${Number(u.toFixed(6))},${Number(v.toFixed(6))},${Number(y.toFixed(6))},${k + 1}`);
  }
  return lines.join("\n") + "\n";
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const [name, { rows, seed }] of Object.entries(SOFTMAX)) writeFileSync(fileURLToPath(new URL(`softmax-${name}.csv`, import.meta.url)), softmaxCsv(rows, seed));
}
