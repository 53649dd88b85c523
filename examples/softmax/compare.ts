/**
 * The figures of examples/softmax/README.md: the stick-breaking gate (stdlib/hsmoe.moe) against
 * the softmax gate (stdlib/softmax-moe.moe, the last logit pinned; and every logit free) on rows
 * whose three regimes own three 120° wedges of the plane.
 *
 *     npx tsx examples/softmax/compare.ts
 *
 * For each gate and K: the held-out mean log predictive density (1,000 test rows), the routing
 * accuracy (each test row routed to its most probable expert, the experts mapped to the regimes
 * they take most often), the mean gate probability of the true regime's expert, the log evidence
 * and the time; with the sweeps and without them (the streaming step alone). Then the prior
 * mean gate probabilities by label, which is where the stick-breaking gate depends on the order.
 */
import { readFileSync } from "node:fs";
import { compile } from "../../api.js";
import { readCsvRows } from "../data/write.js";

const train = readCsvRows(new URL("softmax-train.csv", import.meta.url));
const test = readCsvRows(new URL("softmax-test.csv", import.meta.url));
const stdlib = (file: string) => readFileSync(new URL(`../../stdlib/${file}`, import.meta.url), "utf8");
const fmt = (v: number, d = 3) => v.toFixed(d);

const stick = stdlib("hsmoe.moe");
const pinned = stdlib("softmax-moe.moe");
// Every expert its own row of coefficients and local scales: exchangeable labels a priori.
const free = pinned.replaceAll("k in 1..K-1", "k in 1..K").replace("softmax(append_row(phi * x, 0))", "softmax(phi * x)");
const GATES = [
  ["stick-breaking", stick],
  ["softmax, last logit pinned", pinned],
  ["softmax, every logit free", free],
] as const;

/** Routing accuracy and the mean probability of the true regime's expert, the experts mapped to the regimes they take most. */
function routing(f: ReturnType<ReturnType<typeof compile>["filter"]>, K: number) {
  const gates = test.map((r) => f.gateProbabilities(r.slice(0, 3)).map((g) => g.mean));
  const top = gates.map((g) => g.indexOf(Math.max(...g)));
  const taken = Array.from({ length: K }, () => [0, 0, 0]);
  top.forEach((k, t) => taken[k][test[t][4] - 1]++);
  const regimeOf = taken.map((c) => c.indexOf(Math.max(...c)));
  let right = 0;
  let prob = 0;
  test.forEach((r, t) => {
    if (regimeOf[top[t]] === r[4] - 1) right++;
    prob += gates[t].reduce((a, g, k) => a + (regimeOf[k] === r[4] - 1 ? g : 0), 0);
  });
  return { accuracy: right / test.length, prob: prob / test.length };
}

console.log("| gate | K | sweeps | held-out lpd | routing accuracy | P(true regime) | log evidence | s |");
console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
for (const rejuvenate of [true, false]) {
  for (const [name, source] of GATES) {
    for (const K of [3, 4]) {
      const t0 = performance.now();
      const f = compile(source, { K }).filter({ particles: 1000, seed: 1, D: 3, rejuvenate });
      for (const r of train) f.observe(r.slice(0, 3), r[3]);
      f.finish();
      const seconds = (performance.now() - t0) / 1000;
      let lpd = 0;
      for (const r of test) lpd += f.predict(r.slice(0, 3), []).logDensity(r[3]);
      const { accuracy, prob } = routing(f, K);
      console.log(`| ${name} | ${K} | ${rejuvenate ? "on" : "off"} | ${fmt(lpd / test.length, 4)} | ${fmt(accuracy)} | ${fmt(prob)} | ${f.logEvidence.toFixed(1)} ± ${f.logEvidenceSE.toFixed(1)} | ${fmt(seconds, 1)} |`);
    }
  }
}

// Before any row: the particles are prior draws, and the gate's mean at an input is E[g_k].
console.log("\nprior mean gate probability by label, K = 4, at x = (1, 1, −1)");
for (const [name, source] of GATES) {
  const f = compile(source, { K: 4 }).filter({ particles: 20_000, seed: 1, D: 3 });
  console.log(`  ${name}: ${f.gateProbabilities([1, 1, -1]).map((g) => fmt(g.mean)).join("  ")}`);
}
