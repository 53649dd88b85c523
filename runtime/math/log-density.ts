/**
 * Log densities used by the filter and by the tests.
 *
 * Conventions (spec §0): `N(m, s²)` is written by variance in formulas, and both spellings are
 * provided with the parameterisation in the name (`…Sd`, `…Var`); `Gamma(shape, rate)` has
 * density rate^a/Γ(a) x^{a−1} e^{−rate·x}; `IG(a, b)` is shape a, scale b with density
 * b^a/Γ(a) v^{−a−1} e^{−b/v}; `C⁺(0, A)` has density 2/(πA(1 + v²/A²)); `St(y; μ, s², ν)` has
 * location μ, squared scale s² and ν degrees of freedom. Outside the support the log density
 * is −Infinity, never NaN.
 */
import { lgamma, lgammaHalfRatio } from "./special.js";

const HALF_LOG_2PI = 0.9189385332046728;
const LOG_PI = 1.1447298858494002;
const LOG_2_OVER_PI = -0.4515827052894548;

/** log N(y; mean, sd²) with the standard deviation given. */
export function normalLogPdfSd(y: number, mean: number, sd: number): number {
  const r = (y - mean) / sd;
  return -0.5 * r * r - Math.log(sd) - HALF_LOG_2PI;
}

/** log N(y; mean, variance) with the variance given. */
export function normalLogPdfVar(y: number, mean: number, variance: number): number {
  const r = y - mean;
  return (-0.5 * r * r) / variance - 0.5 * Math.log(variance) - HALF_LOG_2PI;
}

/**
 * log St(y; loc, scaleSq, dof) = lgamma((ν+1)/2) − lgamma(ν/2) − ½ log(νπs²)
 * − ((ν+1)/2) log1p(r²/(νs²)) (spec §7). The lgamma difference goes through
 * {@link lgammaHalfRatio}, which stays accurate when ν is large (long data streams).
 */
export function studentTLogPdf(y: number, loc: number, scaleSq: number, dof: number): number {
  const r = y - loc;
  const nuS2 = dof * scaleSq;
  return lgammaHalfRatio(dof / 2) - 0.5 * (Math.log(nuS2) + LOG_PI) - ((dof + 1) / 2) * Math.log1p((r * r) / nuS2);
}

/** log Gamma(x; shape, rate) = a log rate − lgamma(a) + (a − 1) log x − rate·x, for x ≥ 0. */
export function gammaLogPdf(x: number, shape: number, rate: number): number {
  if (x < 0) return -Infinity;
  if (x === 0) return shape < 1 ? Infinity : shape === 1 ? Math.log(rate) : -Infinity;
  return shape * Math.log(rate) - lgamma(shape) + (shape - 1) * Math.log(x) - rate * x;
}

/** log IG(x; shape a, scale b) = a log b − lgamma(a) − (a + 1) log x − b/x, for x > 0. */
export function inverseGammaLogPdf(x: number, shape: number, scale: number): number {
  if (!(x > 0)) return -Infinity;
  return shape * Math.log(scale) - lgamma(shape) - (shape + 1) * Math.log(x) - scale / x;
}

/**
 * log C⁺(x; 0, A) = log(2/π) − log A − log(1 + (x/A)²), for x ≥ 0; the last term is
 * rewritten as 2 log r + log1p(1/r²) for r = x/A > 1 so huge x does not overflow.
 */
export function halfCauchyLogPdf(x: number, scale: number): number {
  if (x < 0) return -Infinity;
  const r = x / scale;
  const tail = r <= 1 ? Math.log1p(r * r) : 2 * Math.log(r) + Math.log1p(1 / (r * r));
  return LOG_2_OVER_PI - Math.log(scale) - tail;
}

/**
 * Normal-inverse-gamma one-step predictive (spec E10):
 * log St(y; xᵀm, (b/a)(1 + xᵀVx), 2a), given the scalars `xm` = xᵀm and `xVx` = xᵀVx.
 */
export function nigPredictiveLogPdf(y: number, xm: number, xVx: number, a: number, b: number): number {
  return studentTLogPdf(y, xm, (b / a) * (1 + xVx), 2 * a);
}
