/**
 * Triangular solves, quadratic forms, products and block copies against ml-matrix.
 * Tolerance: 1e−10 relative to the largest entry of the reference result (max(1, ·) for sums).
 */
import { describe, expect, it } from "vitest";
import { CholeskyDecomposition, Matrix, solve } from "ml-matrix";
import { Rng } from "../../../runtime/rng/rng.js";
import {
  cholesky,
  copyBlock,
  dot,
  gatherBlocks,
  invQuadForm,
  lowerMatVec,
  matVec,
  quadForm,
  solveLower,
  solveLowerT,
} from "../../../runtime/linalg/index.js";

const TOL = 1e-10;
const DIMS = [1, 2, 5, 16, 32];

/** A random SPD matrix (G Gᵀ/d + I), its factor, and a random vector, at block offset d·d. */
function setup(seed: string, d: number) {
  const rng = Rng.fromSeed(seed);
  const g = Matrix.from1DArray(d, d, Array.from({ length: d * d }, () => rng.normal()));
  const A = g.mmul(g.transpose()).div(d).add(Matrix.eye(d));
  const sym = new Matrix(d, d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) sym.set(i, j, A.get(Math.max(i, j), Math.min(i, j)));
  const off = d * d;
  const buf = new Float64Array(3 * d * d);
  buf.set(sym.to1DArray(), off);
  const L = buf.slice();
  expect(cholesky(buf, off, d, L, off)).toBe(true);
  const x = Float64Array.from({ length: d }, () => rng.normal());
  const Lm = Matrix.from1DArray(d, d, Array.from(L.subarray(off, off + d * d)));
  return { A: sym, buf, L, Lm, off, x, xm: Matrix.columnVector(Array.from(x)) };
}

