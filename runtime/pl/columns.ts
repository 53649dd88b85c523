/**
 * Running mean and variance of each input column over the stream (Welford's update, O(D) a row,
 * bounded memory): the scale against which the filter judges whether a gate coefficient runs
 * away (spec §8.4).
 */
import { decodeFloat64, encodeFloat64 } from "../snapshot.js";

/** A snapshot of {@link ColumnMoments}. */
export interface ColumnMomentsJson {
  /** Rows seen. */
  n: number;
  /** Each column's mean, encoded. */
  mean: string;
  /** Each column's sum of squared deviations, encoded. */
  m2: string;
}

/** Each column's running mean and sum of squared deviations. */
export class ColumnMoments {
  /** Rows seen. */
  n = 0;
  /** Each column's running mean. */
  readonly mean: Float64Array;
  /** Each column's running sum of squared deviations from its mean. */
  readonly m2: Float64Array;

  /** @param D - columns per row */
  constructor(readonly D: number) {
    this.mean = new Float64Array(D);
    this.m2 = new Float64Array(D);
  }

  /** Adds one row (finite entries, as the filter checks them). */
  push(x: Float64Array): void {
    this.n++;
    for (let j = 0; j < this.D; j++) {
      const e = x[j] - this.mean[j];
      this.mean[j] += e / this.n;
      this.m2[j] += e * (x[j] - this.mean[j]);
    }
  }

  /** The sd of column j over the rows (0 before two rows, or for a constant column). */
  sd(j: number): number {
    return this.n > 1 ? Math.sqrt(this.m2[j] / (this.n - 1)) : 0;
  }

  /** JSON-safe snapshot; {@link ColumnMoments.fromJSON} restores it bit for bit. */
  toJSON(): ColumnMomentsJson {
    return { n: this.n, mean: encodeFloat64(this.mean), m2: encodeFloat64(this.m2) };
  }

  /**
   * Restores {@link toJSON}'s output for a stream of `rows` rows of D columns.
   * @throws Error if it does not fit (count, sizes, non-finite or negative values).
   */
  static fromJSON(json: unknown, D: number, rows: number): ColumnMoments {
    const o = json as Partial<ColumnMomentsJson> | null;
    if (typeof o !== "object" || o === null || o.n !== rows) throw new Error(`columns: not the moments of the ${rows} rows seen`);
    const c = new ColumnMoments(D);
    c.n = rows;
    c.mean.set(decodeFloat64(String(o.mean), D));
    c.m2.set(decodeFloat64(String(o.m2), D));
    if (!c.mean.every(Number.isFinite) || !c.m2.every((v) => v >= 0 && v < Infinity)) throw new Error("columns: a mean is not finite, or a sum of squares is negative or not finite");
    return c;
  }
}
