/**
 * The prequential score of the drift example with and without forgetting:
 *
 *     npx tsx examples/drift/compare.ts
 *
 * Fits the flagship at K = 3 (1,000 particles in 4 sets, seed 1) to `drift.csv` with no
 * forgetting, with ρ = 0.99 and with `auto`, as `hsmoe fit` does, and prints the mean log
 * predictive density per row (each row scored before it was seen) over windows of the
 * stream, the change alarms and the factor in force under `auto`.
 */
import { readFileSync } from "node:fs";
import { compile } from "../../api.js";
import type { Forget } from "../../runtime/pl/forget.js";

const source = readFileSync(new URL("../../stdlib/hsmoe.moe", import.meta.url), "utf8");
const rows = readFileSync(new URL("drift.csv", import.meta.url), "utf8").trimEnd().split("\n").slice(1).map((l) => l.split(",").map(Number));
const WINDOWS: [number, number][] = [[1500, 2000], [2000, 2100], [2100, 2500], [3500, 4000], [4000, 5000], [5000, 6000]];

const out: string[] = [];
out.push(`| forget | ${WINDOWS.map(([a, b]) => `rows ${a + 1}–${b}`).join(" | ")} | all | alarms |`);
out.push(`| --- | ${WINDOWS.map(() => "---").join(" | ")} | --- | --- |`);
for (const forget of [1, 0.99, "auto"] as Forget[]) {
  const f = compile(source, { K: 3 }).filter({ particles: 1000, seed: 1, forget, trace: true });
  const score = new Float64Array(rows.length);
  const inForce = new Float64Array(rows.length);
  rows.forEach((r, t) => {
    const tr = f.observe([r[0], r[1]], r[2])!;
    score[t] = tr.logPredictive;
    inForce[t] = tr.forget;
  });
  const mean = (v: Float64Array, a: number, b: number) => v.subarray(a, b).reduce((s, x) => s + x, 0) / (b - a);
  out.push(`| ${forget} | ${WINDOWS.map(([a, b]) => mean(score, a, b).toFixed(3)).join(" | ")} | ${mean(score, 0, rows.length).toFixed(3)} | ${f.alarms.map((a) => a.row).join(", ") || "none"} |`);
  if (forget === "auto") console.log(`ρ in force under auto: ${WINDOWS.map(([a, b]) => `rows ${a + 1}–${b} ${mean(inForce, a, b).toFixed(4)}`).join(", ")}`);
}
console.log(out.join("\n"));
