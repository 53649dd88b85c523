/**
 * Special functions for the runtime: log-gamma, softplus and the log-logistic pieces,
 * log-sum-exp, the scaled complementary error function and the standard normal CDF.
 *
 * Conventions:
 * - Plain `number` in, `number` out; no allocation. Arrays are `Float64Array` ranges
 *   `[start, end)`.
 * - Accuracy target is ~1e−14 relative over the documented domain, and every function stays
 *   finite (or returns the correct ±Infinity) far into the tails: the samplers and the filter
 *   work in log space, so "log of a tiny probability" must be right, not −Infinity.
 * - Tables (zeta values, Chebyshev coefficients) are computed once at module load from
 *   slowly converging but accurate formulas, so there are no magic constants to trust.
 */

const EULER_GAMMA = 0.5772156649015329;
const HALF_LOG_2PI = 0.9189385332046728;
const SQRT_PI = 1.7724538509055159;

/**
 * ζ(k) − 1 for k = 0..n−1 (entries 0 and 1 unused): direct sum to N − 1 plus the
 * Euler–Maclaurin tail ∫ + f(N)/2 + Σ_{j≤4} B_{2j}/(2j)! (k)_{2j−1} N^{1−k−2j}.
 */
function zetaMinusOneTable(n: number): Float64Array {
  const N = 40;
  const bernoulliOverFactorial = [1 / 6 / 2, -1 / 30 / 24, 1 / 42 / 720, -1 / 30 / 40320];
  const z = new Float64Array(n);
  for (let k = 2; k < n; k++) {
    let tail = N ** (1 - k) / (k - 1) + N ** -k / 2;
    let rising = k;
    for (let j = 1; j <= 4; j++) {
      tail += bernoulliOverFactorial[j - 1] * rising * N ** (1 - k - 2 * j);
      rising *= (k + 2 * j - 1) * (k + 2 * j);
    }
    let s = tail;
    for (let m = N - 1; m >= 2; m--) s += m ** -k;
    z[k] = s;
  }
  return z;
}

/** Taylor coefficients of lgamma(2 + t): c_1 = 1 − γ, c_k = (−1)^k (ζ(k) − 1)/k. */
const LGAMMA2_COEF = (() => {
  const terms = 30;
  const zm1 = zetaMinusOneTable(terms);
  const c = new Float64Array(terms);
  c[1] = 1 - EULER_GAMMA;
  for (let k = 2; k < terms; k++) c[k] = ((k % 2 === 0 ? 1 : -1) * zm1[k]) / k;
  return c;
})();

/** lgamma(2 + t) for |t| ≤ 1/2 by its Taylor series (terms shrink like 4^−k). */
function lgamma2Series(t: number): number {
  const c = LGAMMA2_COEF;
  let s = 0;
  for (let k = c.length - 1; k >= 1; k--) s = s * t + c[k];
  return s * t;
}

/** Stirling correction Σ_{j=1..6} B_{2j} / (2j(2j−1) x^{2j−1}); truncation error < 1e−15/x^13. */
function stirlingCorrection(x: number): number {
  const r = 1 / (x * x);
  return (
    (1 / 12 + r * (-1 / 360 + r * (1 / 1260 + r * (-1 / 1680 + r * (1 / 1188 + r * (-691 / 360360)))))) / x
  );
}

/**
 * log|Γ(x)|. Taylor series of lgamma(2 + t) around the zeros at 1 and 2 (so relative accuracy
 * holds there), downward recursion on [2.5, 10), Stirling with six Bernoulli terms for x ≥ 10,
 * reflection Γ(x)Γ(1 − x) = π / sin(πx) for x < 0. Returns +Infinity at 0 and negative integers,
 * NaN for NaN.
 */
