/**
 * Forgetting (spec §3.8): which factor ρ each particle set runs, and how `"auto"` pools sets
 * that run different ones.
 *
 * A fixed ρ runs in every set. With `"auto"`, set m runs `AUTO_FORGET.grid[m mod G]` and the
 * sets are pooled by their recent evidence, as in dynamic model averaging (Raftery, Kárný and
 * Ettler, 2010): each set's pooling weight is its log evidence with every past row's increment
 * discounted by α per row, so the pool follows whichever ρ has predicted the last ~1/(1 − α)
 * rows best, and a ρ that fell behind comes back when the stream changes.
 */

/** A forgetting factor in (0, 1], or `"auto"` (one per set from a grid, pooled by recent evidence). */
export type Forget = number | "auto";

/** The grid of `"auto"` and its discount of the sets' evidence. */
export const AUTO_FORGET = {
  /**
   * Set m runs grid[m mod 4]: no forgetting first (set 1), then memories of about 100, 20 and
   * 500 rows (1/(1 − ρ)), so two sets already span stationary and drifting streams.
   */
  grid: [1, 0.99, 0.95, 0.998] as readonly number[],
  /** Discount per row of each set's evidence in its pooling weight. */
  alpha: 0.99,
};

/** The factor set m runs. */
export function setForget(forget: Forget | undefined, m: number): number {
  if (forget === undefined) return 1;
  if (forget === "auto") return AUTO_FORGET.grid[m % AUTO_FORGET.grid.length];
  return forget;
}
