/**
 * The particle fit against the number of inputs (docs/STATUS.md, Known gaps): the flagship
 * (stdlib/hsmoe.moe, K = 8) on the first 500 training rows of examples/routing (seven regimes
 * routed by x2..x4, lines in x2 and x3, noise sd 0.3), reading x1..xD for D = 4, 8 and 16 (the
 * other inputs are noise), scored on the first 1,000 test rows against the true model. The
 * regimes are the same at every D, so a fit that finds them scores near the truth whatever D;
 * at D = 16 the fit gives most rows to one broad expert. A quick loop for work on the sweeps'
 * moves: each fit takes seconds.
 *
 * Per D: the held-out mean log predictive density and the truth's, the log evidence, the
 * distinct initial ancestors left, the posterior mean number of active experts, the usage of
 * the most used expert (the truth's largest regime holds 17 %), and the seconds of the fit.
 *
 * Then the sampler against a bound: the same fit with a fixed Normal prior on the gate
 * (stdlib/moe-normal-gate.moe), whose log evidence log p(y) is at least log p(y, z) for the
 * true regimes' allocation z (bench/oracle.ts: the experts exactly, the sticks by Laplace, so
 * the computed bound is approximate; the best of 200 orders of the regimes' labels). A fit whose
 * evidence falls hundreds of nats below the bound has missed the truth's mode: the sampler
 * failed, not the model. The last row refits 4 inputs with a sweep every 5 rows (`--sweeps
 * 5,500`), which reaches the bound.
 */
import { readFileSync } from "node:fs";
import { compile } from "../api.js";
import { readCsvRows } from "../examples/data/write.js";
import { NOISE_SD, truthGate, truthMean } from "../examples/routing/generate.js";
import { printTable } from "./util.js";
import { logJoint } from "./oracle.js";
import { Rng } from "../runtime/rng/rng.js";
import type { Schedule } from "../runtime/pl/schedule.js";

const ROWS = 500;
const TEST_ROWS = 1000;
const PARTICLES = 1000;
const K = 8;
/** The regime column, after the response. */
const REGIME = 17;
const LABEL_ORDERS = 200;

export default function run(): void {
  const url = (part: string) => new URL(`../../examples/routing/routing-${part}.csv`, import.meta.url);
  const train = readCsvRows(url("train")).slice(0, ROWS);
  const test = readCsvRows(url("test")).slice(0, TEST_ROWS);
  const source = readFileSync(new URL("../../stdlib/hsmoe.moe", import.meta.url), "utf8");
  const Y = 16; // the response's column: after x1..x16
  /** A fit on x1..xD and its held-out lpd; seconds of the fit alone, and with the scoring. */
  const fitAndScore = (model: string, D: number, schedule?: Schedule) => {
    const t0 = performance.now();
    const f = compile(model, { K }).filter({ particles: PARTICLES, seed: 1, D, ...(schedule ? { schedule } : {}) });
    for (const r of train) f.observe(r.slice(0, D), r[Y]);
    f.finish();
    const fitSeconds = (performance.now() - t0) / 1000;
    let lpd = 0;
    for (const r of test) lpd += f.predict(r.slice(0, D), []).logDensity(r[Y]) / test.length;
    return { f, lpd, fitSeconds, seconds: (performance.now() - t0) / 1000 };
  };
  // the truth reads x2..x4 whatever inputs a fit is given
  let truth = 0;
  for (const r of test) {
    const g = truthGate(r);
    let p = 0;
    g.forEach((w, k) => (p += (w * Math.exp(-0.5 * ((r[Y] - truthMean(k, r)) / NOISE_SD) ** 2)) / (NOISE_SD * Math.sqrt(2 * Math.PI))));
    truth += Math.log(p) / test.length;
  }
  const table: (string | number)[][] = [];
  for (const D of [4, 8, 16]) {
    const { f, lpd, fitSeconds } = fitAndScore(source, D);
    const usage = f.experts().reduce((a, e) => Math.max(a, e.usage), 0);
    table.push([String(D), lpd.toFixed(3), truth.toFixed(3), f.logEvidence.toFixed(1), String(f.ancestors), f.activeExperts().mean.toFixed(2), usage.toFixed(3), fitSeconds.toFixed(1)]);
  }
  printTable(["inputs", "held-out lpd", "truth lpd", "log evidence", "ancestors", "active experts", "top usage", "s"], table);
  console.log(`flagship, K = ${K}, ${PARTICLES} particles, seed 1; ${ROWS} training rows and ${TEST_ROWS} test rows of examples/routing`);

  const normalGate = readFileSync(new URL("../../stdlib/moe-normal-gate.moe", import.meta.url), "utf8");
  // regimes are numbered from 1: label 0 joins the shuffle, so the order also picks the empty expert
  const regimes = 1 + train.reduce((a, r) => Math.max(a, r[REGIME]), 0);
  const y = Float64Array.from(train, (r) => r[Y]);
  /** log p(y, z_true) on x1..xD under the model's default priors (g = 10, a0 = 2, b0 = 1, s = 2.5), the best of several label orders. */
  const boundFor = (D: number) => {
    const X = Float64Array.from(train.flatMap((r) => r.slice(0, D)));
    const rng = Rng.fromSeed(1);
    const order = Array.from({ length: regimes }, (_, k) => k);
    let best = { experts: -Infinity, gate: -Infinity };
    for (let trial = 0; trial < LABEL_ORDERS; trial++) {
      for (let j = regimes - 1; j > 0; j--) {
        const u = Math.floor(rng.uniform() * (j + 1));
        [order[j], order[u]] = [order[u], order[j]];
      }
      const joint = logJoint(X, y, train.map((r) => order[r[REGIME]]), K, D, { g: 10, a0: 2, b0: 1 }, 2.5);
      if (joint.experts + joint.gate > best.experts + best.gate) best = joint;
    }
    return best;
  };
  const bounds = new Map<number, { experts: number; gate: number }>();
  const bound: (string | number)[][] = [];
  for (const [D, schedule] of [[4], [8], [16], [4, { denseEvery: 5, denseUntil: ROWS }]] as [number, Schedule?][]) {
    const { f, lpd, seconds } = fitAndScore(normalGate, D, schedule);
    if (!bounds.has(D)) bounds.set(D, boundFor(D));
    const best = bounds.get(D)!;
    const truth = best.experts + best.gate;
    const sweeps = schedule ? `${schedule.denseEvery},${schedule.denseUntil}` : "default";
    bound.push([String(D), sweeps, f.logEvidence.toFixed(1), truth.toFixed(1), (truth - f.logEvidence).toFixed(1), best.experts.toFixed(1), best.gate.toFixed(1), lpd.toFixed(3), seconds.toFixed(1)]);
  }
  printTable(["inputs", "sweeps", "log evidence", "log p(y, z_true) ≈", "gap", "experts", "gate", "held-out lpd", "s"], bound);
  console.log(`stdlib/moe-normal-gate.moe (φ ~ N(0, 2.5²)), K = ${K}, ${PARTICLES} particles, seed 1; log p(y) ≥ log p(y, z_true), here with the sticks by Laplace, the best of ${LABEL_ORDERS} label orders`);
}
