/**
 * Stable expert labels for summaries (spec §8.2). The likelihood is invariant to permuting the
 * experts, so particles — within a set and across sets — may carry the same expert under
 * different labels, and averaging by raw label mixes them. Every particle's labels are matched
 * to a reference particle's (the heaviest) by its allocations of the rows seen: the assignment
 * maximising the rows both put in the same expert (Hungarian algorithm, O(K³) per particle after
 * an O(n) confusion count). Without allocation histories (rejuvenation off) a particle's experts
 * are matched by their row counts instead. Labels are then numbered by pooled usage.
 */

/** One particle set as the alignment sees it. */
export interface LabelSource {
  N: number;
  /** Rows allocated to each expert, `counts[i·K + k]`. */
  counts: Float64Array;
  /** Pooled weight of each particle (summing to 1 over all sets). */
  weights: Float64Array;
  /** Allocations `history[i·stride + s]` of rows s < rows, or null when not kept. */
  history: Int32Array | null;
  stride: number;
}

/**
 * For every set, `order[i·K + r]` = particle i's raw label of the expert reported as r (0 is the
 * most used), and the pooled usage of each reported expert (posterior mean share of the rows).
 * @param rows - rows covered by the histories (ignored when a set has none)
 */
export function alignLabels(sets: readonly LabelSource[], K: number, rows: number): { orders: Int32Array[]; usage: Float64Array } {
  // the reference: the heaviest particle, its experts by its own row counts
  let refSet = 0;
  let refI = 0;
  sets.forEach((s, m) => {
    for (let i = 0; i < s.N; i++) if (s.weights[i] > sets[refSet].weights[refI]) [refSet, refI] = [m, i];
  });
  const ref = sets[refSet];
  const refOrder = byCount(ref.counts, refI, K);
  const refRank = new Int32Array(K);
  refOrder.forEach((k, r) => (refRank[k] = r));
  const useHistory = rows > 0 && sets.every((s) => s.history !== null);
  const refZ = useHistory ? new Int32Array(rows) : null;
  if (refZ) for (let t = 0; t < rows; t++) refZ[t] = refRank[ref.history![refI * ref.stride + t]];

  const gain = new Float64Array(K * K);
  const assign = new Int32Array(K);
  const hungarian = new Hungarian(K);
  const usage = new Float64Array(K);
  const orders = sets.map((s) => {
    const order = new Int32Array(s.N * K);
    for (let i = 0; i < s.N; i++) {
      if (refZ) {
        gain.fill(0);
        const h = s.history!;
        for (let t = 0; t < rows; t++) gain[refZ[t] * K + h[i * s.stride + t]] += 1;
        hungarian.maximise(gain, assign);
        for (let r = 0; r < K; r++) order[i * K + r] = assign[r];
      } else {
        const own = byCount(s.counts, i, K);
        for (let r = 0; r < K; r++) order[i * K + r] = own[r];
      }
      const total = Math.max(1, sumCounts(s.counts, i, K));
      for (let r = 0; r < K; r++) usage[r] += (s.weights[i] * s.counts[i * K + order[i * K + r]]) / total;
    }
    return order;
  });
  // number the reported experts by pooled usage, most used first
  const byUsage = Array.from({ length: K }, (_, r) => r).sort((a, b) => usage[b] - usage[a] || a - b);
  const sorted = Float64Array.from(byUsage, (r) => usage[r]);
  for (const order of orders) {
    const row = new Int32Array(K);
    for (let i = 0; i < order.length; i += K) {
      for (let r = 0; r < K; r++) row[r] = order[i + byUsage[r]];
      order.set(row, i);
    }
  }
  return { orders, usage: sorted };
}

/** Particle i's raw labels from most to fewest rows (ties by label). */
function byCount(counts: Float64Array, i: number, K: number): number[] {
  return Array.from({ length: K }, (_, k) => k).sort((a, b) => counts[i * K + b] - counts[i * K + a] || a - b);
}

function sumCounts(counts: Float64Array, i: number, K: number): number {
  let s = 0;
  for (let k = 0; k < K; k++) s += counts[i * K + k];
  return s;
}

/**
 * Maximum-weight perfect matching of a K×K gain matrix (Kuhn–Munkres with potentials, O(K³)),
 * with its work arrays allocated once.
 */
export class Hungarian {
  private readonly u: Float64Array;
  private readonly v: Float64Array;
  private readonly way: Int32Array;
  private readonly rowOf: Int32Array;
  private readonly minv: Float64Array;
  private readonly used: Uint8Array;

  constructor(private readonly K: number) {
    this.u = new Float64Array(K + 1);
    this.v = new Float64Array(K + 1);
    this.way = new Int32Array(K + 1);
    this.rowOf = new Int32Array(K + 1);
    this.minv = new Float64Array(K + 1);
    this.used = new Uint8Array(K + 1);
  }

  /** Writes `assign[r]` = the column matched to row r, maximising Σ gain[r·K + assign[r]]. */
  maximise(gain: Float64Array, assign: Int32Array): void {
    const { K, u, v, way, rowOf, minv, used } = this;
    u.fill(0);
    v.fill(0);
    rowOf.fill(0);
    way.fill(0);
    // minimise the cost −gain; index 0 is the virtual start column, rows and columns are 1-based
    for (let r = 1; r <= K; r++) {
      rowOf[0] = r;
      let c0 = 0;
      minv.fill(Infinity);
      used.fill(0);
      do {
        used[c0] = 1;
        const r0 = rowOf[c0];
        let delta = Infinity;
        let c1 = 0;
        for (let c = 1; c <= K; c++) {
          if (used[c]) continue;
          const cur = -gain[(r0 - 1) * K + (c - 1)] - u[r0] - v[c];
          if (cur < minv[c]) {
            minv[c] = cur;
            way[c] = c0;
          }
          if (minv[c] < delta) {
            delta = minv[c];
            c1 = c;
          }
        }
        for (let c = 0; c <= K; c++) {
          if (used[c]) {
            u[rowOf[c]] += delta;
            v[c] -= delta;
          } else {
            minv[c] -= delta;
          }
        }
        c0 = c1;
      } while (rowOf[c0] !== 0);
      do {
        const c1 = way[c0];
        rowOf[c0] = rowOf[c1];
        c0 = c1;
      } while (c0 !== 0);
    }
    for (let c = 1; c <= K; c++) assign[rowOf[c] - 1] = c - 1;
  }
}
