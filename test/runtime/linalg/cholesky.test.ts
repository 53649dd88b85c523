/**
 * Cholesky factorisation, rank-one update and downdate against ml-matrix's CholeskyDecomposition.
 * Tolerance: max |L − L_ref| ≤ 1e−10 · max(1, max |L_ref|) (the test matrices have eigenvalues in
 * about [1, 50], so this is a relative tolerance on O(1)–O(10) entries).
 */
import { describe, expect, it } from "vitest";
import { CholeskyDecomposition, Matrix } from "ml-matrix";
import { Rng } from "../../../runtime/rng/rng.js";
import { cholesky, cholDowndate, cholLogDet, cholUpdate, solveLower } from "../../../runtime/linalg/index.js";

const TOL = 1e-10;
const DIMS = [1, 2, 5, 16, 32];

/** Symmetric positive-definite G Gᵀ / d + I as a row-major array (eigenvalues ≈ [1, 5]). */
function randomSpd(rng: Rng, d: number): Float64Array {
  const g = Float64Array.from({ length: d * d }, () => rng.normal());
  const a = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = i === j ? 1 : 0;
      for (let k = 0; k < d; k++) s += (g[i * d + k] * g[j * d + k]) / d;
      a[i * d + j] = s;
    }
  }
  return a;
}

function toMatrix(a: Float64Array, off: number, d: number): Matrix {
  return Matrix.from1DArray(d, d, Array.from(a.subarray(off, off + d * d)));
}

/** max |L − ref| / max(1, max |ref|) over the lower triangle; also checks the upper stays 0. */
function factorError(L: Float64Array, off: number, d: number, A: Float64Array): number {
  const ref = new CholeskyDecomposition(toMatrix(A, 0, d)).lowerTriangularMatrix;
  let err = 0;
  let scale = 1;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      const v = L[off + i * d + j];
      if (j > i) {
        if (v !== 0) return Infinity;
        continue;
      }
      err = Math.max(err, Math.abs(v - ref.get(i, j)));
      scale = Math.max(scale, Math.abs(ref.get(i, j)));
    }
  }
  return err / scale;
}

function addOuter(A: Float64Array, d: number, x: Float64Array, w: number): void {
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      const v = w * (x[i] * x[j]); // same rounding for (i, j) and (j, i): ml-matrix demands symmetry
      A[i * d + j] += v;
      if (j !== i) A[j * d + i] += v;
    }
  }
}

describe("cholesky", () => {
  it.each(DIMS)("matches ml-matrix and zeroes the upper triangle (d = %i)", (d) => {
    const rng = Rng.fromSeed(`chol-${d}`);
    for (let rep = 0; rep < 20; rep++) {
      const A = randomSpd(rng, d);
      const L = new Float64Array(d * d).fill(7);
      expect(cholesky(A, 0, d, L, 0)).toBe(true);
      expect(factorError(L, 0, d, A)).toBeLessThan(TOL);
      const inPlace = A.slice();
      expect(cholesky(inPlace, 0, d, inPlace, 0)).toBe(true);
      expect(inPlace).toEqual(L);
    }
  });

  it("works on a block inside a multi-particle buffer without touching its neighbours", () => {
    const d = 5;
    const A = randomSpd(Rng.fromSeed(3), d);
    const buf = new Float64Array(3 * d * d).fill(12345);
    buf.set(A, d * d);
    expect(cholesky(buf, d * d, d, buf, d * d)).toBe(true);
    expect(factorError(buf, d * d, d, A)).toBeLessThan(TOL);
    expect(buf.subarray(0, d * d).every((v) => v === 12345)).toBe(true);
    expect(buf.subarray(2 * d * d).every((v) => v === 12345)).toBe(true);
  });

  it.each([
    ["indefinite", [1, 2, 2, 1]],
    ["singular rank one", [1, 2, 2, 4]],
    ["zero", [0, 0, 0, 0]],
    ["negative diagonal", [-1, 0, 0, 1]],
    ["NaN off the diagonal", [1, NaN, NaN, 1]],
    ["infinite", [Infinity, 0, 0, 1]],
  ])("reports failure for a %s matrix", (_name, a) => {
    expect(cholesky(Float64Array.from(a), 0, 2, new Float64Array(4), 0)).toBe(false);
  });

  it("reports failure for a matrix with one negative eigenvalue (d = 16)", () => {
    const d = 16;
    const A = randomSpd(Rng.fromSeed(9), d);
    const u = Float64Array.from({ length: d }, (_, i) => Math.cos(i));
    addOuter(A, d, u, -10); // uᵀAu − 10‖u‖⁴ < 0 since the eigenvalues of A are ≲ 5
    expect(new CholeskyDecomposition(toMatrix(A, 0, d)).isPositiveDefinite()).toBe(false);
    expect(cholesky(A, 0, d, new Float64Array(d * d), 0)).toBe(false);
  });

  it.each(DIMS)("log-determinant matches ml-matrix (d = %i)", (d) => {
    const A = randomSpd(Rng.fromSeed(`ld-${d}`), d);
    const L = new Float64Array(d * d);
    cholesky(A, 0, d, L, 0);
    const ref = Math.log(new CholeskyDecomposition(toMatrix(A, 0, d)).lowerTriangularMatrix.diag().reduce((p, v) => p * v, 1) ** 2);
    expect(Math.abs(cholLogDet(L, 0, d) - ref)).toBeLessThan(1e-10 * Math.max(1, Math.abs(ref)));
  });
});

