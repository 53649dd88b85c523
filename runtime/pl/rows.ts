/**
 * The rows seen so far, kept for the rejuvenation sweeps (spec §3.7 needs every row; O(n·D)
 * memory). Inputs are stored row-major; capacity doubles as rows arrive, so appending is
 * amortised O(D) with no allocation per row. A filter without sweeps only counts the rows
 * (`kept` false), so its memory does not grow with the stream.
 */
export class RowStore {
  /** Inputs, row s at `x[s·D …]`. */
  x: Float64Array;
  /** Responses. */
  y: Float64Array;
  /** Rows stored. */
  n = 0;

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

  /** Rows whose values are held: all of them, or none when not kept. */
  get held(): number {
    return this.kept ? this.n : 0;
  }

  /** Appends one row. */
  push(x: ArrayLike<number>, y: number): void {
    if (!this.kept) {
      this.n++;
      return;
    }
    if (this.n === this.y.length) {
      const xs = new Float64Array(this.x.length * 2);
      xs.set(this.x);
      this.x = xs;
      const ys = new Float64Array(this.y.length * 2);
      ys.set(this.y);
      this.y = ys;
    }
    for (let j = 0; j < this.D; j++) this.x[this.n * this.D + j] = x[j];
    this.y[this.n++] = y;
  }
}
