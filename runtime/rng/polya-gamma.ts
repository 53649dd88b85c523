/**
 * Pólya-Gamma variates PG(b, c) (Polson, Scott & Windle 2013; spec §4).
 *
 * Conventions:
 * - `PG(1, c)` is exact: Devroye's alternating-series method as in spec §4.2, drawing
 *   J*(1, z), z = |c|/2, and returning J/4. The exponential / truncated inverse-Gaussian mixture
 *   probability is formed in logs, so any finite c works (c = 0 included) and c is never clipped.
 *   The draw compares it with a uniform through a cheap bracket first and computes it only when
 *   the uniform falls inside (see `bracketPieceProb`): the same draws, without the two erfcx
 *   evaluations in all but about one draw in 10⁴.
 * - The series test divides every coefficient by a_0(x): the ratios
 *   a_n/a_0 = (2n+1) e^{−2n(n+1)/x} (x ≤ t) and (2n+1) e^{−n(n+1)π²x/2} (x > t) cannot
 *   underflow to 0/0 when x is tiny (|c| in the thousands), and cost one exp each.
 * - `PG(b, c)` for integer b is a sum of b PG(1, c) draws sharing the proposal set-up; above
 *   `normalAbove` (default 170, the BayesLogit switch) it is a normal with the exact moments.
 *   A fractional part f of b adds a PG(f, c) draw from its gamma series, truncated with the
 *   tail's mean added (spec §4.3; see `polyaGammaFraction` for the error).
 * - Hot paths allocate nothing and use no closures.
 */
import type { Rng } from "./rng.js";
import { erfcx, softplus } from "../math/special.js";
import { gamma } from "./samplers.js";

/** Truncation point t of the two-piece series (spec E21). */
const T = 0.64;
const SQRT_T = 0.8;
const HALF_PI2 = Math.PI * Math.PI * 0.5;
const PI2_OVER_8 = (Math.PI * Math.PI) / 8;
const LOG_4_OVER_PI = Math.log(4 / Math.PI);

/** Default b above which {@link polyaGamma} switches to the moment-matched normal. */
export const PG_NORMAL_ABOVE = 170;

/** e^{log(4/π) + π²t/8 − 1/(2t)}: the z-free factor of q/p once the z² terms cancel. */
const QP_CONST = Math.exp(LOG_4_OVER_PI + PI2_OVER_8 * T - 1 / (2 * T));
const INV_SQRT_2T = 1 / Math.sqrt(2 * T);
/** Beyond this b₋²/2, e^{b₋²/2} would overflow and q/p is formed in logs. */
const MAX_DIRECT_EXPONENT = 700;

/**
 * Probability of the exponential piece of the proposal for z = |c|/2, k = π²/8 + z²/2
 * (spec §4.2 step 1): 1/(1 + q/p), log(q/p) = log(4/π) + logsumexp(x₀ − z + log Φ(b₋),
 * x₀ + z + log Φ(b₊)), x₀ = log k + kt, b∓ = (±tz − 1)/√t. With Φ(b) = ½e^{−b²/2} erfcx(−b/√2)
 * the z² terms cancel exactly (kt + z − b₊²/2 = π²t/8 − 1/(2t), and likewise for b₋ < 0), so
 * q/p = QP_CONST·k·½(erfcx(−b₋/√2) + erfcx(−b₊/√2)) for z < 1/t, and for z ≥ 1/t (b₋ ≥ 0,
 * h = b₋²/2) q/p = QP_CONST·k·(e^h − ½ erfcx(b₋/√2) + ½ erfcx(−b₊/√2)), taken in logs once e^h
 * would overflow (|c| ≳ 97). Same quantity as the spec's; one exp instead of its six
 * transcendental calls, and no overflow.
 */
function exponentialPieceProb(z: number, k: number): number {
  // A NaN or infinite c would otherwise loop forever in the truncated inverse-Gaussian draw.
  if (!(z < Infinity)) throw new Error("polyaGamma: c must be finite");
  const ePlus = erfcx((1 + T * z) * INV_SQRT_2T);
  const bm = (T * z - 1) / SQRT_T;
  if (bm < 0) return 1 / (1 + QP_CONST * k * 0.5 * (erfcx(-bm * Math.SQRT1_2) + ePlus));
  const h = 0.5 * bm * bm;
  const d = 0.5 * (erfcx(bm * Math.SQRT1_2) - ePlus);
  if (h <= MAX_DIRECT_EXPONENT) return 1 / (1 + QP_CONST * k * (Math.exp(h) - d));
  const logQp = Math.log(QP_CONST * k) + h + Math.log1p(-d * Math.exp(-h));
  return Math.exp(-softplus(logQp));
}

