/**
 * Shared core of the expert rules whose likelihood is logistic in a linear predictor
 * (`polya_gamma_logistic_linear`, `polya_gamma_negbinomial_linear`; spec §2.4, §2.6): row s of
 * expert k has the factor e^{κ_s ψ}/cosh(ψ/2)^{b_s} in ψ = xᵀβ_k + o, with a shape b_s and a
 * κ_s given by the response (b = 1, κ = y − ½ for a binary y; b = y + r, κ = (y − r)/2 for a
 * negative-binomial count) and a constant offset o, and a Normal prior β_k ~ N(m₀, diag(g)).
 *
 * Given Pólya-Gamma auxiliaries ω_s ~ PG(b_s, ψ_s) the likelihood is Gaussian in β: each row
 * adds ω_s x_s x_sᵀ to the precision and (κ_s − ω_s o) x_s to its linear term, so the statistics
 * are those of {@link LinearExpertState} with unit noise: `L` factors P̃ = diag(1/g) + Σ ω x xᵀ
 * and `m` = P̃⁻¹(m₀/g + Σ (κ − ω o) x).
 *
 * The particle carries a draw β_k of every expert, as it carries the gate's φ (spec §3.3). The
 * streaming weight of a row is then exact, p(y | x, β_k): no integral over β is approximated,
 * so the log evidence stays unbiased; what carrying β costs against the Rao-Blackwellised
 * weight ∫ p(y | x, β) N(β; m, P̃⁻¹) dβ is more spread in the weights (spec §2.4).
 * After the row is allocated to expert k, ω ~ PG(b, ψ) is added to its statistics and β_k is
 * redrawn from N(m, P̃⁻¹), a Gibbs step of β given the auxiliaries.
 *
 * In a sweep (spec §3.7) the particle's β_k is the chain's current value: the allocations are
 * drawn given it, then each row of expert k gets a fresh ω at β_k, the statistics are rebuilt
 * and β_k is drawn from them. Under forgetting (spec §3.8) the row terms use
 * {@link weightedOmega} and the draw is corrected by a Metropolis–Hastings test, as the sticks'.
 */
import { cholesky, cholUpdate, dot, solveLower, solveLowerT } from "../linalg/index.js";
import { mvnPrecChol, type Rng } from "../rng/index.js";
import { LinearExpertState } from "./linear-expert.js";
import { addGram } from "./gram.js";
import type { Statistic } from "./statistics.js";
import { foldedOmega, temperedLogRatio, weightedOmega } from "./tempered-pg.js";
import { decodeFloat64, encodeFloat64 } from "../snapshot.js";

/** Hyperparameters: prior β ~ N(m₀, diag(g)). */
export interface PolyaGammaExpertHyper {
  /** Prior variance of β (> 0): one for every coefficient, or one each. */
  readonly g: number | ArrayLike<number>;
  /** Prior mean of β (length d). */
  readonly m0: ArrayLike<number>;
}

/** The prior variances of a hyper as an array of d, checked positive and finite. */
function priorVariances(d: number, g: number | ArrayLike<number>, rule: string): Float64Array {
  const out = typeof g === "number" ? new Float64Array(d).fill(g) : Float64Array.from(g);
  if (!out.every((v) => v > 0 && v < Infinity)) throw new Error(`${rule}: g must be positive`);
  return out;
}

