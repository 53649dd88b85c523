import { decodeIntegers, encodeIntegers } from "../snapshot.js";

/**
 * Allocation histories along particle lineages. The sweep needs each particle's allocation of
 * every past row, but copying N histories at every resampling would cost O(N·t) per step. So
 * between checkpoints only each step's allocations and ancestor indices are recorded, and at a
 * checkpoint every particle's history is assembled by tracing its lineage back to the last
 * checkpoint — O(N·t) once per checkpoint, which the doubling schedule amortises to O(N) per row.
 */
export class AllocationHistory {
  /** Histories up to the last checkpoint: particle i's allocation of row s at `full[i·stride + s]`. */
  full: Int32Array;
  private spare: Int32Array;
  stride: number;
  /** Rows covered by `full`. */
  settled = 0;
  /** Per step since the last checkpoint: allocations and ancestors (N each). */
  private steps: { z: Int32Array; ancestors: Int32Array }[] = [];
  private pool: { z: Int32Array; ancestors: Int32Array }[] = [];

  constructor(readonly N: number) {
    this.stride = 64;
    this.full = new Int32Array(N * this.stride);
    this.spare = new Int32Array(N * this.stride);
  }

  /** Buffers for the next step: fill `ancestors` (identity when not resampling) and `z`. */
  nextStep(): { z: Int32Array; ancestors: Int32Array } {
    const s = this.pool.pop() ?? { z: new Int32Array(this.N), ancestors: new Int32Array(this.N) };
    this.steps.push(s);
    return s;
  }

  /** Rows seen: settled plus pending steps. */
  get rows(): number {
    return this.settled + this.steps.length;
  }

  /** Assembles every particle's full history (see module header); afterwards `full` covers all rows. */
  settle(): void {
    const rows = this.rows;
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

  /** The steps recorded since the last checkpoint (for snapshots). */
  pendingSteps(): readonly { z: Int32Array; ancestors: Int32Array }[] {
    return this.steps;
  }

  /** Makes room for `rows` rows per particle (used when restoring a snapshot). */
  reserve(rows: number): void {
    if (rows > this.stride) this.grow(rows);
  }

  private grow(rows: number): void {
    let stride = this.stride;
    while (stride < rows) stride *= 2;
    const full = new Int32Array(this.N * stride);
    for (let i = 0; i < this.N; i++) full.set(this.full.subarray(i * this.stride, i * this.stride + this.settled), i * stride);
    this.full = full;
    this.spare = new Int32Array(this.N * stride);
    this.stride = stride;
  }
}

/** A JSON-safe copy of a history (for snapshots): integers as {@link encodeIntegers} text. */
export interface HistoryJson {
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
  const packed = new Int32Array(h.N * h.settled);
  for (let i = 0; i < h.N; i++) packed.set(h.full.subarray(i * h.stride, i * h.stride + h.settled), i * h.settled);
  return {
    settled: h.settled,
    full: encodeIntegers(packed),
    steps: h.pendingSteps().map((s) => ({ z: encodeIntegers(s.z), ancestors: encodeIntegers(s.ancestors) })),
  };
}

/**
 * Restores a history saved by {@link historyToJson} for N particles and K experts, covering
 * `rows` rows in all.
 * @throws Error when the JSON is malformed or does not cover exactly `rows` rows.
 */
export function historyFromJson(N: number, K: number, j: HistoryJson, rows: number): AllocationHistory {
  if (typeof j !== "object" || j === null || !Array.isArray(j.steps)) throw new Error("set.history is not a history");
  const { settled } = j;
  if (!(Number.isSafeInteger(settled) && settled >= 0 && settled + j.steps.length === rows)) {
    throw new Error(`set.history covers ${settled} + ${j.steps.length} rows, expected ${rows}`);
  }
  const h = new AllocationHistory(N);
  if (settled > h.stride) h.reserve(settled);
  const packed = decodeIntegers(j.full, N * settled, K);
  for (let i = 0; i < N; i++) h.full.set(packed.subarray(i * settled, (i + 1) * settled), i * h.stride);
  h.settled = settled;
  for (const s of j.steps) {
    const step = h.nextStep();
    decodeIntegers(s?.z, N, K, step.z);
    decodeIntegers(s?.ancestors, N, N, step.ancestors);
  }
  return h;
}
