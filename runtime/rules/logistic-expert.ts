/**
 * Rule `polya_gamma_logistic_linear`: expert k of particle i is a logistic regression,
 * `y ~ bernoulli(σ(xᵀβ_k))` with y ∈ {0, 1} and `β_k ~ N(m₀, diag(g))` (spec §2.4).
 *
 * Given Pólya-Gamma auxiliaries ω_s ~ PG(1, x_sᵀβ), the likelihood is Gaussian in β: each row
 * adds ω_s x_s x_sᵀ to the precision and κ_s x_s, κ_s = y_s − ½, to its linear term, so the
 * statistics are those of {@link LinearExpertState} with unit noise, a row weight ω_s and a
 * pseudo-response κ_s/ω_s: `L` factors P̃ = diag(1/g) + Σ ω x xᵀ and `m` = P̃⁻¹(m₀/g + Σ κ x).
 *
 * The particle carries a draw β_k of every expert, as it carries the gate's φ (spec §3.3). The
 * streaming weight of a row is then exact, p(y | x, β_k) = σ(±xᵀβ_k): no integral over β is
 * approximated, so the log evidence stays unbiased; what carrying β costs against the
 * Rao-Blackwellised weight ∫ σ(±xᵀβ) N(β; m, P̃⁻¹) dβ is more spread in the weights (spec §2.4).
 * After the row is allocated to expert k, ω ~ PG(1, xᵀβ_k) is added to its statistics and β_k is redrawn from N(m, P̃⁻¹), a Gibbs step of β given the auxiliaries.
 *
 * In a sweep (spec §3.7) the particle's β_k is the chain's current value: the allocations are
 * drawn given it, then each row of expert k gets a fresh ω at β_k, the statistics are rebuilt
 * and β_k is drawn from them. Under forgetting (spec §3.8) the row terms use
 * {@link weightedOmega} and the draw is corrected by a Metropolis–Hastings test, as the sticks'.
 */
import { cholesky, cholUpdate, dot, solveLower, solveLowerT } from "../linalg/index.js";
import { log1mSigmoid, logSigmoid } from "../math/index.js";
import { mvnPrecChol, polyaGamma1, type Rng } from "../rng/index.js";
import { LinearExpertState } from "./linear-expert.js";
import { addGram } from "./gram.js";
import type { Statistic } from "./statistics.js";
import { temperedLogRatio, weightedOmega } from "./tempered-pg.js";
import { decodeFloat64, encodeFloat64, expectKind } from "../snapshot.js";

/** Hyperparameters: prior β ~ N(m₀, diag(g)). */
export interface LogisticExpertHyper {
  /** Prior variance of β (> 0): one for every coefficient, or one each. */
  readonly g: number | ArrayLike<number>;
  /** Prior mean of β (length d). */
  readonly m0: ArrayLike<number>;
}

/** Particle state of Bernoulli-logit linear experts, conditionally Gaussian given Pólya-Gamma auxiliaries. */
export class LogisticExpertState extends LinearExpertState {
  /** Rule id in the compiler's rule table. */
  static readonly rule = "polya_gamma_logistic_linear";
  /** The response is 0 or 1. */
  static override readonly response = "binary" as const;
  /** The statistics condition on Pólya-Gamma auxiliaries. */
  override readonly augmented = true;
  /** Prior variance of each coefficient (length d). */
  readonly g: Float64Array;
  /** The particle's current draw of each expert's coefficients (N·K blocks of d). */
  readonly beta: Float64Array;
  /** Predictive stash: xᵀβ of the row being weighed, per block (N·K); NaN once consumed. */
  readonly stashEta: Float64Array;
  /** Scratch: L⁻¹x, P̃⁻¹x, the cholUpdate work vector, a rebuild's P̃ and linear term. */
  private readonly wv: Float64Array;
  private readonly uv: Float64Array;
  private readonly workv: Float64Array;
  private readonly Pv: Float64Array;
  private readonly hv: Float64Array;
  /** A rebuild's auxiliaries in the order of its rows (grows with the window). */
  private omegas = new Float64Array(0);

