/**
 * NIG linear expert (spec §2.1; oracles 1–3): the streaming E11 updates in Cholesky form against
 * the batch posterior E12 and marginal likelihood E13 (1e−10 relative), the rebuild, row
 * permutations, the predictive's moments by quadrature, posterior draws (|z| < 4), gather and
 * snapshots. The known-variance rule is checked the same way against its closed form.
 */
import { describe, expect, it } from "vitest";
import { Rng } from "../../../runtime/rng/index.js";
import { KnownVarianceLinearState } from "../../../runtime/rules/known-variance-linear.js";
import { NigLinearState } from "../../../runtime/rules/nig-linear.js";
import { zMean, zVariance, Z_TOL } from "../../helpers/stats.js";
import { fromFactor, knownVarianceBatch, nigBatch, regressionData, relErr } from "./reference.js";

const TOL = 1e-10;
const N_ROWS = 50;

function hyperFor(d: number) {
  return { g: 10, m0: Float64Array.from({ length: d }, (_, j) => 0.3 * (j - 1)), a0: 2, b0: 1 };
}

/** Streams rows (in `order`) into expert 1 of particle i; returns Σ log predictive of expert 1. */
function stream(s: NigLinearState | KnownVarianceLinearState, i: number, X: Float64Array, y: Float64Array, order: ArrayLike<number>, stashed: boolean): number {
  const lp = new Float64Array(s.K);
  let sum = 0;
  for (let t = 0; t < order.length; t++) {
    const r = order[t];
    s.predictive(i, X, r * s.d, y[r], lp, 0);
    sum += lp[1];
    const ok = stashed ? s.updateStashed(i, 1, X, r * s.d, y[r]) : s.update(i, 1, X, r * s.d, y[r]);
    expect(ok).toBe(true);
  }
  return sum;
}

function block(a: Float64Array, blk: number, size: number): Float64Array {
  return a.subarray(blk * size, (blk + 1) * size);
}

describe.each([1, 3, 5])("normal_inverse_gamma_linear, d = %i", (d) => {
  const { X, y } = regressionData(Rng.fromSeed(`nig-${d}`), N_ROWS, d);
  const hyper = hyperFor(d);
  const rows = Int32Array.from({ length: N_ROWS }, (_, t) => t);
  const ref = nigBatch(X, y, rows, d, hyper);

  it("sequential E11 (stashed and fresh) equals batch E12; Σ log predictive equals E13 (oracles 1–2)", () => {
    const s = new NigLinearState(3, 2, d, hyper);
    for (let i = 0; i < 3; i++) s.init(i);
    const lmlStashed = stream(s, 0, X, y, rows, true);
    const lmlFresh = stream(s, 1, X, y, rows, false);
    for (const [i, lml] of [[0, lmlStashed], [1, lmlFresh]]) {
      const blk = i * 2 + 1;
      expect(relErr(fromFactor(s.L, blk * d * d, d), ref.P)).toBeLessThan(TOL);
      expect(relErr(block(s.m, blk, d), ref.m)).toBeLessThan(TOL);
      expect(s.a[blk]).toBe(ref.a);
      expect(Math.abs(s.b[blk] / ref.b - 1)).toBeLessThan(TOL);
      expect(Math.abs(lml / ref.logMl - 1)).toBeLessThan(TOL);
      expect(s.count[blk]).toBe(N_ROWS);
    }
    // Expert 0 and particle 2 were not touched: still the prior.
    expect(s.a[0]).toBe(2);
    expect(Array.from(block(s.m, 4, d))).toEqual(Array.from(hyper.m0));
  });

  it("rebuild equals the sequential posterior, and permuting rows changes nothing (oracle 3)", () => {
    const perm = Int32Array.from(rows);
    const rng = Rng.fromSeed(`perm-${d}`);
    for (let t = N_ROWS - 1; t > 0; t--) {
      const u = Math.floor(rng.uniform() * (t + 1));
      [perm[t], perm[u]] = [perm[u], perm[t]];
    }
    const s = new NigLinearState(3, 2, d, hyper);
    for (let i = 0; i < 3; i++) s.init(i);
    const lml = stream(s, 0, X, y, rows, true);
    const lmlPerm = stream(s, 1, X, y, perm, true);
    expect(s.rebuild(2, 1, X, y, perm, N_ROWS)).toBe(true);
    expect(Math.abs(lmlPerm / lml - 1)).toBeLessThan(TOL);
    for (const blk of [3, 5]) {
      expect(relErr(block(s.L, blk, d * d), block(s.L, 1, d * d))).toBeLessThan(TOL);
      expect(relErr(block(s.m, blk, d), block(s.m, 1, d))).toBeLessThan(TOL);
      expect(s.a[blk]).toBe(s.a[1]);
      expect(Math.abs(s.b[blk] / s.b[1] - 1)).toBeLessThan(TOL);
      expect(s.count[blk]).toBe(N_ROWS);
    }
  });
});

