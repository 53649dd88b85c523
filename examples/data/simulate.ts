/**
 * Synthetic data sets with a known truth, for examples, tests and benchmarks.
 *
 * Each generator is a Gaussian mixture of linear experts with an input-dependent gate, written
 * down exactly ({@link MixtureOfExperts}), so a test can score a fit against the data-generating
 * predictive density: {@link heldoutLpd} is the truth's mean log predictive density per test row,
 * the ceiling a fitted model's held-out lpd approaches (DESIGN §3 `heldout.lpd`).
 *
 * Determinism: everything is a function of the seed alone. The parameters, the training rows and
 * the test rows come from independent child streams of `Rng.fromSeed(seed)` keyed by the data
 * set's name, so asking for more training rows leaves the parameters and the test rows unchanged.
 *
 * Rounding: inputs and responses are rounded to 6 decimals when drawn (an input before its
 * allocation and response are drawn from it), so a row written to CSV and read back is the same
 * row, bit for bit. Rounding the response puts it on a 1e−6 grid, which moves a log density by
 * far less than any figure quoted for it.
 */
import { Rng } from "../../runtime/rng/rng.js";
import { categoricalLog, normal, uniform } from "../../runtime/rng/samplers.js";
import { log1mSigmoid, logSigmoid, logSumExp } from "../../runtime/math/special.js";
import { normalLogPdfSd } from "../../runtime/math/log-density.js";

/** One observation: the input vector (intercept first where there is one), response, true expert (1-based). */
export interface SyntheticRow {
  x: number[];
  y: number;
  z: number;
}

/**
 * The gate of a data-generating model. `stickbreaking`: K−1 sticks, stick l stops with
 * probability σ(xᵀφ_l) (spec E5), exactly the gate of `stdlib/hsmoe.moe`. `softmax`: expert k has
 * logit xᵀw_k + c_k (spec E4).
 */
export type Gate =
  | { kind: "stickbreaking"; phi: number[][] }
  | { kind: "softmax"; weights: number[][]; offsets: number[] };

/** A Gaussian mixture of linear experts: y | z = k, x ~ N(xᵀβ_k, σ_k²), z | x from the gate. */
export interface MixtureOfExperts {
  K: number;
  D: number;
  gate: Gate;
  /** K rows of D coefficients. */
  beta: number[][];
  /** K noise standard deviations. */
  sigma: number[];
}

/** A generated data set with its truth. */
export interface SyntheticData {
  name: string;
  seed: number;
  truth: MixtureOfExperts;
  train: SyntheticRow[];
  test: SyntheticRow[];
  /** log p(y | x) under the data-generating model (the mixture, allocation summed out). */
  trueLogDensity(x: ArrayLike<number>, y: number): number;
}

/** Row counts; each generator has its own defaults. */
export interface SizeOptions {
  nTrain?: number;
  nTest?: number;
}

/** Writes log g_k(x) for k = 1..K into `out[0..K)`. */
export function logGate(truth: MixtureOfExperts, x: ArrayLike<number>, out: Float64Array): void {
  const { gate, K } = truth;
  if (gate.kind === "softmax") {
    for (let k = 0; k < K; k++) out[k] = dot(gate.weights[k], x) + gate.offsets[k];
    const norm = logSumExp(out, 0, K);
    for (let k = 0; k < K; k++) out[k] -= norm;
    return;
  }
  // Stick-breaking in log space (spec §7): log σ(η) and log(1 − σ(η)) never underflow to −∞·0.
  let passed = 0;
  for (let k = 0; k < K - 1; k++) {
    const eta = dot(gate.phi[k], x);
    out[k] = passed + logSigmoid(eta);
    passed += log1mSigmoid(eta);
  }
  out[K - 1] = passed;
}

/** log p(y | x) = log Σ_k g_k(x) N(y; xᵀβ_k, σ_k²) under `truth`. */
export function trueLogDensity(truth: MixtureOfExperts, x: ArrayLike<number>, y: number): number {
  const terms = new Float64Array(truth.K);
  logGate(truth, x, terms);
  for (let k = 0; k < truth.K; k++) terms[k] += normalLogPdfSd(y, dot(truth.beta[k], x), truth.sigma[k]);
  return logSumExp(terms);
}

/** The truth's held-out lpd: mean of {@link SyntheticData.trueLogDensity} over `rows` (the test set by default). */
export function heldoutLpd(data: SyntheticData, rows: SyntheticRow[] = data.test): number {
  let s = 0;
  for (const r of rows) s += data.trueLogDensity(r.x, r.y);
  return s / rows.length;
}

/**
 * Three regimes of a 1-D input, rows `x = [1, u]`, u ~ U(−3, 3), noise sd 0.3 in every regime.
 * Stick 1 stops (regime 1) below u = −1 and stick 2 (regime 2) below u = 1, each with slope 10
 * (φ_1 = (−10, −10), φ_2 = (10, −10)): soft boundaries, 0.44 wide from 10 % to 90 %, where two
 * lines mix. The lines
 * are y = −1.5 − u, y = 1.5u and y = 2.5 − u: a jump of 1 at u = −1, a kink at u = 1. Exactly
 * `stdlib/hsmoe.moe` with K = 3. Defaults: 600 training and 400 test rows.
 */
