/**
 * The figures of examples/routing/README.md: the HS-MoE (stdlib/hsmoe.moe, K = 8) side by side
 * with a deterministic router (baseline.ts: a softmax-gated mixture of K = 8 Gaussian linear
 * experts fitted by maximum likelihood with EM, routing top-1), both fitted on the 2,000 clean
 * training rows and scored on the 2,000 test rows, clean and with their inputs corrupted.
 *
 *     npx tsx examples/routing/compare.ts [--inputs D] [--softmax] [--particles N]
 *
 * `--inputs D` fits both on x1..xD only (default all 16); `--softmax` adds the HS-MoE with a
 * softmax gate (stdlib/softmax-moe.moe); `--particles N` (default 1000). Prints one markdown table
 * (a row per method and condition), the experts each fit found, and writes `comparison.svg`
 * (routing accuracy and lpd against the corruption) and `calibration.svg` (reliability of the
 * top-1 routing probability on the clean test rows); with `--inputs D` below 16 their names end
 * in `-dD`. The truth (the true gate and lines, fed the same inputs) is a reference row.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { compile as compileVegaLite, type TopLevelSpec } from "vega-lite";
import * as vega from "vega";
import { compile } from "../../api.js";
import { Rng } from "../../runtime/rng/rng.js";
import { readCsvRows } from "../data/write.js";
import { fitMixture, predict as predictMixture } from "./baseline.js";
import { CENTRES, D as ALL_INPUTS, NOISE_SD, truthGate, truthMean } from "./generate.js";

const { values: args } = parseArgs({ options: { inputs: { type: "string" }, softmax: { type: "boolean" }, particles: { type: "string" } } });
const D = Number(args.inputs ?? ALL_INPUTS);
const PARTICLES = Number(args.particles ?? 1000);
if (!(Number.isInteger(D) && D >= 4 && D <= ALL_INPUTS)) throw new Error("--inputs must be an integer from 4 (the routing inputs x1..x4) to 16");
if (!(Number.isInteger(PARTICLES) && PARTICLES >= 4)) throw new Error("--particles must be an integer of at least 4");
const K = 8;
const REGIMES = CENTRES.length;

/** A data row: the inputs x1..x16, y, and the true regime (0-based). */
interface Row {
  x: Float64Array;
  y: number;
  regime: number;
}
const rows = (file: string): Row[] => readCsvRows(new URL(file, import.meta.url)).map((r) => ({ x: Float64Array.from(r.slice(0, ALL_INPUTS)), y: r[ALL_INPUTS], regime: r[ALL_INPUTS + 1] - 1 }));
const train = rows("routing-train.csv");
const test = rows("routing-test.csv");

/** What the scores need of a fitted method at one row (all 16 inputs given; a method reads the first D). */
interface Method {
  name: string;
  seconds: number;
  /**
   * The top-1 route (expert from 0), its routing probability, whether the method flags it
   * uncertain (null: it cannot), and the gate probability of every expert (index = expert from 0).
   */
  route(x: Float64Array): { expert: number; probability: number; uncertain: boolean | null; gate: ArrayLike<number> };
  /** Predictive densities: dense (all experts) and, where the method has one, top-1 (the routed expert alone). */
  predict(x: Float64Array): { dense: Predictive; top1: Predictive | null };
  /** One line per expert: what it fitted. */
  experts(): string[];
}
interface Predictive {
  mean: number;
  logDensity(y: number): number;
}

const fmt = (v: number, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : String(v));
const inputsOf = (x: Float64Array) => x.subarray(0, D);
const lineOf = (c: ArrayLike<number>) => `${fmt(c[0], 2)} + ${fmt(c[1], 2)}·x2 + ${fmt(c[2], 2)}·x3`;

/** The truth: the true gate and lines, fed the inputs it is given (corrupted ones too). */
function truth(): Method {
  const logNormal = (y: number, m: number) => -0.5 * Math.log(2 * Math.PI * NOISE_SD ** 2) - (y - m) ** 2 / (2 * NOISE_SD ** 2);
  return {
    name: "truth",
    seconds: 0,
    route(x) {
      const g = truthGate(x);
      const k = g.indexOf(Math.max(...g));
      return { expert: k, probability: g[k], uncertain: null, gate: g };
    },
    predict(x) {
      const g = truthGate(x);
      const k = g.indexOf(Math.max(...g));
      return {
        dense: { mean: g.reduce((a, p, r) => a + p * truthMean(r, x), 0), logDensity: (y) => Math.log(g.reduce((a, p, r) => a + p * Math.exp(logNormal(y, truthMean(r, x))), 0)) },
        top1: { mean: truthMean(k, x), logDensity: (y) => logNormal(y, truthMean(k, x)) },
      };
    },
    experts: () => [],
  };
}