describe("normal_inverse_gamma_linear: predictive and posterior draws", () => {
  const d = 3;
  const { X, y } = regressionData(Rng.fromSeed("nig-draws"), 30, d);
  const hyper = hyperFor(d);
  const s = new NigLinearState(1, 2, d, hyper);
  s.init(0);
  s.rebuild(0, 0, X, y, Int32Array.from({ length: 30 }, (_, t) => t), 30);

  it("predictive integrates to 1 with the stated mean and variance (oracle 3)", () => {
    const x = Float64Array.of(0.4, -1.2, 0.7);
    const mom = new Float64Array(4);
    s.predictiveMoments(0, 0, x, 0, mom, 0);
    const lp = new Float64Array(2);
    const sd = Math.sqrt(mom[3]);
    const h = sd / 200;
    let m0 = 0;
    let m1 = 0;
    let m2 = 0;
    for (let v = mom[0] - 60 * sd; v <= mom[0] + 60 * sd; v += h) {
      s.predictive(0, x, 0, v, lp, 0);
      const p = Math.exp(lp[0]) * h;
      m0 += p;
      m1 += p * v;
      m2 += p * (v - mom[0]) ** 2;
    }
    expect(m0).toBeCloseTo(1, 6);
    expect(m1 / sd).toBeCloseTo(mom[0] / sd, 6);
    expect(m2 / mom[3]).toBeCloseTo(1, 4);
    expect(mom[2]).toBe(2 * s.a[0]);
  });

  it("drawParams: σ² ~ IG(a, b) and β | σ² ~ N(m, σ²V) by their moments (|z| < 4)", () => {
    const rng = Rng.fromSeed("nig-draw");
    const R = 20_000;
    const s2 = new Float64Array(R);
    const beta = new Float64Array(R * d);
    for (let r = 0; r < R; r++) s2[r] = s.drawParams(rng, 0, 0, beta, r * d);
    const a = s.a[0];
    const b = s.b[0];
    expect(Math.abs(zMean(s2, b / (a - 1)))).toBeLessThan(Z_TOL);
    expect(Math.abs(zVariance(s2, (b * b) / ((a - 1) ** 2 * (a - 2))))).toBeLessThan(Z_TOL);
    const P = fromFactor(s.L, 0, d);
    // V_jj from the precision by cofactors is awkward; use Var(β_j) = E[σ²]·(P⁻¹)_jj via a solve.
    const V = invertSmall(P, d);
    for (let j = 0; j < d; j++) {
      const bj = Float64Array.from({ length: R }, (_, r) => beta[r * d + j]);
      expect(Math.abs(zMean(bj, s.m[j]))).toBeLessThan(Z_TOL);
      expect(Math.abs(zVariance(bj, (b / (a - 1)) * V[j * d + j]))).toBeLessThan(Z_TOL);
    }
  });
});

