/**
 * Triangular solves and products with a Cholesky factor `L` (lower triangle of a row-major d×d
 * block; see the layout note in `./index.ts`). The strict upper triangle of `L` is never read.
 *
 * In-place use: a solve's output may be the same region as its input (same buffer and offset);
 * partially overlapping regions are not supported. Nothing here allocates or checks arguments:
 * these are inner-loop kernels, and a zero or NaN on L's diagonal yields ±∞/NaN in the output.
 */

/**
 * Forward substitution: solves `L v = b` for `v`. Row-oriented (each step walks a row of `L`
 * contiguously), two rows at a time so that each loaded `v_k` serves two independent sums. The
 * diagonal is applied as a reciprocal formed before the row's sum is known, so no division sits
 * in the dependency chain from one row to the next (results may differ by an ulp from dividing).
 * d = 4 is unrolled.
 */
export function solveLower(
  L: Float64Array,
  lOff: number,
  d: number,
  b: Float64Array,
  bOff: number,
  v: Float64Array,
  vOff: number,
): void {
  if (d === 4) {
    solveLower4(L, lOff, b, bOff, v, vOff);
    return;
  }
  let i = 0;
  for (; i + 1 < d; i += 2) {
    const r0 = lOff + i * d;
    const r1 = r0 + d;
    const inv0 = 1 / L[r0 + i];
    const inv1 = 1 / L[r1 + i + 1];
    let s0 = b[bOff + i];
    let s1 = b[bOff + i + 1];
    for (let k = 0; k < i; k++) {
      const vk = v[vOff + k];
      s0 -= L[r0 + k] * vk;
      s1 -= L[r1 + k] * vk;
    }
    const v0 = s0 * inv0;
    v[vOff + i] = v0;
    v[vOff + i + 1] = (s1 - L[r1 + i] * v0) * inv1;
  }
  if (i < d) {
    const r0 = lOff + i * d;
    const inv0 = 1 / L[r0 + i];
    let s0 = b[bOff + i];
    for (let k = 0; k < i; k++) s0 -= L[r0 + k] * v[vOff + k];
    v[vOff + i] = s0 * inv0;
  }
}

/** {@link solveLower} for d = 4, unrolled; all of `b` is read before `v` is written. */
function solveLower4(L: Float64Array, o: number, b: Float64Array, bo: number, v: Float64Array, vo: number): void {
  const i0 = 1 / L[o];
  const i1 = 1 / L[o + 5];
  const i2 = 1 / L[o + 10];
  const i3 = 1 / L[o + 15];
  const b0 = b[bo];
  const b1 = b[bo + 1];
  const b2 = b[bo + 2];
  const b3 = b[bo + 3];
  const v0 = b0 * i0;
  const v1 = (b1 - L[o + 4] * v0) * i1;
  const v2 = (b2 - L[o + 8] * v0 - L[o + 9] * v1) * i2;
  v[vo] = v0;
  v[vo + 1] = v1;
  v[vo + 2] = v2;
  v[vo + 3] = (b3 - L[o + 12] * v0 - L[o + 13] * v1 - L[o + 14] * v2) * i3;
}

/**
 * Back substitution with the transpose: solves `Lᵀ v = b` for `v`. Column-oriented (axpy) form:
 * once `v_i` is known it is subtracted from the remaining right-hand side along row i of `L`, so
 * memory is again walked row by row and the inner iterations are independent; rows are taken two
 * at a time to halve the loads and stores of `v`. Reciprocals of the diagonal as in
 * {@link solveLower}; d = 4 is unrolled.
 */
export function solveLowerT(
  L: Float64Array,
  lOff: number,
  d: number,
  b: Float64Array,
  bOff: number,
  v: Float64Array,
  vOff: number,
): void {
  if (d === 4) {
    solveLowerT4(L, lOff, b, bOff, v, vOff);
    return;
  }
  if (v !== b || vOff !== bOff) for (let i = 0; i < d; i++) v[vOff + i] = b[bOff + i];
  let i = d - 1;
  for (; i >= 1; i -= 2) {
    const r1 = lOff + i * d;
    const r0 = r1 - d;
    const inv1 = 1 / L[r1 + i];
    const inv0 = 1 / L[r0 + i - 1];
    const v1 = v[vOff + i] * inv1;
    const v0 = (v[vOff + i - 1] - L[r1 + i - 1] * v1) * inv0;
    v[vOff + i] = v1;
    v[vOff + i - 1] = v0;
    for (let k = 0; k < i - 1; k++) v[vOff + k] -= L[r1 + k] * v1 + L[r0 + k] * v0;
  }
  if (i === 0) v[vOff] *= 1 / L[lOff];
}

/**
 * {@link solveLowerT} for d = 4, unrolled; all of `b` is read before `v` is written, and each
 * right-hand side takes the terms of the unknowns in the order they become available.
 */
function solveLowerT4(L: Float64Array, o: number, b: Float64Array, bo: number, v: Float64Array, vo: number): void {
  const i0 = 1 / L[o];
  const i1 = 1 / L[o + 5];
  const i2 = 1 / L[o + 10];
  const i3 = 1 / L[o + 15];
  const b0 = b[bo];
  const b1 = b[bo + 1];
  const b2 = b[bo + 2];
  const b3 = b[bo + 3];
  const v3 = b3 * i3;
  const v2 = (b2 - L[o + 14] * v3) * i2;
  const v1 = (b1 - L[o + 13] * v3 - L[o + 9] * v2) * i1;
  v[vo + 3] = v3;
  v[vo + 2] = v2;
  v[vo + 1] = v1;
  v[vo] = (b0 - L[o + 12] * v3 - L[o + 8] * v2 - L[o + 4] * v1) * i0;
}

/**
 * `xᵀ A⁻¹ x` where `A = L Lᵀ`, computed as `‖L⁻¹x‖²` by one forward solve (d² flops). `work`
 * receives `L⁻¹x` (d entries; it may be `x` itself, which is then overwritten).
 */
export function invQuadForm(
  L: Float64Array,
  lOff: number,
  d: number,
  x: Float64Array,
  xOff: number,
  work: Float64Array,
  wOff: number,
): number {
  solveLower(L, lOff, d, x, xOff, work, wOff);
  let s = 0;
  for (let i = 0; i < d; i++) {
    const u = work[wOff + i];
    s += u * u;
  }
  return s;
}

/**
 * `y = L x` for the lower-triangular factor (e.g. a draw `m + L z` from N(m, L Lᵀ)). Rows are
 * computed bottom-up, so `y` may be the same region as `x`.
 */
export function lowerMatVec(
  L: Float64Array,
  lOff: number,
  d: number,
  x: Float64Array,
  xOff: number,
  y: Float64Array,
  yOff: number,
): void {
  for (let i = d - 1; i >= 0; i--) {
    const row = lOff + i * d;
    let s = 0;
    for (let k = 0; k <= i; k++) s += L[row + k] * x[xOff + k];
    y[yOff + i] = s;
  }
}
