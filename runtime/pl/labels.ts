/**
 * Stable expert labels for summaries (spec §8.2). The likelihood is invariant to permuting the
 * experts, so particles — within a set and across sets — may carry the same expert under
 * different labels, and averaging by raw label mixes them. Every particle's labels are matched
 * to a reference particle's (the heaviest) by its allocations of the rows seen: the assignment
 * maximising the rows both put in the same expert (Hungarian algorithm). Only experts holding
 * rows in either particle take part: an expert empty in one of them overlaps nothing, so pairing
 * the rest in label order is exactly as good, and the cost per particle is O(rows + K + K_used³)
 * rather than O(K³) (issue 10: K = 1024 took minutes). Without allocation histories (rejuvenation
 * off) a particle's experts are matched by their row counts instead. Labels are then numbered by
 * pooled usage.
 */
import type { Allocations } from "../rules/roles.js";

/** One particle set as the alignment sees it. */
export interface LabelSource {
  N: number;
  /** Rows allocated to each expert, `counts[i·K + k]`. */
  counts: Float64Array;
  /** Pooled weight of each particle (summing to 1 over all sets). */
  weights: Float64Array;
  /** Allocations `history[slot·stride + s]` of rows s < rows, or null when not kept. */
  history: Allocations | null;
  /** Particle i's history is at slot `slots[i]` (its ancestor at the last checkpoint); null: slot i. */
  slots?: Int32Array | null;
  stride: number;
}

/**
 * For every set, `order[i·K + r]` = particle i's raw label of the expert reported as r (0 is the
 * most used), and the pooled usage of each reported expert (posterior mean share of the rows).
 * Reference experts the matching does not pair with one sharing rows take the particle's
 * remaining labels in increasing order, so ties among empty experts are broken the same way
 * whatever K is.
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
  const refOrder = byCount(ref.counts, refI, K, new Int32Array(K));
  const refRank = new Int32Array(K);
  refOrder.forEach((k, r) => (refRank[k] = r));
  const useHistory = rows > 0 && sets.every((s) => s.history !== null);
  const slot = (s: LabelSource, i: number) => (s.slots ? s.slots[i] : i);
  const refAt = slot(ref, refI) * ref.stride;
  const matcher = useHistory ? new Matcher(K, rows, (t) => refRank[ref.history![refAt + t]]) : null;

  const usage = new Float64Array(K);
  const orders = sets.map((s) => {
    const order = new Int32Array(s.N * K);
    for (let i = 0; i < s.N; i++) {
      const own = order.subarray(i * K, (i + 1) * K);
      if (matcher) matcher.match(s.history!, slot(s, i) * s.stride, own);
      else byCount(s.counts, i, K, own);
      // counts are discounted under forgetting, so their total may be below 1; 0 before any row
      const counted = sumCounts(s.counts, i, K);
      const total = counted > 0 ? counted : 1;
      for (let r = 0; r < K; r++) usage[r] += (s.weights[i] * s.counts[i * K + own[r]]) / total;
    }
    return order;
  });
  // number the reported experts by pooled usage, most used first
  const byUsage = Array.from({ length: K }, (_, r) => r).sort((a, b) => usage[b] - usage[a] || a - b);
  const sorted = Float64Array.from(byUsage, (r) => usage[r]);
  const row = new Int32Array(K);
  for (const order of orders) {
    for (let i = 0; i < order.length; i += K) {
      for (let r = 0; r < K; r++) row[r] = order[i + byUsage[r]];
      order.set(row, i);
    }
  }
  return { orders, usage: sorted };
}

/**
 * Writes particle i's raw labels from most to fewest rows (ties by label) into `out`. Only the
 * labels holding rows are sorted; the empty ones follow in label order, as a full sort would
 * put them.
 */
function byCount(counts: Float64Array, i: number, K: number, out: Int32Array): Int32Array {
  let used = 0;
  for (let k = 0; k < K; k++) if (counts[i * K + k] > 0) out[used++] = k;
  out.subarray(0, used).sort((a, b) => counts[i * K + b] - counts[i * K + a] || a - b);
  for (let k = 0; k < K; k++) if (!(counts[i * K + k] > 0)) out[used++] = k;
  return out;
}

/** Σ_k counts[i·K + k]: the rows particle i has allocated (discounted under forgetting). */
export function sumCounts(counts: Float64Array, i: number, K: number): number {
  let s = 0;
  for (let k = 0; k < K; k++) s += counts[i * K + k];
  return s;
}

/**
 * Matches particles' experts to the reference's by their allocations of the first `rows` rows,
 * on the experts holding rows only, with every work array allocated once and reused.
 */
