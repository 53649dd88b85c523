/**
 * The figures of examples/robust/README.md: Gaussian experts (stdlib/hsmoe.moe) against
 * Student-t experts (stdlib/robust-moe.moe, ν = 4) and Laplace experts (stdlib/laplace-moe.moe)
 * on the same contaminated rows.
 *
 *     npx tsx examples/robust/compare.ts
 *
 * At K = 2 (the truth's regimes) and K = 3 (one expert to spare). Prints the held-out mean log predictive density (1,000 test rows, outliers included), the
 * predictive location at a few inputs against the regimes' own, and the experts' usage.
 */
import { readFileSync } from "node:fs";
import { compile } from "../../api.js";
import { readCsvRows } from "../data/write.js";
import { location } from "./generate.js";

const train = readCsvRows(new URL("robust-train.csv", import.meta.url));
const test = readCsvRows(new URL("robust-test.csv", import.meta.url));
const fmt = (v: number) => v.toFixed(3);
const at = [-2, -1, 1, 2];

for (const K of [2, 3])
for (const [name, file] of [["Gaussian experts", "hsmoe.moe"], ["Student-t experts (ν = 4)", "robust-moe.moe"], ["Laplace experts", "laplace-moe.moe"]]) {
  const source = readFileSync(new URL(`../../stdlib/${file}`, import.meta.url), "utf8");
  const t0 = performance.now();
  const f = compile(source, { K }).filter({ particles: 1000, seed: 1, D: 2 });
  for (const r of train) f.observe(r.slice(0, 2), r[2]);
  f.finish();
  const seconds = (performance.now() - t0) / 1000;
  let lpd = 0;
  for (const r of test) lpd += f.predict(r.slice(0, 2), []).logDensity(r[2]);
  console.log(`\n${name}, K = ${K}: held-out lpd ${fmt(lpd / test.length)}, log evidence ${f.logEvidence.toFixed(1)} ± ${f.logEvidenceSE.toFixed(2)}, ${seconds.toFixed(1)} s`);
  console.log("  u      location  predictive median");
  for (const u of at) {
    const q = f.predict([1, u], [0.5]).quantiles[0].value;
    console.log(`  ${u.toFixed(1).padStart(4)}   ${fmt(location(u)).padStart(6)}    ${fmt(q)}`);
  }
  console.log(`  usage ${f.experts().map((e) => fmt(e.usage)).join(" ")}`);
}
