/**
 * Cholesky factorisation `A = L Lᵀ` and its O(d²) rank-one modifications, on row-major d×d
 * blocks (layout in `./index.ts`).
 *
 * Conventions:
 * - A factor lives in the lower triangle, diagonal included, with a positive diagonal.
 *   {@link cholesky} writes zeros to the strict upper triangle of its output; the update and
 *   downdate neither read nor write the strict upper triangle, so those zeros persist.
 * - Failure is reported by returning `false`, never by clamping or by producing NaN. Each
 *   routine documents what its buffers hold after a failure.
 * - `work` is a caller-provided scratch vector of d entries; the routines do not allocate.
 * - Entries are assumed to lie well inside ±1e150 (squares are formed without rescaling).
 */
import { solveLower } from "./triangular.js";

/**
 * Factorises the symmetric positive-definite block `A` (only its lower triangle is read) into
 * `out` (Cholesky–Banachiewicz, row by row, so the inner products walk rows contiguously).
 * `out` may be `A` itself (same buffer and offset) for an in-place factorisation.
 * @returns `true` on success; `false` when a pivot is not strictly positive and finite (A is not
 *   positive definite to working precision, or holds NaN/∞). On failure `out` is partly
 *   overwritten and must not be used; in place, `A` is lost, so copy it first if it is needed.
 */
export function cholesky(
  A: Float64Array,
  aOff: number,
  d: number,
  out: Float64Array,
  outOff: number,
): boolean {
  for (let i = 0; i < d; i++) {
    const ri = outOff + i * d;
    const ai = aOff + i * d;
    for (let j = 0; j < i; j++) {
      const rj = outOff + j * d;
      let s = A[ai + j];
      for (let k = 0; k < j; k++) s -= out[ri + k] * out[rj + k];
      out[ri + j] = s / out[rj + j];
    }
    let s = A[ai + i];
    for (let k = 0; k < i; k++) s -= out[ri + k] * out[ri + k];
    // A NaN anywhere in rows 0..i reaches this pivot through the sums, so one test catches it.
    if (!(s > 0 && s < Infinity)) return false;
    out[ri + i] = Math.sqrt(s);
    for (let j = i + 1; j < d; j++) out[ri + j] = 0;
  }
  return true;
}

/**
 * Rank-one update: replaces the factor `L` of `A` by the factor of `A + w x xᵀ` (w > 0), by
 * Givens rotations that fold `√w·x` into `L` column by column (LINPACK `dchud`; Golub & Van Loan,
 * Matrix Computations, §6.5.4). Cost 3d(d−1) flops plus d square roots.
 * `x` is not modified; `work` (d entries, may be `x` itself) is overwritten.
 * @returns `false`, with `L` unchanged, when `w` is not positive or `√w·x` is not finite.
 */