/** The deterministic router: EM with 10 seeded restarts, top-1 routing. */
function emRouter(): Method {
  const t0 = performance.now();
  const X = new Float64Array(train.length * D);
  train.forEach((r, t) => X.set(inputsOf(r.x), t * D));
  const fit = fitMixture(X, Float64Array.from(train, (r) => r.y), { K, restarts: 10, seed: 1 });
  const seconds = (performance.now() - t0) / 1000;
  console.log(`EM router: ${fit.history.length} iterations in the kept start; final penalised log likelihood of the 10 starts: ${fit.restarts.map((v) => fmt(v, 1)).join(", ")}`);
  return {
    name: "EM router",
    seconds,
    route(x) {
      const p = predictMixture(fit, inputsOf(x));
      return { expert: p.expert - 1, probability: p.probability, uncertain: null, gate: p.gate };
    },
    predict(x) {
      const p = predictMixture(fit, inputsOf(x));
      return { dense: p.dense, top1: p.top1 };
    },
    experts: () => Array.from({ length: K }, (_, k) => `expert ${k + 1}: y = ${lineOf(fit.beta.subarray(k * D))}, σ² = ${fmt(fit.variance[k])}`),
  };
}

/** The HS-MoE of `file` with K = 8: particle learning over the training rows, then the final sweep. */
function hsmoe(name: string, file: string): Method {
  const source = readFileSync(new URL(`../../stdlib/${file}`, import.meta.url), "utf8");
  const t0 = performance.now();
  const f = compile(source, { K }).filter({ particles: PARTICLES, seed: 1, D });
  for (const r of train) f.observe(inputsOf(r.x), r.y);
  f.finish();
  const seconds = (performance.now() - t0) / 1000;
  const active = f.activeExperts();
  console.log(`${name}: log evidence ${fmt(f.logEvidence, 1)} ± ${fmt(f.logEvidenceSE, 1)}; active experts ${fmt(active.mean, 2)} (90 % ${active.interval.join("–")}), unused ${JSON.stringify(active.unused)}, collapsed ${JSON.stringify(active.collapsed)}`);
  return {
    name,
    seconds,
    route(x) {
      // One route over all K experts ranks them as a route with k = 1 does and carries every
      // expert's mean; its k = 1 flag is, by definition (spec §3.9), whether the first two
      // experts' intervals overlap. (A second call for it would double the cost of the scores.)
      const { top } = f.route(inputsOf(x), { k: K, alpha: 1 });
      const g = new Float64Array(K);
      for (const e of top) g[e.expert - 1] = e.mean;
      return { expert: top[0].expert - 1, probability: top[0].mean, uncertain: top[0].interval[0] <= top[1].interval[1], gate: g };
    },
    predict(x) {
      const p = f.predict(inputsOf(x), []);
      return { dense: { mean: p.mean, logDensity: (y) => p.logDensity(y) }, top1: null };
    },
    experts: () => f.experts().map((e, k) => `expert ${k + 1}: usage ${fmt(e.usage)}, y = ${lineOf(e.coefficients)}, σ² = ${fmt(e.noiseVariance ?? NaN)}`),
  };
}

/**
 * The one-to-one map from experts to regimes that agrees with most top-1 routes (brute force over
 * the 8!/1! assignments of 7 regimes to distinct experts); the expert left over maps to −1.
 */
function matchExperts(routes: number[], regimes: number[]): Int32Array {
  const counts = Array.from({ length: K }, () => new Float64Array(REGIMES));
  routes.forEach((e, t) => counts[e][regimes[t]]++);
  let best = -1;
  const map = new Int32Array(K).fill(-1);
  const current = new Int32Array(K).fill(-1);
  const assign = (regime: number, score: number): void => {
    if (regime === REGIMES) {
      if (score > best) {
        best = score;
        map.set(current);
      }
      return;
    }
    for (let e = 0; e < K; e++) {
      if (current[e] !== -1) continue;
      current[e] = regime;
      assign(regime + 1, score + counts[e][regime]);
      current[e] = -1;
    }
  };
  assign(0, 0);
  return map;
}

/** A test condition: the inputs the methods are given. */
interface Condition {
  name: string;
  kind: "clean" | "input noise (sd)" | "features dropped (share)";
  level: number;
  inputs: Float64Array[];
}

