/**
 * Rule `normal_known_variance_linear`: expert k of particle i is `y ~ N(xᵀβ_k, s²)` with s
 * fixed and `β_k ~ N(m₀, diag(g))`.
 *
 * The state is that of {@link LinearExpertState} in units of s²: `L` factors P̃ = s²·Cov(β)⁻¹
 * (prior P̃₀ = diag(s²/g)), so the update is E11 unchanged and Cov(β | data) = s²·P̃⁻¹. The
 * one-step predictive is Gaussian, `N(xᵀm, s²(1 + xᵀṼx)) = N(xᵀm, s² + xᵀ Cov(β) x)`.
 */
import { normalLogPdfVar } from "../math/index.js";
import { mvnPrecChol, type Rng } from "../rng/index.js";
import { LinearExpertState } from "./linear-expert.js";
import { expectKind } from "../snapshot.js";

/** Hyperparameters: noise sd s, prior β ~ N(m₀, diag(g)). */
export interface KnownVarianceLinearHyper {
  /** Noise standard deviation (> 0). */
  readonly s: number;
  /** Prior covariance scale of β (> 0). */
  readonly g: number | ArrayLike<number>;
  /** Prior mean of β (length d). */
  readonly m0: ArrayLike<number>;
}

/** Particle state of known-variance Gaussian linear experts (conjugate Normal–Normal). */
export class KnownVarianceLinearState extends LinearExpertState {
  /** Rule id in the compiler's rule table. */
  static readonly rule = "normal_known_variance_linear";
  /** Noise standard deviation s. */
  readonly s: number;
  /** Prior covariance, Cov(β) = diag(g) a priori (length d). */
  readonly g: Float64Array;
  private readonly s2: number;

  /** @throws Error unless s, g > 0 and m₀ has length d. */
  constructor(N: number, K: number, d: number, hyper: KnownVarianceLinearHyper) {
    const g = typeof hyper.g === "number" ? new Float64Array(d).fill(hyper.g) : Float64Array.from(hyper.g);
    if (!(hyper.s > 0 && g.every((v) => v > 0))) throw new Error("normal_known_variance_linear: s and g must be positive");
    super(N, K, d, hyper.m0, g.map((v) => (hyper.s * hyper.s) / v));
    this.s = hyper.s;
    this.g = g;
    this.s2 = hyper.s * hyper.s;
  }

  /** The compiler's constructor. */
  static create(N: number, K: number, d: number, hyper: { s: number; g: number | ArrayLike<number>; m0: number | ArrayLike<number> }): KnownVarianceLinearState {
    return new KnownVarianceLinearState(N, K, d, { ...hyper, m0: typeof hyper.m0 === "number" ? new Float64Array(d).fill(hyper.m0) : hyper.m0 });
  }

  /** Restores a state written by {@link toJSON} (its constants are in the snapshot). */
  static restore(json: unknown): KnownVarianceLinearState {
    return KnownVarianceLinearState.fromJSON(json);
  }

  /** The known noise variance s². */
  noiseVariance(): number {
    return this.s2;
  }

  /** Sets every expert of particle i to the prior. */
  init(i: number): void {
    this.initBlocks(i);
  }

  /** `out[outOff + k] = log N(y; xᵀm_k, s² + xᵀCov(β_k)x)` for k < K; stashes L⁻¹x for the update. */
  predictive(i: number, x: Float64Array, xOff: number, y: number, out: Float64Array, outOff: number): void {
    this.stashAll(i, x, xOff);
    for (let k = 0, b = i * this.K; k < this.K; k++, b++) {
      out[outOff + k] = normalLogPdfVar(y, this.stashXm[b], this.s2 * this.stashQ[b]);
    }
  }

  /** Predictive of y at x for expert k (Gaussian): writes `[mean, variance, ∞, variance]` at `out[outOff …]`. */
  predictiveMoments(i: number, k: number, x: Float64Array, xOff: number, out: Float64Array, outOff: number): void {
    this.locationAndSpread(i, k, x, xOff, out, outOff);
    const v = this.s2 * (1 + out[outOff + 1]);
    out[outOff + 1] = v;
    out[outOff + 2] = Infinity;
    out[outOff + 3] = v;
  }

  /**
   * Marginal posterior of each coefficient of expert k of particle i: β_j ~ N(m_j, s²·Ṽ_jj).
   * Writes `[mean, variance, Infinity]` (a Gaussian: infinite dof) at `out[off + 3j …]`.
   */
  coefficientMarginals(i: number, k: number, out: Float64Array, off: number): void {
    this.gaussianMarginals(i, k, out, off, this.s2);
  }


  /** Posterior draw β ~ N(m, s²P̃⁻¹) into `beta[betaOff …]` (sweep step 1; σ² = s² is fixed). */
  drawBeta(rng: Rng, i: number, k: number, beta: Float64Array, betaOff: number): void {
    const blk = i * this.K + k;
    const d = this.d;
    mvnPrecChol(rng, d, this.L, blk * d * d, null, 0, beta, betaOff);
    for (let j = 0; j < d; j++) beta[betaOff + j] = this.m[blk * d + j] + this.s * beta[betaOff + j];
  }

  /** Posterior draw β (sweep step 1); returns the known variance s². */
  drawParams(rng: Rng, i: number, k: number, beta: Float64Array, betaOff: number): number {
    this.drawBeta(rng, i, k, beta, betaOff);
    return this.s2;
  }

  /** No σ² statistics: the variance is known. */
  protected absorb(): void {}

  /** No σ² statistics: the variance is known. */
  protected reset(): void {}

  /** No σ² statistics: the variance is known. */
  protected discountNoise(): void {}

  /** JSON-safe snapshot; {@link KnownVarianceLinearState.fromJSON} restores it bit for bit. */
  toJSON(): Record<string, unknown> {
    const { N, K, d, s } = this;
    return { kind: KnownVarianceLinearState.rule, N, K, d, s, g: Array.from(this.g), m0: Array.from(this.m0), ...this.coreJSON() };
  }

  /**
   * Restores a state written by {@link KnownVarianceLinearState.toJSON}.
   * @throws Error if the snapshot is of another kind or its fields have the wrong size.
   */
  static fromJSON(json: unknown): KnownVarianceLinearState {
    const o = expectKind(json, KnownVarianceLinearState.rule);
    const st = new KnownVarianceLinearState(Number(o.N), Number(o.K), Number(o.d), {
      s: Number(o.s),
      g: Array.isArray(o.g) ? (o.g as number[]) : Number(o.g),
      m0: o.m0 as number[],
    });
    st.restoreCore(o);
    return st;
  }
}
