/**
 * The deterministic router of examples/routing: a softmax-gated mixture of K Gaussian linear
 * experts fitted by maximum likelihood with EM, the point-estimate counterpart of the HS-MoE.
 *
 * Model: P(z = k | x) = softmax(W x)_k with the last row of W pinned at 0 (so W is identified),
 * y | z = k ~ N(β_kᵀx, σ²_k). EM alternates
 * - E-step: responsibilities r_tk ∝ P(z = k | x_t) N(y_t; β_kᵀx_t, σ²_k);
 * - M-step, experts: weighted least squares per expert, σ²_k its weighted mean squared residual,
 *   floored at {@link VARIANCE_FLOOR}·var(y) so that an expert cannot shrink onto a few rows and
 *   send the likelihood to infinity;
 * - M-step, gate: Newton steps (one per iteration by default) on Σ_t Σ_k r_tk log softmax(W x_t)_k,
 *   the responsibilities as soft targets, with a tiny ridge (λ/2)·‖W‖², λ = {@link GATE_RIDGE},
 *   that keeps the Newton system positive definite when a gate grows sharp; each step is halved
 *   until the objective rises, so every iteration raises the penalised likelihood (a generalised
 *   EM).
 * Several restarts from seeded random starts (each expert a flat line at the y of a random row);
 * the fit of highest penalised likelihood is kept. Routing is Switch-style top-1: the expert of
 * highest gate probability.
 */
import { Rng } from "../../runtime/rng/rng.js";
import { cholesky, solveLower, solveLowerT } from "../../runtime/linalg/index.js";
import { logSumExp } from "../../runtime/math/special.js";

/** The noise-variance floor, as a share of the response's variance. */
export const VARIANCE_FLOOR = 1e-3;

/** The gate's ridge λ (the penalty is λ/2 times the sum of the squared gate coefficients). */
export const GATE_RIDGE = 1e-3;

const LOG_2PI = Math.log(2 * Math.PI);

/** A fitted mixture: its parameters and how the fit went. */
export interface MixtureFit {
  /** Experts. */
  K: number;
  /** Inputs per row. */
  D: number;
  /** Gate coefficients, K×D row-major; the last row is 0. */
  gate: Float64Array;
  /** Expert coefficients, K×D row-major. */
  beta: Float64Array;
  /** Expert noise variances. */
  variance: Float64Array;
  /** Log likelihood of the training rows at the fit. */
  logLikelihood: number;
  /** The penalised log likelihood after each EM iteration of the kept restart (non-decreasing). */
  history: number[];
  /** The final penalised log likelihood of every restart, in order. */
  restarts: number[];
}

/** Options of {@link fitMixture}. */
export interface MixtureOptions {
  /** Experts. */
  K: number;
  /** Random starts (default 10). */
  restarts?: number;
  /** Seed of the starts (default 1). */
  seed?: number;
  /** Most EM iterations per start (default 500). */
  maxIterations?: number;
  /** Stop when an iteration raises the penalised log likelihood by less than this per row (default 1e-6). */
  tolerance?: number;
  /** Newton steps on the gate per M-step (default 1). */
  gateSteps?: number;
}

/** Gate probabilities at one row `x` into `out` (K entries); returns `out`. */
export function gateProbabilities(fit: MixtureFit, x: ArrayLike<number>, out = new Float64Array(fit.K)): Float64Array {
  const { K, D, gate } = fit;
  for (let k = 0; k < K; k++) {
    let s = 0;
    for (let j = 0; j < D; j++) s += gate[k * D + j] * x[j];
    out[k] = s;
  }
  const lse = logSumExp(out, 0, K);
  for (let k = 0; k < K; k++) out[k] = Math.exp(out[k] - lse);
  return out;
}

/** Expert k's mean at `x`. */
function expertMean(fit: MixtureFit, k: number, x: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < fit.D; j++) s += fit.beta[k * fit.D + j] * x[j];
  return s;
}

/** Log of the normal density of y with mean m and variance v. */
function logNormal(y: number, m: number, v: number): number {
  return -0.5 * (LOG_2PI + Math.log(v) + ((y - m) * (y - m)) / v);
}

/**
 * The prediction at `x`: the route (top-1 expert, 1-based, and its gate probability), the gate
 * probabilities, and two predictive densities of y — the dense mixture of every expert weighted
 * by the gate, and the routed expert alone (what a top-1 router predicts with).
 */
export function predict(fit: MixtureFit, x: ArrayLike<number>) {
  const p = gateProbabilities(fit, x);
  let top = 0;
  for (let k = 1; k < fit.K; k++) if (p[k] > p[top]) top = k;
  const means = Float64Array.from({ length: fit.K }, (_, k) => expertMean(fit, k, x));
  const terms = new Float64Array(fit.K);
  return {
    expert: top + 1,
    probability: p[top],
    gate: p,
    dense: {
      mean: means.reduce((a, m, k) => a + p[k] * m, 0),
      logDensity(y: number): number {
        for (let k = 0; k < fit.K; k++) terms[k] = Math.log(p[k]) + logNormal(y, means[k], fit.variance[k]);
        return logSumExp(terms, 0, fit.K);
      },
    },
    top1: {
      mean: means[top],
      logDensity: (y: number) => logNormal(y, means[top], fit.variance[top]),
    },
  };
}

