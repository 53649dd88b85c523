/**
 * Bounds on the horseshoe's squared scales λ² and τ² (spec §7): clamped to [1e−150, 1e150] after
 * every draw, so D = 1/(τ²λ²) lies in [1e−300, 1e300] and neither it nor 1/λ² in the
 * conditionals can overflow; reaching a bound has prior probability ~1e−75. Shared by the
 * Gibbs updates and the joint scale move, which rejects proposals outside the range.
 */

/** Lower bound on λ² and τ². */
export const HORSESHOE_SCALE_MIN = 1e-150;
/** Upper bound on λ² and τ². */
export const HORSESHOE_SCALE_MAX = 1e150;

/** `v` clamped to [{@link HORSESHOE_SCALE_MIN}, {@link HORSESHOE_SCALE_MAX}]. */
export function clampScale(v: number): number {
  return v < HORSESHOE_SCALE_MIN ? HORSESHOE_SCALE_MIN : v > HORSESHOE_SCALE_MAX ? HORSESHOE_SCALE_MAX : v;
}