/** The test inputs corrupted in x2..x16 (x1, the intercept, is never touched); each condition draws from its own seeded stream. */
function conditions(): Condition[] {
  const corrupt = (key: string, change: (x: Float64Array, rng: Rng) => void) => {
    const rng = Rng.fromSeed(`routing/${key}`);
    return test.map((r) => {
      const x = r.x.slice();
      change(x, rng);
      return x;
    });
  };
  const out: Condition[] = [{ name: "clean", kind: "clean", level: 0, inputs: test.map((r) => r.x) }];
  for (const sd of [0.25, 0.5, 1]) {
    out.push({ name: `noise sd ${sd}`, kind: "input noise (sd)", level: sd, inputs: corrupt(`noise-${sd}`, (x, rng) => { for (let j = 1; j < ALL_INPUTS; j++) x[j] += sd * rng.normal(); }) });
  }
  for (const share of [0.25, 0.5]) {
    // each of x2..x16 is set to its mean, 0, with probability `share`, independently
    out.push({ name: `${share * 100} % dropped`, kind: "features dropped (share)", level: share, inputs: corrupt(`drop-${share}`, (x, rng) => { for (let j = 1; j < ALL_INPUTS; j++) if (rng.uniform() < share) x[j] = 0; }) });
  }
  return out;
}

/** The scores of one method under one condition (see the README for each definition). */
function score(m: Method, map: Int32Array, c: Condition) {
  const n = test.length;
  const used = new Float64Array(K);
  const majority = Array.from({ length: K }, () => new Float64Array(REGIMES));
  const bins = Array.from({ length: 10 }, () => ({ n: 0, confidence: 0, correct: 0 }));
  let right = 0;
  let pTrue = 0;
  let lpd = 0;
  let lpdTop = 0;
  let se = 0;
  let seTop = 0;
  let flagged = 0;
  let rightConfident = 0;
  let hasTop1 = true;
  let flags = true;
  test.forEach((row, t) => {
    const x = c.inputs[t];
    const r = m.route(x);
    const correct = map[r.expert] === row.regime;
    right += correct ? 1 : 0;
    used[r.expert]++;
    majority[r.expert][row.regime]++;
    const bin = bins[Math.min(9, Math.floor(r.probability * 10))];
    bin.n++;
    bin.confidence += r.probability;
    bin.correct += correct ? 1 : 0;
    const matched = map.indexOf(row.regime);
    pTrue += matched >= 0 ? r.gate[matched] : 0;
    if (r.uncertain === null) flags = false;
    else if (r.uncertain) flagged++;
    else rightConfident += correct ? 1 : 0;
    const p = m.predict(x);
    lpd += p.dense.logDensity(row.y);
    se += (row.y - p.dense.mean) ** 2;
    if (p.top1) {
      lpdTop += p.top1.logDensity(row.y);
      seTop += (row.y - p.top1.mean) ** 2;
    } else hasTop1 = false;
  });
  let entropy = 0;
  for (const u of used) if (u > 0) entropy -= (u / n) * Math.log(u / n);
  // Experts with at least 1 % of the routes; pairs of them whose routed rows are mostly of one regime.
  const busy = [...used.keys()].filter((e) => used[e] >= 0.01 * n);
  const top = (e: number) => majority[e].indexOf(Math.max(...majority[e]));
  let collapsed = 0;
  for (let a = 0; a < busy.length; a++) for (let b = a + 1; b < busy.length; b++) if (top(busy[a]) === top(busy[b])) collapsed++;
  return {
    accuracy: right / n,
    ece: bins.reduce((a, b) => a + (b.n > 0 ? Math.abs(b.correct - b.confidence) : 0), 0) / n,
    pTrue: pTrue / n,
    entropy,
    busy: busy.length,
    collapsed,
    lpd: lpd / n,
    lpdTop: hasTop1 ? lpdTop / n : NaN,
    rmse: Math.sqrt(se / n),
    rmseTop: hasTop1 ? Math.sqrt(seTop / n) : NaN,
    uncertain: flags ? flagged / n : NaN,
    accuracyConfident: flags && flagged < n ? rightConfident / (n - flagged) : NaN,
    bins,
  };
}

const started = performance.now();
const methods = [truth(), emRouter(), hsmoe("HS-MoE", "hsmoe.moe"), ...(args.softmax ? [hsmoe("HS-MoE, softmax gate", "softmax-moe.moe")] : [])];
const maps = methods.map((m) => matchExperts(train.map((r) => m.route(r.x).expert), train.map((r) => r.regime)));
const conds = conditions();
const results = conds.map((c) => methods.map((m, i) => score(m, maps[i], c)));

