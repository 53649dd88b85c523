/**
 * Rule `normal_fixed_scale`: the plain Normal gate prior `φ_lj ~ N(0, s²)` with s fixed (spec
 * §1.5). It has no state: D_l = 1/s² for every stick and particle, and the PG machinery of the
 * gate is unchanged.
 */
import type { GatePrior } from "./gate-prior.js";
import { expectKind } from "../snapshot.js";
import type { Statistic } from "./statistics.js";

/** Stateless {@link GatePrior} with constant precision 1/s². */
export class FixedNormalPrior implements GatePrior {
  /** Rule id in the compiler's rule table. */
  static readonly rule = "normal_fixed_scale";
  /** Rule id, as {@link GatePrior} requires. */
  readonly rule = FixedNormalPrior.rule;
  /** Number of particles. */
  readonly N: number;
  /** Sticks per particle (K − 1). */
  readonly sticks: number;
  /** Coefficients per stick. */
  readonly d: number;
  /** Prior standard deviation of every coefficient. */
  readonly s: number;
  private readonly precision: number;

  /** @throws Error unless s > 0 and finite. */
  constructor(N: number, sticks: number, d: number, s: number) {
    if (!(s > 0 && s < Infinity)) throw new Error("normal_fixed_scale: s must be positive and finite");
    this.N = N;
    this.sticks = sticks;
    this.d = d;
    this.s = s;
    this.precision = 1 / (s * s);
  }

  /** No shrinkage to report: every coefficient has the same fixed scale. */
  readonly shrinks = false;
  /** Every coefficient has the same fixed variance. */
  readonly bounded = true;

  /** Nothing is kept per particle: the precision is a constant. */
  static readonly statistics: readonly Statistic[] = [];

  /** The compiler's constructor: sticks K − 1 of a K-expert gate, prior sd `s`. */
  static create(N: number, K: number, d: number, options: { s: number; rows?: number }): FixedNormalPrior {
    return new FixedNormalPrior(N, options.rows ?? K - 1, d, options.s);
  }

  /** Restores a prior written by {@link toJSON}. */
  static restore(json: unknown): FixedNormalPrior {
    return FixedNormalPrior.fromJSON(json);
  }

  /** Nothing to draw. */
  init(): void {}

  /** Nothing to refresh: the precisions stay as they are. */
  gibbs(): boolean {
    return false;
  }

  /** No moves of its own. */
  sweepMoves(): void {}

  /** D_l = 1/s² for every coefficient. */
  precisionDiagonal(_i: number, _l: number, out: Float64Array, outOff: number): void {
    out.fill(this.precision, outOff, outOff + this.d);
  }

  /** κ = 1/(1 + s²) for every coefficient. */
  shrinkage(_i: number, _l: number, out: Float64Array, outOff: number): void {
    out.fill(1 / (1 + this.s * this.s), outOff, outOff + this.d);
  }

  /** Nothing to copy (no state), whatever the ancestors. */
  gather(): void {}

  /** JSON-safe snapshot (sizes and s). */
  toJSON(): Record<string, unknown> {
    return { kind: FixedNormalPrior.rule, N: this.N, sticks: this.sticks, d: this.d, s: this.s };
  }

  /**
   * Restores a prior written by {@link FixedNormalPrior.toJSON}.
   * @throws Error if the snapshot is of another kind.
   */
  static fromJSON(json: unknown): FixedNormalPrior {
    const o = expectKind(json, FixedNormalPrior.rule);
    return new FixedNormalPrior(Number(o.N), Number(o.sticks), Number(o.d), Number(o.s));
  }
}