/**
 * Fits the mixture by EM from several seeded random starts and keeps the best.
 * @param X - inputs, n×D row-major (an intercept column included if wanted)
 * @param y - responses, n entries
 */
export function fitMixture(X: Float64Array, y: Float64Array, options: MixtureOptions): MixtureFit {
  const { K, restarts = 10, seed = 1, maxIterations = 500, tolerance = 1e-6, gateSteps = 1 } = options;
  const n = y.length;
  const D = X.length / n;
  if (!Number.isInteger(D) || D < 1) throw new Error("fitMixture: X must hold n×D entries");
  const meanY = y.reduce((a, v) => a + v, 0) / n;
  const varY = y.reduce((a, v) => a + (v - meanY) ** 2, 0) / n;
  const floor = VARIANCE_FLOOR * varY;
  const rng = Rng.fromSeed(seed);
  let best: MixtureFit | undefined;
  const finals: number[] = [];
  const em = new Em(X, y, K, D, floor);
  for (let r = 0; r < restarts; r++) {
    const fit: MixtureFit = { K, D, gate: new Float64Array(K * D), beta: new Float64Array(K * D), variance: new Float64Array(K), logLikelihood: -Infinity, history: [], restarts: [] };
    for (let k = 0; k < K; k++) {
      fit.beta[k * D] = y[Math.floor(rng.uniform() * n)];
      fit.variance[k] = varY / K;
    }
    let previous = -Infinity;
    for (let it = 0; it < maxIterations; it++) {
      fit.logLikelihood = em.expectation(fit);
      const objective = fit.logLikelihood - penalty(fit.gate);
      fit.history.push(objective);
      if (objective - previous < tolerance * n) break;
      previous = objective;
      em.maximisation(fit, gateSteps);
    }
    finals.push(fit.history[fit.history.length - 1]);
    if (!best || finals[r] > best.history[best.history.length - 1]) best = fit;
  }
  best!.restarts = finals;
  return best!;
}

/** The gate's ridge penalty (λ/2)·‖W‖². */
function penalty(gate: Float64Array): number {
  let s = 0;
  for (let i = 0; i < gate.length; i++) s += gate[i] * gate[i];
  return 0.5 * GATE_RIDGE * s;
}

/** EM's data, responsibilities and scratch, shared by the starts (each E-step rewrites them). */
class Em {
  /** Responsibilities, n×K. */
  private readonly resp: Float64Array;
  /** Gate log probabilities, n×K (filled by {@link gateLogProbabilities}). */
  private readonly logGate: Float64Array;
  private readonly terms: Float64Array;
  /** The packed lower triangle of x_t x_tᵀ for every row, n×D(D+1)/2: the Hessian's blocks are their weighted sums. */
  private readonly outer: Float64Array;

  constructor(
    private readonly X: Float64Array,
    private readonly y: Float64Array,
    private readonly K: number,
    private readonly D: number,
    private readonly floor: number,
  ) {
    const n = y.length;
    this.resp = new Float64Array(n * K);
    this.logGate = new Float64Array(n * K);
    this.terms = new Float64Array(K);
    const T = (D * (D + 1)) / 2;
    this.outer = new Float64Array(n * T);
    for (let t = 0, q = 0; t < n; t++) for (let i = 0; i < D; i++) for (let j = 0; j <= i; j++, q++) this.outer[q] = X[t * D + i] * X[t * D + j];
  }

  /** log softmax(W x_t) for every row into {@link logGate}; returns Σ_t Σ_k r_tk log p_tk. */
  private gateLogProbabilities(gate: Float64Array): number {
    const { X, K, D, logGate, resp } = this;
    const n = this.y.length;
    let q = 0;
    for (let t = 0; t < n; t++) {
      for (let k = 0; k < K; k++) {
        let s = 0;
        for (let j = 0; j < D; j++) s += gate[k * D + j] * X[t * D + j];
        logGate[t * K + k] = s;
      }
      const lse = logSumExp(logGate, t * K, t * K + K);
      for (let k = 0; k < K; k++) {
        logGate[t * K + k] -= lse;
        q += resp[t * K + k] * logGate[t * K + k];
      }
    }
    return q;
  }

  /** E-step: the responsibilities at the current parameters; returns the log likelihood. */
  expectation(fit: MixtureFit): number {
    const { X, y, K, D, resp, logGate, terms } = this;
    this.gateLogProbabilities(fit.gate);
    let ll = 0;
    for (let t = 0; t < y.length; t++) {
      for (let k = 0; k < K; k++) {
        let m = 0;
        for (let j = 0; j < D; j++) m += fit.beta[k * D + j] * X[t * D + j];
        terms[k] = logGate[t * K + k] + logNormal(y[t], m, fit.variance[k]);
      }
      const lse = logSumExp(terms, 0, K);
      ll += lse;
      for (let k = 0; k < K; k++) resp[t * K + k] = Math.exp(terms[k] - lse);
    }
    return ll;
  }

