/**
 * The rows kept for the rejuvenation sweeps: the most recent ones, from `start` to `n`. The
 * sweeps revisit a window of recent rows and fold older ones into fixed statistics (spec §3.8),
 * so the owner drops rows once every particle set has folded them ({@link dropBefore}), and
 * memory stays O(window·D) whatever the stream's length. Inputs are stored row-major; capacity
 * doubles as rows arrive and dropping shifts the held rows down, so appending is amortised O(D)
 * with no allocation per row. A filter without sweeps only counts the rows (`kept` false).
 */
export class RowStore {
  /** Inputs of the held rows, row s (absolute) at `x[(s − start)·D …]`. */
  x: Float64Array;
  /** Responses of the held rows, row s at `y[s − start]`. */
  y: Float64Array;
  /** Rows seen. */
  n = 0;
  /** The first row held (rows before it were dropped). */
  start = 0;

  /**
   * @param D - inputs per row
   * @param capacity - rows held before the buffers first grow
   * @param kept - whether the rows' values are kept (for the sweeps) or only counted
   */
  constructor(
    readonly D: number,
    capacity = 256,
    readonly kept = true,
  ) {
    this.x = new Float64Array(kept ? capacity * D : 0);
    this.y = new Float64Array(kept ? capacity : 0);
  }

  /** Rows whose values are held: rows `start … n − 1`, or none when not kept. */
  get held(): number {
    return this.kept ? this.n - this.start : 0;
  }

  /** Appends one row. */
  push(x: ArrayLike<number>, y: number): void {
    if (!this.kept) {
      this.n++;
      return;
    }
    const at = this.n - this.start;
    if (at === this.y.length) {
      const xs = new Float64Array(Math.max(1, this.x.length * 2));
      xs.set(this.x);
      this.x = xs;
      const ys = new Float64Array(Math.max(1, this.y.length * 2));
      ys.set(this.y);
      this.y = ys;
    }
    for (let j = 0; j < this.D; j++) this.x[at * this.D + j] = x[j];
    this.y[at] = y;
    this.n++;
  }

  /** Drops the rows before `row` (absolute); nothing when they are gone already. */
  dropBefore(row: number): void {
    if (!this.kept || row <= this.start) return;
    const k = Math.min(row, this.n) - this.start;
    const held = this.n - this.start;
    this.x.copyWithin(0, k * this.D, held * this.D);
    this.y.copyWithin(0, k, held);
    this.start += k;
  }
}
