/**
 * Rule `horseshoe_makalic_schmidt` (spec §1.4 E7–E9, §2.3 E16): horseshoe prior on the gate
 * coefficients, `φ_lj | λ, τ ~ N(0, τ²λ²)`, `λ ~ C⁺(0, B)`, `τ ~ C⁺(0, A)`, each half-Cauchy
 * written as an inverse-gamma mixture (E8) so that every conditional is inverse-gamma.
 *
 * Layout (structure of arrays): `G` local scales per stick — G = d (per coefficient, λ_lj) or
 * G = 1 (grouped: one λ_l shared by the stick's d coefficients, spec §1.5). Particle i's local
 * block b = i·sticks + l holds `lambda2[b·G + g]` and `nu[b·G + g]`; the global `tau2[i]`, `xi[i]`.
 *
 * Guards (spec §7): λ² and τ² are clamped to [1e−150, 1e150] after every draw, so D = 1/(τ²λ²)
 * lies in [1e−300, 1e300] and neither it nor 1/λ² in the conditionals can overflow; reaching a
 * bound has prior probability ~1e−75. The inverse-gamma sampler itself floors its scale and caps
 * its draws ({@link inverseGamma}), so ν and ξ are always positive and finite.
 */
import { inverseGamma, type Rng } from "../rng/index.js";
import type { Allocations } from "./roles.js";
import type { GatePrior, ScalableGate } from "./gate-prior.js";
import { gatherInPlace } from "./gather.js";
import { statisticArrays, type Statistic } from "./statistics.js";
import { jointScaleMove } from "./joint-scale-move.js";
import { clampScale } from "./scale-bounds.js";
import { decodeFloat64, encodeFloat64, expectKind } from "../snapshot.js";

/** Options of the horseshoe rule: grouped local scales, global scale A, local scale B (both 1 by default). */
export interface HorseshoeOptions {
  /** One local scale per stick instead of one per coefficient (default false). */
  readonly grouped?: boolean;
  /** Scale of the global half-Cauchy, τ ~ C⁺(0, A) (default 1). */
  readonly A?: number;
  /** Scale of the local half-Cauchys, λ ~ C⁺(0, B) (default 1). */
  readonly B?: number;
  /** Rows of coefficients it governs, when not the K − 1 sticks (a softmax gate with every category free: K). */
  readonly rows?: number;
}

/** Makalic–Schmidt horseshoe state for every particle's gate coefficients (E9, E16). */
export class HorseshoeState implements GatePrior {
  /** Rule id in the compiler's rule table. */
  static readonly rule = "horseshoe_makalic_schmidt";
  /** Rule id, as {@link GatePrior} requires. */
  readonly rule = HorseshoeState.rule;
  /** Number of particles. */
  readonly N: number;
  /** Sticks per particle (K − 1). */
  readonly sticks: number;
  /** Coefficients per stick. */
  readonly d: number;
  /** One local scale per stick (true) or per coefficient (false). */
  readonly grouped: boolean;
  /** Half-Cauchy scale of the global τ ~ C⁺(0, A). */
  readonly A: number;
  /** Half-Cauchy scale of each local λ ~ C⁺(0, B). */
  readonly B: number;
  /** Local scales per stick: d, or 1 when grouped. */
  readonly G: number;
  /** Local λ² (N·sticks·G). */
  readonly lambda2: Float64Array;
  /** Auxiliaries ν of the local scales (N·sticks·G). */
  readonly nu: Float64Array;
  /** Global τ² (N). */
  readonly tau2: Float64Array;
  /** Auxiliary ξ of the global scale (N). */
  readonly xi: Float64Array;
  /** What the horseshoe keeps per particle: its scales and their auxiliaries, gathered together. */
  static readonly statistics: readonly Statistic[] = [
    { name: "lambda2", size: "S·d (S when grouped)", about: "local scales λ²" },
    { name: "nu", size: "S·d (S when grouped)", about: "their inverse-gamma auxiliaries ν" },
    { name: "tau2", size: "1", about: "the global scale τ²" },
    { name: "xi", size: "1", about: "its auxiliary ξ" },
  ];
  private readonly fields: readonly Float64Array[];