/**
 * Beyond this z the exponential piece's probability is below 2^−55, under the smallest uniform
 * the generator returns (2^−53: {@link Rng.uniform} has 53-bit resolution and is never 0). For
 * z ≥ 1/t, q/p = QP_CONST·k·(e^h − d) with d < ½ (erfcx ≤ 1 on [0, ∞)), and the lower bound
 * QP_CONST·k·(e^h − ½) increases with z; the z where it reaches 2^55 is found by bisection.
 */
const NEGLIGIBLE_PIECE_Z = (() => {
  const bound = (z: number) => {
    const bm = (T * z - 1) / SQRT_T;
    return QP_CONST * (PI2_OVER_8 + 0.5 * z * z) * (Math.exp(0.5 * bm * bm) - 0.5);
  };
  let lo = 1 / T;
  let hi = 64;
  for (let it = 0; it < 60; it++) {
    const mid = 0.5 * (lo + hi);
    if (bound(mid) < 2 ** 55) lo = mid;
    else hi = mid;
  }
  return hi;
})();

/** Nodes per unit of x in {@link ERFCX_GRID}. */
const GRID_PER_UNIT = 64;

/**
 * erfcx at x = j/64 for j = 0 … 512. Linear interpolation between the nodes is within
 * h²/8 · max erfcx'' = 2/(8·64²) ≈ 6.1e−5 of erfcx on [0, 8] (erfcx''(x) = (4x² + 2) erfcx(x) −
 * 4x/√π falls from its maximum 2 at x = 0), plus the nodes' rounding: {@link GRID_ERROR}.
 */
const ERFCX_GRID = Float64Array.from({ length: 8 * GRID_PER_UNIT + 1 }, (_, j) => erfcx(j / GRID_PER_UNIT));
const GRID_ERROR = 6.2e-5;

/** erfcx by linear interpolation on {@link ERFCX_GRID}, within {@link GRID_ERROR}; 0 ≤ x < 8. */
function erfcxGrid(x: number): number {
  const t = x * GRID_PER_UNIT;
  const j = Math.floor(t);
  const a = ERFCX_GRID[j];
  return a + (t - j) * (ERFCX_GRID[j + 1] - a);
}

/**
 * Relative slack on the bracket's q/p bounds: covers the rounding of the bounds and of
 * {@link exponentialPieceProb} (both ~1e−14), with a wide margin.
 */
const BRACKET_SLACK = 1e-9;

/** The bracket written by {@link bracketPieceProb}: [lower, upper]. */
const BRACKET = new Float64Array(2);

/**
 * Brackets the exponential piece's probability p, as {@link exponentialPieceProb} computes it,
 * into {@link BRACKET}. The sampler only compares p with a uniform v, and v < lower or v ≥ upper
 * settles the comparison without p: the bracket costs two table lookups instead of two 16-term
 * Chebyshev sums, and at ~1e−4 wide it leaves p to be computed in about one draw in 10⁴. The
 * draws are unchanged. Beyond {@link NEGLIGIBLE_PIECE_Z} the bracket is [0, 0]. The two erfcx
 * arguments stay below 8 there (at most (1 + t·11.82)/√(2t) ≈ 7.6).
 * @throws Error if z is not finite (the truncated inverse-Gaussian draw would loop forever).
 */
function bracketPieceProb(z: number, k: number): void {
  if (!(z < Infinity)) throw new Error("polyaGamma: c must be finite");
  if (z > NEGLIGIBLE_PIECE_Z) {
    BRACKET[0] = 0;
    BRACKET[1] = 0;
    return;
  }
  // q/p as in exponentialPieceProb, with each erfcx within GRID_ERROR.
  const plus = erfcxGrid((1 + T * z) * INV_SQRT_2T);
  const bm = (T * z - 1) / SQRT_T;
  const mid = bm < 0 ? 0.5 * (erfcxGrid(-bm * Math.SQRT1_2) + plus) : Math.exp(0.5 * bm * bm) - 0.5 * (erfcxGrid(bm * Math.SQRT1_2) - plus);
  const scale = QP_CONST * k;
  BRACKET[0] = 1 / (1 + scale * (mid + GRID_ERROR) * (1 + BRACKET_SLACK));
  BRACKET[1] = 1 / (1 + scale * (mid - GRID_ERROR) * (1 - BRACKET_SLACK));
}

/**
 * The bracket [lower, upper] of the exponential piece's probability that the sampler uses in
 * place of the probability itself (see {@link pgExponentialPieceProbability}); exposed so tests
 * can check that it contains the probability.
 * @throws Error if c is not finite.
 */
export function pgExponentialPieceBracket(c: number): [number, number] {
  const z = 0.5 * Math.abs(c);
  bracketPieceProb(z, PI2_OVER_8 + 0.5 * z * z);
  return [BRACKET[0], BRACKET[1]];
}