export function piecewise(seed: number, sizes: SizeOptions = {}): SyntheticData {
  const truth: MixtureOfExperts = {
    K: 3,
    D: 2,
    gate: { kind: "stickbreaking", phi: [[-10, -10], [10, -10]] },
    beta: [[-1.5, -1], [0, 1.5], [2.5, -1]],
    sigma: [0.3, 0.3, 0.3],
  };
  const input = (rng: Rng) => [1, round6(uniform(rng, -3, 3))];
  return generate("piecewise", seed, truth, input, sizes.nTrain ?? 600, sizes.nTest ?? 400);
}

/**
 * Sparse routing: `x = [1, f_1, …, f_10]`, features f_j ~ N(0, 1) independently, K = 3. Only f_1
 * and f_2 route: stick 1 is σ(6 f_1), stick 2 is σ(6 f_2), so expert 1 takes about half the rows
 * and experts 2 and 3 a quarter each; every other gate coefficient is 0, which is what a horseshoe
 * on the gate should find. The experts use the intercept and f_3..f_6, not the routing features:
 * y = 2 + f_3 − f_4 (sd 0.5), y = −1 − f_3 + 1.5 f_5 (sd 0.7), y = f_4 − f_6 (sd 0.6). f_7..f_10
 * are noise to gate and experts alike. Exactly `stdlib/hsmoe.moe` with K = 3. Defaults: 2,000
 * training and 1,000 test rows.
 */
export function sparseRouting(seed: number, sizes: SizeOptions = {}): SyntheticData {
  const D = 11;
  const coefficients = (entries: Record<number, number>) => Array.from({ length: D }, (_, j) => entries[j] ?? 0);
  const truth: MixtureOfExperts = {
    K: 3,
    D,
    gate: { kind: "stickbreaking", phi: [coefficients({ 1: 6 }), coefficients({ 2: 6 })] },
    beta: [coefficients({ 0: 2, 3: 1, 4: -1 }), coefficients({ 0: -1, 3: -1, 5: 1.5 }), coefficients({ 4: 1, 6: -1 })],
    sigma: [0.5, 0.7, 0.6],
  };
  const input = (rng: Rng) => [1, ...Array.from({ length: D - 1 }, () => round6(rng.normal()))];
  return generate("sparse", seed, truth, input, sizes.nTrain ?? 2000, sizes.nTest ?? 1000);
}

/** Temperature and inactive-expert logit of the paper's §4.1 generator (spec §5). */
export const PAPER41 = { K: 10, active: 3, d: 5, temperature: 0.7, bInactive: -3, sigma: 0.5 } as const;

/**
 * The paper's §4.1 set-up as spec §5 suggests reproducing it: x ~ N(0, I_5) with no intercept,
 * K = 10 experts under a softmax gate with logits xᵀw_k / T for the active k ≤ 3 and b_inactive / T
 * for k > 3 (T = 0.7, b_inactive = −3), w_k ~ N(0, I_5), β_k ~ N(0, I_5) for all ten experts,
 * σ_k = 0.5. Parameters are drawn from the seed (w_1..w_3, then β_1..β_10). A softmax gate is not
 * a stick-breaking one, so `stdlib/hsmoe.moe` can only approximate this truth. Defaults: 500
 * training and 500 test rows.
 */
export function paper41(seed: number, sizes: SizeOptions = {}): SyntheticData {
  const { K, active, d, temperature: T, bInactive, sigma } = PAPER41;
  const rng = Rng.fromSeed(seed).split("paper41/parameters");
  const draw = () => Array.from({ length: d }, () => rng.normal());
  const w = Array.from({ length: active }, draw);
  const beta = Array.from({ length: K }, draw);
  const truth: MixtureOfExperts = {
    K,
    D: d,
    gate: {
      kind: "softmax",
      weights: Array.from({ length: K }, (_, k) => (k < active ? w[k].map((v) => v / T) : new Array<number>(d).fill(0))),
      offsets: Array.from({ length: K }, (_, k) => (k < active ? 0 : bInactive / T)),
    },
    beta,
    sigma: new Array<number>(K).fill(sigma),
  };
  const input = (r: Rng) => Array.from({ length: d }, () => round6(r.normal()));
  return generate("paper41", seed, truth, input, sizes.nTrain ?? 500, sizes.nTest ?? 500);
}

/**
 * Draws the training and test rows of `truth` from their own child streams of the seed; the keys
 * name the data set, so two generators given one seed do not share their inputs.
 */
function generate(
  name: string,
  seed: number,
  truth: MixtureOfExperts,
  input: (rng: Rng) => number[],
  nTrain: number,
  nTest: number,
): SyntheticData {
  const root = Rng.fromSeed(seed);
  const rows = (key: string, n: number) => {
    const rng = root.split(`${name}/${key}`);
    const logG = new Float64Array(truth.K);
    return Array.from({ length: n }, () => {
      const x = input(rng);
      logGate(truth, x, logG);
      const k = categoricalLog(rng, logG);
      const y = round6(normal(rng, dot(truth.beta[k], x), truth.sigma[k]));
      return { x, y, z: k + 1 };
    });
  };
  return {
    name,
    seed,
    truth,
    train: rows("train", nTrain),
    test: rows("test", nTest),
    trueLogDensity: (x, y) => trueLogDensity(truth, x, y),
  };
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Rounds to 6 decimals; `+ 0` turns −0 into 0 so a CSV round trip is exact. */
function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6 + 0;
}
