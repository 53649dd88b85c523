/**
 * Slow, obviously correct references for the rule tests (ml-matrix, dense inverses), and small
 * shared helpers: random regression data, relative errors, precision matrices from factors.
 */
import { CholeskyDecomposition, inverse, Matrix } from "ml-matrix";
import { lgamma } from "../../../runtime/math/index.js";
import type { Rng } from "../../../runtime/rng/index.js";

/** Regression data: X row-major n×d with N(0, 1) entries, y = Xβ + N(0, 0.5²), β ~ N(0, 1). */
export function regressionData(rng: Rng, n: number, d: number): { X: Float64Array; y: Float64Array } {
  const X = Float64Array.from({ length: n * d }, () => rng.normal());
  const beta = Float64Array.from({ length: d }, () => rng.normal());
  const y = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += X[t * d + j] * beta[j];
    y[t] = s + 0.5 * rng.normal();
  }
  return { X, y };
}

/** max |a − b| / max(1e−300, max |b|). */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let e = 0;
  let s = 1e-300;
  for (let i = 0; i < b.length; i++) {
    e = Math.max(e, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(b[i]));
  }
  return e / s;
}

/** L Lᵀ of the row-major lower factor at `off`, as a flat row-major array. */
export function fromFactor(L: Float64Array, off: number, d: number): Float64Array {
  const P = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k <= Math.min(i, j); k++) s += L[off + i * d + k] * L[off + j * d + k];
      P[i * d + j] = s;
    }
  }
  return P;
}

/** log det of a symmetric positive-definite matrix. */
export function logDet(A: Matrix): number {
  const L = new CholeskyDecomposition(A).lowerTriangularMatrix;
  let s = 0;
  for (let i = 0; i < A.rows; i++) s += 2 * Math.log(L.get(i, i));
  return s;
}

/** Batch NIG posterior (spec E12) and log marginal likelihood (E13) over rows `rows` of X, y. */
export function nigBatch(
  X: Float64Array,
  y: Float64Array,
  rows: ArrayLike<number>,
  d: number,
  hyper: { g: number; m0: ArrayLike<number>; a0: number; b0: number },
): { P: Float64Array; m: Float64Array; a: number; b: number; logMl: number } {
  const n = rows.length;
  const Xm = new Matrix(n, d);
  const yv = new Matrix(n, 1);
  for (let t = 0; t < n; t++) {
    for (let j = 0; j < d; j++) Xm.set(t, j, X[rows[t] * d + j]);
    yv.set(t, 0, y[rows[t]]);
  }
  const P0 = Matrix.eye(d).mul(1 / hyper.g);
  const m0 = Matrix.columnVector(Array.from(hyper.m0));
  const P = P0.clone().add(Xm.transpose().mmul(Xm));
  const Vn = inverse(P);
  const m = Vn.mmul(P0.mmul(m0).add(Xm.transpose().mmul(yv)));
  const a = hyper.a0 + n / 2;
  const quad = (v: Matrix, A: Matrix) => v.transpose().mmul(A).mmul(v).get(0, 0);
  const b = hyper.b0 + 0.5 * (yv.transpose().mmul(yv).get(0, 0) + quad(m0, P0) - quad(m, P));
  const logMl =
    -(n / 2) * Math.log(2 * Math.PI) +
    0.5 * (-logDet(P) + logDet(P0)) +
    hyper.a0 * Math.log(hyper.b0) -
    a * Math.log(b) +
    lgamma(a) -
    lgamma(hyper.a0);
  return { P: Float64Array.from(P.to1DArray()), m: Float64Array.from(m.to1DArray()), a, b, logMl };
}

/**
 * Known-variance batch posterior: Cov = (I/g + XᵀX/s²)⁻¹, mean = Cov(m₀/g + Xᵀy/s²), and the
 * log marginal likelihood log N(y; Xm₀, s²I + g XXᵀ).
 */
export function knownVarianceBatch(
  X: Float64Array,
  y: Float64Array,
  n: number,
  d: number,
  hyper: { s: number; g: number; m0: ArrayLike<number> },
): { cov: Float64Array; m: Float64Array; logMl: number } {
  const Xm = Matrix.from1DArray(n, d, Array.from(X.subarray(0, n * d)));
  const yv = Matrix.columnVector(Array.from(y.subarray(0, n)));
  const s2 = hyper.s * hyper.s;
  const m0 = Matrix.columnVector(Array.from(hyper.m0));
  const cov = inverse(Matrix.eye(d).mul(1 / hyper.g).add(Xm.transpose().mmul(Xm).mul(1 / s2)));
  const m = cov.mmul(m0.clone().mul(1 / hyper.g).add(Xm.transpose().mmul(yv).mul(1 / s2)));
  const S = Matrix.eye(n).mul(s2).add(Xm.mmul(Xm.transpose()).mul(hyper.g));
  const r = yv.clone().sub(Xm.mmul(m0));
  const logMl = -0.5 * (n * Math.log(2 * Math.PI) + logDet(S) + r.transpose().mmul(inverse(S)).mmul(r).get(0, 0));
  return { cov: Float64Array.from(cov.to1DArray()), m: Float64Array.from(m.to1DArray()), logMl };
}
