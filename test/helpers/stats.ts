/**
 * Statistical helpers for Monte Carlo tests (shared; see STYLE.md §2.6).
 *
 * How to use them:
 * - Moments: compare a sample moment with its exact value through a z-score in Monte Carlo
 *   standard errors ({@link zMean}, {@link zVariance}, {@link zProportion}) and assert
 *   `|z| < Z_TOL`. Under the null a two-sided |z| ≥ 4 happens with probability 6.3e−5 per check.
 * - Goodness of fit: {@link ksTest} (one sample against a CDF), {@link ks2Test} (two samples),
 *   {@link chiSquareTest} (counts against probabilities); assert `pValue > P_MIN`, a false-alarm
 *   rate of 1e−4 per check. Seeds are fixed, so a passing test stays passing; the rates say how
 *   unlucky a seed would have to be for a correct sampler to fail.
 * - CDFs for reference distributions: {@link gammaCdf} (regularized incomplete gamma) and
 *   {@link betaCdf} (regularized incomplete beta); Student-t, inverse-gamma, chi-square and
 *   F follow from them.
 * Every function takes plain arrays or typed arrays and does not modify them.
 */
import { lgamma, normalCdf } from "../../runtime/math/special.js";

/** Default bound on |z| for moment checks (two-sided false-alarm rate 6.3e−5). */
export const Z_TOL = 4;
/** Default lower bound on goodness-of-fit p-values (false-alarm rate 1e−4). */
export const P_MIN = 1e-4;

/** Sample size, mean, unbiased variance and fourth central moment (divided by n). */
export interface Moments {
  n: number;
  mean: number;
  variance: number;
  m4: number;
}

/** Two-pass sample moments of `x`. */
export function sampleMoments(x: ArrayLike<number>): Moments {
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i];
  const mean = s / n;
  let s2 = 0;
  let s4 = 0;
  for (let i = 0; i < n; i++) {
    const d = (x[i] - mean) ** 2;
    s2 += d;
    s4 += d * d;
  }
  return { n, mean, variance: s2 / (n - 1), m4: s4 / n };
}

/** z-score of the sample mean against `mean`, using the sample variance for the standard error. */
export function zMean(x: ArrayLike<number>, mean: number): number {
  const m = sampleMoments(x);
  return (m.mean - mean) / Math.sqrt(m.variance / m.n);
}

/**
 * z-score of the sample variance against `variance`; standard error √((m₄ − s⁴)/n) from the
 * sample's own fourth central moment (needs a finite fourth moment).
 */
export function zVariance(x: ArrayLike<number>, variance: number): number {
  const m = sampleMoments(x);
  return (m.variance - variance) / Math.sqrt((m.m4 - m.variance * m.variance) / m.n);
}

/** z-score of k successes in n trials against success probability p (binomial standard error). */
export function zProportion(k: number, n: number, p: number): number {
  return (k / n - p) / Math.sqrt((p * (1 - p)) / n);
}

/** Two-sided normal p-value of a z-score, 2Φ(−|z|). */
export function zPValue(z: number): number {
  return 2 * normalCdf(-Math.abs(z));
}

/** Kolmogorov–Smirnov statistic sup|F_n − F| of the sample `x` against the CDF `cdf`. */
export function ksStatistic(x: ArrayLike<number>, cdf: (v: number) => number): number {
  const s = Float64Array.from(x).sort();
  const n = s.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(s[i]);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return d;
}

/**
 * Asymptotic p-value P(D ≥ d) for a KS statistic with effective sample size n, using
 * Stephens' correction λ = (√n + 0.12 + 0.11/√n) d and the two classical series of the
 * Kolmogorov distribution (the θ-function form for small λ, the alternating one for large λ).
 */
export function kolmogorovPValue(d: number, n: number): number {
  const sn = Math.sqrt(n);
  const lambda = (sn + 0.12 + 0.11 / sn) * d;
  if (lambda <= 0) return 1;
  if (lambda < 1.18) {
    const r = -(Math.PI * Math.PI) / (8 * lambda * lambda);
    let s = 0;
    for (let k = 1; k <= 20; k++) s += Math.exp((2 * k - 1) ** 2 * r);
    return Math.min(1, Math.max(0, 1 - (Math.sqrt(2 * Math.PI) / lambda) * s));
  }
  let p = 0;
  for (let k = 1; k <= 100; k++) p += 2 * (k % 2 === 1 ? 1 : -1) * Math.exp(-2 * k * k * lambda * lambda);
  return Math.min(1, Math.max(0, p));
}

