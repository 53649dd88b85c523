/**
 * Dense vector and full-matrix kernels, and block copies between particles (layout in
 * `./index.ts`). Matrices here are full row-major d×d blocks (both triangles are read).
 * No routine allocates or checks its arguments.
 */

/** `Σ_k a_k b_k` over n entries. */
export function dot(a: Float64Array, aOff: number, b: Float64Array, bOff: number, n: number): number {
  let s = 0;
  for (let k = 0; k < n; k++) s += a[aOff + k] * b[bOff + k];
  return s;
}

/** `y = A x` for a full row-major d×d block; `y` must not overlap `x`. */
export function matVec(
  A: Float64Array,
  aOff: number,
  d: number,
  x: Float64Array,
  xOff: number,
  y: Float64Array,
  yOff: number,
): void {
  for (let i = 0; i < d; i++) y[yOff + i] = dot(A, aOff + i * d, x, xOff, d);
}

/** `xᵀ A x` for a full row-major d×d block (A need not be symmetric). */
export function quadForm(A: Float64Array, aOff: number, d: number, x: Float64Array, xOff: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) s += x[xOff + i] * dot(A, aOff + i * d, x, xOff, d);
  return s;
}

/**
 * Copies block `srcBlock` of `src` to block `dstBlock` of `dst`, where block k occupies
 * `[k·size, (k+1)·size)` (size = d·d for matrices, d for vectors). `src` and `dst` may be the
 * same buffer if the two blocks do not overlap.
 */
export function copyBlock(
  src: Float64Array,
  srcBlock: number,
  dst: Float64Array,
  dstBlock: number,
  size: number,
): void {
  const s = srcBlock * size;
  const t = dstBlock * size;
  for (let k = 0; k < size; k++) dst[t + k] = src[s + k];
}

/**
 * Resampling gather: block i of `dst` becomes block `ancestors[i]` of `src`, for i < n. `dst`
 * must be a different buffer from `src` (swap the two buffers afterwards, double-buffer style).
 */
export function gatherBlocks(
  src: Float64Array,
  dst: Float64Array,
  ancestors: Int32Array,
  n: number,
  size: number,
): void {
  for (let i = 0; i < n; i++) copyBlock(src, ancestors[i], dst, i, size);
}