export function lgamma(x: number): number {
  if (x >= 10) {
    if (x === Infinity) return Infinity;
    return (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + stirlingCorrection(x);
  }
  if (x >= 2.5) {
    let p = 1;
    while (x >= 2.5) {
      x -= 1;
      p *= x;
    }
    return lgamma2Series(x - 2) + Math.log(p);
  }
  if (x >= 1.5) return lgamma2Series(x - 2);
  if (x >= 0.5) return lgamma2Series(x - 1) - Math.log(x);
  if (x > 0) return lgamma2Series(x) - Math.log1p(x) - Math.log(x);
  if (Number.isNaN(x)) return NaN;
  if (x === Math.floor(x)) return Infinity;
  return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
}

/** log k! for k < 1024, from {@link lgamma} itself, so {@link logFactorial} equals lgamma(k + 1) exactly. */
const LOG_FACTORIAL = Float64Array.from({ length: 1024 }, (_, k) => lgamma(k + 1));

/**
 * log k! = lgamma(k + 1), by table lookup for whole k below 1024 (the binomial coefficients of
 * binomial experts, per row and particle).
 */
export function logFactorial(k: number): number {
  return k >= 0 && k < 1024 && k === Math.floor(k) ? LOG_FACTORIAL[k] : lgamma(k + 1);
}

/**
 * log(Γ(x + ½) / Γ(x)) for x > 0. For x ≥ 10 it uses the difference of Stirling series, which
 * avoids the cancellation of two large lgamma values (Student-t with many degrees of freedom).
 */
export function lgammaHalfRatio(x: number): number {
  if (x < 10) return lgamma(x + 0.5) - lgamma(x);
  return 0.5 * Math.log(x) + (x * Math.log1p(0.5 / x) - 0.5) + stirlingCorrection(x + 0.5) - stirlingCorrection(x);
}

/**
 * Above this a, e^{−a} < 2^−53 and log1p(e^{−a}) = e^{−a}(1 − e^{−a}/2 + …) rounds to e^{−a}
 * itself (the correction is below half an ulp), so the log1p can be skipped exactly.
 */
const LOG1P_EXP_IDENTITY = 37;

/**
 * log(1 + e^{−a}) for a ≥ 0, the tail of softplus: softplus(±u) = max(±u, 0) + log1pExpNeg(|u|),
 * so softplus(u) and softplus(−u) share one evaluation. NaN for NaN.
 */
export function log1pExpNeg(a: number): number {
  const e = Math.exp(-a);
  return a > LOG1P_EXP_IDENTITY ? e : Math.log1p(e);
}

/** softplus(u) = log(1 + e^u) = max(u, 0) + log1p(e^{−|u|}) (spec §7), finite for all finite u. */
export function softplus(u: number): number {
  return (u > 0 ? u : 0) + log1pExpNeg(Math.abs(u));
}

/** log σ(u) = −softplus(−u), σ(u) = 1/(1 + e^{−u}) (spec §7). */
export function logSigmoid(u: number): number {
  return -softplus(-u);
}

/** log(1 − σ(u)) = −softplus(u) (spec §7). */
export function log1mSigmoid(u: number): number {
  return -softplus(u);
}

/**
 * log Σ_{i∈[start,end)} e^{a_i}, subtracting the maximum first. Returns −Infinity when every
 * term is −Infinity (or the range is empty) and +Infinity if any term is; callers decide whether
 * an all-zero set of weights is an error (spec §7).
 */
export function logSumExp(a: Float64Array, start = 0, end = a.length): number {
  let m = -Infinity;
  for (let i = start; i < end; i++) if (a[i] > m) m = a[i];
  if (m === -Infinity || m === Infinity) return m;
  let s = 0;
  for (let i = start; i < end; i++) s += Math.exp(a[i] - m);
  return m + Math.log(s);
}

/** erfcx by its slow reference formulas, used only to build the Chebyshev tables. */
function erfcxReference(z: number): number {
  if (z < 1) {
    // erf Maclaurin series; at z < 1 the subtraction 1 − erf loses under 3 bits.
    let term = z;
    let erf = z;
    for (let n = 1; n < 40; n++) {
      term *= (-z * z) / n;
      erf += term / (2 * n + 1);
    }
    return Math.exp(z * z) * (1 - (2 / SQRT_PI) * erf);
  }
  return erfcxContinuedFraction(z, 400);
}

/** Laplace continued fraction erfcx(z) = 1/(√π (z + (1/2)/(z + 1/(z + (3/2)/(z + …))))), z > 0. */
function erfcxContinuedFraction(z: number, terms: number): number {
  let f = z;
  for (let n = terms; n >= 1; n--) f = z + n / 2 / f;
  return 1 / (SQRT_PI * f);
}

/** erfcx on [0, 8) is tabulated as 16 Chebyshev interpolants of width ½, each with 16 terms. */
const ERFCX_PIECES = 16;
const ERFCX_TERMS = 16;
const ERFCX_COEF = (() => {
  const n = ERFCX_TERMS;
  const c = new Float64Array(ERFCX_PIECES * n);
  const f = new Float64Array(n);
  for (let p = 0; p < ERFCX_PIECES; p++) {
    for (let k = 0; k < n; k++) f[k] = erfcxReference(0.5 * p + 0.25 * (Math.cos((Math.PI * (k + 0.5)) / n) + 1));
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += f[k] * Math.cos((Math.PI * j * (k + 0.5)) / n);
      c[p * n + j] = ((j === 0 ? 1 : 2) * s) / n;
    }
  }
  return c;
})();

