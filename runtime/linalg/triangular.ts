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

/**
 * Back substitution with the transpose: solves `Lᵀ v = b` for `v`. Column-oriented (axpy) form:
 * once `v_i` is known it is subtracted from the remaining right-hand side along row i of `L`, so
 * memory is again walked row by row and the inner iterations are independent; rows are taken two
 * at a time to halve the loads and stores of `v`. Reciprocals of the diagonal as in
 * {@link solveLower}.
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