  /** What the block keeps per particle (the stash is gathered but not snapshotted). */
  static override readonly statistics: readonly Statistic[] = [
    { name: "L", size: "K·d²", about: "Cholesky factor of each expert's precision diag(1/g) + Σ ω x xᵀ" },
    { name: "m", size: "K·d", about: "mean of each expert's coefficients given the auxiliaries" },
    { name: "count", size: "K", about: "rows allocated to each expert" },
    { name: "beta", size: "K·d", about: "the current draw of each expert's coefficients" },
    { name: "stashEta", size: "K", about: "xᵀβ of the row being weighed" },
    { name: "oldP", size: "K·d²", about: "Σ ω x xᵀ of the rows folded out of the sweeps' window (ω fixed when folded)" },
    { name: "oldU", size: "K·d", about: "Σ (y − ½) x of the folded rows" },
    { name: "oldN", size: "K", about: "how many rows were folded into each expert" },
  ];

  /** @throws Error unless g > 0 and m₀ has length d. */
  constructor(N: number, K: number, d: number, hyper: LogisticExpertHyper) {
    const g = typeof hyper.g === "number" ? new Float64Array(d).fill(hyper.g) : Float64Array.from(hyper.g);
    if (!g.every((v) => v > 0 && v < Infinity)) throw new Error("polya_gamma_logistic_linear: g must be positive");
    super(N, K, d, hyper.m0, g.map((v) => 1 / v));
    this.g = g;
    this.beta = new Float64Array(N * K * d);
    this.stashEta = new Float64Array(N * K).fill(NaN);
    this.wv = new Float64Array(d);
    this.uv = new Float64Array(d);
    this.workv = new Float64Array(d);
    this.Pv = new Float64Array(d * d);
    this.hv = new Float64Array(d);
  }

  /** The compiler's constructor. */
  static create(N: number, K: number, d: number, hyper: { g: number | ArrayLike<number>; m0: number | ArrayLike<number> }): LogisticExpertState {
    return new LogisticExpertState(N, K, d, { g: hyper.g, m0: typeof hyper.m0 === "number" ? new Float64Array(d).fill(hyper.m0) : hyper.m0 });
  }

  /** Restores a state written by {@link toJSON} (its constants are in the snapshot). */
  static restore(json: unknown): LogisticExpertState {
    return LogisticExpertState.fromJSON(json);
  }

  /** Sets every expert of particle i to the prior and draws its β from it. */
  init(i: number, rng: Rng): void {
    this.initBlocks(i);
    for (let k = 0; k < this.K; k++) this.drawBeta(rng, i, k);
  }

  /** β of expert k of particle i into the particle's own draw. */
  private drawBeta(rng: Rng, i: number, k: number): void {
    this.drawParams(rng, i, k, this.beta, (i * this.K + k) * this.d);
  }

  /**
   * β of expert k of particle i from N(m, P̃⁻¹), its conditional given the auxiliaries, into
   * `beta[betaOff …]` (a triangular solve, O(d²)); returns 1, the pseudo-responses' noise variance.
   */
  drawParams(rng: Rng, i: number, k: number, beta: Float64Array, betaOff: number): number {
    const b = i * this.K + k;
    const d = this.d;
    mvnPrecChol(rng, d, this.L, b * d * d, this.m, b * d, beta, betaOff);
    return 1;
  }

  /** `out[outOff + k] = log σ(±xᵀβ_k)` (+ when y = 1) for k < K; stashes xᵀβ_k for the update. */
  predictive(i: number, x: Float64Array, xOff: number, y: number, out: Float64Array, outOff: number): void {
    const d = this.d;
    for (let k = 0, b = i * this.K; k < this.K; k++, b++) {
      const eta = dot(x, xOff, this.beta, b * d, d);
      this.stashEta[b] = eta;
      out[outOff + k] = y === 1 ? logSigmoid(eta) : log1mSigmoid(eta);
    }
  }

