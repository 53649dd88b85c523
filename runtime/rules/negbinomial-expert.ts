/**
 * Rule `polya_gamma_negbinomial_linear`: expert k of particle i is a negative-binomial
 * regression with a log link, `y ~ NB(mean μ = e^{xᵀβ_k}, dispersion r)` (variance μ + μ²/r),
 * y a count, r a constant and `β_k ~ N(m₀, diag(g))` (spec §2.6).
 *
 * In the success probability p = μ/(μ + r) = σ(ψ), ψ = xᵀβ − log r, the likelihood is
 * Γ(y + r)/(Γ(r) y!) · e^{yψ}/(1 + e^ψ)^{y+r}: the Pólya-Gamma expert of
 * {@link PolyaGammaExpertState} with shape b = y + r, κ = (y − r)/2 and offset o = −log r.
 * A row's auxiliary is ω ~ PG(y + r, ψ): ⌈⌊y + r⌋/4⌉ exact draws and a series draw for a
 * fractional part, so its cost grows with the count (spec §4.3, where b > 170 is drawn from
 * its normal approximation).
 */
import { lgamma, log1mSigmoid, logSigmoid } from "../math/index.js";
import { PolyaGammaExpertState, type PolyaGammaExpertHyper } from "./pg-expert.js";
import { expectKind } from "../snapshot.js";

/** Hyperparameters: prior β ~ N(m₀, diag(g)) and the dispersion r. */
export interface NegBinomialExpertHyper extends PolyaGammaExpertHyper {
  /** The dispersion r > 0: variance μ + μ²/r, Poisson as r → ∞. */
  readonly r: number;
}

/** Particle state of negative-binomial log-linear experts, conditionally Gaussian given Pólya-Gamma auxiliaries. */
export class NegBinomialExpertState extends PolyaGammaExpertState {
  /** Rule id in the compiler's rule table. */
  static readonly rule = "polya_gamma_negbinomial_linear";
  /** The response is a count. */
  static override readonly response = "count" as const;
  /** The dispersion r. */
  readonly r: number;
  /** The row constant lgamma(y + r) − lgamma(r) − lgamma(y + 1) of the last y asked for. */
  private lastY = NaN;
  private lastC = NaN;

  /** @throws Error unless g > 0, r > 0 and m₀ has length d. */
  constructor(N: number, K: number, d: number, hyper: NegBinomialExpertHyper) {
    if (!(hyper.r > 0 && hyper.r < Infinity)) throw new Error(`${NegBinomialExpertState.rule}: the dispersion r must be positive`);
    super(N, K, d, hyper, -Math.log(hyper.r), NegBinomialExpertState.rule);
    this.r = hyper.r;
  }

  /** The compiler's constructor. */
  static create(N: number, K: number, d: number, hyper: { g: number | ArrayLike<number>; m0: number | ArrayLike<number>; r: number }): NegBinomialExpertState {
    return new NegBinomialExpertState(N, K, d, { ...PolyaGammaExpertState.hyperFrom(d, hyper), r: hyper.r });
  }

  /** Restores a state written by {@link toJSON} (its constants are in the snapshot). */
  static restore(json: unknown): NegBinomialExpertState {
    return NegBinomialExpertState.fromJSON(json);
  }

  /** b = y + r. */
  protected shape(y: number): number {
    return y + this.r;
  }

  /** κ = (y − r)/2. */
  protected kappa(y: number): number {
    return 0.5 * (y - this.r);
  }

  /** log NB(y; r, σ(ψ)) = lgamma(y + r) − lgamma(r) − lgamma(y + 1) + y log σ(ψ) + r log σ(−ψ). */
  protected logLikelihood(y: number, psi: number): number {
    if (y !== this.lastY) {
      this.lastY = y;
      this.lastC = lgamma(y + this.r) - lgamma(this.r) - lgamma(y + 1);
    }
    return this.lastC + (y === 0 ? 0 : y * logSigmoid(psi)) + this.r * log1mSigmoid(psi);
  }

  /**
   * Predictive of y at x for expert k at the particle's draw: NB with mean μ = e^{xᵀβ_k} and
   * dispersion r; writes `[μ, r, ∞, μ + μ²/r]` at `out[outOff …]` (the particles' μ give the
   * expected count's credible interval).
   */
  predictiveMoments(i: number, k: number, x: Float64Array, xOff: number, out: Float64Array, outOff: number): void {
    const mu = Math.exp(this.predictor(i, k, x, xOff) - this.offset);
    out[outOff] = mu;
    out[outOff + 1] = this.r;
    out[outOff + 2] = Infinity;
    out[outOff + 3] = mu + (mu * mu) / this.r;
  }

  /** The dispersion r, a constant. */
  override dispersion(): number {
    return this.r;
  }

  /** JSON-safe snapshot; {@link NegBinomialExpertState.fromJSON} restores it bit for bit. */
  toJSON(): Record<string, unknown> {
    const { N, K, d, r } = this;
    return { kind: NegBinomialExpertState.rule, N, K, d, r, ...this.pgJSON() };
  }

  /**
   * Restores a state written by {@link NegBinomialExpertState.toJSON}.
   * @throws Error if the snapshot is of another kind or its fields have the wrong size.
   */
  static fromJSON(json: unknown): NegBinomialExpertState {
    const o = expectKind(json, NegBinomialExpertState.rule);
    const st = new NegBinomialExpertState(Number(o.N), Number(o.K), Number(o.d), { ...PolyaGammaExpertState.hyperOf(o), r: Number(o.r) });
    st.restorePg(o);
    return st;
  }
}
