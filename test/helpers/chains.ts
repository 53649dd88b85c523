/** Independent chains of an expert block's sweep move, for checks of the move's target. */
import { expect } from "vitest";
import type { Rng } from "../../runtime/rng/rng.js";

/** What the chains need of a block whose particles carry a draw `beta` of K = 1 expert. */
interface SweptBlock {
  readonly d: number;
  readonly beta: Float64Array;
  init(i: number, rng: Rng): void;
  drawParameters(rng: Rng, i: number): void;
  rebuildAll(i: number, X: Float64Array, Y: Float64Array, byExpert: Int32Array, counts: Int32Array, n: number, weights: Float64Array | null, rng: Rng): boolean;
}

/**
 * Runs `chains` independent chains (one per particle of `block`, K = 1) of `sweeps` sweeps on the
 * rows (X row-major, Y) with row weights `w`, and returns, per coefficient, each chain's average
 * of its carried draw after `burn` sweeps, then those of `tracked(i)` (further functions of
 * chain i's state, such as the log of its noise variance). The chains are independent, so the
 * spread of their averages gives the Monte Carlo error whatever the autocorrelation within a chain.
 */
export function chainAverages(block: SweptBlock, chains: number, rng: Rng, X: Float64Array, Y: readonly number[], w: readonly number[], burn = 50, sweeps = 200, tracked: readonly ((i: number) => number)[] = []): Float64Array[] {
  const d = block.d;
  const n = Y.length;
  const Yv = Float64Array.from(Y);
  const byExpert = Int32Array.from(Y.map((_, s) => s));
  const counts = Int32Array.of(n);
  const weights = Float64Array.from(w);
  const means = Array.from({ length: d + tracked.length }, () => new Float64Array(chains));
  for (let i = 0; i < chains; i++) {
    block.init(i, rng);
    for (let sweep = 0; sweep < sweeps; sweep++) {
      block.drawParameters(rng, i);
      expect(block.rebuildAll(i, X, Yv, byExpert, counts, n, weights, rng)).toBe(true);
      if (sweep < burn) continue;
      for (let j = 0; j < d; j++) means[j][i] += block.beta[d * i + j] / (sweeps - burn);
      tracked.forEach((f, q) => (means[d + q][i] += f(i) / (sweeps - burn)));
    }
  }
  return means;
}

/**
 * Asserts that the chains' averages (from {@link chainAverages}) match `target` coefficient by
 * coefficient within 4 Monte Carlo errors, the errors below `maxSe`.
 */
export function expectChainsMatch(means: readonly Float64Array[], target: readonly number[], maxSe: number): void {
  means.forEach((chain, j) => {
    let m = 0;
    for (const v of chain) m += v / chain.length;
    let ss = 0;
    for (const v of chain) ss += (v - m) ** 2;
    const se = Math.sqrt(ss / (chain.length - 1) / chain.length);
    expect(Math.abs(m - target[j]), `coefficient ${j}`).toBeLessThan(4 * se);
    expect(se).toBeLessThan(maxSe);
  });
}
