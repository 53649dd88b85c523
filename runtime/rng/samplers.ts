/**
 * Samplers for the standard distributions, each taking an {@link Rng} first.
 *
 * Conventions (spec §0): `normal(mean, sd)`; `Gamma(shape, rate)` (mean shape/rate);
 * `IG(a, b)` shape a, scale b, drawn as b / Gamma(a, 1); `C⁺(0, A)` half-Cauchy with scale A;
 * `St(μ, s², ν)` with squared scale s². Vectors and matrices are `Float64Array`s addressed by an
 * offset; a d×d Cholesky factor is row-major and lower-triangular (`L[i*d + j]`, j ≤ i; the
 * upper triangle is never read). Outputs go into caller buffers and nothing is allocated per
 * draw. Degenerate parameters are the caller's responsibility unless a guard is documented.
 */
import type { Rng } from "./rng.js";
import { solveLowerT } from "../linalg/triangular.js";

/** Uniform draw on the open interval (lo, hi); (0, 1) by default. */
export function uniform(rng: Rng, lo = 0, hi = 1): number {
  return lo + (hi - lo) * rng.uniform();
}

/** Normal draw N(mean, sd²) (standard normal by default; polar method, see {@link Rng.normal}). */
export function normal(rng: Rng, mean = 0, sd = 1): number {
  return mean + sd * rng.normal();
}

/** Exponential draw with the given rate (mean 1/rate), by inversion. */
export function exponential(rng: Rng, rate = 1): number {
  return rng.exponential() / rate;
}

/** Marsaglia–Tsang (2000) squeeze/accept loop for Gamma(a, 1) with a ≥ 1. */
function gammaMarsagliaTsang(rng: Rng, a: number): number {
  const d = a - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.uniform();
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return d * v;
    if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
  }
}

/**
 * Gamma(shape, rate) draw (mean shape/rate). Marsaglia–Tsang for shape ≥ 1; for shape < 1 the
 * boost Gamma(a) = Gamma(a + 1)·U^{1/a}, formed in logs so tiny shapes do not lose the draw.
 */
export function gamma(rng: Rng, shape: number, rate = 1): number {
  if (shape >= 1) return gammaMarsagliaTsang(rng, shape) / rate;
  return Math.exp(Math.log(gammaMarsagliaTsang(rng, shape + 1)) + Math.log(rng.uniform()) / shape) / rate;
}

/**
 * log of a Gamma(shape, 1) draw. For small shapes the draw itself can underflow (at shape 1e−3
 * half of the mass lies below 1e−300), but its logarithm is always finite.
 */
export function logGammaDraw(rng: Rng, shape: number): number {
  if (shape >= 1) return Math.log(gammaMarsagliaTsang(rng, shape));
  return Math.log(gammaMarsagliaTsang(rng, shape + 1)) + Math.log(rng.uniform()) / shape;
}

/** Fills `out[0..n)` with Gamma(shape, 1) draws, the same values as n calls of {@link gamma}; no allocation. */
export function gammaBatch(rng: Rng, shape: number, out: Float64Array, n = out.length): void {
  if (shape >= 1) {
    for (let i = 0; i < n; i++) out[i] = gammaMarsagliaTsang(rng, shape);
  } else {
    for (let i = 0; i < n; i++) {
      out[i] = Math.exp(Math.log(gammaMarsagliaTsang(rng, shape + 1)) + Math.log(rng.uniform()) / shape);
    }
  }
}

/** Fills `out[0..n)` with standard normal draws; no allocation. */
export function normalBatch(rng: Rng, out: Float64Array, n = out.length): void {
  for (let i = 0; i < n; i++) out[i] = rng.normal();
}

/**
 * Beta(a, b) draw as X/(X + Y), X ~ Gamma(a), Y ~ Gamma(b), computed as 1/(1 + e^{log Y − log X})
 * so that small shapes (both draws underflowing) still give a value in [0, 1] instead of NaN.
 */
export function beta(rng: Rng, a: number, b: number): number {
  const lx = logGammaDraw(rng, a);
  const ly = logGammaDraw(rng, b);
  return 1 / (1 + Math.exp(ly - lx));
}

/** Smallest scale accepted by {@link inverseGamma}: λ² → 0 upstream must not give b = 0 (spec §7). */
export const INVERSE_GAMMA_MIN_SCALE = 1e-300;

/**
 * Inverse-gamma IG(shape, scale) draw, b / Gamma(a, 1). Below shape 1 the gamma draw can
 * underflow, so the quotient is formed as exp(log b − log G); from shape 1 on the accepted
 * Marsaglia–Tsang draw cannot (its squeeze and log tests reject v near 0), and b/G is taken
 * directly: the same law, three fewer transcendental calls on the horseshoe's hot path.
 * Guards (spec §7): the scale is floored at {@link INVERSE_GAMMA_MIN_SCALE}, and the result is
 * capped at Number.MAX_VALUE, so a draw is always finite and positive.
 */
export function inverseGamma(rng: Rng, shape: number, scale: number): number {
  const b = scale > INVERSE_GAMMA_MIN_SCALE ? scale : INVERSE_GAMMA_MIN_SCALE;
  const v = shape >= 1 ? b / gammaMarsagliaTsang(rng, shape) : Math.exp(Math.log(b) - logGammaDraw(rng, shape));
  return v < Number.MAX_VALUE ? v : Number.MAX_VALUE;
}

