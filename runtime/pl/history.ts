import { decodeIntegers, encodeIntegers } from "../snapshot.js";
import { allocationArray, type Allocations } from "../rules/roles.js";

/**
 * Allocation histories along particle lineages. The sweep needs each particle's allocation of
 * every past row, but copying N histories at every resampling would cost O(N·t) per step. So
 * between checkpoints only each step's allocations and ancestor indices are recorded, and at a
 * checkpoint every particle's history is assembled by tracing its lineage back to the last
 * checkpoint — O(N·t) once per checkpoint, which the doubling schedule amortises to O(N) per row.
 * Rows folded out of the sweeps' window (spec §3.8) are dropped from the front ({@link drop}), so
 * `full` covers rows `base … base + settled − 1` and memory is O(N·window).
 */
export class AllocationHistory {
  /** Histories up to the last checkpoint: particle i's allocation of row base + s at `full[i·stride + s]`. */
  full: Allocations;
  private spare: Allocations;
  stride: number;
  /** The first row `full` covers (the rows before it were folded and dropped). */
  base = 0;
  /** Rows covered by `full`. */
  settled = 0;
  /** Per step since the last checkpoint: allocations and ancestors (N each). */
  private steps: { z: Allocations; ancestors: Int32Array }[] = [];
  private pool: { z: Allocations; ancestors: Int32Array }[] = [];

  /**
   * @param N - particles
   * @param K - experts (allocations are stored in the narrowest array that holds them)
   * @param most - the most rows a particle's history ever holds (the window plus the rows
   *   between checkpoints): growth stops there instead of doubling past it
   */
  constructor(
    readonly N: number,
    readonly K: number,
    readonly most = Infinity,
  ) {
    this.stride = 64;
    this.full = allocationArray(K, N * this.stride);
    this.spare = allocationArray(K, N * this.stride);
  }

  /** Buffers for the next step: fill `ancestors` (identity when not resampling) and `z`. */
  nextStep(): { z: Allocations; ancestors: Int32Array } {
    const s = this.pool.pop() ?? { z: allocationArray(this.K, this.N), ancestors: new Int32Array(this.N) };
    this.steps.push(s);
    return s;
  }

  /** Rows seen: dropped, settled and pending. */
  get rows(): number {
    return this.base + this.settled + this.steps.length;
  }

  /** Drops the first `k` settled rows of every particle's history (rows folded out of the window). */
  drop(k: number): void {
    if (!(k > 0)) return;
    const { N, stride, full } = this;
    for (let i = 0; i < N; i++) full.copyWithin(i * stride, i * stride + k, i * stride + this.settled);
    this.base += k;
    this.settled -= k;
  }

  /** Assembles every particle's full history (see module header); afterwards `full` covers all rows from `base`. */
  settle(): void {
    const rows = this.settled + this.steps.length;
    if (rows > this.stride) this.grow(rows);
    const { N, stride, full, spare } = this;
    for (let i = 0; i < N; i++) {
      let j = i;
      for (let t = this.steps.length - 1; t >= 0; t--) {
        spare[i * stride + this.settled + t] = this.steps[t].z[j];
        j = this.steps[t].ancestors[j];
      }
      spare.set(full.subarray(j * stride, j * stride + this.settled), i * stride);
    }
    this.full = spare;
    this.spare = full;
    this.settled = rows;
    for (const step of this.steps) this.pool.push(step);
    this.steps = [];
  }

  /**
   * Where each particle's settled history is in `full`: the slot of its ancestor at the last
   * checkpoint, traced back through the steps since (resampling moves particles between slots;
   * `full` is reassembled only at checkpoints). O(N·steps).
   */
  lineageSlots(): Int32Array {
    const slots = new Int32Array(this.N);
    for (let i = 0; i < this.N; i++) {
      let j = i;
      for (let t = this.steps.length - 1; t >= 0; t--) j = this.steps[t].ancestors[j];
      slots[i] = j;
    }
    return slots;
  }

  /** The steps recorded since the last checkpoint (for snapshots). */
  pendingSteps(): readonly { z: Allocations; ancestors: Int32Array }[] {
    return this.steps;
  }

  /** Makes room for `rows` rows per particle (used when restoring a snapshot). */
  reserve(rows: number): void {
    if (rows > this.stride) this.grow(rows);
  }

  private grow(rows: number): void {
    let stride = this.stride;
    while (stride < rows) stride *= 2;
    stride = Math.max(rows, Math.min(stride, this.most));
    const full = allocationArray(this.K, this.N * stride);
    for (let i = 0; i < this.N; i++) full.set(this.full.subarray(i * this.stride, i * this.stride + this.settled), i * stride);
    this.full = full;
    this.spare = allocationArray(this.K, this.N * stride);
    this.stride = stride;
  }
}

/** A JSON-safe copy of a history (for snapshots): integers as {@link encodeIntegers} text. */
export interface HistoryJson {
  /** The first row `full` covers (absent before windows: 0). */
  base?: number;
  /** Rows covered by `full`. */
  settled: number;
  /** Particle i's allocations of rows 0 … settled − 1 at `[i·settled …]`. */
  full: string;
  /** Steps since the last checkpoint. */
  steps: { z: string; ancestors: string }[];
}

/** Snapshot of a history; an empty one when allocations are not kept (no rejuvenation). */
export function historyToJson(h: AllocationHistory, kept = true): HistoryJson {
  if (!kept) return { settled: 0, full: encodeIntegers([]), steps: [] };
  const packed = allocationArray(h.K, h.N * h.settled);
  for (let i = 0; i < h.N; i++) packed.set(h.full.subarray(i * h.stride, i * h.stride + h.settled), i * h.settled);
  return {
    base: h.base,
    settled: h.settled,
    full: encodeIntegers(packed),
    steps: h.pendingSteps().map((s) => ({ z: encodeIntegers(s.z), ancestors: encodeIntegers(s.ancestors) })),
  };
}

/**
 * Restores a history saved by {@link historyToJson} for N particles and K experts, covering
 * `rows` rows in all (growing to `most` rows per particle at most, as the constructor's).
 * @throws Error when the JSON is malformed or does not cover exactly `rows` rows.
 */
export function historyFromJson(N: number, K: number, j: HistoryJson, rows: number, most = Infinity): AllocationHistory {
  if (typeof j !== "object" || j === null || !Array.isArray(j.steps)) throw new Error("set.history is not a history");
  const { settled } = j;
  const base = j.base ?? 0;
  if (!(Number.isSafeInteger(base) && base >= 0 && Number.isSafeInteger(settled) && settled >= 0 && base + settled + j.steps.length === rows)) {
    throw new Error(`set.history covers ${base} + ${settled} + ${j.steps.length} rows, expected ${rows}`);
  }
  const h = new AllocationHistory(N, K, most);
  if (settled > h.stride) h.reserve(settled);
  const packed = decodeIntegers(j.full, N * settled, K, allocationArray(K, N * settled));
  for (let i = 0; i < N; i++) h.full.set(packed.subarray(i * settled, (i + 1) * settled), i * h.stride);
  h.settled = settled;
  h.base = base;
  for (const s of j.steps) {
    const step = h.nextStep();
    decodeIntegers(s?.z, N, K, step.z);
    decodeIntegers(s?.ancestors, N, N, step.ancestors);
  }
  return h;
}
