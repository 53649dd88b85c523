/**
 * Rule `polya_gamma_binomial_linear`: expert k of particle i is a binomial regression with a
 * logit link, `y ~ binomial(n, σ(xᵀβ_k))` with n trials per row (a data column or a constant),
 * y ∈ {0, …, n} and `β_k ~ N(m₀, diag(g))` (spec §2.7): the Pólya-Gamma expert of
 * {@link PolyaGammaExpertState} with shape b = n, κ = y − n/2 and no offset. The trials travel
 * with the design row: the block's row is the d regressors, then n (its {@link width} is d + 1).
 * A row's auxiliary ω ~ PG(n, ψ) takes ⌈n/4⌉ exact draws (spec §4.3; beyond n = 170 its normal
 * approximation), so a row costs in proportion to its trials.
 */
import { log1mSigmoid, logFactorial, logSigmoid } from "../math/index.js";
import { PolyaGammaExpertState, type PolyaGammaExpertHyper } from "./pg-expert.js";
import { expectKind } from "../snapshot.js";

/** Hyperparameters: prior β ~ N(m₀, diag(g)). */
export type BinomialExpertHyper = PolyaGammaExpertHyper;

/** Particle state of binomial logit-linear experts, conditionally Gaussian given Pólya-Gamma auxiliaries. */
export class BinomialExpertState extends PolyaGammaExpertState {
  /** Rule id in the compiler's rule table. */
  static readonly rule = "polya_gamma_binomial_linear";
  /** The response is a count of successes. */
  static override readonly response = "count" as const;
  /** log C(n, y) of the last (y, n) asked for: every particle and expert weighs the same row. */
  private lastY = NaN;
  private lastN = NaN;
  private lastC = NaN;

  /** @throws Error unless g > 0 and m₀ has length d. */
  constructor(N: number, K: number, d: number, hyper: BinomialExpertHyper) {
    super(N, K, d, hyper, 0, BinomialExpertState.rule);
  }

  /** The compiler's constructor. */
  static create(N: number, K: number, d: number, hyper: { g: number | ArrayLike<number>; m0: number | ArrayLike<number> }): BinomialExpertState {
    return new BinomialExpertState(N, K, d, PolyaGammaExpertState.hyperFrom(d, hyper));
  }

  /** Restores a state written by {@link toJSON} (its constants are in the snapshot). */
  static restore(json: unknown): BinomialExpertState {
    return BinomialExpertState.fromJSON(json);
  }

  /** The row is the design row, then the trials. */
  override get width(): number {
    return this.d + 1;
  }

  /** A row's trials must be a count, and its successes no more than them. */
  override rowProblem(h: Float64Array, hOff: number, y: number): string | null {
    const n = h[hOff + this.d];
    if (!(Number.isInteger(n) && n >= 0)) return `the trials are ${n}; binomial experts take a count of trials, 0, 1, 2, …`;
    return y > n ? `the response is ${y}, more successes than its ${n} trials` : null;
  }

  /** b = n, the row's trials. */
  protected shape(_y: number, h: Float64Array, hOff: number): number {
    return h[hOff + this.d];
  }

  /** κ = y − n/2. */
  protected kappa(y: number, h: Float64Array, hOff: number): number {
    return y - 0.5 * h[hOff + this.d];
  }

  /** log Binomial(y; n, σ(ψ)) = log C(n, y) + y log σ(ψ) + (n − y) log σ(−ψ). */
  protected logLikelihood(y: number, psi: number, h: Float64Array, hOff: number): number {
    const n = h[hOff + this.d];
    if (y !== this.lastY || n !== this.lastN) {
      this.lastY = y;
      this.lastN = n;
      this.lastC = logFactorial(n) - logFactorial(y) - logFactorial(n - y);
    }
    return this.lastC + (y === 0 ? 0 : y * logSigmoid(psi)) + (y === n ? 0 : (n - y) * log1mSigmoid(psi));
  }

  /**
   * Predictive of y at the row x (its trials n included) for expert k at the particle's draw:
   * Binomial(n, p), p = σ(xᵀβ_k); writes `[np, −n, ∞, np(1 − p)]` at `out[outOff …]` — the
   * binomial is the count family's member of size −n (runtime/pl/count-mixture.ts).
   */
  predictiveMoments(i: number, k: number, x: Float64Array, xOff: number, out: Float64Array, outOff: number): void {
    const p = 1 / (1 + Math.exp(-this.predictor(i, k, x, xOff)));
    const n = x[xOff + this.d];
    out[outOff] = n * p;
    out[outOff + 1] = -n;
    out[outOff + 2] = Infinity;
    out[outOff + 3] = n * p * (1 - p);
  }

  /** JSON-safe snapshot; {@link BinomialExpertState.fromJSON} restores it bit for bit. */
  toJSON(): Record<string, unknown> {
    const { N, K, d } = this;
    return { kind: BinomialExpertState.rule, N, K, d, ...this.pgJSON() };
  }

  /**
   * Restores a state written by {@link BinomialExpertState.toJSON}.
   * @throws Error if the snapshot is of another kind or its fields have the wrong size.
   */
  static fromJSON(json: unknown): BinomialExpertState {
    const o = expectKind(json, BinomialExpertState.rule);
    const st = new BinomialExpertState(Number(o.N), Number(o.K), Number(o.d), PolyaGammaExpertState.hyperOf(o));
    st.restorePg(o);
    return st;
  }
}