/**
 * Probability that the PG(1, c) proposal uses its exponential piece (spec §4.2 step 1); exposed
 * so tests can check it against the spec's literal log-space formula.
 * @throws Error if c is not finite.
 */
export function pgExponentialPieceProbability(c: number): number {
  const z = 0.5 * Math.abs(c);
  return exponentialPieceProb(z, PI2_OVER_8 + 0.5 * z * z);
}

/**
 * Inverse-Gaussian IG(μ = 1/z, 1) truncated to (0, t] (spec §4.2 step 2). For z < 1/t: the
 * Lévy tail (1/√X a normal tail beyond 1/√t, drawn by Marsaglia's exponential method) tilted by
 * e^{−z²X/2}; otherwise Michael–Schucany–Haas draws until X ≤ t, with the root written as
 * μ/(1 + w + √(w(2 + w))), w = μY/2, which does not cancel when μY is large.
 */
function truncatedInverseGaussian(rng: Rng, z: number): number {
  if (z < 1 / T) {
    const halfZ2 = 0.5 * z * z;
    for (;;) {
      let e1: number;
      do {
        e1 = rng.exponential();
      } while (e1 * e1 > (2 * rng.exponential()) / T);
      const r = 1 + T * e1;
      const x = T / (r * r);
      if (rng.exponential() >= halfZ2 * x) return x;
    }
  }
  const mu = 1 / z;
  for (;;) {
    const y = rng.normal();
    const w = 0.5 * mu * y * y;
    let x = mu / (1 + w + Math.sqrt(w * (2 + w)));
    // μ·(μ/x), not μ²/x: μ² underflows to 0 once |c| passes ~1e154.
    if (rng.uniform() * (mu + x) > mu) x = mu * (mu / x);
    if (x <= T) return x;
  }
}

/**
 * One J*(1, z) draw (PG(1, 2z) times 4) given k = π²/8 + z²/2 and a bracket [lower, upper] of
 * the piece probability p ({@link bracketPieceProb}); p is computed only when a uniform falls
 * inside the bracket, and the piece chosen is always that of `uniform < p`.
 */
function drawJStar(rng: Rng, z: number, k: number, lower: number, upper: number): number {
  for (;;) {
    const v = rng.uniform();
    if (v >= lower && v < upper) lower = upper = exponentialPieceProb(z, k);
    const x = v < lower ? T + rng.exponential() / k : truncatedInverseGaussian(rng, z);
    // Alternating-series accept/reject on S_n/a_0(x) (spec §4.2 step 3).
    const u = rng.uniform();
    const left = x <= T;
    const scale = left ? 2 / x : HALF_PI2 * x;
    let s = 1;
    for (let n = 1; ; n++) {
      const ratio = (2 * n + 1) * Math.exp(-n * (n + 1) * scale);
      if (n % 2 === 1) {
        s -= ratio;
        if (u <= s) return x;
      } else {
        s += ratio;
        if (u > s) break;
      }
    }
  }
}

/**
 * One exact PG(1, c) draw (spec §4.2); finite and positive for every finite c.
 * @throws Error if c is not finite.
 */
export function polyaGamma1(rng: Rng, c: number): number {
  const z = 0.5 * Math.abs(c);
  const k = PI2_OVER_8 + 0.5 * z * z;
  bracketPieceProb(z, k);
  return 0.25 * drawJStar(rng, z, k, BRACKET[0], BRACKET[1]);
}

/**
 * Fills `out[i] ~ PG(1, c[i])` for i < n, exactly (spec §4.2). No allocation; when consecutive
 * c[i] are equal the proposal set-up (the piece-probability bracket) is reused.
 * @throws Error if some c[i] is not finite.
 */
export function polyaGammaBatch(rng: Rng, c: Float64Array, out: Float64Array, n = c.length): void {
  let z = -1;
  let k = 0;
  let lower = 0;
  let upper = 0;
  for (let i = 0; i < n; i++) {
    const zi = 0.5 * Math.abs(c[i]);
    if (zi !== z) {
      z = zi;
      k = PI2_OVER_8 + 0.5 * z * z;
      bracketPieceProb(z, k);
      lower = BRACKET[0];
      upper = BRACKET[1];
    }
    out[i] = 0.25 * drawJStar(rng, z, k, lower, upper);
  }
}