export function cholUpdate(
  L: Float64Array,
  lOff: number,
  d: number,
  x: Float64Array,
  xOff: number,
  work: Float64Array,
  wOff: number,
  w = 1,
): boolean {
  if (!(w > 0)) return false;
  const sw = w === 1 ? 1 : Math.sqrt(w);
  let ss = 0;
  for (let j = 0; j < d; j++) {
    const v = x[xOff + j] * sw;
    work[wOff + j] = v;
    ss += v * v;
  }
  if (!(ss < Infinity)) return false;
  const end = lOff + d * d;
  let i = 0;
  // Columns i and i+1 per sweep of the rows below them: entries (j, i) and (j, i+1) are adjacent,
  // and the loop overhead and passes over `work` are halved.
  for (; i + 1 < d; i += 2) {
    const p0 = lOff + i * d + i; // (i, i)
    const p1 = p0 + d; // (i+1, i)
    const l0 = L[p0];
    const x0 = work[wOff + i];
    const t = L[p1];
    const xn = work[wOff + i + 1];
    const l1 = L[p1 + 1];
    // Rotation i maps (L_ii, x_i) to (r0, 0) and x_{i+1} to u/r0. Rotation i+1's radius is formed
    // from r0² without waiting for r0 itself: the square root and division chain between pivots
    // is what limits small d.
    const r0sq = l0 * l0 + x0 * x0;
    const u = l0 * xn - x0 * t;
    const r1 = Math.sqrt(l1 * l1 + (u * u) / r0sq);
    const r0 = Math.sqrt(r0sq);
    const inv0 = 1 / r0;
    const c0 = l0 * inv0;
    const s0 = x0 * inv0;
    const inv1 = 1 / r1;
    const c1 = l1 * inv1;
    const s1 = u * inv0 * inv1;
    L[p0] = r0;
    L[p1] = (l0 * t + x0 * xn) * inv0;
    L[p1 + 1] = r1;
    for (let p = p1 + d, q = wOff + i + 2; p < end; p += d, q++) {
      const a = L[p];
      const b = L[p + 1];
      const xj = work[q];
      const y = c0 * xj - s0 * a;
      L[p] = c0 * a + s0 * xj;
      L[p + 1] = c1 * b + s1 * y;
      work[q] = c1 * y - s1 * b;
    }
  }
  if (i < d) {
    const p = lOff + i * d + i;
    const l = L[p];
    const xl = work[wOff + i];
    L[p] = Math.sqrt(l * l + xl * xl);
  }
  return true;
}

/**
 * Rank-one downdate: replaces the factor `L` of `A` by the factor of `A − w x xᵀ` (w > 0).
 * Checks first, then modifies (LINPACK `dchdd`, Stewart 1979): `p = L⁻¹x`; `A − w x xᵀ` is
 * positive definite iff `ρ² = 1 − w‖p‖² > 0`; if so, Givens rotations that fold `√w·p` into
 * `ρ` are applied to the columns of `L`, last to first. Every rotation is computed from `p`
 * and `ρ` alone, so none can fail once the check has passed. Cost ≈ 4d² flops plus d square roots.
 * `x` is not modified; `work` (d entries, may be `x` itself) is overwritten: on failure it holds
 * `L⁻¹x`.
 * @returns `false`, with `L` unchanged, when `ρ² ≤ 0` (the result would not be positive
 *   definite to working precision), when `w` is not positive, or when the inputs are not finite.
 *   Near the boundary (`ρ²` ~ 1e−12) the downdated factor is accurate only to about `ε/ρ²`.
 */
export function cholDowndate(
  L: Float64Array,
  lOff: number,
  d: number,
  x: Float64Array,
  xOff: number,
  work: Float64Array,
  wOff: number,
  w = 1,
): boolean {
  if (!(w > 0)) return false;
  solveLower(L, lOff, d, x, xOff, work, wOff);
  const sw = Math.sqrt(w);
  let ss = 0;
  for (let j = 0; j < d; j++) {
    const v = work[wOff + j] * sw;
    work[wOff + j] = v;
    ss += v * v;
  }
  const rho2 = 1 - ss;
  if (!(rho2 > 0)) return false;
  // work[0..i] still holds p; work[i+1..d) holds the image e of the appended row.
  let rho = Math.sqrt(rho2);
  const end = lOff + d * d;
  for (let i = d - 1; i >= 0; i--) {
    const pi = work[wOff + i];
    const r = Math.sqrt(rho * rho + pi * pi);
    const c = rho / r;
    const s = pi / r;
    rho = r;
    work[wOff + i] = 0;
    for (let p = lOff + i * d + i, q = wOff + i; p < end; p += d, q++) {
      const t = L[p];
      const e = work[q];
      L[p] = c * t - s * e;
      work[q] = s * t + c * e;
    }
  }
  return true;
}

/** `log det A = 2 Σ log L_ii` from the Cholesky factor `L` of `A`. */
export function cholLogDet(L: Float64Array, lOff: number, d: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) s += Math.log(L[lOff + i * d + i]);
  return 2 * s;
}