  /** @throws Error on non-positive sizes or scales. */
  constructor(N: number, sticks: number, d: number, options: HorseshoeOptions = {}) {
    const A = options.A ?? 1;
    const B = options.B ?? 1;
    if (!(N >= 1 && sticks >= 1 && d >= 1)) throw new Error("horseshoe: N, sticks, d must be positive");
    if (!(A > 0 && B > 0 && A < Infinity && B < Infinity)) throw new Error("horseshoe: A and B must be positive and finite");
    this.N = N;
    this.sticks = sticks;
    this.d = d;
    this.grouped = options.grouped ?? false;
    this.A = A;
    this.B = B;
    this.G = this.grouped ? 1 : d;
    this.lambda2 = new Float64Array(N * sticks * this.G);
    this.nu = new Float64Array(N * sticks * this.G);
    this.tau2 = new Float64Array(N);
    this.xi = new Float64Array(N);
    this.fields = statisticArrays(this, HorseshoeState.statistics);
  }

  /** Whether the prior shrinks: yes, κ per coefficient is reported. */
  readonly shrinks = true;
  /** The Cauchy tails bound no coefficient. */
  readonly bounded = false;

  /** The compiler's constructor: sticks K − 1 of a K-expert gate. */
  static create(N: number, K: number, d: number, options: HorseshoeOptions): HorseshoeState {
    return new HorseshoeState(N, options.rows ?? K - 1, d, options);
  }

  /** Restores a state written by {@link toJSON}. */
  static restore(json: unknown): HorseshoeState {
    return HorseshoeState.fromJSON(json);
  }

  /** Prior draw (E9): ξ ~ IG(½, 1/A²), τ² ~ IG(½, 1/ξ), ν ~ IG(½, 1/B²), λ² ~ IG(½, 1/ν). */
  init(rng: Rng, i: number): void {
    this.xi[i] = inverseGamma(rng, 0.5, 1 / (this.A * this.A));
    this.tau2[i] = clampScale(inverseGamma(rng, 0.5, 1 / this.xi[i]));
    const n = this.sticks * this.G;
    for (let p = i * n; p < (i + 1) * n; p++) {
      this.nu[p] = inverseGamma(rng, 0.5, 1 / (this.B * this.B));
      this.lambda2[p] = clampScale(inverseGamma(rng, 0.5, 1 / this.nu[p]));
    }
  }

  /** One E16 sweep given φ: the local scales, then the global ones; the precisions change. */
  gibbs(rng: Rng, i: number, phi: Float64Array, phiOff: number): boolean {
    this.gibbsLocal(rng, i, phi, phiOff);
    this.gibbsGlobal(rng, i, phi, phiOff);
    return true;
  }

  /** The joint (τ, φ) scale move of the sweep (spec §3.7), along the funnel Gibbs crawls. */
  sweepMoves(rng: Rng, i: number, gate: ScalableGate, X: Float64Array, z: Allocations, zOff: number, t: number): void {
    jointScaleMove(rng, i, gate, this, X, z, zOff, t);
  }

  /**
   * Local scales given φ and τ² (E16): λ² ~ IG(1, 1/ν + φ²/(2τ²)) per coefficient, or
   * IG((d+1)/2, 1/ν + Σ_j φ_j²/(2τ²)) per stick when grouped; then ν ~ IG(1, 1/B² + 1/λ²).
   */
  gibbsLocal(rng: Rng, i: number, phi: Float64Array, phiOff: number): void {
    const d = this.d;
    const G = this.G;
    const half = 0.5 / this.tau2[i];
    const shape = this.grouped ? 0.5 * (d + 1) : 1;
    const invB2 = 1 / (this.B * this.B);
    for (let l = 0; l < this.sticks; l++) {
      for (let g = 0; g < G; g++) {
        const p = (i * this.sticks + l) * G + g;
        // The coefficients this scale governs: the whole stick, or coefficient g alone.
        const j0 = this.grouped ? 0 : g;
        const j1 = this.grouped ? d : g + 1;
        let ss = 0;
        for (let j = j0; j < j1; j++) {
          const v = phi[phiOff + l * d + j];
          ss += v * v;
        }
        this.lambda2[p] = clampScale(inverseGamma(rng, shape, 1 / this.nu[p] + ss * half));
        this.nu[p] = inverseGamma(rng, 1, invB2 + 1 / this.lambda2[p]);
      }
    }
  }