console.log(`\n${train.length} training rows, ${test.length} test rows, inputs x1..x${D}, K = ${K}, ${PARTICLES} particles, seed 1\n`);
const dash = (v: number, d = 3) => (Number.isNaN(v) ? "—" : fmt(v, d));
console.log("| condition | method | accuracy | ECE | P(true) | usage entropy | experts ≥ 1 % | collapsed pairs | lpd dense | lpd top-1 | RMSE dense | RMSE top-1 | uncertain | accuracy if confident | fit s |");
console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
conds.forEach((c, i) =>
  methods.forEach((m, j) => {
    const s = results[i][j];
    console.log(`| ${c.name} | ${m.name} | ${fmt(s.accuracy)} | ${fmt(s.ece)} | ${fmt(s.pTrue)} | ${fmt(s.entropy, 2)} | ${s.busy} | ${s.collapsed} | ${fmt(s.lpd)} | ${dash(s.lpdTop)} | ${fmt(s.rmse)} | ${dash(s.rmseTop)} | ${dash(s.uncertain)} | ${dash(s.accuracyConfident)} | ${m.name === "truth" ? "—" : fmt(m.seconds, 1)} |`);
  }),
);
for (const [i, m] of methods.entries()) {
  if (m.name === "truth") continue;
  console.log(`\n${m.name}, experts (matched regime from 1, 0: none):`);
  for (const [k, line] of m.experts().entries()) console.log(`  ${line}; regime ${maps[i][k] + 1}`);
}

/** Renders a Vega-Lite spec to SVG in Node. */
async function svg(spec: TopLevelSpec): Promise<string> {
  return new vega.View(vega.parse(compileVegaLite(spec).spec), { renderer: "none" }).toSVG();
}
const suffix = D === ALL_INPUTS ? "" : `-d${D}`;
const curves = conds.flatMap((c, i) =>
  methods.flatMap((m, j) => {
    // the clean rows are level 0 of both corruptions
    const kinds = c.kind === "clean" ? (["input noise (sd)", "features dropped (share)"] as const) : [c.kind];
    return kinds.flatMap((kind) => [
      { corruption: kind, level: c.level, method: m.name, metric: "routing accuracy", value: results[i][j].accuracy },
      { corruption: kind, level: c.level, method: m.name, metric: "held-out lpd (dense)", value: results[i][j].lpd },
    ]);
  }),
);
const panel = (metric: string): TopLevelSpec => ({
  $schema: "https://vega.github.io/schema/vega-lite/v5.json",
  data: { values: curves.filter((d) => d.metric === metric) },
  facet: { column: { field: "corruption", type: "nominal", title: null, sort: ["input noise (sd)", "features dropped (share)"] } },
  spec: {
    width: 240,
    height: 170,
    mark: { type: "line", point: true },
    encoding: {
      x: { field: "level", type: "quantitative", title: "corruption level" },
      y: { field: "value", type: "quantitative", title: metric, scale: { zero: false } },
      color: { field: "method", type: "nominal", legend: { labelLimit: 300 } },
    },
  },
  resolve: { scale: { x: "independent" } },
});
writeFileSync(
  new URL(`comparison${suffix}.svg`, import.meta.url),
  await svg({ $schema: "https://vega.github.io/schema/vega-lite/v5.json", vconcat: [panel("routing accuracy"), panel("held-out lpd (dense)")] } as TopLevelSpec),
);
const reliability = methods.flatMap((m, j) => results[0][j].bins.flatMap((b) => (b.n > 0 ? [{ method: m.name, confidence: b.confidence / b.n, accuracy: b.correct / b.n, rows: b.n }] : [])));
writeFileSync(
  new URL(`calibration${suffix}.svg`, import.meta.url),
  await svg({
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    width: 320,
    height: 320,
    title: "Clean test rows: top-1 routes by their probability",
    layer: [
      { data: { values: [{ confidence: 0, accuracy: 0 }, { confidence: 1, accuracy: 1 }] }, mark: { type: "line", color: "#999", strokeDash: [4, 4] }, encoding: { x: { field: "confidence", type: "quantitative" }, y: { field: "accuracy", type: "quantitative" } } },
      { data: { values: reliability }, mark: "line", encoding: { x: { field: "confidence", type: "quantitative" }, y: { field: "accuracy", type: "quantitative" }, color: { field: "method", type: "nominal", legend: { labelLimit: 300 } } } },
      {
        // a bin's point grows with its rows
        data: { values: reliability },
        mark: "point",
        encoding: {
          x: { field: "confidence", type: "quantitative", title: "top-1 routing probability", scale: { domain: [0, 1] } },
          y: { field: "accuracy", type: "quantitative", title: "share routed right", scale: { domain: [0, 1] } },
          color: { field: "method", type: "nominal", legend: { labelLimit: 300 } },
          size: { field: "rows", type: "quantitative", title: "rows in bin" },
        },
      },
    ],
  } as TopLevelSpec),
);
console.log(`\nwrote comparison${suffix}.svg and calibration${suffix}.svg; ${fmt((performance.now() - started) / 1000, 0)} s in all`);
