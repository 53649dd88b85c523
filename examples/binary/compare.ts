/**
 * The figures of examples/binary/README.md: one logistic regression (K = 1) against the
 * logistic mixture of experts (K = 3) on the same rows, with the truth's own scores beside them.
 *
 *     npx tsx examples/binary/compare.ts
 *
 * Prints the held-out mean log predictive density and Brier score (1,000 test rows), P(y = 1)
 * with its 90 % interval at a few inputs against the truth, the experts' usage and the gate's
 * shrinkage of the irrelevant input x3.
 */
import { readFileSync } from "node:fs";
import { compile } from "../../api.js";
import { readCsvRows } from "../data/write.js";
import { successProbability } from "./generate.js";

const source = readFileSync(new URL("../../stdlib/logistic-moe.moe", import.meta.url), "utf8");
const train = readCsvRows(new URL("binary-train.csv", import.meta.url));
const test = readCsvRows(new URL("binary-test.csv", import.meta.url));

const fmt = (v: number) => v.toFixed(3);
let oracleLpd = 0;
let oracleBrier = 0;
for (const r of test) {
  const p = successProbability(r[1]);
  oracleLpd += Math.log(r[3] ? p : 1 - p);
  oracleBrier += (p - r[3]) ** 2;
}
console.log(`truth: held-out lpd ${fmt(oracleLpd / test.length)}, Brier ${fmt(oracleBrier / test.length)}`);

const at = [-2, -1, -0.5, 0, 0.5, 1, 2];
for (const K of [1, 3]) {
  const t0 = performance.now();
  const f = compile(source, { K }).filter({ particles: 1000, seed: 1, D: 3 });
  for (const r of train) f.observe(r.slice(0, 3), r[3]);
  f.finish();
  const seconds = (performance.now() - t0) / 1000;
  let lpd = 0;
  let brier = 0;
  for (const r of test) {
    const p = f.predict(r.slice(0, 3), []);
    lpd += p.logDensity(r[3]);
    brier += (p.mean - r[3]) ** 2;
  }
  console.log(`\nK = ${K}: held-out lpd ${fmt(lpd / test.length)}, Brier ${fmt(brier / test.length)}, log evidence ${f.logEvidence.toFixed(1)} ± ${f.logEvidenceSE.toFixed(2)}, ${seconds.toFixed(1)} s`);
  console.log("  u      truth  P(y = 1)  90 % interval");
  for (const u of at) {
    const p = f.predict([1, u, 0], [0.05, 0.95]);
    const [lo, hi] = p.probability!.quantiles.map((q) => q.value);
    console.log(`  ${u.toFixed(1).padStart(4)}   ${fmt(successProbability(u))}  ${fmt(p.mean)}     [${fmt(lo)}, ${fmt(hi)}]`);
  }
  console.log(`  usage ${f.experts().map((e) => fmt(e.usage)).join(" ")}`);
  const kappa = f.shrinkage();
  if (kappa) console.log(`  κ of x3 by stick ${kappa.map((s) => fmt(s[2])).join(" ")} (of x2: ${kappa.map((s) => fmt(s[1])).join(" ")})`);
}
