/**
 * Rule `normal_scale_mixture_laplace_linear`: expert k of particle i is a least-absolute-
 * deviations regression, `y ~ Laplace(xᵀβ_k, σ_k)` (density e^{−|r|/σ}/(2σ)),
 * `β_k | σ_k² ~ N(m₀, σ_k² diag(g))`, `σ_k² ~ IG(a₀, b₀)` (spec §2.5), on the shared
 * robust-expert core {@link ScaleMixtureLinearState}.
 *
 * The Laplace is a normal scale mixture: y | λ ~ N(xᵀβ, σ²/λ) with 1/λ ~ Exponential(rate ½).
 * Under forgetting a row's factor e^{−w|r|/σ} = ∫ e^{−λ r²/(2σ²)} m(λ) dλ with a mixing m that
 * does not involve σ, and the row's precision weight given z = r²/σ² is inverse Gaussian,
 * λ ~ IG(mean w/√z, shape w²) — at w = 1 the Bayesian lasso's conditional IG(σ/|r|, 1).
 */
import { inverseGaussian, type Rng } from "../rng/index.js";
import { ScaleMixtureLinearState, type ScaleMixtureHyper } from "./scale-mixture-linear.js";
import { expectKind } from "../snapshot.js";
import { LAPLACE_DOF } from "./roles.js";

/** Particle state of Laplace linear experts: NIG statistics given the rows' precision weights, and a draw of each expert. */
export class LaplaceLinearState extends ScaleMixtureLinearState {
  /** Rule id in the compiler's rule table. */
  static override readonly rule = "normal_scale_mixture_laplace_linear";

  /** The compiler's constructor. */
  static override create(N: number, K: number, d: number, hyper: { g: number | ArrayLike<number>; m0: number | ArrayLike<number>; a0: number; b0: number }): LaplaceLinearState {
    return new LaplaceLinearState(N, K, d, { ...hyper, m0: typeof hyper.m0 === "number" ? new Float64Array(d).fill(hyper.m0) : hyper.m0 });
  }

  /** Restores a state written by {@link toJSON} (its constants are in the snapshot). */
  static override restore(json: unknown): LaplaceLinearState {
    return LaplaceLinearState.fromJSON(json);
  }

  /** log Laplace(r; 0, σ) = −log 2σ − |r|/σ with σ² = s2. */
  protected logDensity(r: number, s2: number): number {
    const s = Math.sqrt(s2);
    return -Math.LN2 - Math.log(s) - Math.abs(r) / s;
  }

  /**
   * λ ~ IG(w σ/|r|, w²), the exact conditional of the precision weight of the row's factor
   * e^{−w|r|/σ}; a zero residual gives the limit w²/χ²₁.
   */
  protected drawPrecision(rng: Rng, r: number, s2: number, w: number): number {
    return inverseGaussian(rng, r === 0 ? Infinity : (w * Math.sqrt(s2)) / Math.abs(r), w * w);
  }

  /**
   * The row's relative precision 2/E[1/λ | r, σ²] = 2/(1 + |r|/σ): 1 at one scale from the line
   * (a typical row: the scale is the mean absolute deviation), below ½ beyond three (5 % of rows
   * under the model). Not E[λ | r, σ²] = σ/|r| as for the Student-t: its posterior mean is
   * infinite, the posterior of the line having a density at every row.
   */
  protected rowWeight(r: number, s2: number): number {
    return 2 / (1 + Math.abs(r) / Math.sqrt(s2));
  }

  /** Laplace(xᵀβ_k, σ_k): squared scale σ², the Laplace marker, variance 2σ². */
  protected component(s2: number, out: Float64Array, outOff: number): void {
    out[outOff] = s2;
    out[outOff + 1] = LAPLACE_DOF;
    out[outOff + 2] = 2 * s2;
  }

  /**
   * Restores a state written by {@link LaplaceLinearState.toJSON}.
   * @throws Error if the snapshot is of another kind or its fields have the wrong size.
   */
  static override fromJSON(json: unknown): LaplaceLinearState {
    const o = expectKind(json, LaplaceLinearState.rule);
    return new LaplaceLinearState(Number(o.N), Number(o.K), Number(o.d), ScaleMixtureLinearState.hyperOf(o)).restoreDraws(o);
  }
}