/** Particle state of linear experts that are logistic in their predictor, conditionally Gaussian given Pólya-Gamma auxiliaries. */
export abstract class PolyaGammaExpertState extends LinearExpertState {
  /** The statistics condition on Pólya-Gamma auxiliaries. */
  override readonly augmented = true;
  /** Prior variance of each coefficient (length d). */
  readonly g: Float64Array;
  /** The particle's current draw of each expert's coefficients (N·K blocks of d). */
  readonly beta: Float64Array;
  /** Predictive stash: ψ = xᵀβ + o of the row being weighed, per block (N·K); NaN once consumed. */
  readonly stashEta: Float64Array;
  /** The predictor's constant offset o: ψ = xᵀβ + o. */
  protected readonly offset: number;
  /** Scratch: L⁻¹x, P̃⁻¹x, the cholUpdate work vector, a rebuild's P̃ and linear term. */
  private readonly wv: Float64Array;
  private readonly uv: Float64Array;
  private readonly workv: Float64Array;
  private readonly Pv: Float64Array;
  private readonly hv: Float64Array;
  /** A rebuild's auxiliaries in the order of its rows (grows with the window). */
  private omegas = new Float64Array(0);
  /**
   * Whether forgetting has discounted the statistics: (P̃, m) then rest on the nearby factors'
   * auxiliaries (./tempered-pg.ts), so the summaries use the carried draws of β instead.
   */
  private tempered = false;

  /** What the block keeps per particle (the stash is gathered but not snapshotted). */
  static override readonly statistics: readonly Statistic[] = [
    { name: "L", size: "K·d²", about: "Cholesky factor of each expert's precision diag(1/g) + Σ ω x xᵀ" },
    { name: "m", size: "K·d", about: "mean of each expert's coefficients given the auxiliaries" },
    { name: "count", size: "K", about: "rows allocated to each expert" },
    { name: "beta", size: "K·d", about: "the current draw of each expert's coefficients" },
    { name: "stashEta", size: "K", about: "the predictor xᵀβ + o of the row being weighed" },
    { name: "oldP", size: "K·d²", about: "Σ ω x xᵀ of the rows folded out of the sweeps' window (ω fixed when folded)" },
    { name: "oldU", size: "K·d", about: "Σ (κ − ω o) x of the folded rows" },
    { name: "oldN", size: "K", about: "how many rows were folded into each expert" },
  ];

  /** @throws Error unless g > 0 and m₀ has length d. */
  protected constructor(N: number, K: number, d: number, hyper: PolyaGammaExpertHyper, offset: number, rule: string) {
    const g = priorVariances(d, hyper.g, rule);
    super(N, K, d, hyper.m0, g.map((v) => 1 / v));
    this.g = g;
    this.offset = offset;
    this.beta = new Float64Array(N * K * d);
    this.stashEta = new Float64Array(N * K).fill(NaN);
    this.wv = new Float64Array(d);
    this.uv = new Float64Array(d);
    this.workv = new Float64Array(d);
    this.Pv = new Float64Array(d * d);
    this.hv = new Float64Array(d);
  }

  /** The Pólya-Gamma shape b of a row with response y (its row at `h[hOff …]`, for constants it carries). */
  protected abstract shape(y: number, h: Float64Array, hOff: number): number;
  /** The linear coefficient κ of ψ in the row's log factor. */
  protected abstract kappa(y: number, h: Float64Array, hOff: number): number;
  /** log p(y | ψ), the row's exact log likelihood at the predictor ψ. */
  protected abstract logLikelihood(y: number, psi: number, h: Float64Array, hOff: number): number;

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

  /** `out[outOff + k] = log p(y | xᵀβ_k + o)` for k < K; stashes the predictor for the update. */
  predictive(i: number, x: Float64Array, xOff: number, y: number, out: Float64Array, outOff: number): void {
    const d = this.d;
    for (let k = 0, b = i * this.K; k < this.K; k++, b++) {
      const psi = dot(x, xOff, this.beta, b * d, d) + this.offset;
      this.stashEta[b] = psi;
      out[outOff + k] = this.logLikelihood(y, psi, x, xOff);
    }
  }

