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
    this.pool.push(...this.steps);
    this.steps = [];
  }

  /** The steps recorded since the last checkpoint (for snapshots). */
  pendingSteps(): readonly { z: Int32Array; ancestors: Int32Array }[] {
    return this.steps;
  }

  /** Replaces the spare buffer (used when restoring a snapshot). */
  replaceSpare(spare: Int32Array): void {
    this.spare = spare;
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

/** A JSON-safe copy of a history (for snapshots). */
export interface HistoryJson {
  stride: number;
  settled: number;
  full: number[];
  steps: { z: number[]; ancestors: number[] }[];
}

/** Snapshot of a history. */
export function historyToJson(h: AllocationHistory): HistoryJson {
  return {
    stride: h.stride,
    settled: h.settled,
    full: Array.from(h.full),
    steps: h.pendingSteps().map((s) => ({ z: Array.from(s.z), ancestors: Array.from(s.ancestors) })),
  };
}

/** Restores a history saved by {@link historyToJson}. */
export function historyFromJson(N: number, j: HistoryJson): AllocationHistory {
  const h = new AllocationHistory(N);
  h.stride = j.stride;
  h.full = Int32Array.from(j.full);
  h.settled = j.settled;
  h.replaceSpare(new Int32Array(N * j.stride));
  for (const s of j.steps) {
    const step = h.nextStep();
    step.z.set(s.z);
    step.ancestors.set(s.ancestors);
  }
  return h;
}
