/** Scale trees of the runtime's ScalePrior, as the compiler writes them, for the tests that build blocks by hand. */
import type { ScaleTree } from "../../runtime/rules/scale-prior.js";

/**
 * The horseshoe with a global τ and a local λ per stick (or expert) and column, both C⁺(0, 1)
 * written as inverse-gamma pairs; with `slab`, the regularised horseshoe's c² ~ IG(shape, rate).
 */
export function horseshoeTree(slab?: { shape: number; rate: number }): ScaleTree {
  return {
    families: [
      { dims: [], shape: 0.5, rate: { parent: 1 }, scale: true },
      { dims: [], shape: 0.5, rate: { constant: 1 }, scale: false },
      { dims: ["stick", "column"], shape: 0.5, rate: { parent: 3 }, scale: true },
      { dims: ["stick", "column"], shape: 0.5, rate: { constant: 1 }, scale: false },
    ],
    groups: [{ base: 1, factors: [{ family: 0, index: [] }, { family: 2, index: ["stick", "column"] }], ...(slab ? { slab: true } : {}) }],
    ...(slab ? { slab } : {}),
  };
}