/** Result of a goodness-of-fit test. */
export interface TestResult {
  statistic: number;
  pValue: number;
}

/** One-sample KS test of `x` against the continuous CDF `cdf`. */
export function ksTest(x: ArrayLike<number>, cdf: (v: number) => number): TestResult {
  const d = ksStatistic(x, cdf);
  return { statistic: d, pValue: kolmogorovPValue(d, x.length) };
}

/** Two-sample KS test (H0: same continuous law), effective size nm/(n + m). */
export function ks2Test(a: ArrayLike<number>, b: ArrayLike<number>): TestResult {
  const x = Float64Array.from(a).sort();
  const y = Float64Array.from(b).sort();
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i], y[j]);
    while (i < x.length && x[i] === v) i++;
    while (j < y.length && y[j] === v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return { statistic: d, pValue: kolmogorovPValue(d, (x.length * y.length) / (x.length + y.length)) };
}

/**
 * Pearson chi-square test of `observed` counts against cell probabilities `probs` (normalised
 * here); cells with expected count below 5 should be merged by the caller. df = cells − 1 −
 * `fittedParams`.
 */
export function chiSquareTest(
  observed: ArrayLike<number>,
  probs: ArrayLike<number>,
  fittedParams = 0,
): TestResult & { df: number } {
  let n = 0;
  let total = 0;
  for (let i = 0; i < observed.length; i++) {
    n += observed[i];
    total += probs[i];
  }
  let stat = 0;
  for (let i = 0; i < observed.length; i++) {
    const e = (n * probs[i]) / total;
    stat += (observed[i] - e) ** 2 / e;
  }
  const df = observed.length - 1 - fittedParams;
  return { statistic: stat, df, pValue: regularizedGammaQ(df / 2, stat / 2) };
}

/**
 * Regularized lower incomplete gamma P(a, x) = γ(a, x)/Γ(a): power series for x < a + 1,
 * otherwise 1 − Q by the Legendre continued fraction (modified Lentz).
 */
export function regularizedGammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 10000; n++) {
      term *= x / (a + n);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return sum * Math.exp(a * Math.log(x) - x - lgamma(a));
  }
  return 1 - gammaQContinuedFraction(a, x);
}

/** Regularized upper incomplete gamma Q(a, x) = 1 − P(a, x), accurate in the upper tail. */
export function regularizedGammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  return x < a + 1 ? 1 - regularizedGammaP(a, x) : gammaQContinuedFraction(a, x);
}

function gammaQContinuedFraction(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(a * Math.log(x) - x - lgamma(a)) * h;
}

/** CDF of Gamma(shape, rate) at x. */
export function gammaCdf(x: number, shape: number, rate = 1): number {
  return regularizedGammaP(shape, rate * x);
}

export { betaCdf, studentTCdf } from "../../runtime/math/cdf.js";

/**
 * Cumulative integral of a density tabulated on an increasing grid (composite Simpson on each
 * grid interval with its midpoint): returns F with F[0] = 0 and F[i] = ∫_{grid[0]}^{grid[i]}.
 */
export function cumulativeIntegral(density: (v: number) => number, grid: ArrayLike<number>): Float64Array {
  const f = new Float64Array(grid.length);
  let left = density(grid[0]);
  for (let i = 1; i < grid.length; i++) {
    const a = grid[i - 1];
    const b = grid[i];
    const right = density(b);
    f[i] = f[i - 1] + ((b - a) / 6) * (left + 4 * density(0.5 * (a + b)) + right);
    left = right;
  }
  return f;
}

/** Linear interpolation of a tabulated CDF (grid, F) at v, clamped to [F[0], F[last]]. */
export function interpolateTable(grid: ArrayLike<number>, table: ArrayLike<number>, v: number): number {
  const last = grid.length - 1;
  if (v <= grid[0]) return table[0];
  if (v >= grid[last]) return table[last];
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (grid[mid] <= v) lo = mid;
    else hi = mid;
  }
  const w = (v - grid[lo]) / (grid[hi] - grid[lo]);
  return table[lo] + w * (table[hi] - table[lo]);
}