/** Half-Cauchy C⁺(0, scale) draw by inversion: A·tan(πU/2). */
export function halfCauchy(rng: Rng, scale = 1): number {
  return scale * Math.tan(0.5 * Math.PI * rng.uniform());
}

/**
 * Half-Cauchy C⁺(0, scale) draw through the inverse-gamma mixture (spec E8, Makalic–Schmidt
 * 2016): ν ~ IG(½, 1/A²), v² | ν ~ IG(½, 1/ν), return v. Same law as {@link halfCauchy}.
 */
export function halfCauchyMixture(rng: Rng, scale = 1): number {
  const nu = inverseGamma(rng, 0.5, 1 / (scale * scale));
  return Math.sqrt(inverseGamma(rng, 0.5, 1 / nu));
}

/** Student-t St(loc, scaleSq, dof) draw: loc + s·Z/√(V/ν), Z ~ N(0, 1), V ~ χ²_ν = 2·Gamma(ν/2). */
export function studentT(rng: Rng, loc: number, scaleSq: number, dof: number): number {
  const v = 2 * gamma(rng, 0.5 * dof);
  return loc + Math.sqrt((scaleSq * dof) / v) * rng.normal();
}

/**
 * Inverse-Gaussian IG(μ, λ) draw (mean μ, variance μ³/λ) by Michael, Schucany and Haas (1976):
 * one root of the quadratic a χ²₁ draw gives, chosen by one uniform. μ = ∞ is its limit, the
 * Lévy distribution λ/χ²₁ (the conditional of a Laplace row's precision at a zero residual).
 */
export function inverseGaussian(rng: Rng, mu: number, shape: number): number {
  const z = rng.normal();
  const v = z * z;
  // The smaller root μ − μ²v/(2λ) − (μ/2λ)√(4μλv + μ²v²), divided through by μ so that neither
  // cancellation nor a huge μ (or μ = ∞, where it is λ/v) spoils it.
  const c = (2 * shape) / mu;
  const x = (2 * shape) / (c + v + Math.sqrt(v * (2 * c + v)));
  // x with probability μ/(μ + x), else μ²/x = μ·(μ/x).
  return rng.uniform() * (1 + x / mu) <= 1 ? x : mu * (mu / x);
}

/**
 * Index i ∈ [0, n) drawn with probability ∝ e^{logW[offset + i]}: one pass for the maximum
 * and the sum of e^{w − max} (log-sum-exp), one inversion pass.
 * @throws Error if no weight is positive and finite (all −Infinity, NaN or +Infinity): an
 * all-zero weight vector is a model/data error, not a draw (spec §7).
 */
export function categoricalLog(rng: Rng, logW: Float64Array, offset = 0, n = logW.length - offset): number {
  const end = offset + n;
  let m = -Infinity;
  for (let i = offset; i < end; i++) if (logW[i] > m) m = logW[i];
  let total = 0;
  for (let i = offset; i < end; i++) total += Math.exp(logW[i] - m);
  if (!(total > 0 && total < Infinity)) {
    throw new Error("categoricalLog: weights are all zero, infinite or NaN");
  }
  let target = rng.uniform() * total;
  let last = -1;
  for (let i = offset; i < end; i++) {
    const w = Math.exp(logW[i] - m);
    if (w > 0) last = i;
    target -= w;
    if (target < 0) return i - offset;
  }
  return last - offset;
}

/**
 * Multivariate normal draw given a Cholesky factor of the covariance, LLᵀ = Σ:
 * out = mean + Lε, ε ~ N(0, I_d). `mean` may be null (zero mean).
 */
export function mvnCovChol(
  rng: Rng,
  d: number,
  L: Float64Array,
  lOff: number,
  mean: Float64Array | null,
  meanOff: number,
  out: Float64Array,
  outOff: number,
): void {
  for (let i = 0; i < d; i++) out[outOff + i] = rng.normal();
  // Row i uses ε_0..ε_i only, so going from the last row up lets the product run in place.
  for (let i = d - 1; i >= 0; i--) {
    const row = lOff + i * d;
    let s = 0;
    for (let j = 0; j <= i; j++) s += L[row + j] * out[outOff + j];
    out[outOff + i] = s + (mean === null ? 0 : mean[meanOff + i]);
  }
}

/**
 * Multivariate normal draw given a Cholesky factor of the precision, LLᵀ = Q:
 * out = mean + v where Lᵀv = ε, ε ~ N(0, I_d), so Cov(v) = (LLᵀ)⁻¹. `mean` may be null.
 */
export function mvnPrecChol(
  rng: Rng,
  d: number,
  L: Float64Array,
  lOff: number,
  mean: Float64Array | null,
  meanOff: number,
  out: Float64Array,
  outOff: number,
): void {
  for (let i = 0; i < d; i++) out[outOff + i] = rng.normal();
  solveLowerT(L, lOff, d, out, outOff, out, outOff);
  if (mean !== null) for (let i = 0; i < d; i++) out[outOff + i] += mean[meanOff + i];
}
