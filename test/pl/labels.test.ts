/** Stable expert labels: matching particles' experts by their allocations (labels.ts). */
import { describe, expect, it } from "vitest";
import { alignLabels, Hungarian, type LabelSource } from "../../runtime/pl/labels.js";
import { Rng } from "../../runtime/rng/rng.js";

function permutations(n: number): number[][] {
  if (n === 1) return [[0]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
}

const int = (rng: Rng, n: number) => Math.floor(n * rng.uniform());

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

  it("solves a smaller problem in its work arrays", () => {
    const h = new Hungarian(8);
    const assign = new Int32Array(3);
    h.maximise(new Float64Array([0, 5, 0, 0, 0, 7, 3, 0, 0]), assign, 3);
    expect(Array.from(assign)).toEqual([1, 2, 0]);
  });
});

/**
 * The plain algorithm: a K×K confusion matrix and a K×K Hungarian assignment for every particle,
 * experts sorted by count without histories. The runtime must agree with it whenever each
 * particle's optimal assignment is unique.
 */
function alignLabelsReference(sets: readonly LabelSource[], K: number, rows: number): { orders: Int32Array[]; usage: Float64Array } {
  const byCount = (counts: Float64Array, i: number) => Array.from({ length: K }, (_, k) => k).sort((a, b) => counts[i * K + b] - counts[i * K + a] || a - b);
  let refSet = 0;
  let refI = 0;
  sets.forEach((s, m) => {
    for (let i = 0; i < s.N; i++) if (s.weights[i] > sets[refSet].weights[refI]) [refSet, refI] = [m, i];
  });
  const ref = sets[refSet];
  const refRank = new Int32Array(K);
  byCount(ref.counts, refI).forEach((k, r) => (refRank[k] = r));
  const useHistory = rows > 0 && sets.every((s) => s.history !== null);
  const usage = new Float64Array(K);
  const orders = sets.map((s) => {
    const order = new Int32Array(s.N * K);
    for (let i = 0; i < s.N; i++) {
      if (useHistory) {
        const gain = new Float64Array(K * K);
        for (let t = 0; t < rows; t++) gain[refRank[ref.history![refI * ref.stride + t]] * K + s.history![i * s.stride + t]] += 1;
        const assign = new Int32Array(K);
        new Hungarian(K).maximise(gain, assign);
        order.set(assign, i * K);
      } else {
        order.set(byCount(s.counts, i), i * K);
      }
      let total = 0;
      for (let k = 0; k < K; k++) total += s.counts[i * K + k];
      for (let r = 0; r < K; r++) usage[r] += (s.weights[i] * s.counts[i * K + order[i * K + r]]) / Math.max(1, total);
    }
    return order;
  });
  const byUsage = Array.from({ length: K }, (_, r) => r).sort((a, b) => usage[b] - usage[a] || a - b);
  for (const order of orders) {
    for (let i = 0; i < order.length; i += K) order.set(byUsage.map((r) => order[i + r]), i);
  }
  return { orders, usage: Float64Array.from(byUsage, (r) => usage[r]) };
}

/** Random particle sets whose allocations use the experts in `labels(rng)` (counts include rows past `rows`). */
function randomSets(rng: Rng, K: number, rows: number, used: (rng: Rng) => number[]): LabelSource[] {
  const stride = rows + 3;
  return Array.from({ length: 1 + int(rng, 2) }, () => {
    const N = 2 + int(rng, 4);
    const history = new Int32Array(N * stride);
    const counts = new Float64Array(N * K);
    for (let i = 0; i < N; i++) {
      const labels = used(rng);
      for (let t = 0; t < stride; t++) {
        const k = labels[int(rng, labels.length)];
        history[i * stride + t] = k;
        counts[i * K + k] += 1;
      }
    }
    return { N, counts, weights: Float64Array.from({ length: N }, () => rng.uniform() / 3), history, stride };
  });
}

/** Rows on which particle i of set m and the reference agree under the reported labels. */
function agreement(sets: LabelSource[], orders: Int32Array[], K: number, rows: number, m: number, i: number, refSet: number, refI: number): number {
  const reported = (s: number, p: number) => {
    const inv = new Int32Array(K);
    for (let r = 0; r < K; r++) inv[orders[s][p * K + r]] = r;
    return inv;
  };
  const [a, b] = [reported(refSet, refI), reported(m, i)];
  let same = 0;
  for (let t = 0; t < rows; t++) if (a[sets[refSet].history![refI * sets[refSet].stride + t]] === b[sets[m].history![i * sets[m].stride + t]]) same++;
  return same;
}

