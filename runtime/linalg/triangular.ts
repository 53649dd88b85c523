/**
 * Triangular solves and products with a Cholesky factor `L` (lower triangle of a row-major d×d
 * block; see the layout note in `./index.ts`). The strict upper triangle of `L` is never read.
 *
 * In-place use: a solve's output may be the same region as its input (same buffer and offset);
 * partially overlapping regions are not supported. Nothing here allocates or checks arguments:
 * these are inner-loop kernels, and a zero or NaN on L's diagonal yields ±∞/NaN in the output.
 */

/**
 * Forward substitution: solves `L v = b` for `v` (row-oriented, so each step walks a row of `L`
 * contiguously; two partial sums shorten the floating-point dependency chain).
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
  for (let i = 0; i < d; i++) {
    const row = lOff + i * d;
    let s0 = b[bOff + i];
    let s1 = 0;
    let k = 0;
    for (; k + 1 < i; k += 2) {
      s0 -= L[row + k] * v[vOff + k];
      s1 += L[row + k + 1] * v[vOff + k + 1];
    }
    if (k < i) s0 -= L[row + k] * v[vOff + k];
    v[vOff + i] = (s0 - s1) / L[row + i];
  }
}

/**
 * Back substitution with the transpose: solves `Lᵀ v = b` for `v`. Column-oriented (axpy) form:
 * once `v_i` is known it is subtracted from the remaining right-hand side along row i of `L`, so
 * memory is again walked row by row and the inner iterations are independent.
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
  if (v !== b || vOff !== bOff) for (let i = 0; i < d; i++) v[vOff + i] = b[bOff + i];
  for (let i = d - 1; i >= 0; i--) {
    const row = lOff + i * d;
    const vi = v[vOff + i] / L[row + i];
    v[vOff + i] = vi;
    for (let k = 0; k < i; k++) v[vOff + k] -= L[row + k] * vi;
  }
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
