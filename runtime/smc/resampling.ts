/**
 * Resampling schemes over one inverse-CDF kernel (spec §3.5; the shape of `particles`'
 * resampling module).
 *
 * Conventions:
 * - A scheme has the signature `scheme(rng, W, n, A, m, work)`: from normalised weights
 *   `W[0..n)` (Σ W = 1, see {@link normaliseLogWeights}) it draws `m` ancestor indices into
 *   `A[0..m)` such that the counts `N_i = #{j : A_j = i}` satisfy Σ N_i = m and E[N_i] = m W_i.
 *   `work` is caller scratch of at least `n + m` entries; nothing is allocated.
 * - Every scheme first writes `m` sorted points of [0, 1) into `work`, then {@link inverseCdf}
 *   maps them through the cumulative weights in one O(n + m) merge. Multinomial sorts its
 *   uniforms in O(m) by exponential spacings; stratified draws one uniform per stratum
 *   [j/m, (j+1)/m); systematic shares one uniform across strata; residual keeps ⌊m W_i⌋ copies
 *   and draws the rest from the fractional parts (multinomially or stratified).
 * - Ancestors come out in increasing order, except after residual, where the deterministic
 *   copies (increasing) precede the remainder (increasing).
 * - A zero weight is never selected, even when rounding leaves Σ W slightly below 1.
 * - Douc, Cappé & Moulines (2005): residual and stratified never have larger conditional
 *   variance than multinomial; systematic usually does best but has no such guarantee.
 */
import type { Rng } from "../rng/rng.js";
import { normaliseLogWeights } from "./weights.js";

/**
 * A resampling scheme: draws `m` ancestors from normalised weights `W[0..n)` into `A[0..m)`
 * using `work` (≥ n + m entries) as scratch.
 */
export type ResamplingScheme = (
  rng: Rng,
  W: Float64Array,
  n: number,
  A: Int32Array,
  m: number,
  work: Float64Array,
) => void;

/**
 * Maps sorted points `su[suOff..suOff+m)` of [0, 1) through the cumulative weights: ancestor j is
 * the first i with `W_0 + … + W_i > su_j`, written to `A[aOff + j]`. O(n + m). Points beyond the
 * rounded total go to the last index with positive weight.
 */
export function inverseCdf(
  su: Float64Array,
  suOff: number,
  m: number,
  W: Float64Array,
  n: number,
  A: Int32Array,
  aOff: number,
): void {
  let last = n - 1;
  while (last > 0 && !(W[last] > 0)) last--;
  let i = 0;
  let cum = W[0];
  for (let j = 0; j < m; j++) {
    const u = su[suOff + j];
    // `>=` steps over zero weights even at u = cum.
    while (u >= cum && i < last) cum += W[++i];
    A[aOff + j] = i;
  }
}

/** Fills `su[off..off+m)` with m sorted uniforms: cumulative sums of m+1 exponentials, scaled (O(m), no sort). */
function sortedUniforms(rng: Rng, su: Float64Array, off: number, m: number): void {
  let s = 0;
  for (let j = 0; j < m; j++) {
    s += rng.exponential();
    su[off + j] = s;
  }
  const inv = 1 / (s + rng.exponential());
  for (let j = 0; j < m; j++) su[off + j] *= inv;
}

/** One uniform in each stratum [j/m, (j+1)/m). */
function stratifiedUniforms(rng: Rng, su: Float64Array, off: number, m: number): void {
  for (let j = 0; j < m; j++) su[off + j] = (j + rng.uniform()) / m;
}

/** The points (j + U)/m for a single uniform U. */
function systematicUniforms(rng: Rng, su: Float64Array, off: number, m: number): void {
  const u = rng.uniform();
  for (let j = 0; j < m; j++) su[off + j] = (j + u) / m;
}

type UniformFill = (rng: Rng, su: Float64Array, off: number, m: number) => void;

/** Multinomial resampling: m i.i.d. draws from W (Var N_i = m W_i (1 − W_i)). */
export function multinomial(rng: Rng, W: Float64Array, n: number, A: Int32Array, m: number, work: Float64Array): void {
  sortedUniforms(rng, work, 0, m);
  inverseCdf(work, 0, m, W, n, A, 0);
}

/** Stratified resampling (Kitagawa 1996): |N_i − m W_i| < 2. */
export function stratified(rng: Rng, W: Float64Array, n: number, A: Int32Array, m: number, work: Float64Array): void {
  stratifiedUniforms(rng, work, 0, m);
  inverseCdf(work, 0, m, W, n, A, 0);
}

