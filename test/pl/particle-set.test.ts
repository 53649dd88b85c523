/** Driver pieces: in-place ancestor arrangement, checkpoint schedule, lineage-traced histories. */
import { describe, expect, it } from "vitest";
import { keepSurvivorsInPlace } from "../../runtime/pl/particle-set.js";
import { isCheckpoint } from "../../runtime/pl/schedule.js";
import { AllocationHistory, historyFromJson, historyToJson } from "../../runtime/pl/history.js";
import { Rng } from "../../runtime/rng/rng.js";

describe("keepSurvivorsInPlace", () => {
  it("keeps the multiset of ancestors and puts every survivor in its own slot", () => {
    const rng = Rng.fromSeed(1);
    for (let trial = 0; trial < 200; trial++) {
      const N = 1 + Math.floor(rng.uniform() * 40);
      const a = Int32Array.from({ length: N }, () => Math.floor(rng.uniform() ** 3 * N)).sort();
      const before = Array.from(a).sort((x, y) => x - y);
      keepSurvivorsInPlace(a, new Int32Array(N), N);
      expect(Array.from(a).sort((x, y) => x - y)).toEqual(before);
      for (let i = 0; i < N; i++) expect(a[i] === i || a[a[i]] === a[i]).toBe(true);
    }
  });
});

describe("checkpoint schedule", () => {
  it("is every 10 rows to 100, then doubling", () => {
    const rows = Array.from({ length: 2000 }, (_, t) => t + 1).filter((t) => isCheckpoint(t));
    expect(rows).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 200, 400, 800, 1600]);
  });
});

describe("AllocationHistory", () => {
  it("assembles each particle's allocations along its lineage", () => {
    const N = 3;
    const h = new AllocationHistory(N, 8);
    // row 0: no resampling; particle i allocates i
    let s = h.nextStep();
    s.ancestors.set([0, 1, 2]);
    s.z.set([0, 1, 2]);
    // row 1: everyone descends from particle 2
    s = h.nextStep();
    s.ancestors.set([2, 2, 2]);
    s.z.set([5, 6, 7]);
    h.settle();
    expect(Array.from({ length: N }, (_, i) => [h.full[i * h.stride], h.full[i * h.stride + 1]])).toEqual([[2, 5], [2, 6], [2, 7]]);
    // row 2 after the checkpoint: particle 0 descends from particle 1
    s = h.nextStep();
    s.ancestors.set([1, 0, 2]);
    s.z.set([9, 9, 9]);
    h.settle();
    expect(Array.from(h.full.subarray(0, 3))).toEqual([2, 6, 9]);
    expect(Array.from(h.full.subarray(h.stride, h.stride + 3))).toEqual([2, 5, 9]);
  });

  it("stores allocations in the narrowest array that holds K experts, and restores them exactly", () => {
    for (const [K, kind] of [[4, Uint8Array], [256, Uint8Array], [257, Uint16Array], [70_000, Int32Array]] as const) {
      const N = 2;
      const h = new AllocationHistory(N, K);
      expect(h.full).toBeInstanceOf(kind);
      for (let t = 0; t < 100; t++) {
        const s = h.nextStep();
        s.ancestors.set([0, 1]);
        s.z.set([K - 1, t % K]);
        if (t === 69) h.settle();
      }
      h.settle();
      expect(h.full).toBeInstanceOf(kind);
      const back = historyFromJson(N, K, historyToJson(h), 100);
      expect(back.full).toBeInstanceOf(kind);
      for (let i = 0; i < N; i++) {
        expect(Array.from(back.full.subarray(i * back.stride, i * back.stride + 100))).toEqual(Array.from(h.full.subarray(i * h.stride, i * h.stride + 100)));
      }
      expect(back.full[0]).toBe(K - 1);
    }
  });
});
