/**
 * Runtime side of the compiler's rule table: for each recognised model term, the particle
 * state (structure of arrays across particles, `gather` for resampling, bit-exact
 * `toJSON`/`fromJSON`) with its streaming update for the particle-learning step (spec §3.3)
 * and its full conditionals for the resample-move sweep (spec §3.7).
 *
 * | rule id | state | role |
 * | --- | --- | --- |
 * | `normal_inverse_gamma_linear` | {@link NigLinearState} | Gaussian linear expert, NIG prior (E10–E13) |
 * | `normal_known_variance_linear` | {@link KnownVarianceLinearState} | Gaussian linear expert, known noise |
 * | `polya_gamma_stickbreaking` | {@link StickGateState} | logit stick-breaking gate with PG augmentation (E5–E6, E14–E15) |
 * | `horseshoe_makalic_schmidt` | {@link HorseshoeState} | horseshoe gate prior, per coefficient or grouped (E7–E9, E16) |
 * | `normal_fixed_scale` | {@link FixedNormalPrior} | plain Normal gate prior |
 *
 * Gate priors meet the gate through {@link GatePrior}; the joint (τ, φ) move couples the gate
 * and the horseshoe ({@link jointScaleMove}).
 */
export { LinearExpertState } from "./linear-expert.js";
export { NigLinearState, type NigLinearHyper } from "./nig-linear.js";
export { KnownVarianceLinearState, type KnownVarianceLinearHyper } from "./known-variance-linear.js";
export { StickGateState } from "./stick-gate.js";
export { LogitRegressions, scaleMoveLogAlpha } from "./logit-regressions.js";
export type { GatePrior } from "./gate-prior.js";
export { HorseshoeState, type HorseshoeOptions } from "./horseshoe.js";
export { HORSESHOE_SCALE_MAX, HORSESHOE_SCALE_MIN } from "./scale-bounds.js";
export { FixedNormalPrior } from "./fixed-normal.js";
export { jointScaleLogAlpha, jointScaleMove } from "./joint-scale-move.js";
export { decodeFloat64, encodeFloat64 } from "../snapshot.js";
