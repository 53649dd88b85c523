/**
 * The figures of examples/counts/README.md: one negative-binomial regression (K = 1) against the
 * mixture of count experts (K = 3), and the mixture at dispersions other than the truth's, on the
 * same rows, with the truth's own score beside them.
 *
 *     npx tsx examples/counts/compare.ts
 *
 * Prints the held-out mean log predictive density (1,000 test rows), the expected count with its
 * 90 % interval at a few inputs against the truth, the experts' usage and the gate's shrinkage
 * of the irrelevant input x3.
 */
import { readFileSync } from "node:fs";
import { compile } from "../../api.js";
import { lgamma } from "../../runtime/math/special.js";
import { readCsvRows } from "../data/write.js";
import { DISPERSION, meanCount } from "./generate.js";

const source = readFileSync(new URL("../../stdlib/count-moe.moe", import.meta.url), "utf8");
const train = readCsvRows(new URL("counts-train.csv", import.meta.url));
const test = readCsvRows(new URL("counts-test.csv", import.meta.url));

const fmt = (v: number, digits = 3) => v.toFixed(digits);
/** log NB(y; μ, r). */
const logNb = (y: number, mu: number, r: number) => lgamma(y + r) - lgamma(r) - lgamma(y + 1) + y * Math.log(mu / (mu + r)) + r * Math.log(r / (mu + r));
let oracle = 0;
for (const row of test) oracle += logNb(row[3], meanCount(row[1]), DISPERSION);
console.log(`truth: held-out lpd ${fmt(oracle / test.length)}`);

const at = [-2, -1, 0, 1, 2];
for (const [K, r] of [[1, 4], [3, 4], [3, 1], [3, 50]]) {
  const t0 = performance.now();
  const f = compile(source, { K, r }).filter({ particles: 1000, seed: 1, D: 3 });
  for (const row of train) f.observe(row.slice(0, 3), row[3]);
  f.finish();
  const seconds = (performance.now() - t0) / 1000;
  let lpd = 0;
  for (const row of test) lpd += f.predict(row.slice(0, 3), []).logDensity(row[3]);
  console.log(`\nK = ${K}, r = ${r}: held-out lpd ${fmt(lpd / test.length)}, log evidence ${fmt(f.logEvidence, 1)} ± ${fmt(f.logEvidenceSE, 2)}, ${fmt(seconds, 1)} s`);
  if (r !== 4) continue;
  console.log("  u      truth  E[y]    90 % interval    y's 90 % interval");
  for (const u of at) {
    const p = f.predict([1, u, 0], [0.05, 0.95]);
    const [lo, hi] = p.expected!.quantiles.map((q) => q.value);
    const [ylo, yhi] = p.quantiles.map((q) => q.value);
    console.log(`  ${u.toFixed(1).padStart(4)}   ${fmt(meanCount(u), 2).padStart(5)}  ${fmt(p.mean, 2).padStart(5)}   [${fmt(lo, 2)}, ${fmt(hi, 2)}]    [${ylo}, ${yhi}]`);
  }
  const experts = f.experts();
  console.log(`  usage ${experts.map((e) => fmt(e.usage)).join(" ")}`);
  console.log(`  coefficients ${experts.map((e) => `(${e.coefficients.map((c) => fmt(c, 2)).join(", ")})`).join(" ")}`);
  const kappa = f.shrinkage();
  if (kappa) console.log(`  κ of x3 by stick ${kappa.map((s) => fmt(s[2])).join(" ")} (of x2: ${kappa.map((s) => fmt(s[1])).join(" ")})`);
}
