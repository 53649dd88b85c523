/**
 * Selective prediction (issue 14 item 3, spec §3.9): the coverage–risk curve of a set of scored
 * rows. Each row has a routing confidence, its log predictive density and the squared error of
 * its predictive mean; the curve gives, for each coverage c, the predictive quality of the c·n
 * rows routed with most confidence, so a user can see what abstaining on (or escalating) the
 * least confident routes buys.
 */
import { FilterError } from "./errors.js";

/** One point of a coverage–risk curve. */
export interface CoveragePoint {
  /** Share of the rows kept, the most confident first. */
  coverage: number;
  /** Rows kept: round(coverage · n), at least 1. */
  rows: number;
  /** Confidence of the last row kept: rows at least this confident are kept (ties in row order). */
  threshold: number;
  /** Mean log predictive density of the rows kept. */
  lpd: number;
  /** Root mean squared error of the predictive mean on the rows kept. */
  rmse: number;
}

/** One scored row of selective prediction. */
export interface ScoredRow {
  /** Routing confidence: the lower bound mean − α·sd of the expert the row's route ranks first. */
  confidence: number;
  /** The row's log predictive density. */
  logDensity: number;
  /** Squared error of the predictive mean. */
  squaredError: number;
}

/** The coverages of a curve unless told otherwise: 10 %, 20 %, …, 100 %. */
export const DEFAULT_COVERAGES: readonly number[] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

/** @throws FilterError unless every coverage lies in (0, 1]. */
export function validateCoverages(coverages: readonly number[], what: string): void {
  if (!Array.isArray(coverages) || coverages.length === 0 || !coverages.every((c) => typeof c === "number" && c > 0 && c <= 1)) {
    throw new FilterError("bad_input", `${what}: coverages must be a non-empty list of numbers in (0, 1]`);
  }
}

/**
 * Rows scored one at a time (a stream's rows need not fit in an argument list), then the curve.
 * Three doubles a row, grown by doubling.
 */
export class CoverageRisk {
  private confidence = new Float64Array(256);
  private logDensity = new Float64Array(256);
  private squaredError = new Float64Array(256);
  private n = 0;

  /** Rows added. */
  get length(): number {
    return this.n;
  }

  /** Adds a row: its routing confidence, its log predictive density, and its predictive mean's squared error. */
  add(confidence: number, logDensity: number, squaredError: number): void {
    if (this.n === this.confidence.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.confidence = grow(this.confidence);
      this.logDensity = grow(this.logDensity);
      this.squaredError = grow(this.squaredError);
    }
    this.confidence[this.n] = confidence;
    this.logDensity[this.n] = logDensity;
    this.squaredError[this.n] = squaredError;
    this.n++;
  }

  /** The curve at the given coverages (ascending in the output), over the rows added; empty without rows. */
  curve(coverages: readonly number[] = DEFAULT_COVERAGES): CoveragePoint[] {
    validateCoverages(coverages, "coverage–risk");
    const n = this.n;
    if (n === 0) return [];
    const order = new Uint32Array(n);
    for (let t = 0; t < n; t++) order[t] = t;
    const c = this.confidence;
    // most confident first; equal confidences in row order, so the curve is deterministic
    order.sort((a, b) => c[b] - c[a] || a - b);
    const lpd = new Float64Array(n + 1);
    const se = new Float64Array(n + 1);
    for (let r = 0; r < n; r++) {
      lpd[r + 1] = lpd[r] + this.logDensity[order[r]];
      se[r + 1] = se[r] + this.squaredError[order[r]];
    }
    return [...coverages].sort((a, b) => a - b).map((coverage) => {
      // c·n half-way up by a rounding error (0.7·45 = 31.499…96) still rounds half up
      const rows = Math.min(n, Math.max(1, Math.floor(coverage * n + 0.5 + 1e-9)));
      return { coverage, rows, threshold: c[order[rows - 1]], lpd: lpd[rows] / rows, rmse: Math.sqrt(se[rows] / rows) };
    });
  }
}