  /**
   * The streaming update of expert k of particle i with the row (x, y) (spec §2.4): ω ~ PG(1, η)
   * at the stashed η = xᵀβ_k, P̃ += ω x xᵀ by a rank-one update of L, m += P̃⁻¹x·(κ − ω xᵀm)/(1 + ω xᵀP̃⁻¹x)
   * (Sherman–Morrison), then β_k redrawn. O(d²).
   * @returns `false`, with the expert unchanged, on a non-finite row.
   * @throws Error if the block has no unconsumed stash (a kernel bug, not a data problem).
   */
  override updateStashed(i: number, k: number, x: Float64Array, xOff: number, y: number, rng: Rng): boolean {
    const b = i * this.K + k;
    const eta = this.stashEta[b];
    if (Number.isNaN(eta)) throw new Error(`updateStashed: no predictive stash for particle ${i}, expert ${k}`);
    this.stashEta[b] = NaN;
    if (!Number.isFinite(eta)) return false;
    const d = this.d;
    const lo = b * d * d;
    const omega = polyaGamma1(rng, eta);
    solveLower(this.L, lo, d, x, xOff, this.wv, 0);
    let s2 = 0;
    for (let j = 0; j < d; j++) s2 += this.wv[j] * this.wv[j];
    solveLowerT(this.L, lo, d, this.wv, 0, this.uv, 0);
    const xm = dot(x, xOff, this.m, b * d, d);
    if (!cholUpdate(this.L, lo, d, x, xOff, this.workv, 0, omega)) return false;
    const f = (y - 0.5 - omega * xm) / (1 + omega * s2);
    for (let j = 0; j < d; j++) this.m[b * d + j] += this.uv[j] * f;
    this.count[b] += 1;
    this.drawBeta(rng, i, k);
    return true;
  }

  /** Sweep step 1: the particle's current β of every expert is the chain's state (nothing is drawn). */
  override drawParameters(_rng: Rng, i: number): void {
    const n = this.K * this.d;
    this.drawnBeta.set(this.beta.subarray(i * n, (i + 1) * n));
  }

  /** Sweep step 2: adds log σ(±xᵀβ_k) of the chain's β. */
  override addLogLikelihoods(x: Float64Array, xOff: number, y: number, out: Float64Array, outOff: number): void {
    const d = this.d;
    for (let k = 0; k < this.K; k++) {
      const eta = dot(x, xOff, this.drawnBeta, k * d, d);
      out[outOff + k] += y === 1 ? logSigmoid(eta) : log1mSigmoid(eta);
    }
  }

  /**
   * Folds the row (x, y), allocated to expert k of particle i, into fixed statistics (spec §3.8):
   * ω ~ PG(1, xᵀβ_k) at the current draw (w·PG(1, √w·xᵀβ_k) under forgetting), kept from now on.
   */
  override fold(i: number, k: number, x: Float64Array, xOff: number, y: number, w: number, rng: Rng): void {
    const d = this.d;
    const b = i * this.K + k;
    const omega = weightedOmega(rng, dot(x, xOff, this.beta, b * d, d), w);
    const kappa = w * (y - 0.5);
    const P = b * d * d;
    for (let j = 0; j < d; j++) {
      const xj = omega * x[xOff + j];
      for (let l = 0; l < d; l++) this.oldP[P + j * d + l] += xj * x[xOff + l];
      this.oldU[b * d + j] += kappa * x[xOff + j];
    }
    this.oldN[b] += w;
    this.folded = true;
  }

  /**
   * Sweep step 4 for every expert of particle i: fresh ω_s at the chain's β_k for each row s of
   * expert k (`byExpert[k·n …]`, the first `counts[k]`), the statistics rebuilt from them and the
   * folded rows, and β_k drawn; under forgetting (row weights) the draw is a Metropolis–Hastings
   * move ({@link temperedLogRatio}) that keeps β_k when rejected.
   * @returns `false` on non-finite data or a failed factorisation.
   */
  override rebuildAll(i: number, X: Float64Array, Y: Float64Array, byExpert: Int32Array, counts: Int32Array, n: number, weights: Float64Array | null, rng: Rng): boolean {
    const d = this.d;
    const { Pv: P, hv: h } = this;
    for (let k = 0; k < this.K; k++) {
      const b = i * this.K + k;
      const rows = byExpert.subarray(k * n, (k + 1) * n);
      const nk = counts[k];
      if (this.omegas.length < nk) this.omegas = new Float64Array(Math.max(nk, 2 * this.omegas.length));
      P.fill(0);
      for (let j = 0; j < d; j++) {
        P[j * d + j] = this.p0[j] + (this.folded ? this.oldP[b * d * d + j * d + j] : 0);
        h[j] = this.p0[j] * this.m0[j] + (this.folded ? this.oldU[b * d + j] : 0);
        if (this.folded) for (let l = 0; l < j; l++) P[j * d + l] = this.oldP[b * d * d + j * d + l];
      }
      let weight = 0;
      for (let t = 0; t < nk; t++) {
        const s = rows[t];
        const eta = dot(X, s * d, this.drawnBeta, k * d, d);
        if (!Number.isFinite(eta)) return false;
        const w = weights ? weights[s] : 1;
        this.omegas[t] = weightedOmega(rng, eta, w);
        const kappa = w * (Y[s] - 0.5);
        for (let j = 0; j < d; j++) h[j] += kappa * X[s * d + j];
        weight += w;
      }
      addGram(P, 0, d, X, rows, this.omegas, nk);
      const lo = b * d * d;
      if (!cholesky(P, 0, d, this.L, lo)) return false;
      solveLower(this.L, lo, d, h, 0, h, 0);
      solveLowerT(this.L, lo, d, h, 0, this.m, b * d);
      this.count[b] = weight + this.oldN[b];
      this.stashEta[b] = NaN;
      this.drawBeta(rng, i, k);
      if (weights && !this.acceptTempered(rng, b, k, X, rows, nk, weights)) {
        this.beta.set(this.drawnBeta.subarray(k * d, (k + 1) * d), b * d);
      }
    }
    return true;
  }