  /**
   * The streaming update of expert k of particle i with the row (x, y) (spec §2.4): ω ~ PG(b, ψ)
   * at the stashed ψ, P̃ += ω x xᵀ by a rank-one update of L,
   * m += P̃⁻¹x·(κ − ω o − ω xᵀm)/(1 + ω xᵀP̃⁻¹x) (Sherman–Morrison), then β_k redrawn. O(d²).
   * @returns `false`, with the expert unchanged, on a non-finite row.
   * @throws Error if the block has no unconsumed stash (a kernel bug, not a data problem).
   */
  override updateStashed(i: number, k: number, x: Float64Array, xOff: number, y: number, rng: Rng): boolean {
    const b = i * this.K + k;
    const psi = this.stashEta[b];
    if (Number.isNaN(psi)) throw new Error(`updateStashed: no predictive stash for particle ${i}, expert ${k}`);
    this.stashEta[b] = NaN;
    if (!Number.isFinite(psi)) return false;
    const d = this.d;
    const lo = b * d * d;
    const omega = weightedOmega(rng, psi, 1, this.shape(y, x, xOff));
    if (omega === 0) {
      // b = 0 (a binomial row of no trials): the row's factor is 1 and changes no statistic
      this.count[b] += 1;
      this.drawBeta(rng, i, k);
      return true;
    }
    solveLower(this.L, lo, d, x, xOff, this.wv, 0);
    let s2 = 0;
    for (let j = 0; j < d; j++) s2 += this.wv[j] * this.wv[j];
    solveLowerT(this.L, lo, d, this.wv, 0, this.uv, 0);
    const xm = dot(x, xOff, this.m, b * d, d);
    if (!cholUpdate(this.L, lo, d, x, xOff, this.workv, 0, omega)) return false;
    const f = (this.kappa(y, x, xOff) - omega * (this.offset + xm)) / (1 + omega * s2);
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

  /** Sweep step 2: adds log p(y | xᵀβ_k + o) of the chain's β. */
  override addLogLikelihoods(x: Float64Array, xOff: number, y: number, out: Float64Array, outOff: number): void {
    const d = this.d;
    for (let k = 0; k < this.K; k++) out[outOff + k] += this.logLikelihood(y, dot(x, xOff, this.drawnBeta, k * d, d) + this.offset, x, xOff);
  }

  /**
   * Folds the row (x, y), allocated to expert k of particle i, into fixed statistics (spec §3.8):
   * ω ~ PG(b, ψ) at the current draw, kept from now on ({@link foldedOmega} under forgetting).
   */
  override fold(i: number, k: number, x: Float64Array, xOff: number, y: number, w: number, rng: Rng): void {
    const d = this.d;
    const b = i * this.K + k;
    const psi = dot(x, xOff, this.beta, b * d, d) + this.offset;
    const shape = this.shape(y, x, xOff);
    const omega = foldedOmega(rng, psi, w, shape);
    const lin = w * this.kappa(y, x, xOff) - omega * this.offset;
    const P = b * d * d;
    for (let j = 0; j < d; j++) {
      const xj = omega * x[xOff + j];
      for (let l = 0; l < d; l++) this.oldP[P + j * d + l] += xj * x[xOff + l];
      this.oldU[b * d + j] += lin * x[xOff + j];
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
    const width = this.width;
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
        const psi = dot(X, s * width, this.drawnBeta, k * d, d) + this.offset;
        if (!Number.isFinite(psi)) return false;
        const w = weights ? weights[s] : 1;
        const omega = weightedOmega(rng, psi, w, this.shape(Y[s], X, s * width));
        this.omegas[t] = omega;
        const lin = w * this.kappa(Y[s], X, s * width) - omega * this.offset;
        for (let j = 0; j < d; j++) h[j] += lin * X[s * width + j];
        weight += w;
      }
      addGram(P, 0, d, X, rows, this.omegas, nk, width);
      const lo = b * d * d;
      if (!cholesky(P, 0, d, this.L, lo)) return false;
      solveLower(this.L, lo, d, h, 0, h, 0);
      solveLowerT(this.L, lo, d, h, 0, this.m, b * d);
      this.count[b] = weight + this.oldN[b];
      this.stashEta[b] = NaN;
      this.drawBeta(rng, i, k);
      if (weights && !this.acceptTempered(rng, b, k, X, Y, rows, nk, weights)) {
        this.beta.set(this.drawnBeta.subarray(k * d, (k + 1) * d), b * d);
      }
    }
    return true;
  }