  /** M-step: each expert by weighted least squares, then the gate by damped Newton steps. */
  maximisation(fit: MixtureFit, gateSteps: number): void {
    this.experts(fit);
    for (let s = 0; s < gateSteps; s++) this.newtonStep(fit.gate);
  }

  private experts(fit: MixtureFit): void {
    const { X, y, K, D, resp } = this;
    const n = y.length;
    const A = new Float64Array(D * D);
    const b = new Float64Array(D);
    const L = new Float64Array(D * D);
    const v = new Float64Array(D);
    const { outer } = this;
    const T = outer.length / n;
    const packed = new Float64Array(T);
    for (let k = 0; k < K; k++) {
      packed.fill(0);
      b.fill(0);
      let w = 0;
      for (let t = 0; t < n; t++) {
        const r = resp[t * K + k];
        if (r === 0) continue;
        w += r;
        for (let i = 0; i < D; i++) b[i] += r * X[t * D + i] * y[t];
        const o = t * T;
        for (let q = 0; q < T; q++) packed[q] += r * outer[o + q];
      }
      for (let i = 0, q = 0; i < D; i++) for (let j = 0; j <= i; j++, q++) A[i * D + j] = packed[q];
      // An expert with almost no rows keeps its line: there is nothing to fit it to.
      if (w < 1e-8) continue;
      // 1e−8 on the diagonal only guards the factorisation of an expert with fewer rows than inputs.
      for (let i = 0; i < D; i++) A[i * D + i] += 1e-8 * (A[i * D + i] + 1);
      if (!cholesky(A, 0, D, L, 0)) continue;
      solveLower(L, 0, D, b, 0, v, 0);
      solveLowerT(L, 0, D, v, 0, fit.beta, k * D);
      let rss = 0;
      for (let t = 0; t < n; t++) {
        let m = 0;
        for (let j = 0; j < D; j++) m += fit.beta[k * D + j] * X[t * D + j];
        rss += resp[t * K + k] * (y[t] - m) ** 2;
      }
      fit.variance[k] = Math.max(this.floor, rss / w);
    }
  }

  /**
   * One Newton step on the gate's objective Q(W) = Σ_t Σ_k r_tk log p_tk − (λ/2)‖W‖² over the
   * K − 1 free rows, halved until Q rises (at most 30 halvings; otherwise W stays).
   */
  private newtonStep(gate: Float64Array): void {
    const { X, K, D, resp, logGate } = this;
    const n = this.y.length;
    const F = K - 1;
    const P = F * D;
    const q0 = this.gateLogProbabilities(gate) - penalty(gate);
    const prob = logGate.map(Math.exp);
    const g = new Float64Array(P);
    for (let t = 0; t < n; t++) {
      for (let a = 0; a < F; a++) {
        const ga = resp[t * K + a] - prob[t * K + a];
        for (let i = 0; i < D; i++) g[a * D + i] += ga * X[t * D + i];
      }
    }
    // −∂²Q/∂W_a∂W_c = Σ_t p_ta (δ_ac − p_tc) x_t x_tᵀ: per pair of rows a ≥ c, a weighted sum of the
    // rows' packed outer products, scattered into H's lower triangle (all the factorisation reads)
    const { outer } = this;
    const T = outer.length / n;
    const H = new Float64Array(P * P);
    const block = new Float64Array(T);
    for (let a = 0; a < F; a++) {
      for (let c = 0; c <= a; c++) {
        block.fill(0);
        for (let t = 0; t < n; t++) {
          const w = prob[t * K + a] * ((a === c ? 1 : 0) - prob[t * K + c]);
          const o = t * T;
          for (let q = 0; q < T; q++) block[q] += w * outer[o + q];
        }
        for (let i = 0, q = 0; i < D; i++) {
          for (let j = 0; j <= i; j++, q++) {
            H[(a * D + i) * P + c * D + j] = block[q];
            H[(a * D + j) * P + c * D + i] = block[q];
          }
        }
      }
    }
    for (let i = 0; i < P; i++) {
      g[i] -= GATE_RIDGE * gate[i];
      H[i * P + i] += GATE_RIDGE;
    }
    const L = new Float64Array(P * P);
    if (!cholesky(H, 0, P, L, 0)) return;
    const v = new Float64Array(P);
    const step = new Float64Array(P);
    solveLower(L, 0, P, g, 0, v, 0);
    solveLowerT(L, 0, P, v, 0, step, 0);
    const start = gate.slice(0, P);
    for (let halvings = 0, size = 1; halvings <= 30; halvings++, size /= 2) {
      for (let i = 0; i < P; i++) gate[i] = start[i] + size * step[i];
      if (this.gateLogProbabilities(gate) - penalty(gate) >= q0) return;
    }
    gate.set(start);
    this.gateLogProbabilities(gate);
  }
}