function heaviest(sets: LabelSource[]): [number, number] {
  let best: [number, number] = [0, 0];
  sets.forEach((s, m) => s.weights.forEach((w, i) => w > sets[best[0]].weights[best[1]] && (best = [m, i])));
  return best;
}

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

  it("agrees with the plain K×K algorithm wherever the optimal assignment is unique", () => {
    const rng = Rng.fromSeed(11);
    let compared = 0;
    for (let rep = 0; rep < 300; rep++) {
      const K = 2 + int(rng, 4);
      const rows = 4 + int(rng, 25);
      const sets = randomSets(rng, K, rows, () => Array.from({ length: K }, (_, k) => k));
      const [refSet, refI] = heaviest(sets);
      // unique: exactly one permutation reaches the best agreement for every particle
      const unique = sets.every((s, m) =>
        Array.from({ length: s.N }, (_, i) => {
          const scores = permutations(K).map((p) => {
            let same = 0;
            for (let t = 0; t < rows; t++) if (sets[refSet].history![refI * sets[refSet].stride + t] === p[s.history![i * s.stride + t]]) same++;
            return same;
          });
          const best = Math.max(...scores);
          return scores.filter((v) => v === best).length === 1;
        }).every(Boolean),
      );
      const got = alignLabels(sets, K, rows);
      const want = alignLabelsReference(sets, K, rows);
      if (unique) {
        compared++;
        expect(got.orders).toEqual(want.orders);
        expect(got.usage).toEqual(want.usage);
      }
      // histories off: the same sort by row counts
      const off = sets.map((s) => ({ ...s, history: null }));
      expect(alignLabels(off, K, rows)).toEqual(alignLabelsReference(off, K, rows));
    }
    expect(compared).toBeGreaterThan(50);
  });

  it("finds an optimal assignment when experts are empty (ties among them broken by label)", () => {
    const rng = Rng.fromSeed(12);
    for (let rep = 0; rep < 200; rep++) {
      const K = 2 + int(rng, 6);
      const rows = 1 + int(rng, 20);
      // each particle uses a random subset of the experts
      const sets = randomSets(rng, K, rows, (r) => Array.from({ length: K }, (_, k) => k).filter(() => r.uniform() < 0.5).concat([int(r, K)]));
      const [refSet, refI] = heaviest(sets);
      const got = alignLabels(sets, K, rows);
      const want = alignLabelsReference(sets, K, rows);
      sets.forEach((s, m) => {
        for (let i = 0; i < s.N; i++) {
          expect(new Set(got.orders[m].subarray(i * K, (i + 1) * K)).size).toBe(K);
          expect(agreement(sets, got.orders, K, rows, m, i, refSet, refI)).toBe(agreement(sets, want.orders, K, rows, m, i, refSet, refI));
        }
      });
    }
  });

  // the K×K matching took about 7 s a particle here, so this ran for minutes (issue 10)
  it("matches K = 1024 experts with a few in use (the empty ones in label order)", () => {
    const rng = Rng.fromSeed(13);
    const K = 1024;
    const sizes = [120, 90, 60, 30];
    const rows = sizes.reduce((a, b) => a + b);
    const group = sizes.flatMap((n, g) => Array<number>(n).fill(g));
    const sets: LabelSource[] = [];
    const groupLabels: number[][][] = [];
    for (let m = 0; m < 4; m++) {
      const N = 16;
      const history = new Int32Array(N * rows);
      const counts = new Float64Array(N * K);
      const labels: number[][] = [];
      for (let i = 0; i < N; i++) {
        const own: number[] = [];
        while (own.length < sizes.length) {
          const k = int(rng, K);
          if (!own.includes(k)) own.push(k);
        }
        labels.push(own);
        for (let t = 0; t < rows; t++) {
          // a few rows land in another group's expert: the matching is by overlap, not identity
          const g = rng.uniform() < 0.05 ? int(rng, sizes.length) : group[t];
          history[i * rows + t] = own[g];
          counts[i * K + own[g]] += 1;
        }
      }
      sets.push({ N, counts, weights: Float64Array.from({ length: N }, () => 0.5 + rng.uniform()), history, stride: rows });
      groupLabels.push(labels);
    }
    const total = sets.reduce((a, s) => a + s.weights.reduce((b, w) => b + w, 0), 0);
    for (const s of sets) s.weights.forEach((w, i) => (s.weights[i] = w / total));
    const { orders, usage } = alignLabels(sets, K, rows);
    sets.forEach((s, m) => {
      for (let i = 0; i < s.N; i++) {
        const order = Array.from(orders[m].subarray(i * K, (i + 1) * K));
        expect(order.slice(0, sizes.length)).toEqual(groupLabels[m][i]);
        const empty = Array.from({ length: K }, (_, k) => k).filter((k) => !groupLabels[m][i].includes(k));
        expect(order.slice(sizes.length)).toEqual(empty);
      }
    });
    sizes.forEach((n, r) => expect(usage[r]).toBeCloseTo(n / rows, 1));
    expect(usage.subarray(sizes.length).every((u) => u === 0)).toBe(true);
  });
});