  /**
   * Global scale given φ and λ² (E16): τ² ~ IG((M+1)/2, 1/ξ + Σ φ²/(2λ²)) with M = sticks·d
   * coefficients (grouped or not), then ξ ~ IG(1, 1/A² + 1/τ²).
   */
  gibbsGlobal(rng: Rng, i: number, phi: Float64Array, phiOff: number): void {
    const d = this.d;
    let ss = 0;
    for (let l = 0; l < this.sticks; l++) {
      for (let j = 0; j < d; j++) {
        const v = phi[phiOff + l * d + j];
        ss += (v * v) / this.lambda2[(i * this.sticks + l) * this.G + (this.grouped ? 0 : j)];
      }
    }
    const M = this.sticks * d;
    this.tau2[i] = clampScale(inverseGamma(rng, 0.5 * (M + 1), 1 / this.xi[i] + 0.5 * ss));
    this.xi[i] = inverseGamma(rng, 1, 1 / (this.A * this.A) + 1 / this.tau2[i]);
  }

  /** D_lj = 1/(τ²λ_lj²) (E15), in [1e−300, 1e300] by the clamps. */
  precisionDiagonal(i: number, l: number, out: Float64Array, outOff: number): void {
    const base = (i * this.sticks + l) * this.G;
    for (let j = 0; j < this.d; j++) out[outOff + j] = 1 / (this.tau2[i] * this.lambda2[base + (this.grouped ? 0 : j)]);
  }

  /** κ_lj = 1/(1 + τ²λ_lj²), the horseshoe shrinkage weight (spec §1.4; 1 = shrunk away). */
  shrinkage(i: number, l: number, out: Float64Array, outOff: number): void {
    const base = (i * this.sticks + l) * this.G;
    for (let j = 0; j < this.d; j++) out[outOff + j] = 1 / (1 + this.tau2[i] * this.lambda2[base + (this.grouped ? 0 : j)]);
  }

  /**
   * Resampling in place: particle i becomes a copy of particle `ancestors[i]`; only the particles
   * with `ancestors[i] !== i` are written.
   * Precondition: survivors keep their slots, `ancestors[ancestors[i]] === ancestors[i]` for
   * every i (see {@link gatherInPlace}).
   */
  gather(ancestors: Int32Array): void {
    gatherInPlace(this.fields, ancestors, this.N);
  }

  /** JSON-safe snapshot; {@link HorseshoeState.fromJSON} restores it bit for bit. */
  toJSON(): Record<string, unknown> {
    const { N, sticks, d, grouped, A, B } = this;
    return {
      kind: HorseshoeState.rule,
      N,
      sticks,
      d,
      grouped,
      A,
      B,
      lambda2: encodeFloat64(this.lambda2),
      nu: encodeFloat64(this.nu),
      tau2: encodeFloat64(this.tau2),
      xi: encodeFloat64(this.xi),
    };
  }

  /**
   * Restores a state written by {@link HorseshoeState.toJSON}.
   * @throws Error if the snapshot is of another kind or its fields have the wrong size.
   */
  static fromJSON(json: unknown): HorseshoeState {
    const o = expectKind(json, HorseshoeState.rule);
    const s = new HorseshoeState(Number(o.N), Number(o.sticks), Number(o.d), { grouped: o.grouped === true, A: Number(o.A), B: Number(o.B) });
    s.lambda2.set(decodeFloat64(String(o.lambda2), s.lambda2.length));
    s.nu.set(decodeFloat64(String(o.nu), s.nu.length));
    s.tau2.set(decodeFloat64(String(o.tau2), s.tau2.length));
    s.xi.set(decodeFloat64(String(o.xi), s.xi.length));
    return s;
  }
}
