/** Checks of a filter's evidence estimate against an exact one, for the expert families' tests. */
import { expect } from "vitest";
import { compile } from "../../api.js";
import { sampleMoments } from "./stats.js";

/**
 * Mean and Monte Carlo SE of p̂/p over `runs` independent one-set filters of `source` on the rows,
 * whose inputs are one vector of 2 unless `inputs` gives their lengths.
 */
export function evidenceRatio(source: string, X: number[][], Y: number[], logZ: number, runs: number, particles: number, rejuvenate: boolean, inputs: number[] = [2]) {
  const r: number[] = [];
  for (let seed = 1; seed <= runs; seed++) {
    const f = compile(source, {}).filter({ particles, seed, inputs, sets: 1, rejuvenate });
    for (let s = 0; s < X.length; s++) f.observe(X[s], Y[s]);
    r.push(Math.exp(f.logEvidence - logZ));
  }
  const { mean, variance } = sampleMoments(r);
  return { mean, se: Math.sqrt(variance / runs) };
}

/** Asserts that the evidence estimate of {@link evidenceRatio} is unbiased: its mean within 4 Monte Carlo SEs of 1. */
export function expectUnbiasedEvidence(...args: Parameters<typeof evidenceRatio>): void {
  const { mean, se } = evidenceRatio(...args);
  expect(se).toBeGreaterThan(0);
  expect(Math.abs(mean - 1)).toBeLessThan(4 * se);
}

/**
 * log p(y) of two experts under a fixed gate that picks the first with probability `first`:
 * the sum over every allocation of n rows, each allocation's evidence the product of the two
 * experts' marginal likelihoods of their rows, `logZ(rows)` (0 for no rows).
 */
export function allocationSumLogEvidence(n: number, first: number, logZ: (rows: number[]) => number): number {
  const cache = new Map<number, number>();
  const group = (mask: number, k: number) => {
    const key = 2 * mask + k;
    if (!cache.has(key)) {
      const rows = Array.from({ length: n }, (_, s) => s).filter((s) => ((mask >> s) & 1) === k);
      cache.set(key, rows.length ? logZ(rows) : 0);
    }
    return cache.get(key)!;
  };
  let Z = 0;
  for (let mask = 0; mask < 1 << n; mask++) {
    let l = 0;
    for (let s = 0; s < n; s++) l += Math.log((mask >> s) & 1 ? 1 - first : first);
    Z += Math.exp(l + group(mask, 0) + group(mask, 1));
  }
  return Math.log(Z);
}
