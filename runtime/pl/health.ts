/**
 * A particle set's per-row diagnostics — ESS before resampling, the running log evidence and the
 * resampling events — in bounded memory, whatever the stream's length (spec §3.8). One entry per
 * row until {@link HEALTH_CAPACITY} entries are full; then neighbouring entries merge in pairs,
 * so each entry covers a bucket of `span` rows (a power of two) and holds the bucket's minimum
 * ESS, the evidence after its last row and its number of resamplings. Every set of a filter sees
 * the same rows, so their buckets line up and pool entry by entry. The full per-row record is the
 * prequential trace (`fit --trace`), which is streamed out instead of kept.
 */
import { decodeFloat64, encodeFloat64 } from "../snapshot.js";

/** Entries kept per series (a power of two). */
export const HEALTH_CAPACITY = 4096;

/** The JSON form of a {@link HealthSeries}. */
export interface HealthJson {
  /** Rows per entry. */
  span: number;
  /** Rows recorded. */
  rows: number;
  /** ESS of the last row. */
  lastEss: number;
  /** Per entry, as `encodeFloat64` text: the minimum ESS. */
  ess: string;
  /** Per entry: the running log evidence after its last row. */
  evidence: string;
  /** Per entry: how many of its rows resampled. */
  resampled: string;
}

/** See the module header. */
export class HealthSeries {
  /** Rows per entry (a power of two). */
  span = 1;
  /** Rows recorded. */
  rows = 0;
  /** ESS before resampling at the last row recorded. */
  lastEss = NaN;
  /** Per entry: the minimum ESS over its rows. */
  readonly ess = new Float64Array(HEALTH_CAPACITY);
  /** Per entry: the running log evidence after its last row. */
  readonly evidence = new Float64Array(HEALTH_CAPACITY);
  /** Per entry: how many of its rows resampled. */
  readonly resampled = new Float64Array(HEALTH_CAPACITY);

  /** Entries in use. */
  get length(): number {
    return Math.ceil(this.rows / this.span);
  }

  /** The last row (1-based) entry e covers. */
  rowOf(e: number): number {
    return Math.min(this.rows, (e + 1) * this.span);
  }

  /** Records one row. */
  push(ess: number, evidence: number, resampled: boolean): void {
    let e = Math.floor(this.rows / this.span);
    if (e === HEALTH_CAPACITY) {
      this.halve();
      e = Math.floor(this.rows / this.span);
    }
    const fresh = this.rows % this.span === 0;
    this.ess[e] = fresh ? ess : Math.min(this.ess[e], ess);
    this.evidence[e] = evidence;
    this.resampled[e] = (fresh ? 0 : this.resampled[e]) + (resampled ? 1 : 0);
    this.lastEss = ess;
    this.rows++;
  }

  /** Merges neighbouring entries in pairs; the span doubles. */
  private halve(): void {
    const half = HEALTH_CAPACITY / 2;
    for (let j = 0; j < half; j++) {
      this.ess[j] = Math.min(this.ess[2 * j], this.ess[2 * j + 1]);
      this.evidence[j] = this.evidence[2 * j + 1];
      this.resampled[j] = this.resampled[2 * j] + this.resampled[2 * j + 1];
    }
    this.span *= 2;
  }

  /** JSON-safe form; {@link HealthSeries.fromJSON} restores it exactly. */
  toJSON(): HealthJson {
    const n = this.length;
    return {
      span: this.span,
      rows: this.rows,
      lastEss: this.lastEss,
      ess: encodeFloat64(this.ess.subarray(0, n)),
      evidence: encodeFloat64(this.evidence.subarray(0, n)),
      resampled: encodeFloat64(this.resampled.subarray(0, n)),
    };
  }

  /**
   * Restores a series written by {@link toJSON} covering `rows` rows; `name` is the field's
   * place in the snapshot, for the errors.
   * @throws Error naming the field when it is malformed.
   */
  static fromJSON(j: HealthJson, rows: number, name = "set.health"): HealthSeries {
    if (typeof j !== "object" || j === null) throw new Error(`${name} is not an object`);
    const { span } = j;
    if (!(Number.isSafeInteger(span) && span >= 1 && (span & (span - 1)) === 0)) throw new Error(`${name}.span is not a power of two`);
    if (j.rows !== rows) throw new Error(`${name} covers ${j.rows} rows, not ${rows}`);
    const h = new HealthSeries();
    h.span = span;
    h.rows = rows;
    const n = h.length;
    if (n > HEALTH_CAPACITY || (span > 1 && rows <= (HEALTH_CAPACITY / 2) * span)) throw new Error(`${name}.span does not fit its rows`);
    h.lastEss = rows === 0 ? NaN : Number(j.lastEss);
    if (rows > 0 && !(h.lastEss >= 0)) throw new Error(`${name}.lastEss is not an ESS`);
    h.ess.set(decodeFloat64(j.ess, n));
    h.evidence.set(decodeFloat64(j.evidence, n));
    h.resampled.set(decodeFloat64(j.resampled, n));
    return h;
  }
}
