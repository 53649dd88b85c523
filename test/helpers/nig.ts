/**
 * Closed forms of the Normal-inverse-gamma linear model (spec E12–E13), computed with
 * ml-matrix as an independent reference for the filter.
 */
import { Matrix, CholeskyDecomposition, inverse } from "ml-matrix";
import { lgamma } from "../../runtime/math/special.js";

/**
 * Batch posterior (E12) and log marginal likelihood (E13) of rows X (n×d) and y under prior
 * (m0 = 0, V0 = diag(g), a0, b0); g is one value for every coefficient or one each. With
 * `weights`, row s's likelihood is raised to the power weights[s] (the power-weighted posterior
 * of forgetting, spec §3.8), and the "evidence" is the integral of prior × weighted likelihood.
 */
export function nigPosterior(X: number[][], y: number[], g: number | number[], a0: number, b0: number, weights?: number[]) {
  const d = X[0]?.length ?? (typeof g === "number" ? 0 : g.length);
  const w = weights ?? new Array<number>(X.length).fill(1);
  const n = w.reduce((a, v) => a + v, 0);
  const gs = typeof g === "number" ? new Array<number>(d).fill(g) : g;
  const V0inv = Matrix.diag(gs.map((v) => 1 / v));
  const Xm = new Matrix(X.length ? X : [new Array(d).fill(0)]);
  const Xw = new Matrix(X.length ? X.map((x, s) => x.map((v) => v * w[s])) : [new Array(d).fill(0)]);
  const XtX = X.length ? Xw.transpose().mmul(Xm) : Matrix.zeros(d, d);
  const Xty = X.length ? Xw.transpose().mmul(Matrix.columnVector(y)) : Matrix.zeros(d, 1);
  // weighted products round differently on either side of the diagonal
  const Pn = V0inv.clone().add(XtX.clone().add(XtX.transpose()).mul(0.5));
  const Vn = inverse(Pn);
  const mn = Vn.mmul(Xty);
  const an = a0 + n / 2;
  const yy = y.reduce((s, v, t) => s + w[t] * v * v, 0);
  const bn = b0 + 0.5 * (yy - mn.transpose().mmul(Pn).mmul(mn).get(0, 0));
  const logDet = (M: Matrix) => {
    const L = new CholeskyDecomposition(M).lowerTriangularMatrix;
    let s = 0;
    for (let i = 0; i < d; i++) s += 2 * Math.log(L.get(i, i));
    return s;
  };
  const logEvidence =
    (-n / 2) * Math.log(2 * Math.PI) + 0.5 * (-logDet(Pn) - gs.reduce((acc, v) => acc + Math.log(v), 0)) + a0 * Math.log(b0) - an * Math.log(bn) + lgamma(an) - lgamma(a0);
  return { m: mn.to1DArray(), V: Vn.to2DArray(), a: an, b: bn, logEvidence };
}