  /** The Metropolis–Hastings test of a draw under row weights: from the chain's β_k to the new β_b. */
  private acceptTempered(rng: Rng, b: number, k: number, X: Float64Array, rows: Int32Array, nk: number, weights: Float64Array): boolean {
    const d = this.d;
    let logAlpha = 0;
    for (let t = 0; t < nk; t++) {
      const s = rows[t];
      const w = weights[s];
      if (w === 1) continue;
      logAlpha += temperedLogRatio(w, dot(X, s * d, this.beta, b * d, d), dot(X, s * d, this.drawnBeta, k * d, d));
    }
    return Math.log(rng.uniform()) < logAlpha;
  }

  /**
   * Predictive of y at x for expert k at the particle's draw: P(y = 1) = σ(xᵀβ_k), a posterior
   * draw of the probability, so the particles' values give its credible interval (their mean
   * the predictive); writes `[p, p(1 − p), ∞, p(1 − p)]` at `out[outOff …]`.
   */
  predictiveMoments(i: number, k: number, x: Float64Array, xOff: number, out: Float64Array, outOff: number): void {
    const p = 1 / (1 + Math.exp(-dot(x, xOff, this.beta, (i * this.K + k) * this.d, this.d)));
    out[outOff] = p;
    out[outOff + 1] = p * (1 - p);
    out[outOff + 2] = Infinity;
    out[outOff + 3] = p * (1 - p);
  }

  /** A logistic expert has no noise variance. */
  noiseVariance(): number {
    return NaN;
  }

  /**
   * Marginal of each coefficient of expert k given the particle's auxiliaries: N(m_j, (P̃⁻¹)_jj);
   * writes `[mean, variance, Infinity]` at `out[off + 3j …]` (the mixture over particles is the posterior).
   */
  coefficientMarginals(i: number, k: number, out: Float64Array, off: number): void {
    this.gaussianMarginals(i, k, out, off, 1);
  }


  /** No noise statistics. */
  protected absorb(): void {}

  /** No noise statistics. */
  protected reset(): void {}

  /** No noise statistics: forgetting discounts (P̃, m), the count and the folded sums only. */
  protected discountNoise(): void {}

  /** JSON-safe snapshot; {@link LogisticExpertState.fromJSON} restores it bit for bit. */
  toJSON(): Record<string, unknown> {
    const { N, K, d } = this;
    return { kind: LogisticExpertState.rule, N, K, d, g: Array.from(this.g), m0: Array.from(this.m0), ...this.coreJSON(), beta: encodeFloat64(this.beta) };
  }

  /**
   * Restores a state written by {@link LogisticExpertState.toJSON}.
   * @throws Error if the snapshot is of another kind or its fields have the wrong size.
   */
  static fromJSON(json: unknown): LogisticExpertState {
    const o = expectKind(json, LogisticExpertState.rule);
    const st = new LogisticExpertState(Number(o.N), Number(o.K), Number(o.d), { g: Array.isArray(o.g) ? (o.g as number[]) : Number(o.g), m0: o.m0 as number[] });
    st.restoreCore(o);
    st.beta.set(decodeFloat64(String(o.beta), st.beta.length));
    return st;
  }
}
