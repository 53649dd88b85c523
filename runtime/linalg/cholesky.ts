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
 * For d = 2, 3, 4 the rotations run unrolled, with their square roots and divisions off the
 * column-to-column dependency chain (same results up to rounding); blocks so large or small that
 * this form would leave the safe floating-point range (entries beyond about 1e±18 at d = 4) go to
 * the general code instead.
 * `x` is not modified; `work` (d entries, may be `x` itself) is scratch whose contents afterwards
 * are unspecified (the general code overwrites it, the unrolled code leaves it alone).
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
  // This function is kept small so that V8 inlines it into its callers: each path below is then
  // a single call. On a `false` from an unrolled path (bad input or extreme scale) L is
  // untouched and the general code either rejects the input or does the update.
  if (d === 4) {
    if (updateSmall4(L, lOff, x, xOff, w)) return true;
  } else if (d === 3) {
    if (updateSmall3(L, lOff, x, xOff, w)) return true;
  } else if (d === 2) {
    if (updateSmall2(L, lOff, x, xOff, w)) return true;
  }
  return updateGeneral(L, lOff, d, x, xOff, work, wOff, w);
}

/** The general {@link cholUpdate} for any d (w > 0 already checked). */
function updateGeneral(
  L: Float64Array,
  lOff: number,
  d: number,
  x: Float64Array,
  xOff: number,
  work: Float64Array,
  wOff: number,
  w: number,
): boolean {
  // w is passed rather than √w: a double argument would be boxed on each call.
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
    // Rotation i maps (L_ii, x_i) to (r0, 0) and x_{i+1} to u/r0; rotation i+1 then has radius
    // r1 = √(L²_{i+1,i+1} + u²/r0²). Both square roots are taken from multiply-adds of the inputs,
    // r0 = √(r0²) and r0·r1 = √(L²_{i+1,i+1}·r0² + u²), so neither waits for the other (the
    // square root and division chain between pivots is what limits small d).
    const r0sq = l0 * l0 + x0 * x0;
    const u = l0 * xn - x0 * t;
    const r0 = Math.sqrt(r0sq);
    const r01 = Math.sqrt(l1 * l1 * r0sq + u * u);
    const inv0 = 1 / r0;
    const inv01 = 1 / r01;
    const c0 = l0 * inv0;
    const s0 = x0 * inv0;
    const c1 = l1 * r0 * inv01;
    const s1 = u * inv01;
    L[p0] = r0;
    L[p1] = (l0 * t + x0 * xn) * inv0;
    L[p1 + 1] = r01 * inv0;
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

/*
 * Unrolled updates for d = 2, 3, 4. What limits `updateGeneral` at small d is the chain from one
 * pivot to the next: a square root and a division per column. These paths take both out of it.
 *
 * With v = √w·x, rotation i (LINPACK dchud) maps (L_ii, x_i) to (r_i, 0) and x_j to
 * (L_ii x_j − x_i L_ji)/r_i for j > i. Carrying the rotated vector unnormalised, x = z/√T_{i−1}
 * with T_{−1} = 1 and z = v at the start, gives
 *   T_i  = L_ii² T_{i−1} + z_i²                       (so r_i² = T_i/T_{i−1}),
 *   z_j ← L_ii z_j − z_i L_ji                          (j > i),
 *   r_i  = √(T_i T_{i−1}) · W_{i−1},                   W_i = 1/T_i, W_{−1} = 1,
 *   L_ji ← (L_ii T_{i−1} L_ji + z_i z_j) · r_i W_i     (r_i W_i = 1/√(T_i T_{i−1})).
 * T and z need multiply-adds only, and the d square roots and d − 1 divisions are independent of
 * one another. Every quantity is the rotations' own times a power of √T, formed by the same
 * multiply-adds less the divisions, so the rounding behaves like the rotations'.
 *
 * T_i scales like the (2i+2)-th power of the entries. The results are kept only if every T_i is
 * in (LO, HI): then the products T_i T_{i−1} and the reciprocals W_i are normal numbers and, for
 * entries within the ±1e150 assumed throughout, nothing overflows. Otherwise (also for NaN) the
 * old entries, still held in locals, are written back and `false` hands the update to the
 * general code. Checking after the stores is measurably faster at d = 4 than before them (V8 would
 * schedule the square roots behind the branch), and so is loading, updating and storing one
 * column at a time (fewer live values, fewer spills). Bad input (√w·x not finite, or its squares
 * overflowing, exactly as in the general code) is rejected before anything is written.
 * Entry (i, j) is at o + i·d + j.
 */

/** Open range of the scaled pivots T_i in which the unrolled updates keep their results. */
const LO = 1e-145;
const HI = 1e145;

/** Unrolled scaled-rotation update for d = 4 (see the note above); `true` iff L was updated. */
function updateSmall4(L: Float64Array, o: number, x: Float64Array, xo: number, w: number): boolean {
  const sw = w === 1 ? 1 : Math.sqrt(w);
  const v0 = x[xo] * sw;
  const v1 = x[xo + 1] * sw;
  const v2 = x[xo + 2] * sw;
  const v3 = x[xo + 3] * sw;
  if (!(v0 * v0 + v1 * v1 + v2 * v2 + v3 * v3 < Infinity)) return false;
  const l00 = L[o];
  const l10 = L[o + 4];
  const l20 = L[o + 8];
  const l30 = L[o + 12];
  const T0 = l00 * l00 + v0 * v0;
  const z1 = l00 * v1 - v0 * l10;
  const z2a = l00 * v2 - v0 * l20;
  const z3a = l00 * v3 - v0 * l30;
  const W0 = 1 / T0;
  const r0 = Math.sqrt(T0);
  const k0 = r0 * W0;
  L[o] = r0;
  L[o + 4] = (l00 * l10 + v0 * v1) * k0;
  L[o + 8] = (l00 * l20 + v0 * v2) * k0;
  L[o + 12] = (l00 * l30 + v0 * v3) * k0;
  const l11 = L[o + 5];
  const l21 = L[o + 9];
  const l31 = L[o + 13];
  const T1 = l11 * l11 * T0 + z1 * z1;
  const z2 = l11 * z2a - z1 * l21;
  const z3b = l11 * z3a - z1 * l31;
  const W1 = 1 / T1;
  const r1 = Math.sqrt(T1 * T0) * W0;
  const k1 = r1 * W1;
  const a1 = l11 * T0;
  L[o + 5] = r1;
  L[o + 9] = (a1 * l21 + z1 * z2a) * k1;
  L[o + 13] = (a1 * l31 + z1 * z3a) * k1;
  const l22 = L[o + 10];
  const l32 = L[o + 14];
  const T2 = l22 * l22 * T1 + z2 * z2;
  const z3 = l22 * z3b - z2 * l32;
  const W2 = 1 / T2;
  const r2 = Math.sqrt(T2 * T1) * W1;
  L[o + 10] = r2;
  L[o + 14] = (l22 * T1 * l32 + z2 * z3b) * (r2 * W2);
  const l33 = L[o + 15];
  const T3 = l33 * l33 * T2 + z3 * z3;
  L[o + 15] = Math.sqrt(T3 * T2) * W2;
  if (T0 > LO && T0 < HI && T1 > LO && T1 < HI && T2 > LO && T2 < HI && T3 > LO && T3 < HI) return true;
  L[o] = l00;
  L[o + 4] = l10;
  L[o + 5] = l11;
  L[o + 8] = l20;
  L[o + 9] = l21;
  L[o + 10] = l22;
  L[o + 12] = l30;
  L[o + 13] = l31;
  L[o + 14] = l32;
  L[o + 15] = l33;
  return false;
}

/** Unrolled scaled-rotation update for d = 3 (see the note above {@link updateSmall4}). */
function updateSmall3(L: Float64Array, o: number, x: Float64Array, xo: number, w: number): boolean {
  const sw = w === 1 ? 1 : Math.sqrt(w);
  const v0 = x[xo] * sw;
  const v1 = x[xo + 1] * sw;
  const v2 = x[xo + 2] * sw;
  if (!(v0 * v0 + v1 * v1 + v2 * v2 < Infinity)) return false;
  const l00 = L[o];
  const l10 = L[o + 3];
  const l20 = L[o + 6];
  const T0 = l00 * l00 + v0 * v0;
  const z1 = l00 * v1 - v0 * l10;
  const z2a = l00 * v2 - v0 * l20;
  const W0 = 1 / T0;
  const r0 = Math.sqrt(T0);
  const k0 = r0 * W0;
  L[o] = r0;
  L[o + 3] = (l00 * l10 + v0 * v1) * k0;
  L[o + 6] = (l00 * l20 + v0 * v2) * k0;
  const l11 = L[o + 4];
  const l21 = L[o + 7];
  const T1 = l11 * l11 * T0 + z1 * z1;
  const z2 = l11 * z2a - z1 * l21;
  const W1 = 1 / T1;
  const r1 = Math.sqrt(T1 * T0) * W0;
  L[o + 4] = r1;
  L[o + 7] = (l11 * T0 * l21 + z1 * z2a) * (r1 * W1);
  const l22 = L[o + 8];
  const T2 = l22 * l22 * T1 + z2 * z2;
  L[o + 8] = Math.sqrt(T2 * T1) * W1;
  if (T0 > LO && T0 < HI && T1 > LO && T1 < HI && T2 > LO && T2 < HI) return true;
  L[o] = l00;
  L[o + 3] = l10;
  L[o + 4] = l11;
  L[o + 6] = l20;
  L[o + 7] = l21;
  L[o + 8] = l22;
  return false;
}

/** Unrolled scaled-rotation update for d = 2 (see the note above {@link updateSmall4}). */
function updateSmall2(L: Float64Array, o: number, x: Float64Array, xo: number, w: number): boolean {
  const sw = w === 1 ? 1 : Math.sqrt(w);
  const v0 = x[xo] * sw;
  const v1 = x[xo + 1] * sw;
  if (!(v0 * v0 + v1 * v1 < Infinity)) return false;
  const l00 = L[o];
  const l10 = L[o + 2];
  const T0 = l00 * l00 + v0 * v0;
  const z1 = l00 * v1 - v0 * l10;
  const W0 = 1 / T0;
  const r0 = Math.sqrt(T0);
  L[o] = r0;
  L[o + 2] = (l00 * l10 + v0 * v1) * (r0 * W0);
  const l11 = L[o + 3];
  const T1 = l11 * l11 * T0 + z1 * z1;
  L[o + 3] = Math.sqrt(T1 * T0) * W0;
  if (T0 > LO && T0 < HI && T1 > LO && T1 < HI) return true;
  L[o] = l00;
  L[o + 2] = l10;
  L[o + 3] = l11;
  return false;
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
