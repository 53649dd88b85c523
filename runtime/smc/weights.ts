/**
 * Particle weights: log-sum-exp normalisation and effective sample size (spec §3.5, §7).
 *
 * Conventions (after `particles`' resampling module): `lw` holds log-weights (unnormalised,
 * −∞ allowed for a particle with zero weight), `W` normalised weights (Σ W = 1), `n` the number
 * of particles; only the first `n` entries of each array are used, so buffers can be sized once
 * for the largest run. Inputs are never modified; outputs go into caller-provided buffers.
 *
 * Degenerate weights — all zero (every log-weight −∞, e.g. every predictive underflowed), or a
 * NaN or +∞ log-weight — cannot be normalised: the routines that need normalisable weights throw
 * {@link DegenerateWeightsError} rather than return NaN, so the caller can report a model/data
 * error (DESIGN.md §5).
 */

import { logSumExp } from "../math/special.js";

/** Why a set of weights could not be normalised. */
export type DegenerateReason = "all_neg_infinity" | "nan" | "pos_infinity";

/** Thrown when weights cannot be normalised; `reason` says which degenerate case occurred. */
export class DegenerateWeightsError extends Error {
  /** The degenerate case: every weight zero, a NaN, or an infinite weight. */
  readonly reason: DegenerateReason;

  /**
   * @param reason - the degenerate case
   * @param n - number of weights inspected (for the message)
   */
  constructor(reason: DegenerateReason, n: number) {
    const what = {
      all_neg_infinity: "all log-weights are −∞ (every weight is zero)",
      nan: "a log-weight is NaN",
      pos_infinity: "a log-weight is +∞",
    }[reason];
    super(`cannot normalise ${n} particle weights: ${what}`);
    this.name = "DegenerateWeightsError";
    this.reason = reason;
  }
}


/** `log((1/n) Σ exp(lw_i))`, e.g. the evidence increment after an every-step resample (spec E17). */
export function logMeanExp(lw: Float64Array, n: number): number {
  return logSumExp(lw, 0, n) - Math.log(n);
}

/**
 * Writes normalised weights `W_i = exp(lw_i − max) / Σ_k exp(lw_k − max)` for i < n into `W` and
 * returns `log Σ exp(lw_i)` (the log normalising constant). Dividing by the sum rather than
 * subtracting the log-sum-exp keeps Σ W = 1 even when log n is below the resolution of the
 * log-weights (e.g. equal log-weights of 1e300). `W` may be `lw` itself.
 * @throws {@link DegenerateWeightsError} when the weights cannot be normalised.
 */
export function normaliseLogWeights(lw: Float64Array, n: number, W: Float64Array): number {
  const m = maxLogWeight(lw, n);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const w = Math.exp(lw[i] - m);
    W[i] = w;
    s += w;
  }
  const inv = 1 / s;
  for (let i = 0; i < n; i++) W[i] *= inv;
  return m + Math.log(s);
}

/**
 * Effective sample size `(Σ W_i)² / Σ W_i²` of non-negative weights (normalised or not); lies in
 * [1, n], equals n for equal weights and 1 when a single weight is non-zero.
 * @throws {@link DegenerateWeightsError} when every weight is 0 or a weight is NaN or +∞.
 */
export function ess(W: Float64Array, n: number): number {
  let m = 0;
  for (let i = 0; i < n; i++) {
    const w = W[i];
    if (w > m) m = w;
    else if (w !== w) throw new DegenerateWeightsError("nan", n);
  }
  if (m === 0 || m === Infinity) throw new DegenerateWeightsError(m === 0 ? "all_neg_infinity" : "pos_infinity", n);
  // Scaling by the largest weight keeps Σ W² from underflowing for tiny unnormalised weights.
  const inv = 1 / m;
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const w = W[i] * inv;
    s += w;
    s2 += w * w;
  }
  return (s * s) / s2;
}

/**
 * Effective sample size computed directly from log-weights (the maximum is subtracted first, so
 * no weight overflows); no buffer needed.
 * @throws {@link DegenerateWeightsError} when the weights cannot be normalised.
 */
export function essFromLogWeights(lw: Float64Array, n: number): number {
  const m = maxLogWeight(lw, n);
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const w = Math.exp(lw[i] - m);
    s += w;
    s2 += w * w;
  }
  return (s * s) / s2;
}

/** Largest of `lw[0..n)`. @throws {@link DegenerateWeightsError} unless it is finite and no entry is NaN. */
function maxLogWeight(lw: Float64Array, n: number): number {
  let m = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = lw[i];
    if (v > m) m = v;
    else if (v !== v) throw new DegenerateWeightsError("nan", n);
  }
  if (m === -Infinity) throw new DegenerateWeightsError("all_neg_infinity", n);
  if (m === Infinity) throw new DegenerateWeightsError("pos_infinity", n);
  return m;
}
