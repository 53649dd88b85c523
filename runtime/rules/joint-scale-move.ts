/**
 * The joint (τ, φ) scale move of the resample-move sweep (spec §3.7 item 3): for one particle,
 * `ε ~ N(0, s²)`, `c = e^ε`, `τ² → c²τ²` and every gate coefficient `φ_lj → cφ_lj`, with λ, ν, ξ
 * unchanged and the PG auxiliaries marginalised. It moves along the funnel between the global
 * scale and the coefficients that Gibbs alone crawls along.
 *
 * It couples the gate (`./stick-gate.ts`) and the horseshoe (`./horseshoe.ts`), so it lives in
 * neither. Afterwards D has changed: the gate's factors are stale until the sweep's rebuild (or
 * a `refactor`) recomputes them.
 */
import type { Rng } from "../rng/index.js";
import type { Allocations } from "./roles.js";
import type { ScalableGate } from "./gate-prior.js";
import { HORSESHOE_SCALE_MAX, HORSESHOE_SCALE_MIN } from "./scale-bounds.js";

/** The global scale a joint move rescales: τ² and its auxiliary ξ per particle, over `sticks` sticks of `d` coefficients. */
export interface GlobalScale {
  readonly sticks: number;
  readonly d: number;
  readonly tau2: Float64Array;
  readonly xi: Float64Array;
}

/**
 * log acceptance ratio of the joint move (spec §3.7): `Σ_l Δℓ_l − ε − (1/ξ)(1/(c²τ²) − 1/τ²)`,
 * from the Jacobian c^{M+2}, the prior normaliser c^{−M} and the IG(½, 1/ξ) factor of τ².
 */
export function jointScaleLogAlpha(dLogLik: number, eps: number, tau2: number, xi: number): number {
  return dLogLik - eps - Math.expm1(-2 * eps) / (xi * tau2);
}

/**
 * One joint (τ, φ) scale move for particle i over the rows s < t (allocations at `z[zOff …]`),
 * with proposal sd `sd` on log c. A proposal that would take τ² outside the horseshoe's clamp
 * range is rejected (the target is restricted to that range). The likelihoods come from the
 * gate's cached logits ({@link StickGateState.scaleLogLikChange}: the rows X[0 … t) must not
 * change between moves). Returns whether it was accepted.
 * @throws Error if the gate and the horseshoe disagree on the number of sticks or features.
 */
export function jointScaleMove(
  rng: Rng,
  i: number,
  gate: ScalableGate,
  hs: GlobalScale,
  X: Float64Array,
  z: Allocations,
  zOff: number,
  t: number,
  sd = 0.5,
): boolean {
  if (gate.S !== hs.sticks) throw new Error("jointScaleMove: gate and horseshoe sizes differ");
  const eps = sd * rng.normal();
  const c = Math.exp(eps);
  const tau2 = hs.tau2[i];
  const proposed = c * c * tau2;
  if (!(proposed >= HORSESHOE_SCALE_MIN && proposed <= HORSESHOE_SCALE_MAX)) return false;
  const dLogLik = gate.scaleLogLikChange(i, 0, gate.S, c, X, z, zOff, t);
  if (!(Math.log(rng.uniform()) < jointScaleLogAlpha(dLogLik, eps, tau2, hs.xi[i]))) return false;
  hs.tau2[i] = proposed;
  gate.rescale(i, 0, gate.S, c);
  return true;
}
