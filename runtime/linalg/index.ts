/**
 * Dense linear algebra on `Float64Array` for the particle hot path (spec §3.6).
 *
 * Layout (fixed; compiled kernels and the particle store rely on it):
 * - A d×d matrix is stored ROW-MAJOR and in full (d·d entries): entry (i, j) of the block that
 *   starts at `off` is `buf[off + i*d + j]`.
 * - Many particles' matrices share one buffer per field (structure of arrays across particles):
 *   particle k's block starts at `k*d*d`. A length-d vector field likewise has particle k's
 *   vector at `k*d`.
 * - Every routine takes `(buf, offset, d, …)` and writes only into caller-provided buffers at
 *   given offsets; none allocates.
 * - A Cholesky factor `L` (A = L Lᵀ) occupies the lower triangle, diagonal included, and has a
 *   positive diagonal. {@link cholesky} zeroes the strict upper triangle; nothing else reads or
 *   writes it.
 * - Routines that can fail (factorisation, update on non-finite input, downdate that would lose
 *   positive definiteness) return `false` and state the buffers' contents on failure.
 *
 * ml-matrix is the reference in tests and may be used off the hot path, never inside it.
 */
export { cholesky, cholUpdate, cholDowndate, cholLogDet } from "./cholesky.js";
export { solveLower, solveLowerT, invQuadForm, lowerMatVec } from "./triangular.js";
export { dot, matVec, quadForm, copyBlock, gatherBlocks } from "./dense.js";