function maxRelDiff(got: ArrayLike<number>, want: number[]): number {
  let err = 0;
  let scale = 1;
  for (let i = 0; i < want.length; i++) {
    err = Math.max(err, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return err / scale;
}

describe("triangular solves", () => {
  it.each(DIMS)("solveLower and solveLowerT match ml-matrix, also in place (d = %i)", (d) => {
    const { L, Lm, off, x, xm } = setup(`solve-${d}`, d);
    const v = new Float64Array(d + 2).fill(99);
    solveLower(L, off, d, x, 0, v, 1);
    expect(maxRelDiff(v.subarray(1, d + 1), solve(Lm, xm).to1DArray())).toBeLessThan(TOL);
    expect([v[0], v[d + 1]]).toEqual([99, 99]);
    const inPlace = x.slice();
    solveLower(L, off, d, inPlace, 0, inPlace, 0);
    expect(inPlace).toEqual(v.subarray(1, d + 1));

    solveLowerT(L, off, d, x, 0, v, 1);
    expect(maxRelDiff(v.subarray(1, d + 1), solve(Lm.transpose(), xm).to1DArray())).toBeLessThan(TOL);
    const inPlaceT = x.slice();
    solveLowerT(L, off, d, inPlaceT, 0, inPlaceT, 0);
    expect(inPlaceT).toEqual(v.subarray(1, d + 1));
  });

  it.each(DIMS)("invQuadForm is xᵀA⁻¹x (d = %i)", (d) => {
    const { A, L, off, x, xm } = setup(`iqf-${d}`, d);
    const ref = xm.transpose().mmul(new CholeskyDecomposition(A).solve(xm)).get(0, 0);
    const work = new Float64Array(d);
    expect(Math.abs(invQuadForm(L, off, d, x, 0, work, 0) - ref)).toBeLessThan(TOL * ref);
    const xx = x.slice();
    expect(invQuadForm(L, off, d, xx, 0, xx, 0)).toBe(invQuadForm(L, off, d, x, 0, work, 0));
  });

  it.each(DIMS)("lowerMatVec is L x, also in place (d = %i)", (d) => {
    const { L, Lm, off, x, xm } = setup(`lmv-${d}`, d);
    const y = new Float64Array(d);
    lowerMatVec(L, off, d, x, 0, y, 0);
    expect(maxRelDiff(y, Lm.mmul(xm).to1DArray())).toBeLessThan(TOL);
    const xx = x.slice();
    lowerMatVec(L, off, d, xx, 0, xx, 0);
    expect(xx).toEqual(y);
  });
});

// Every small d, both parities of the paired-row loops, many right-hand sides.
describe("triangular solves for d = 1..6", () => {
  it.each([1, 2, 3, 4, 5, 6])(
    "match ml-matrix over 200 right-hand sides, in place too, reading only the lower triangle (d = %i)",
    (d) => {
      const { L, Lm, off } = setup(`solve-small-${d}`, d);
      // The strict upper triangle is never read: NaN there must not reach the results.
      for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) L[off + i * d + j] = NaN;
      const rng = Rng.fromSeed(`solve-small-rhs-${d}`);
      let worst = 0;
      for (let rep = 0; rep < 200; rep++) {
        const x = Float64Array.from({ length: d }, () => rng.normal() * 10 ** (4 * rng.uniform() - 2));
        const xr = Matrix.columnVector(Array.from(x));
        for (const [fn, M] of [
          [solveLower, Lm],
          [solveLowerT, Lm.transpose()],
        ] as const) {
          const v = new Float64Array(d + 2).fill(99);
          fn(L, off, d, x, 0, v, 1);
          expect([v[0], v[d + 1]]).toEqual([99, 99]);
          worst = Math.max(worst, maxRelDiff(v.subarray(1, d + 1), solve(M, xr).to1DArray()));
          const inPlace = x.slice();
          fn(L, off, d, inPlace, 0, inPlace, 0);
          expect(inPlace).toEqual(v.subarray(1, d + 1));
        }
      }
      expect(worst).toBeLessThan(TOL);
    },
  );
});

describe("dense kernels", () => {
  it.each(DIMS)("dot, matVec and quadForm match ml-matrix (d = %i)", (d) => {
    const { A, buf, off, x, xm } = setup(`dense-${d}`, d);
    const Ax = A.mmul(xm).to1DArray();
    const y = new Float64Array(d);
    matVec(buf, off, d, x, 0, y, 0);
    expect(maxRelDiff(y, Ax)).toBeLessThan(TOL);
    const xAx = xm.transpose().mmul(A).mmul(xm).get(0, 0);
    expect(Math.abs(quadForm(buf, off, d, x, 0) - xAx)).toBeLessThan(TOL * Math.abs(xAx));
    const xx = xm.transpose().mmul(xm).get(0, 0);
    expect(Math.abs(dot(x, 0, x, 0, d) - xx)).toBeLessThan(TOL * xx);
  });

  it("copyBlock copies one block and nothing else", () => {
    const src = Float64Array.from({ length: 12 }, (_, i) => i);
    const dst = new Float64Array(12);
    copyBlock(src, 2, dst, 0, 4);
    expect(Array.from(dst)).toEqual([8, 9, 10, 11, 0, 0, 0, 0, 0, 0, 0, 0]);
    copyBlock(src, 0, src, 1, 4);
    expect(Array.from(src)).toEqual([0, 1, 2, 3, 0, 1, 2, 3, 8, 9, 10, 11]);
  });

  it("gatherBlocks makes block i a copy of block ancestors[i]", () => {
    const size = 3;
    const src = Float64Array.from({ length: 4 * size }, (_, i) => 10 * Math.floor(i / size) + (i % size));
    const dst = new Float64Array(4 * size);
    gatherBlocks(src, dst, Int32Array.from([3, 3, 0, 1]), 4, size);
    expect(Array.from(dst)).toEqual([30, 31, 32, 30, 31, 32, 0, 1, 2, 10, 11, 12]);
  });
});