/** Systematic resampling (Carpenter, Clifford & Fearnhead 1999): N_i ∈ {⌊m W_i⌋, ⌈m W_i⌉}. */
export function systematic(rng: Rng, W: Float64Array, n: number, A: Int32Array, m: number, work: Float64Array): void {
  systematicUniforms(rng, work, 0, m);
  inverseCdf(work, 0, m, W, n, A, 0);
}

/**
 * Residual resampling (Liu & Chen 1998): ⌊m W_i⌋ deterministic copies of i, then the remaining
 * R = m − Σ⌊m W_i⌋ ancestors drawn from the fractional parts with `fill`'s uniforms.
 * work[0..n) holds the fractional parts, work[n..n+R) the remainder's points.
 */
function residualWith(fill: UniformFill, rng: Rng, W: Float64Array, n: number, A: Int32Array, m: number, work: Float64Array): void {
  let k = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const mw = m * W[i];
    const c = Math.floor(mw);
    for (let e = k + c; k < e; k++) A[k] = i;
    work[i] = mw - c;
    total += mw - c;
  }
  const rest = m - k;
  if (rest <= 0) return;
  fill(rng, work, n, rest);
  // Scale the points to the unnormalised total instead of normalising n fractional parts.
  for (let j = n; j < n + rest; j++) work[j] *= total;
  inverseCdf(work, n, rest, work, n, A, k);
}

/** Residual resampling with a multinomial remainder (the classic form): N_i ≥ ⌊m W_i⌋. */
export function residual(rng: Rng, W: Float64Array, n: number, A: Int32Array, m: number, work: Float64Array): void {
  residualWith(sortedUniforms, rng, W, n, A, m, work);
}

/** Residual resampling with a stratified remainder: N_i ≥ ⌊m W_i⌋, lower variance than `residual`. */
export function residualStratified(rng: Rng, W: Float64Array, n: number, A: Int32Array, m: number, work: Float64Array): void {
  residualWith(stratifiedUniforms, rng, W, n, A, m, work);
}

/** The registry of schemes by name (the names accepted in run options). */
export const RESAMPLING_SCHEMES = Object.freeze({
  /** {@link multinomial} */
  multinomial,
  /** {@link stratified} */
  stratified,
  /** {@link systematic} (the default in spec §3.5) */
  systematic,
  /** {@link residual} with a multinomial remainder */
  residual,
  /** {@link residualStratified}: residual with a stratified remainder */
  residual_stratified: residualStratified,
} satisfies Record<string, ResamplingScheme>);

/** Name of a registered resampling scheme. */
export type SchemeName = keyof typeof RESAMPLING_SCHEMES;

/** The registered names, in registry order. */
export const SCHEME_NAMES = Object.freeze(Object.keys(RESAMPLING_SCHEMES) as SchemeName[]);

/**
 * Looks a scheme up by name.
 * @throws RangeError naming the bad value and listing the valid names.
 */
export function resamplingScheme(name: string): ResamplingScheme {
  if (!Object.hasOwn(RESAMPLING_SCHEMES, name)) {
    throw new RangeError(`unknown resampling scheme "${name}"; expected one of: ${SCHEME_NAMES.join(", ")}`);
  }
  return RESAMPLING_SCHEMES[name as SchemeName];
}

/**
 * Resampling from log-weights with every buffer allocated once, for up to `capacity` particles
 * and draws. After {@link Resampler.resample}, {@link Resampler.W} holds the normalised weights.
 */
export class Resampler {
  /** Largest `n` and `m` accepted. */
  readonly capacity: number;
  /** Normalised weights of the last call (first `n` entries). */
  readonly W: Float64Array;
  private readonly work: Float64Array;

  /** @param capacity - largest number of particles (and of draws) per call */
  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`Resampler capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.W = new Float64Array(capacity);
    this.work = new Float64Array(2 * capacity);
  }

  /**
   * Normalises `lw[0..n)` and draws `m` ancestors (default n) into `A` with the named scheme.
   * @returns `log Σ exp(lw_i)`, the log normalising constant of the weights.
   * @throws {@link DegenerateWeightsError} when the weights cannot be normalised.
   * @throws RangeError when the scheme is unknown or `n`, `m` or `A` do not fit the capacity.
   */
  resample(rng: Rng, scheme: SchemeName, lw: Float64Array, n: number, A: Int32Array, m = n): number {
    if (!(n >= 1 && n <= this.capacity && m >= 0 && m <= this.capacity && A.length >= m && lw.length >= n)) {
      throw new RangeError(`Resampler(${this.capacity}): cannot draw m = ${m} from n = ${n} into ${A.length} slots`);
    }
    const draw = resamplingScheme(scheme);
    const lse = normaliseLogWeights(lw, n, this.W);
    draw(rng, this.W, n, A, m, this.work);
    return lse;
  }
}