/**
 * PG(f, c) for 0 < f < 1 from its series (spec §4.1) PG(f, c) = 1/(2π²) Σ_k g_k/((k − ½)² + a²),
 * a = |c|/(2π), g_k ~ Gamma(f, 1): the first T = 64 + ⌈10a⌉ terms drawn, the rest replaced by
 * their mean, from Σ_{k≥1} 1/((k − ½)² + a²) = π tanh(πa)/(2a). The mean is then exact (E18)
 * and only the tail's variance is lost: a relative 10⁻⁷ of Var ω for |c| ≲ 1, and at most
 * 4a³/(3πT³) ≤ 5·10⁻⁴ for large |c| (measured against E19 in the tests). O(T) gamma draws.
 */
function polyaGammaFraction(rng: Rng, f: number, c: number): number {
  const a = Math.abs(c) / (2 * Math.PI);
  const a2 = a * a;
  // Beyond about |c| = 10⁸ the series needs more terms than is sensible; its mass is then
  // within 10⁻⁸ of its mean f/(2|c|).
  if (a > 1.6e7) return pgMean(f, c);
  const terms = 64 + Math.ceil(10 * a);
  let sum = 0;
  let weights = 0;
  for (let k = 1; k <= terms; k++) {
    const h = k - 0.5;
    const w = 1 / (h * h + a2);
    weights += w;
    sum += gamma(rng, f) * w;
  }
  const total = a < 1e-8 ? HALF_PI2 : (Math.PI * Math.tanh(Math.PI * a)) / (2 * a);
  return (sum + f * Math.max(0, total - weights)) / (2 * Math.PI * Math.PI);
}

/**
 * PG(b, c) draw for any real b > 0. For b ≤ `normalAbove`: the exact sum of ⌊b⌋ PG(1, c) draws
 * (spec §4.3), plus for a fractional part f the series draw of `polyaGammaFraction`. For
 * b > `normalAbove` it is N(pgMean(b, c), pgVariance(b, c)) (spec E18–E19), redrawn if a value is
 * ≤ 0, which is never seen at the default switch: the mean sits at least 1.22√b (> 15) standard
 * deviations above 0.
 * @throws Error if b is not a positive finite number, or if c is not finite.
 */
export function polyaGamma(rng: Rng, b: number, c: number, normalAbove = PG_NORMAL_ABOVE): number {
  if (!Number.isFinite(c)) throw new Error("polyaGamma: c must be finite");
  if (!(b > 0 && b < Infinity)) throw new Error(`polyaGamma: b = ${b} must be a positive number`);
  if (b > normalAbove) {
    const m = pgMean(b, c);
    const sd = Math.sqrt(pgVariance(b, c));
    for (;;) {
      const w = m + sd * rng.normal();
      if (w > 0) return w;
    }
  }
  const whole = Math.floor(b);
  const fraction = b - whole;
  if (whole === 0) return polyaGammaFraction(rng, fraction, c);
  const z = 0.5 * Math.abs(c);
  const k = PI2_OVER_8 + 0.5 * z * z;
  bracketPieceProb(z, k);
  const lower = BRACKET[0];
  const upper = BRACKET[1];
  let sum = 0;
  for (let i = 0; i < whole; i++) sum += drawJStar(rng, z, k, lower, upper);
  return 0.25 * sum + (fraction > 0 ? polyaGammaFraction(rng, fraction, c) : 0);
}

/**
 * E[PG(b, c)] = b tanh(c/2)/(2c) (spec E18); the series b(1/4 − c²/48 + c⁴/480) for |c| < 0.01,
 * even in c and free of overflow for any finite c.
 */
export function pgMean(b: number, c: number): number {
  const a = Math.abs(c);
  if (a < 0.01) {
    const c2 = a * a;
    return b * (0.25 + c2 * (-1 / 48 + c2 / 480));
  }
  return (b * Math.tanh(0.5 * a)) / (2 * a);
}

/**
 * Var[PG(b, c)] = b (sinh c − c)/(2c³(1 + cosh c)) (spec E19). For |c| ≥ 1 it is
 * b/(2|c|³) · (1 − e² − 2|c|e)/(1 + e)², e = e^{−|c|} (spec §4.1: no overflow). Below 1 the
 * Maclaurin series of (sinh c − c)/c³ is used instead, because that e-form cancels to c³/3 and
 * would lose ~7 digits at the spec's switch point 0.01; the series equals b/24 at c = 0.
 */
export function pgVariance(b: number, c: number): number {
  const a = Math.abs(c);
  const a2 = a * a;
  if (a < 1) {
    let p = 1;
    for (let k = 10; k >= 2; k--) p = 1 + (a2 / ((2 * k) * (2 * k + 1))) * p;
    return (b * (p / 6)) / (2 * (1 + Math.cosh(a)));
  }
  const e = Math.exp(-a);
  const onePlusE = 1 + e;
  return ((b / (2 * a * a2)) * (1 - e * e - 2 * a * e)) / (onePlusE * onePlusE);
}
