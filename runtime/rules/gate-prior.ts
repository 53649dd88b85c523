/**
 * The interface between the stick-breaking gate (`./stick-gate.ts`) and the prior on its
 * coefficients: the gate only needs each stick's prior precision diagonal D_l (spec E15), and
 * a prior with state refreshes it from the current φ (E16). Implemented by the horseshoe rules
 * (`./horseshoe.ts`) and the fixed-scale Normal rule (`./fixed-normal.ts`).
 *
 * Conventions: particle i, stick l < `sticks`, feature j < d. The φ block of particle i is the
 * gate's `phi` array from offset i·sticks·d, stick l's coefficients at `+ l·d`. A change of D_l
 * makes the gate's factor of Q_l = G_l + D_l stale: call the gate's `refactor` afterwards.
 */
import type { Rng } from "../rng/index.js";
import type { Allocations, Block } from "./roles.js";

/**
 * What a prior's joint moves need of the gate: the change of the sticks' log likelihoods when
 * their coefficients are scaled, and the rescaling itself (implemented by the stick gate).
 */
export interface ScalableGate {
  /** Sticks per particle. */
  readonly S: number;
  /** Σ_{l0 ≤ l < l1} [ℓ_l(cφ_l) − ℓ_l(φ_l)] over the rows s < t (allocations at `z[zOff …]`). */
  scaleLogLikChange(i: number, l0: number, l1: number, c: number, X: Float64Array, z: Allocations, zOff: number, t: number): number;
  /** φ_l ← cφ_l for l0 ≤ l < l1. */
  rescale(i: number, l0: number, l1: number, c: number): void;
}

/** A prior `φ_l ~ N(0, diag(1/D_l))` on the gate coefficients, possibly with its own state. */
export interface GatePrior extends Block {
  /** Rule id in the compiler's rule table. */
  readonly rule: string;
  /** Sticks per particle (K − 1). */
  readonly sticks: number;
  /** Coefficients per stick. */
  readonly d: number;
  /** Draws particle i's prior state (scales) from the prior. */
  init(rng: Rng, i: number): void;
  /**
   * One Gibbs refresh of particle i's prior state given its φ block at `phi[phiOff …]` (E16).
   * Returns whether the precisions may have changed (the gate then refactors its sticks).
   */
  gibbs(rng: Rng, i: number, phi: Float64Array, phiOff: number): boolean;
  /**
   * The prior's own moves in a resample-move sweep of particle i, after the gate's stick scale
   * moves (for the horseshoe, the joint (τ, φ) move). The gate's factors are rebuilt afterwards.
   */
  sweepMoves(rng: Rng, i: number, gate: ScalableGate, X: Float64Array, z: Allocations, zOff: number, t: number): void;
  /**
   * Whether every coefficient's prior variance is bounded (a fixed Normal, or a slab): if not, a
   * stick whose rows separate can let its coefficients run away, and the filter says so.
   */
  readonly bounded: boolean;
  /** Whether the prior shrinks (the report then shows κ per coefficient). */
  readonly shrinks: boolean;
  /** Writes D_l (d entries, all positive and finite) of particle i at `out[outOff …]` (E15). */
  precisionDiagonal(i: number, l: number, out: Float64Array, outOff: number): void;
  /** Writes the shrinkage κ = 1/(1 + 1/D_lj) of each coefficient of stick l (spec §1.4). */
  shrinkage(i: number, l: number, out: Float64Array, outOff: number): void;
}
