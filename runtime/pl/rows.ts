/**
 * The rows seen so far, kept for the rejuvenation sweeps (spec §3.7 needs every row; O(n·D)
 * memory). Inputs are stored row-major; capacity doubles as rows arrive, so appending is
 * amortised O(D) with no allocation per row.
 */
export class RowStore {
  /** Inputs, row s at `x[s·D …]`. */
  x: Float64Array;
  /** Responses. */
  y: Float64Array;
  /** Rows stored. */
  n = 0;

  constructor(
    readonly D: number,
    capacity = 256,
  ) {
    this.x = new Float64Array(capacity * D);
    this.y = new Float64Array(capacity);
  }

  /** Appends one row. */
  push(x: ArrayLike<number>, y: number): void {
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
