/**
 * Binary experts (spec §2.4): what the streaming weight would lose to an approximation, and
 * what the kernel's exact weight costs.
 * - The integrated weight p(y | statistics) = E[σ(±η)], η ~ N(μ, s²), has no closed form. Its
 *   usual approximation σ(μ/√(1 + πs²/8)) is measured against quadrature over μ ∈ [−10, 10],
 *   s ∈ (0, 10]: the largest error in the probability and in its log (the log weight).
 * - The kernel instead carries a draw of β per particle and weighs by σ(±xᵀβ), which is exact:
 *   the evidence estimate p̂ is unbiased. Its spread is the price: the mean and standard
 *   deviation of p̂/p over independent filters (one logistic expert, 40 rows, p from a grid).
 */
import { compile } from "../api.js";
import { Rng } from "../runtime/rng/rng.js";
import { printTable } from "./util.js";

/** Half-width of the range of {@link logisticNormalMean}'s rule, in sd: the Gaussian mass beyond it is below 1e−15. */
const QUADRATURE_SDS = 8;

/**
 * E[σ(η)] for η ~ N(μ, s²), the probability that y = 1 under a Gaussian posterior of the logit
 * (for summaries, not the hot path): the midpoint rule over μ ± 8s in steps of h = min(0.5,
 * 0.8/s) sd. The rule's error falls as e^{−2πd/h} with d the distance of the integrand's nearest
 * singularity from the real axis, π/s sd for σ's poles, so e^{−2π²/(hs)} ≤ e^{−24}: within 1e−9
 * of the integral with 32 nodes for s ≤ 1.6 and 20s nodes beyond.
 */
function logisticNormalMean(mu: number, s: number): number {
  if (!(s > 0)) return 1 / (1 + Math.exp(-mu));
  const h = Math.min(0.5, 0.8 / s);
  const n = Math.ceil((2 * QUADRATURE_SDS) / h);
  const from = -0.5 * n * h;
  let sum = 0;
  let mass = 0;
  for (let j = 0; j < n; j++) {
    const z = from + (j + 0.5) * h;
    const w = Math.exp(-0.5 * z * z);
    sum += w / (1 + Math.exp(-(mu + s * z)));
    mass += w;
  }
  return sum / mass;
}

function probitError(): void {
  let abs = 0;
  let log = 0;
  let absAt = [0, 0];
  let logAt = [0, 0];
  for (let mu = -10; mu <= 10; mu += 0.1) {
    for (let s = 0.1; s <= 10; s += 0.1) {
      const exact = logisticNormalMean(mu, s);
      const approx = 1 / (1 + Math.exp(-mu / Math.sqrt(1 + (Math.PI * s * s) / 8)));
      if (Math.abs(exact - approx) > abs) [abs, absAt] = [Math.abs(exact - approx), [mu, s]];
      const l = Math.max(Math.abs(Math.log(exact) - Math.log(approx)), Math.abs(Math.log1p(-exact) - Math.log1p(-approx)));
      if (l > log) [log, logAt] = [l, [mu, s]];
    }
  }
  printTable(
    ["σ(μ/√(1 + πs²/8)) against quadrature", "largest error", "at (μ, s)"],
    [
      ["P(y = 1)", abs, `(${absAt.map((v) => v.toFixed(1)).join(", ")})`],
      ["log P(y), the log weight", log, `(${logAt.map((v) => v.toFixed(1)).join(", ")})`],
    ],
  );
}

function evidenceSpread(): void {
  const source = `model logit1(c: real = 4) {
    data x: vector[D]
    data y: int
    beta ~ mvnormal(0, c * I(D))
    y ~ bernoulli_logit(dot(beta, x))
  }`;
  const rng = Rng.fromSeed(3);
  const n = 40;
  const X: number[][] = [];
  const Y: number[] = [];
  for (let s = 0; s < n; s++) {
    const u = rng.normal();
    X.push([1, u]);
    Y.push(rng.uniform() < 1 / (1 + Math.exp(-(0.5 - 1.5 * u))) ? 1 : 0);
  }
  // log p(y) on a 301² grid over [−6, 6]²
  const G = 301;
  const h = 12 / (G - 1);
  const lp: number[] = [];
  let max = -Infinity;
  for (let a = 0; a < G; a++) {
    for (let b = 0; b < G; b++) {
      const [b0, b1] = [-6 + a * h, -6 + b * h];
      let l = -0.5 * (b0 * b0 + b1 * b1) / 4 - Math.log(8 * Math.PI);
      for (let s = 0; s < n; s++) {
        const e = b0 * X[s][0] + b1 * X[s][1];
        l -= Math.log1p(Math.exp(Y[s] ? -e : e));
      }
      lp.push(l);
      max = Math.max(max, l);
    }
  }
  const logZ = Math.log(lp.reduce((acc, l) => acc + Math.exp(l - max), 0) * h * h) + max;
  const rows = [50, 200].map((particles) => {
    const runs = 300;
    const r: number[] = [];
    for (let seed = 1; seed <= runs; seed++) {
      const f = compile(source, {}).filter({ particles, seed, D: 2, sets: 1 });
      for (let s = 0; s < n; s++) f.observe(X[s], Y[s]);
      r.push(Math.exp(f.logEvidence - logZ));
    }
    const mean = r.reduce((a, b) => a + b, 0) / runs;
    const sd = Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / (runs - 1));
    return [particles, runs, mean, sd / Math.sqrt(runs), sd];
  });
  printTable(["particles", "runs", "mean p̂/p", "its SE", "sd of p̂/p"], rows);
}

export default function main(): void {
  probitError();
  evidenceSpread();
}
