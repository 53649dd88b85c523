/**
 * Rule `polya_gamma_logistic_linear`: expert k of particle i is a logistic regression,
 * `y ~ bernoulli(σ(xᵀβ_k))` with y ∈ {0, 1} and `β_k ~ N(m₀, diag(g))` (spec §2.4): the
 * Pólya-Gamma expert of {@link PolyaGammaExpertState} with shape b = 1, κ = y − ½ and no offset.
 */
import { log1mSigmoid, logSigmoid } from "../math/index.js";
import { PolyaGammaExpertState, type PolyaGammaExpertHyper } from "./pg-expert.js";
import { expectKind } from "../snapshot.js";

/** Hyperparameters: prior β ~ N(m₀, diag(g)). */
export type LogisticExpertHyper = PolyaGammaExpertHyper;

/** Particle state of Bernoulli-logit linear experts, conditionally Gaussian given Pólya-Gamma auxiliaries. */
export class LogisticExpertState extends PolyaGammaExpertState {
  /** Rule id in the compiler's rule table. */
  static readonly rule = "polya_gamma_logistic_linear";
  /** The response is 0 or 1. */
  static override readonly response = "binary" as const;

  /** @throws Error unless g > 0 and m₀ has length d. */
  constructor(N: number, K: number, d: number, hyper: LogisticExpertHyper) {
    super(N, K, d, hyper, 0, LogisticExpertState.rule);
  }

  /** The compiler's constructor. */
  static create(N: number, K: number, d: number, hyper: { g: number | ArrayLike<number>; m0: number | ArrayLike<number> }): LogisticExpertState {
    return new LogisticExpertState(N, K, d, PolyaGammaExpertState.hyperFrom(d, hyper));
  }

  /** Restores a state written by {@link toJSON} (its constants are in the snapshot). */
  static restore(json: unknown): LogisticExpertState {
    return LogisticExpertState.fromJSON(json);
  }

  /** One trial per row. */
  protected shape(): number {
    return 1;
  }

  /** κ = y − ½. */
  protected kappa(y: number): number {
    return y - 0.5;
  }

  /** log σ(±ψ), + when y = 1. */
  protected logLikelihood(y: number, psi: number): number {
    return y === 1 ? logSigmoid(psi) : log1mSigmoid(psi);
  }

  /**
   * Predictive of y at x for expert k at the particle's draw: P(y = 1) = σ(xᵀβ_k), a posterior
   * draw of the probability, so the particles' values give its credible interval (their mean
   * the predictive); writes `[p, p(1 − p), ∞, p(1 − p)]` at `out[outOff …]`.
   */
  predictiveMoments(i: number, k: number, x: Float64Array, xOff: number, out: Float64Array, outOff: number): void {
    const p = 1 / (1 + Math.exp(-this.predictor(i, k, x, xOff)));
    out[outOff] = p;
    out[outOff + 1] = p * (1 - p);
    out[outOff + 2] = Infinity;
    out[outOff + 3] = p * (1 - p);
  }

  /** JSON-safe snapshot; {@link LogisticExpertState.fromJSON} restores it bit for bit. */
  toJSON(): Record<string, unknown> {
    const { N, K, d } = this;
    return { kind: LogisticExpertState.rule, N, K, d, ...this.pgJSON() };
  }

  /**
   * Restores a state written by {@link LogisticExpertState.toJSON}.
   * @throws Error if the snapshot is of another kind or its fields have the wrong size.
   */
  static fromJSON(json: unknown): LogisticExpertState {
    const o = expectKind(json, LogisticExpertState.rule);
    const st = new LogisticExpertState(Number(o.N), Number(o.K), Number(o.d), PolyaGammaExpertState.hyperOf(o));
    st.restorePg(o);
    return st;
  }
}
