/**
 * The figures of examples/binomial/README.md: one binomial regression (K = 1) against the
 * mixture of binomial experts (K = 3) on the same rows, with the truth's own score beside them.
 *
 *     npx tsx examples/binomial/compare.ts
 *
 * Prints the held-out mean log predictive density (1,000 test rows), the success probability
 * E[y]/n with its 90 % interval at a few inputs (10 trials) against the truth, and the experts'
 * usage and coefficients.
 */
import { readFileSync } from "node:fs";
import { compile } from "../../api.js";
import { lgamma } from "../../runtime/math/special.js";
import { readCsvRows } from "../data/write.js";
import { successProbability } from "../binary/generate.js";

const source = readFileSync(new URL("../../stdlib/binomial-moe.moe", import.meta.url), "utf8");
const train = readCsvRows(new URL("binomial-train.csv", import.meta.url));
const test = readCsvRows(new URL("binomial-test.csv", import.meta.url));

const fmt = (v: number, digits = 3) => v.toFixed(digits);
/** log Binomial(y; n, p). */
const logBinomial = (y: number, n: number, p: number) => lgamma(n + 1) - lgamma(y + 1) - lgamma(n - y + 1) + (y > 0 ? y * Math.log(p) : 0) + (n > y ? (n - y) * Math.log1p(-p) : 0);
let oracle = 0;
for (const r of test) oracle += logBinomial(r[4], r[3], successProbability(r[1]));
console.log(`truth: held-out lpd ${fmt(oracle / test.length)}`);

const at = [-2, -1, -0.5, 0, 0.5, 1, 2];
for (const K of [1, 3]) {
  const t0 = performance.now();
  const f = compile(source, { K }).filter({ particles: 1000, seed: 1, inputs: [3, 1] });
  for (const r of train) f.observe(r.slice(0, 4), r[4]);
  f.finish();
  const seconds = (performance.now() - t0) / 1000;
  let lpd = 0;
  for (const r of test) lpd += f.predict(r.slice(0, 4), []).logDensity(r[4]);
  console.log(`\nK = ${K}: held-out lpd ${fmt(lpd / test.length)}, log evidence ${fmt(f.logEvidence, 1)} ± ${fmt(f.logEvidenceSE, 2)}, ${fmt(seconds, 1)} s`);
  console.log("  u      truth  P(success)  90 % interval");
  for (const u of at) {
    const p = f.predict([1, u, 0, 10], [0.05, 0.95]);
    const [lo, hi] = p.expected!.quantiles.map((q) => q.value / 10);
    console.log(`  ${u.toFixed(1).padStart(4)}   ${fmt(successProbability(u))}  ${fmt(p.mean / 10)}       [${fmt(lo)}, ${fmt(hi)}]`);
  }
  const experts = f.experts();
  console.log(`  usage ${experts.map((e) => fmt(e.usage)).join(" ")}`);
  console.log(`  coefficients ${experts.map((e) => `(${e.coefficients.map((c) => fmt(c, 2)).join(", ")})`).join(" ")}`);
}
