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

/** A prior `φ_l ~ N(0, diag(1/D_l))` on the gate coefficients, possibly with its own state. */
export interface GatePrior {
  /** Rule id in the compiler's rule table. */
  readonly rule: string;
  /** Number of particles. */
  readonly N: number;
  /** Sticks per particle (K − 1). */
  readonly sticks: number;
  /** Coefficients per stick. */
  readonly d: number;
  /** Draws particle i's prior state (scales) from the prior. */
  init(rng: Rng, i: number): void;
  /** One Gibbs refresh of particle i's prior state given its φ block at `phi[phiOff …]` (E16). */
  gibbs(rng: Rng, i: number, phi: Float64Array, phiOff: number): void;
  /** Writes D_l (d entries, all positive and finite) of particle i at `out[outOff …]` (E15). */
  precisionDiagonal(i: number, l: number, out: Float64Array, outOff: number): void;
  /** Writes the shrinkage κ = 1/(1 + 1/D_lj) of each coefficient of stick l (spec §1.4). */
  shrinkage(i: number, l: number, out: Float64Array, outOff: number): void;
  /**
   * Resampling in place: particle i becomes a copy of particle `ancestors[i]`. Precondition:
   * survivors keep their slots, `ancestors[ancestors[i]] === ancestors[i]` for every i.
   */
  gather(ancestors: Int32Array): void;
  /** JSON-safe snapshot, restored bit for bit by the implementing class's `fromJSON`. */
  toJSON(): Record<string, unknown>;
}
