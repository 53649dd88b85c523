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

// cholUpdate has unrolled paths for d = 2, 3, 4 (scaled rotations, kept only when the scaled
// pivots stay in range, otherwise undone and redone by the general code). These tests run every d
// from 1 to 6 so that both sides of the d ≤ 4 boundary see the same checks.
describe("rank-one update: unrolled small-d paths and their neighbours", () => {
  const SMALL = [1, 2, 3, 4, 5, 6];

  it.each(SMALL)("1,000 random updates match ml-matrix and touch nothing else (d = %i)", (d) => {
    const rng = Rng.fromSeed(`small-up-${d}`);
    const dd = d * d;
    let worst = 0;
    for (let rep = 0; rep < 100; rep++) {
      const A = randomSpd(rng, d);
      const buf = new Float64Array(3 * dd).fill(-7);
      expect(cholesky(A, 0, d, buf, dd)).toBe(true);
      const work = new Float64Array(d);
      for (let k = 0; k < 10; k++) {
        const x = Float64Array.from({ length: d }, () => rng.normal());
        const w = k % 3 === 0 ? 1 : 0.01 + 5 * rng.uniform();
        const before = x.slice();
        expect(cholUpdate(buf, dd, d, x, 0, work, 0, w)).toBe(true);
        expect(x).toEqual(before);
        addOuter(A, d, x, w);
        worst = Math.max(worst, factorError(buf, dd, d, A));
      }
      expect(buf.subarray(0, dd).every((v) => v === -7)).toBe(true);
      expect(buf.subarray(2 * dd).every((v) => v === -7)).toBe(true);
    }
    expect(worst).toBeLessThan(TOL);
  });

  // Scaling L and x by s = 2^k scales the updated factor by s. The scaled pivots of the unrolled
  // paths grow like s^(2d), so |k| = 40 stays in their range for every d ≤ 4 while |k| = 200 (and
  // 100 for d = 3, 4) leaves it: those results are written, undone and recomputed by the general
  // code. (Beyond about 2^±250 the general code's squares of products overflow or underflow.)
  it.each(SMALL)("is scale-equivariant from 2^-200 to 2^200, in and out of the unrolled range (d = %i)", (d) => {
    const rng = Rng.fromSeed(`small-scale-${d}`);
    const A = randomSpd(rng, d);
    const L0 = new Float64Array(d * d);
    cholesky(A, 0, d, L0, 0);
    const x0 = Float64Array.from({ length: d }, () => rng.normal());
    const w = 0.7;
    addOuter(A, d, x0, w);
    for (const k of [-200, -100, -40, -10, 0, 10, 40, 100, 200]) {
      const s = 2 ** k;
      const L = L0.map((v) => v * s);
      const x = x0.map((v) => v * s);
      expect(cholUpdate(L, 0, d, x, 0, new Float64Array(d), 0, w)).toBe(true);
      expect(factorError(L.map((v) => v / s), 0, d, A)).toBeLessThan(TOL);
    }
  });

  it.each(SMALL)("work aliased to x gives the same factor (d = %i)", (d) => {
    const rng = Rng.fromSeed(`small-alias-${d}`);
    const L1 = new Float64Array(d * d);
    cholesky(randomSpd(rng, d), 0, d, L1, 0);
    const L2 = L1.slice();
    const x = Float64Array.from({ length: d }, () => rng.normal());
    expect(cholUpdate(L1, 0, d, x, 0, new Float64Array(d), 0, 1.3)).toBe(true);
    expect(cholUpdate(L2, 0, d, x, 0, x, 0, 1.3)).toBe(true);
    expect(L2).toEqual(L1);
  });

  it.each(
    SMALL.flatMap((d) =>
      (
        [
          ["NaN in x", NaN, 1],
          ["∞ in x", Infinity, 1],
          ["squares of x overflowing", 1e155, 1],
          ["w = 0", 1, 0],
          ["w < 0", 1, -2],
          ["w = NaN", 1, NaN],
          ["w = ∞", 1, Infinity],
        ] as const
      ).map(([name, bad, w]) => [d, name, bad, w] as const),
    ),
  )("d = %i rejects %s and leaves L unchanged", (d, _name, bad, w) => {
    const rng = Rng.fromSeed(`small-reject-${d}`);
    const L = new Float64Array(d * d);
    cholesky(randomSpd(rng, d), 0, d, L, 0);
    const before = L.slice();
    for (let pos = 0; pos < d; pos++) {
      const x = Float64Array.from({ length: d }, () => rng.normal());
      x[pos] = bad;
      expect(cholUpdate(L, 0, d, x, 0, new Float64Array(d), 0, w)).toBe(false);
      expect(L).toEqual(before);
    }
  });

  // ‖x‖² overflows (x_1 = 2^512) although every scaled pivot stays in range: x_1 is cancelled
  // exactly by x_0·L_10 in the first rotation. The general code rejects such an x, so the
  // unrolled paths must as well.
  it.each(SMALL.slice(1))("rejects an x whose squares overflow even when the rotations cancel it (d = %i)", (d) => {
    const L = new Float64Array(d * d);
    for (let i = 0; i < d; i++) L[i * d + i] = 1;
    L[d] = 2 ** 272;
    const before = L.slice();
    const x = new Float64Array(d);
    x[0] = 2 ** 240;
    x[1] = 2 ** 512;
    expect(cholUpdate(L, 0, d, x, 0, new Float64Array(d), 0)).toBe(false);
    expect(L).toEqual(before);
  });

  // Only the last scaled pivot leaves the range (T_{d−1}·T_{d−2} overflows): the unrolled result
  // must still be discarded. Rows differ in scale by 2^280, so errors are measured per row.
  it.each(SMALL.slice(1))("redoes an update whose last pivot alone leaves the unrolled range (d = %i)", (d) => {
    const L = new Float64Array(d * d);
    for (let i = 0; i < d; i++) L[i * d + i] = i === d - 1 ? 2 ** 280 : i === d - 2 ? 2 ** 230 : 1;
    const A = new Float64Array(d * d);
    for (let i = 0; i < d; i++) A[i * d + i] = L[i * d + i] ** 2;
    const x = Float64Array.from({ length: d }, (_, i) => 1 + i);
    addOuter(A, d, x, 1);
    expect(cholUpdate(L, 0, d, x, 0, new Float64Array(d), 0)).toBe(true);
    const ref = new CholeskyDecomposition(toMatrix(A, 0, d)).lowerTriangularMatrix;
    for (let i = 0; i < d; i++) {
      let rowScale = 0;
      for (let j = 0; j <= i; j++) rowScale = Math.max(rowScale, Math.abs(ref.get(i, j)));
      for (let j = 0; j <= i; j++) expect(Math.abs(L[i * d + j] - ref.get(i, j))).toBeLessThan(TOL * rowScale);
    }
  });
});
