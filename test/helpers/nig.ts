/**
 * Closed forms of the Normal-inverse-gamma linear model (spec E12–E13), computed with
 * ml-matrix as an independent reference for the filter.
 */
import { Matrix, CholeskyDecomposition, inverse } from "ml-matrix";
import { lgamma } from "../../runtime/math/special.js";

/**
 * Batch posterior (E12) and log marginal likelihood (E13) of rows X (n×d) and y under prior
 * (m0 = 0, V0 = diag(g), a0, b0); g is one value for every coefficient or one each.
 */
export function nigPosterior(X: number[][], y: number[], g: number | number[], a0: number, b0: number) {
  const d = X[0]?.length ?? (typeof g === "number" ? 0 : g.length);
  const n = X.length;
  const gs = typeof g === "number" ? new Array<number>(d).fill(g) : g;
  const V0inv = Matrix.diag(gs.map((v) => 1 / v));
  const Xm = new Matrix(X.length ? X : [new Array(d).fill(0)]);
  const XtX = n ? Xm.transpose().mmul(Xm) : Matrix.zeros(d, d);
  const Xty = n ? Xm.transpose().mmul(Matrix.columnVector(y)) : Matrix.zeros(d, 1);
  const Pn = V0inv.clone().add(XtX);
  const Vn = inverse(Pn);
  const mn = Vn.mmul(Xty);
  const an = a0 + n / 2;
  const yy = y.reduce((s, v) => s + v * v, 0);
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
