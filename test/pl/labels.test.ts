/** Stable expert labels: matching particles' experts by their allocations (labels.ts). */
import { describe, expect, it } from "vitest";
import { alignLabels, Hungarian } from "../../runtime/pl/labels.js";
import { Rng } from "../../runtime/rng/rng.js";

function permutations(n: number): number[][] {
  if (n === 1) return [[0]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
}

describe("Hungarian", () => {
  it("finds the maximum-gain matching (exhaustive check, K = 2..6)", () => {
    const rng = Rng.fromSeed(4);
    for (let K = 2; K <= 6; K++) {
      const h = new Hungarian(K);
      const assign = new Int32Array(K);
      for (let rep = 0; rep < 30; rep++) {
        const gain = Float64Array.from({ length: K * K }, () => Math.floor(10 * rng.uniform()));
        h.maximise(gain, assign);
        expect(new Set(assign).size).toBe(K);
        const got = Array.from(assign).reduce((a, c, r) => a + gain[r * K + c], 0);
        const best = Math.max(...permutations(K).map((p) => p.reduce((a, c, r) => a + gain[r * K + c], 0)));
        expect(got).toBe(best);
      }
    }
  });
});

describe("alignLabels", () => {
  // 12 rows in three groups; particle 0 labels them 0,1,2; particle 1 the same groups as 2,0,1
  const groups = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2];
  const relabel = [2, 0, 1];
  const stride = 16;
  const history = new Int32Array(2 * stride);
  groups.forEach((g, t) => {
    history[t] = g;
    history[stride + t] = relabel[g];
  });
  const counts = new Float64Array([6, 4, 2, 4, 2, 6]);

  it("matches a particle's permuted labels to the reference's, numbered by usage", () => {
    const { orders, usage } = alignLabels([{ N: 2, counts, weights: new Float64Array([0.6, 0.4]), history, stride }], 3, groups.length);
    expect(Array.from(orders[0].subarray(0, 3))).toEqual([0, 1, 2]);
    expect(Array.from(orders[0].subarray(3, 6))).toEqual([2, 0, 1]);
    [0.5, 4 / 12, 2 / 12].forEach((v, r) => expect(usage[r]).toBeCloseTo(v, 12));
  });

  it("falls back to row counts without histories", () => {
    const { orders } = alignLabels([{ N: 2, counts, weights: new Float64Array([0.6, 0.4]), history: null, stride }], 3, groups.length);
    expect(Array.from(orders[0].subarray(3, 6))).toEqual([2, 0, 1]);
  });
});