class Matcher {
  /** The reference's rank of each row's expert, as an index into {@link refRanks}. */
  private readonly refRow: Int32Array;
  /** Reference ranks holding rows, increasing. */
  private readonly refRanks: Int32Array;
  /** A particle's raw label → its column in the gain matrix, −1 when unused (reset after each). */
  private readonly column: Int32Array;
  /** Column → raw label. */
  private readonly columnLabel: Int32Array;
  /** Each row's column, from the first pass over the history. */
  private readonly rowColumn: Int32Array;
  private readonly taken: Uint8Array;
  private readonly rankLabel: Int32Array;
  private readonly assign: Int32Array;
  private readonly hungarian: Hungarian;
  private gain = new Float64Array(0);

  constructor(
    private readonly K: number,
    private readonly rows: number,
    refRankOf: (t: number) => number,
  ) {
    const index = new Int32Array(K).fill(-1);
    for (let t = 0; t < rows; t++) index[refRankOf(t)] = 0;
    const ranks: number[] = [];
    for (let r = 0; r < K; r++) if (index[r] === 0) index[r] = ranks.push(r) - 1;
    this.refRanks = Int32Array.from(ranks);
    this.refRow = Int32Array.from({ length: rows }, (_, t) => index[refRankOf(t)]);
    this.column = new Int32Array(K).fill(-1);
    this.columnLabel = new Int32Array(K);
    this.rowColumn = new Int32Array(rows);
    this.taken = new Uint8Array(K);
    this.rankLabel = new Int32Array(K);
    this.assign = new Int32Array(K);
    this.hungarian = new Hungarian(K);
  }

  /** Writes `out[r]` = the raw label of the history at `offset` matched to reference rank r. */
  match(history: Allocations, offset: number, out: Int32Array): void {
    const { K, rows, refRow, refRanks, column, columnLabel, rowColumn, taken, rankLabel, assign } = this;
    let columns = 0;
    for (let t = 0; t < rows; t++) {
      const k = history[offset + t];
      if (column[k] < 0) {
        column[k] = columns;
        columnLabel[columns++] = k;
      }
      rowColumn[t] = column[k];
    }
    // a square problem on the experts in use; padding rows or columns have zero gain
    const n = Math.max(refRanks.length, columns);
    if (this.gain.length < n * n) this.gain = new Float64Array(n * n);
    const gain = this.gain;
    gain.fill(0, 0, n * n);
    for (let t = 0; t < rows; t++) gain[refRow[t] * n + rowColumn[t]] += 1;
    this.hungarian.maximise(gain, assign, n);

    rankLabel.fill(-1);
    taken.fill(0);
    for (let a = 0; a < refRanks.length; a++) {
      const b = assign[a];
      // a pair without a shared row is a tie with any other: left to the label-order fill below
      if (b < columns && gain[a * n + b] > 0) {
        rankLabel[refRanks[a]] = columnLabel[b];
        taken[columnLabel[b]] = 1;
      }
    }
    for (let c = 0; c < columns; c++) column[columnLabel[c]] = -1;
    let k = 0;
    for (let r = 0; r < K; r++) {
      if (rankLabel[r] < 0) {
        while (taken[k]) k++;
        rankLabel[r] = k++;
      }
      out[r] = rankLabel[r];
    }
  }
}

/**
 * Maximum-weight perfect matching of a square gain matrix (Kuhn–Munkres with potentials, O(n³)),
 * with its work arrays allocated once for sizes up to K.
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

  /**
   * Writes `assign[r]` = the column matched to row r, maximising Σ gain[r·n + assign[r]].
   * @param n - the matrix's size, at most the constructor's K
   */
  maximise(gain: Float64Array, assign: Int32Array, n = this.K): void {
    if (n > this.K) throw new RangeError(`Hungarian: size ${n} exceeds ${this.K}`);
    const { u, v, way, rowOf, minv, used } = this;
    u.fill(0, 0, n + 1);
    v.fill(0, 0, n + 1);
    rowOf.fill(0, 0, n + 1);
    way.fill(0, 0, n + 1);
    // minimise the cost −gain; index 0 is the virtual start column, rows and columns are 1-based
    for (let r = 1; r <= n; r++) {
      rowOf[0] = r;
      let c0 = 0;
      minv.fill(Infinity, 0, n + 1);
      used.fill(0, 0, n + 1);
      do {
        used[c0] = 1;
        const r0 = rowOf[c0];
        let delta = Infinity;
        let c1 = 0;
        for (let c = 1; c <= n; c++) {
          if (used[c]) continue;
          const cur = -gain[(r0 - 1) * n + (c - 1)] - u[r0] - v[c];
          if (cur < minv[c]) {
            minv[c] = cur;
            way[c] = c0;
          }
          if (minv[c] < delta) {
            delta = minv[c];
            c1 = c;
          }
        }
        for (let c = 0; c <= n; c++) {
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
    for (let c = 1; c <= n; c++) assign[rowOf[c] - 1] = c - 1;
  }
}