describe("rank-one update and downdate", () => {
  // 100 chains of 10 updates followed by the 10 matching downdates in shuffled order: 1,000
  // updates and 1,000 downdates per d, each compared with a fresh ml-matrix factorisation.
  it.each(DIMS)("agree with a fresh factorisation over 1,000 random updates (d = %i)", (d) => {
    const rng = Rng.fromSeed(`updown-${d}`);
    const A = randomSpd(rng, d);
    const buf = new Float64Array(3 * d * d);
    const off = d * d; // middle block of a three-particle buffer
    expect(cholesky(A, 0, d, buf, off)).toBe(true);
    const work = new Float64Array(d);
    let worst = 0;
    for (let chain = 0; chain < 100; chain++) {
      const xs: Float64Array[] = [];
      const ws: number[] = [];
      for (let k = 0; k < 10; k++) {
        const x = Float64Array.from({ length: d }, () => rng.normal());
        const w = k % 2 === 0 ? 1 : 0.1 + 2.9 * rng.uniform();
        const before = x.slice();
        expect(cholUpdate(buf, off, d, x, 0, work, 0, w)).toBe(true);
        expect(x).toEqual(before);
        addOuter(A, d, x, w);
        xs.push(x);
        ws.push(w);
        worst = Math.max(worst, factorError(buf, off, d, A));
      }
      for (let k = 9; k >= 0; k--) {
        const j = Math.floor(rng.uniform() * (k + 1));
        [xs[j], xs[k]] = [xs[k], xs[j]];
        [ws[j], ws[k]] = [ws[k], ws[j]];
        expect(cholDowndate(buf, off, d, xs[k], 0, work, 0, ws[k])).toBe(true);
        addOuter(A, d, xs[k], -ws[k]);
        worst = Math.max(worst, factorError(buf, off, d, A));
      }
    }
    expect(worst).toBeLessThan(TOL);
    expect(buf.subarray(0, d * d).every((v) => v === 0)).toBe(true);
    expect(buf.subarray(2 * d * d).every((v) => v === 0)).toBe(true);
  });

  it.each([0.1, 0.5, 0.9, 0.99])("downdates a vector never added, with w·xᵀA⁻¹x = %f", (theta) => {
    const d = 16;
    const rng = Rng.fromSeed(`fresh-${theta}`);
    for (let rep = 0; rep < 20; rep++) {
      const A = randomSpd(rng, d);
      const L = new Float64Array(d * d);
      cholesky(A, 0, d, L, 0);
      const x = Float64Array.from({ length: d }, () => rng.normal());
      const work = new Float64Array(d);
      const q = (() => {
        solveLower(L, 0, d, x, 0, work, 0);
        return work.reduce((s, v) => s + v * v, 0);
      })();
      const w = theta / q;
      expect(cholDowndate(L, 0, d, x, 0, work, 0, w)).toBe(true);
      addOuter(A, d, x, -w);
      // Conditioning of A − w x xᵀ grows like 1/(1 − θ).
      expect(factorError(L, 0, d, A)).toBeLessThan(TOL / (1 - theta));
    }
  });

  it.each([1.0000001, 1.5, 100])("downdate with w·xᵀA⁻¹x = %f fails and leaves L unchanged", (theta) => {
    const d = 5;
    const rng = Rng.fromSeed(`fail-${theta}`);
    const L = new Float64Array(d * d);
    cholesky(randomSpd(rng, d), 0, d, L, 0);
    const x = Float64Array.from({ length: d }, () => rng.normal());
    const p = new Float64Array(d);
    solveLower(L, 0, d, x, 0, p, 0);
    const w = theta / p.reduce((s, v) => s + v * v, 0);
    const before = L.slice();
    const work = new Float64Array(d);
    expect(cholDowndate(L, 0, d, x, 0, work, 0, w)).toBe(false);
    expect(L).toEqual(before);
    expect(work).toEqual(p.map((v) => v * Math.sqrt(w))); // documented: √w·L⁻¹x
  });

  it("adding then removing a vector twice: the second removal hits the singular boundary", () => {
    const d = 3;
    const L = Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    const x = Float64Array.from([2, 0, 0]);
    const work = new Float64Array(d);
    expect(cholUpdate(L, 0, d, x, 0, work, 0)).toBe(true); // A = I + x xᵀ
    expect(L[0]).toBeCloseTo(Math.sqrt(5), 15);
    expect(cholDowndate(L, 0, d, x, 0, work, 0)).toBe(true); // back to I (up to rounding)
    expect(L[0]).toBeCloseTo(1, 15);
    // From the exact identity, removing e₁ gives ρ² = 1 − 1 = 0 exactly: rejected.
    const I = Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(cholDowndate(I, 0, d, Float64Array.from([1, 0, 0]), 0, work, 0)).toBe(false);
    expect(Array.from(I)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  });

  it.each([
    ["NaN in x", [1, NaN, 0], 1],
    ["∞ in x", [Infinity, 0, 0], 1],
    ["w = 0", [1, 2, 3], 0],
    ["w < 0", [1, 2, 3], -1],
    ["w = NaN", [1, 2, 3], NaN],
    ["w = ∞", [1, 2, 3], Infinity],
  ])("update and downdate reject %s and leave L unchanged", (_name, xv, w) => {
    const L = Float64Array.from([2, 0, 0, 1, 3, 0, 0.5, 0.25, 4]);
    const before = L.slice();
    const x = Float64Array.from(xv);
    const work = new Float64Array(3);
    expect(cholUpdate(L, 0, 3, x, 0, work, 0, w)).toBe(false);
    expect(cholDowndate(L, 0, 3, x, 0, work, 0, w)).toBe(false);
    expect(L).toEqual(before);
  });

  it("accepts work aliased to x (in place)", () => {
    const d = 16;
    const rng = Rng.fromSeed("alias");
    const A = randomSpd(rng, d);
    const L1 = new Float64Array(d * d);
    cholesky(A, 0, d, L1, 0);
    const L2 = L1.slice();
    const x = Float64Array.from({ length: d }, () => rng.normal());
    const work = new Float64Array(d);
    cholUpdate(L1, 0, d, x, 0, work, 0, 0.7);
    const xx = x.slice();
    cholUpdate(L2, 0, d, xx, 0, xx, 0, 0.7);
    expect(L2).toEqual(L1);
    cholDowndate(L1, 0, d, x, 0, work, 0, 0.7);
    xx.set(x);
    cholDowndate(L2, 0, d, xx, 0, xx, 0, 0.7);
    expect(L2).toEqual(L1);
  });
});
