/**
 * Rule `normal_scale_mixture_studentt_linear`: expert k of particle i is a robust regression,
 * `y ~ t_ν(xᵀβ_k, σ_k)` with ν fixed, `β_k | σ_k² ~ N(m₀, σ_k² diag(g))`, `σ_k² ~ IG(a₀, b₀)`
 * (spec §2.5), on the shared robust-expert core {@link ScaleMixtureLinearState}.
 *
 * The Student-t is a normal scale mixture: y | λ ~ N(xᵀβ, σ²/λ) with λ ~ Gamma(ν/2, rate ν/2);
 * a row's λ given its residual r is Gamma((ν + 1)/2, rate (ν + r²/σ²)/2). Under forgetting a
 * row's factor t_ν^w is (1 + z/ν)^{−c} = E[e^{−λz/ν}] for λ ~ Gamma(c, 1), c = w(ν + 1)/2, so the
 * precision weight λ' = 2λ/ν ~ Gamma(w(ν + 1)/2, rate (ν + z)/2).
 */
import { lgamma } from "../math/index.js";
import { gamma, type Rng } from "../rng/index.js";
import { ScaleMixtureLinearState, type ScaleMixtureHyper } from "./scale-mixture-linear.js";
import { expectKind } from "../snapshot.js";

/** Hyperparameters: those of the robust experts and the degrees of freedom ν. */
export interface StudentLinearHyper extends ScaleMixtureHyper {
  /** Degrees of freedom of the noise (> 0). */
  readonly nu: number;
}

/** Particle state of Student-t linear experts: NIG statistics given the rows' scales, and a draw of each expert. */
export class StudentLinearState extends ScaleMixtureLinearState {
  /** Rule id in the compiler's rule table. */
  static override readonly rule = "normal_scale_mixture_studentt_linear";
  /** Degrees of freedom ν. */
  readonly nu: number;
  /** lgamma((ν + 1)/2) − lgamma(ν/2) − ½ log(νπ): the t density's constant. */
  private readonly logC: number;

  /** @throws Error unless ν, g, a₀, b₀ > 0 and m₀ and g have length d. */
  constructor(N: number, K: number, d: number, hyper: StudentLinearHyper) {
    super(N, K, d, hyper);
    if (!(hyper.nu > 0 && hyper.nu < Infinity)) throw new Error("normal_scale_mixture_studentt_linear: nu must be positive and finite");
    this.nu = hyper.nu;
    this.logC = lgamma(0.5 * (hyper.nu + 1)) - lgamma(0.5 * hyper.nu) - 0.5 * Math.log(hyper.nu * Math.PI);
  }

  /** The compiler's constructor. */
  static override create(N: number, K: number, d: number, hyper: { g: number | ArrayLike<number>; m0: number | ArrayLike<number>; a0: number; b0: number; nu: number }): StudentLinearState {
    return new StudentLinearState(N, K, d, { ...hyper, m0: typeof hyper.m0 === "number" ? new Float64Array(d).fill(hyper.m0) : hyper.m0 });
  }

  /** Restores a state written by {@link toJSON} (its constants are in the snapshot). */
  static override restore(json: unknown): StudentLinearState {
    return StudentLinearState.fromJSON(json);
  }

  /** log t_ν(r; 0, σ) with σ² = s2. */
  protected logDensity(r: number, s2: number): number {
    return this.logC - 0.5 * Math.log(s2) - 0.5 * (this.nu + 1) * Math.log1p((r * r) / (this.nu * s2));
  }

  /** λ ~ Gamma(w(ν + 1)/2, rate (ν + r²/σ²)/2): the exact conditional of the scale of the row's factor t_ν(r; σ)^w. */
  protected drawPrecision(rng: Rng, r: number, s2: number, w: number): number {
    return gamma(rng, 0.5 * w * (this.nu + 1), 0.5 * (this.nu + (r * r) / s2));
  }

  /** E[λ | r, σ²] = (ν + 1)/(ν + r²/σ²): 1 for a typical row, near 0 for an outlier. */
  protected rowWeight(r: number, s2: number): number {
    return (this.nu + 1) / (this.nu + (r * r) / s2);
  }

  /** t_ν(xᵀβ_k, σ_k): squared scale σ², ν, variance σ²ν/(ν − 2) (∞ when ν ≤ 2). */
  protected component(s2: number, out: Float64Array, outOff: number): void {
    out[outOff] = s2;
    out[outOff + 1] = this.nu;
    out[outOff + 2] = this.nu > 2 ? (s2 * this.nu) / (this.nu - 2) : Infinity;
  }

  /** JSON-safe snapshot; {@link StudentLinearState.fromJSON} restores it bit for bit. */
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), nu: this.nu };
  }

  /**
   * Restores a state written by {@link StudentLinearState.toJSON}.
   * @throws Error if the snapshot is of another kind or its fields have the wrong size.
   */
  static override fromJSON(json: unknown): StudentLinearState {
    const o = expectKind(json, StudentLinearState.rule);
    return new StudentLinearState(Number(o.N), Number(o.K), Number(o.d), { ...ScaleMixtureLinearState.hyperOf(o), nu: Number(o.nu) }).restoreDraws(o);
  }
}
