/**
 * Sampler throughput: draws per second for the basic samplers and for PG(1, c), scalar and
 * batch, with PG also reported as a multiple of the cost of one Gamma(1) draw (BayesLogit
 * reports about 4). Goal (issue 4): PG(1, c) ≥ 3 million draws/s single-threaded.
 * Also PG(11, c), a binomial expert's row of 11 trials, drawn as `polyaGamma` does (two J*(4)
 * and one J*(3), spec §4.3) and as the sum of 11 PG(1, c) draws it equals in law; the ratio of
 * the two is the saving of the direct J*(h) draws.
 */
import { Rng } from "../runtime/rng/rng.js";
import { gamma, gammaBatch, normalBatch } from "../runtime/rng/samplers.js";
import { polyaGamma, polyaGamma1, polyaGammaBatch } from "../runtime/rng/polya-gamma.js";
import { printTable, timeIt } from "./util.js";

const BATCH = 1024;

/**
 * Each case is its own function literal (not a closure from one factory) so that V8 keeps its
 * call sites monomorphic; a shared loop calling many different samplers would measure the
 * megamorphic dispatch instead of the sampler. Scalar cases return draws per call; batch cases
 * fill BATCH values per call.
 */
function cases(rng: Rng): [string, number, (reps: number) => number][] {
  const out = new Float64Array(BATCH);
  const fill = (c: number) => new Float64Array(BATCH).fill(c);
  const [c0, c1, c10, c100] = [fill(0), fill(1), fill(10), fill(100)];
  // A sweep's c values all differ, so the proposal set-up is paid on every draw.
  const cNormal = Float64Array.from({ length: BATCH }, () => 3 * rng.normal());
  const cWide = Float64Array.from({ length: BATCH }, () => 100 * rng.uniform());
  return [
    [
      "uniform",
      1,
      (r) => {
        let s = 0;
        for (let i = 0; i < r; i++) s += rng.uniform();
        return s;
      },
    ],
    [
      "normal",
      1,
      (r) => {
        let s = 0;
        for (let i = 0; i < r; i++) s += rng.normal();
        return s;
      },
    ],
    [
      "exponential",
      1,
      (r) => {
        let s = 0;
        for (let i = 0; i < r; i++) s += rng.exponential();
        return s;
      },
    ],
    [
      "gamma(1)",
      1,
      (r) => {
        let s = 0;
        for (let i = 0; i < r; i++) s += gamma(rng, 1);
        return s;
      },
    ],
    [
      "gamma(0.5)",
      1,
      (r) => {
        let s = 0;
        for (let i = 0; i < r; i++) s += gamma(rng, 0.5);
        return s;
      },
    ],
    [
      "PG(1, 0)",
      1,
      (r) => {
        let s = 0;
        for (let i = 0; i < r; i++) s += polyaGamma1(rng, 0);
        return s;
      },
    ],
    [
      "PG(1, 1)",
      1,
      (r) => {
        let s = 0;
        for (let i = 0; i < r; i++) s += polyaGamma1(rng, 1);
        return s;
      },
    ],
    [
      "PG(1, 10)",
      1,
      (r) => {
        let s = 0;
        for (let i = 0; i < r; i++) s += polyaGamma1(rng, 10);
        return s;
      },
    ],
    [
      "PG(1, 100)",
      1,
      (r) => {
        let s = 0;
        for (let i = 0; i < r; i++) s += polyaGamma1(rng, 100);
        return s;
      },
    ],
    [
      "normalBatch",
      BATCH,
      (r) => {
        for (let i = 0; i < r; i++) normalBatch(rng, out);
        return out[0];
      },
    ],
    [
      "gammaBatch(1)",
      BATCH,
      (r) => {
        for (let i = 0; i < r; i++) gammaBatch(rng, 1, out);
        return out[0];
      },
    ],
    [
      "gammaBatch(0.5)",
      BATCH,
      (r) => {
        for (let i = 0; i < r; i++) gammaBatch(rng, 0.5, out);
        return out[0];
      },
    ],
    [
      "PG(1, 0) batch",
      BATCH,
      (r) => {
        for (let i = 0; i < r; i++) polyaGammaBatch(rng, c0, out);
        return out[0];
      },
    ],
    [
      "PG(1, 1) batch",
      BATCH,
      (r) => {
        for (let i = 0; i < r; i++) polyaGammaBatch(rng, c1, out);
        return out[0];
      },
    ],
    [
      "PG(1, 10) batch",
      BATCH,
      (r) => {
        for (let i = 0; i < r; i++) polyaGammaBatch(rng, c10, out);
        return out[0];
      },
    ],
    [
      "PG(1, 100) batch",
      BATCH,
      (r) => {
        for (let i = 0; i < r; i++) polyaGammaBatch(rng, c100, out);
        return out[0];
      },
    ],
    [
      "PG(1, c~N(0,3²)) batch",
      BATCH,
      (r) => {
        for (let i = 0; i < r; i++) polyaGammaBatch(rng, cNormal, out);
        return out[0];
      },
    ],
    [
      "PG(11, c~N(0,3²)), J*(4) + J*(4) + J*(3)",
      BATCH,
      (r) => {
        let s = 0;
        for (let i = 0; i < r; i++) for (let j = 0; j < BATCH; j++) s += polyaGamma(rng, 11, cNormal[j]);
        return s;
      },
    ],
    [
      "PG(11, c~N(0,3²)), 11 × PG(1)",
      BATCH,
      (r) => {
        let s = 0;
        for (let i = 0; i < r; i++) {
          for (let j = 0; j < BATCH; j++) for (let k = 0; k < 11; k++) s += polyaGamma1(rng, cNormal[j]);
        }
        return s;
      },
    ],
    [
      "PG(1, c~U(0,100)) batch",
      BATCH,
      (r) => {
        for (let i = 0; i < r; i++) polyaGammaBatch(rng, cWide, out);
        return out[0];
      },
    ],
  ];
}

export default function run(): void {
  const rng = Rng.fromSeed("bench");
  const rates = cases(rng).map(([name, perCall, fn]) => [name, timeIt(fn).rate * perCall] as const);
  const gammaRate = rates.find(([name]) => name === "gamma(1)")![1];
  printTable(
    ["sampler", "M draws/s", "cost in gamma(1) draws"],
    rates.map(([name, rate]) => [name, rate / 1e6, gammaRate / rate]),
  );
  const rate = (prefix: string) => rates.find(([name]) => name.startsWith(prefix))![1];
  console.log(`PG(11, c): the direct J*(h) draws are ${(rate("PG(11, c~N(0,3²)), J*") / rate("PG(11, c~N(0,3²)), 11")).toFixed(2)}× as fast as 11 PG(1) draws`);
}
