/**
 * What a block keeps per particle, as data: each statistic's name (the block's property holding
 * it), its size per particle and what it holds. A block gathers exactly the arrays its table
 * lists on resampling, and the compiler's rule table and the language reference read the same
 * list, so the documentation of a rule's statistics is the list its block runs on.
 */

/** One per-particle array of a block. */
export interface Statistic {
  /** The block's property that holds it (a Float64Array of N equal blocks). */
  readonly name: string;
  /** Its size per particle, in the block's terms (`K·d²`, `S·d`, `1`). */
  readonly size: string;
  /** What it holds. */
  readonly about: string;
}

/**
 * The arrays `statistics` names on `block`, in order: what its `gather` copies.
 * @throws Error if a name is not a Float64Array property of the block (a table out of step with its block).
 */
export function statisticArrays(block: object, statistics: readonly Statistic[]): Float64Array[] {
  return statistics.map((s) => {
    const a = (block as Record<string, unknown>)[s.name];
    if (!(a instanceof Float64Array)) throw new Error(`internal: block statistic ${s.name} is not an array of the block`);
    return a;
  });
}