/**
 * Scaled complementary error function erfcx(z) = e^{z²} erfc(z). Piecewise Chebyshev
 * interpolants on [0, 8), the Laplace continued fraction (16 terms) beyond; erfcx(−z) =
 * 2e^{z²} − erfcx(z). Relative accuracy ~5e−15 for z ≥ 0 (rounding in the tables' coefficients);
 * overflows to Infinity for z < −26.6.
 */
export function erfcx(z: number): number {
  if (z < 0) return 2 * Math.exp(z * z) - erfcx(-z);
  if (z >= 8) return erfcxContinuedFraction(z, 16);
  const p = Math.floor(2 * z);
  const x = 4 * z - 2 * p - 1;
  const base = p * ERFCX_TERMS;
  let b1 = 0;
  let b2 = 0;
  for (let j = ERFCX_TERMS - 1; j >= 1; j--) {
    const b0 = 2 * x * b1 - b2 + ERFCX_COEF[base + j];
    b2 = b1;
    b1 = b0;
  }
  return x * b1 - b2 + ERFCX_COEF[base];
}

/** Complementary error function erfc(z) = e^{−z²} erfcx(z) (erfc(z) = 2 − erfc(−z) for z < 0). */
export function erfc(z: number): number {
  return z >= 0 ? Math.exp(-z * z) * erfcx(z) : 2 - Math.exp(-z * z) * erfcx(-z);
}

/** Standard normal CDF Φ(x) = ½ erfc(−x/√2), with relative accuracy kept in the lower tail. */
export function normalCdf(x: number): number {
  const e = 0.5 * Math.exp(-0.5 * x * x) * erfcx(Math.abs(x) * Math.SQRT1_2);
  return x < 0 ? e : 1 - e;
}

/**
 * log Φ(x), accurate in both tails: for x < 0 it is log(½ erfcx(−x/√2)) − x²/2 (no underflow;
 * log Φ(−40) ≈ −804.608), for x ≥ 0 it is log1p(−½ erfc(x/√2)).
 */
export function normalLogCdf(x: number): number {
  if (x < 0) return Math.log(0.5 * erfcx(-x * Math.SQRT1_2)) - 0.5 * x * x;
  return Math.log1p(-0.5 * Math.exp(-0.5 * x * x) * erfcx(x * Math.SQRT1_2));
}