/** Gauss–Jordan inverse of a small SPD matrix (test-only). */
function invertSmall(A: Float64Array, d: number): Float64Array {
  const M = Array.from({ length: d }, (_, i) => [...Array.from(A.subarray(i * d, (i + 1) * d)), ...Array.from({ length: d }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < d; c++) {
    const p = M[c][c];
    for (let j = 0; j < 2 * d; j++) M[c][j] /= p;
    for (let r = 0; r < d; r++) {
      if (r === c) continue;
      const f = M[r][c];
      for (let j = 0; j < 2 * d; j++) M[r][j] -= f * M[c][j];
    }
  }
  return Float64Array.from(M.flatMap((row) => row.slice(d)));
}

describe("normal_inverse_gamma_linear: gather and snapshot", () => {
  it("gather copies ancestors' rows; toJSON/fromJSON continues bit for bit", () => {
    const d = 2;
    const { X, y } = regressionData(Rng.fromSeed("nig-snap"), 20, d);
    const s = new NigLinearState(3, 2, d, hyperFor(d));
    for (let i = 0; i < 3; i++) s.init(i);
    stream(s, 2, X, y, [0, 1, 2, 3], true);
    const lp = new Float64Array(2);
    s.predictive(2, X, 4 * d, y[4], lp, 0);
    s.gather(Int32Array.of(0, 2, 2));
    // The stash travels with the particle: particle 1 (a copy of 2) updates from it.
    expect(s.updateStashed(1, 1, X, 4 * d, y[4])).toBe(true);
    expect(() => s.updateStashed(1, 1, X, 4 * d, y[4])).toThrow(/no predictive stash/);
    expect(s.update(2, 1, X, 4 * d, y[4])).toBe(true);
    expect(Array.from(block(s.L, 3, d * d))).toEqual(Array.from(block(s.L, 5, d * d)));
    expect(s.b[3]).toBe(s.b[5]);
    expect(s.count[1]).toBe(0);
    const copy = NigLinearState.fromJSON(JSON.parse(JSON.stringify(s)));
    stream(s, 0, X, y, [5, 6, 7], true);
    stream(copy, 0, X, y, [5, 6, 7], true);
    for (const f of ["L", "m", "a", "b", "count"] as const) expect(copy[f]).toEqual(s[f]);
    expect(() => NigLinearState.fromJSON({ kind: "other" })).toThrow();
    s.predictive(1, X, 0, NaN, lp, 0);
    expect(s.updateStashed(1, 0, X, 0, NaN)).toBe(false);
  });
});

describe.each([1, 3, 5])("normal_known_variance_linear, d = %i", (d) => {
  it("sequential and rebuild equal the closed-form posterior; Σ log predictive equals the marginal", () => {
    const { X, y } = regressionData(Rng.fromSeed(`kv-${d}`), N_ROWS, d);
    const hyper = { s: 0.7, g: 4, m0: Float64Array.from({ length: d }, (_, j) => 0.2 * j) };
    const ref = knownVarianceBatch(X, y, N_ROWS, d, hyper);
    const s = new KnownVarianceLinearState(2, 2, d, hyper);
    s.init(0);
    s.init(1);
    const rows = Int32Array.from({ length: N_ROWS }, (_, t) => t);
    const lml = stream(s, 0, X, y, rows, true);
    expect(s.rebuild(1, 1, X, y, rows, N_ROWS)).toBe(true);
    expect(Math.abs(lml / ref.logMl - 1)).toBeLessThan(TOL);
    for (const blk of [1, 3]) {
      const cov = invertSmall(fromFactor(s.L, blk * d * d, d), d).map((v) => v * hyper.s ** 2);
      expect(relErr(cov, ref.cov)).toBeLessThan(TOL);
      expect(relErr(block(s.m, blk, d), ref.m)).toBeLessThan(TOL);
    }
    const mom = new Float64Array(2);
    s.predictiveMoments(0, 1, X, 0, mom, 0);
    let xCx = 0;
    for (let j = 0; j < d; j++) for (let l = 0; l < d; l++) xCx += X[j] * ref.cov[j * d + l] * X[l];
    expect(mom[1] / (hyper.s ** 2 + xCx)).toBeCloseTo(1, 10);

    const rng = Rng.fromSeed(`kv-draw-${d}`);
    const R = 20_000;
    const beta = new Float64Array(R * d);
    for (let r = 0; r < R; r++) s.drawBeta(rng, 0, 1, beta, r * d);
    for (let j = 0; j < d; j++) {
      const bj = Float64Array.from({ length: R }, (_, r) => beta[r * d + j]);
      expect(Math.abs(zMean(bj, ref.m[j]))).toBeLessThan(Z_TOL);
      expect(Math.abs(zVariance(bj, ref.cov[j * d + j]))).toBeLessThan(Z_TOL);
    }
    const copy = KnownVarianceLinearState.fromJSON(JSON.parse(JSON.stringify(s)));
    expect(copy.L).toEqual(s.L);
    expect(copy.m).toEqual(s.m);
  });
});