  /** The Metropolis–Hastings test of a draw under row weights: from the chain's β_k to the new β_b. */
  private acceptTempered(rng: Rng, b: number, k: number, X: Float64Array, Y: Float64Array, rows: Int32Array, nk: number, weights: Float64Array): boolean {
    const d = this.d;
    const width = this.width;
    let logAlpha = 0;
    for (let t = 0; t < nk; t++) {
      const s = rows[t];
      const w = weights[s];
      if (w === 1) continue;
      const after = dot(X, s * width, this.beta, b * d, d) + this.offset;
      const before = dot(X, s * width, this.drawnBeta, k * d, d) + this.offset;
      logAlpha += temperedLogRatio(w, after, before, this.shape(Y[s], X, s * width));
    }
    return Math.log(rng.uniform()) < logAlpha;
  }

  /** The predictor ψ = xᵀβ_k + o of expert k of particle i at its current draw. */
  protected predictor(i: number, k: number, x: Float64Array, xOff: number): number {
    return dot(x, xOff, this.beta, (i * this.K + k) * this.d, this.d) + this.offset;
  }

  /** These experts have no noise variance. */
  noiseVariance(): number {
    return NaN;
  }

  /**
   * Marginal of each coefficient of expert k given the particle's auxiliaries: N(m_j, (P̃⁻¹)_jj),
   * whose mixture over particles is the posterior; writes `[mean, variance, Infinity]` at
   * `out[off + 3j …]`. Under forgetting the auxiliaries augment nearby factors, so N(m, P̃⁻¹) is
   * not the tempered conditional: the particle's carried draw β_j is written instead, as a point
   * (variance 0), and the draws' spread over particles is the posterior's.
   */
  coefficientMarginals(i: number, k: number, out: Float64Array, off: number): void {
    if (!this.tempered) {
      this.gaussianMarginals(i, k, out, off, 1);
      return;
    }
    const b = (i * this.K + k) * this.d;
    for (let j = 0; j < this.d; j++) {
      out[off + 3 * j] = this.beta[b + j];
      out[off + 3 * j + 1] = 0;
      out[off + 3 * j + 2] = Infinity;
    }
  }

  /** Forgetting: the statistics keep the prior and ρ of the data's part (and the summaries turn to the draws). */
  override discount(i: number, rho: number): boolean {
    this.tempered = true;
    return super.discount(i, rho);
  }

  /** No noise statistics. */
  protected absorb(): void {}

  /** No noise statistics. */
  protected reset(): void {}

  /** No noise statistics: forgetting discounts (P̃, m), the count and the folded sums only. */
  protected discountNoise(): void {}

  /** The snapshot fields every such block has, after its kind and constants. */
  protected pgJSON(): Record<string, unknown> {
    return { g: Array.from(this.g), m0: Array.from(this.m0), ...this.coreJSON(), beta: encodeFloat64(this.beta), ...(this.tempered ? { tempered: true } : {}) };
  }

  /** Restores what {@link pgJSON} wrote. */
  protected restorePg(o: Record<string, unknown>): void {
    this.restoreCore(o);
    this.beta.set(decodeFloat64(String(o.beta), this.beta.length));
    this.tempered = o.tempered === true;
  }

  /** The prior of a snapshot written by {@link pgJSON}. */
  protected static hyperOf(o: Record<string, unknown>): PolyaGammaExpertHyper {
    return { g: Array.isArray(o.g) ? (o.g as number[]) : Number(o.g), m0: o.m0 as number[] };
  }

  /** A compiler constant `g` or `m0` as a hyper (a scalar mean stands for every coefficient). */
  protected static hyperFrom(d: number, hyper: { g: number | ArrayLike<number>; m0: number | ArrayLike<number> }): PolyaGammaExpertHyper {
    return { g: hyper.g, m0: typeof hyper.m0 === "number" ? new Float64Array(d).fill(hyper.m0) : hyper.m0 };
  }
}
