/**
 * Logit stick-breaking gate (spec §1.3, §2.2): gate probabilities (oracles 16–18), the
 * streaming update's statistics and factor, the φ draw's moments, the PG Gibbs sampler of one
 * stick against a grid-quadrature posterior (oracle 11; |z| < 4 over independent chains), gather
 * and snapshots.
 */
import { describe, expect, it } from "vitest";
import { Rng } from "../../../runtime/rng/index.js";
import { FixedNormalPrior } from "../../../runtime/rules/fixed-normal.js";
import { HorseshoeState } from "../../../runtime/rules/horseshoe.js";
import { StickGateState } from "../../../runtime/rules/stick-gate.js";
import { sampleMoments, zMean, Z_TOL } from "../../helpers/stats.js";
import { chainZScores, fromFactor, gridMoments, logisticData, normalLogPrior, relErr } from "./reference.js";

const sigmoid = (u: number) => 1 / (1 + Math.exp(-u));

/** Direct (not log-space) gate E5 for logits η. */
function directGate(eta: number[]): number[] {
  const g: number[] = [];
  let rest = 1;
  for (const e of eta) {
    g.push(sigmoid(e) * rest);
    rest *= 1 - sigmoid(e);
  }
  g.push(rest);
  return g;
}

describe("gate probabilities (oracles 16, 18)", () => {
  it("sum to 1 for random φ and x; φ = 0 gives (½, ¼, …, 2^−(K−1), 2^−(K−1))", () => {
    const K = 6;
    const d = 3;
    const gate = new StickGateState(2, K, d);
    const rng = Rng.fromSeed("gate-sum");
    const lg = new Float64Array(K);
    const x = new Float64Array(d);
    for (let rep = 0; rep < 200; rep++) {
      for (let p = 0; p < gate.phi.length; p++) gate.phi[p] = 3 * rng.normal();
      for (let j = 0; j < d; j++) x[j] = rng.normal();
      gate.logGate(1, x, 0, lg, 0);
      expect(lg.reduce((s, v) => s + Math.exp(v), 0)).toBeCloseTo(1, 12);
    }
    gate.phi.fill(0);
    gate.logGate(0, x, 0, lg, 0);
    const expected = [0.5, 0.25, 0.125, 0.0625, 0.03125, 0.03125];
    for (let k = 0; k < K; k++) expect(Math.abs(Math.exp(lg[k]) / expected[k] - 1)).toBeLessThan(1e-15);
  });

  it("log space equals the direct gate for |η| ≤ 30 and stays finite at |η| = 1e4", () => {
    const K = 4;
    const gate = new StickGateState(1, K, 1);
    const lg = new Float64Array(K);
    const x = Float64Array.of(1);
    for (const etas of [[-30, 30, 0], [30, -30, 5], [-7, -30, -30], [0.5, 12, -2]]) {
      gate.phi.set(etas);
      gate.logGate(0, x, 0, lg, 0);
      const ref = directGate(etas);
      // Absolute: the direct products lose relative accuracy for tiny g (1 − σ(30) cancels).
      for (let k = 0; k < K; k++) expect(Math.abs(Math.exp(lg[k]) - ref[k])).toBeLessThan(1e-15);
    }
    for (const etas of [[1e4, -1e4, 1e4], [-1e4, -1e4, -1e4], [-1e4, 1e4, -1e4]]) {
      gate.phi.set(etas);
      gate.logGate(0, x, 0, lg, 0);
      expect(lg.every(Number.isFinite)).toBe(true);
      expect(Math.max(...lg)).toBe(0);
    }
  });
});

describe("prior mean of the gate (oracle 17)", () => {
  it("under the horseshoe prior E[g_k] = 2^−k for k < K and E[g_K] = 2^−(K−1) (K = 5, |z| < 4)", () => {
    const N = 20_000;
    const K = 5;
    const d = 2;
    const rng = Rng.fromSeed("oracle-17");
    const hs = new HorseshoeState(N, K - 1, d);
    const gate = new StickGateState(N, K, d);
    const x = Float64Array.of(1, 0.5);
    const lg = new Float64Array(K);
    const g = Array.from({ length: K }, () => new Float64Array(N));
    for (let i = 0; i < N; i++) {
      hs.init(rng, i);
      gate.init(rng, i, hs);
      gate.logGate(i, x, 0, lg, 0);
      for (let k = 0; k < K; k++) g[k][i] = Math.exp(lg[k]);
    }
    for (let k = 0; k < K; k++) expect(Math.abs(zMean(g[k], 2 ** -Math.min(k + 1, K - 1)))).toBeLessThan(Z_TOL);
  });
});

describe("streaming update and φ draw", () => {
  it("visits sticks l ≤ min(z, K−2); keeps L Lᵀ = G + D and r = Σ κx", () => {
    const K = 4;
    const d = 3;
    const gate = new StickGateState(2, K, d);
    const prior = new FixedNormalPrior(2, K - 1, d, 1.5);
    const rng = Rng.fromSeed("upd");
    gate.init(rng, 0, prior);
    gate.init(rng, 1, prior);
    const r = new Float64Array((K - 1) * d);
    const x = new Float64Array(d);
    for (let s = 0; s < 40; s++) {
      for (let j = 0; j < d; j++) x[j] = rng.normal();
      const z = s % K;
      expect(gate.update(rng, 1, z, x, 0)).toBe(true);
      for (let l = 0; l <= Math.min(z, K - 2); l++) for (let j = 0; j < d; j++) r[l * d + j] += (l === z ? 0.5 : -0.5) * x[j];
      gate.drawPhi(rng, 1, s % (K - 1));
    }
    expect(relErr(gate.r.subarray((K - 1) * d), r)).toBeLessThan(1e-14);
    for (let l = 0; l < K - 1; l++) {
      const b = (K - 1) + l;
      const Q = new Float64Array(d * d);
      for (let j = 0; j < d; j++) {
        for (let k = 0; k < d; k++) Q[j * d + k] = j >= k ? gate.G[b * d * d + j * d + k] : gate.G[b * d * d + k * d + j];
        Q[j * d + j] += 1 / 2.25;
      }
      expect(relErr(fromFactor(gate.L, b * d * d, d), Q)).toBeLessThan(1e-12);
      for (let j = 0; j < d; j++) for (let k = j + 1; k < d; k++) expect(gate.G[b * d * d + j * d + k]).toBe(0);
    }
    // Particle 0 untouched: G = 0.
    expect(gate.G.subarray(0, (K - 1) * d * d).every((v) => v === 0)).toBe(true);
    x[0] = NaN;
    expect(gate.update(rng, 1, 0, x, 0)).toBe(false);
  });

  it("drawPhi has mean Q⁻¹r (|z| < 4)", () => {
    const d = 2;
    const gate = new StickGateState(1, 2, d);
    const prior = new FixedNormalPrior(1, 1, d, 1);
    const rng = Rng.fromSeed("draw");
    gate.init(rng, 0, prior);
    gate.G.set([2, 0, 0.5, 1]);
    gate.r.set([1, -2]);
    expect(gate.refactor(0, 0, prior)).toBe(true);
    // Q = [[3, .5], [.5, 2]], Q⁻¹ = [[2, −.5], [−.5, 3]]/5.75, Q⁻¹r = [3, −6.5]/5.75.
    const R = 20_000;
    const p0 = new Float64Array(R);
    const p1 = new Float64Array(R);
    for (let s = 0; s < R; s++) {
      gate.drawPhi(rng, 0, 0);
      p0[s] = gate.phi[0];
      p1[s] = gate.phi[1];
    }
    expect(Math.abs(zMean(p0, 3 / 5.75))).toBeLessThan(Z_TOL);
    expect(Math.abs(zMean(p1, -6.5 / 5.75))).toBeLessThan(Z_TOL);
    expect(sampleMoments(p0).variance).toBeCloseTo(2 / 5.75, 2);
    expect(sampleMoments(p1).variance).toBeCloseTo(3 / 5.75, 2);
  });

  it("gather copies ancestors; toJSON/fromJSON continues bit for bit; a bad prior fails the factor", () => {
    const gate = new StickGateState(3, 3, 2);
    const prior = new FixedNormalPrior(3, 2, 2, 1);
    const rng = Rng.fromSeed("io");
    for (let i = 0; i < 3; i++) gate.init(rng, i, prior);
    gate.update(rng, 2, 2, Float64Array.of(1, -1), 0);
    gate.gather(Int32Array.of(2, 1, 2));
    expect(gate.G.subarray(0, 8)).toEqual(gate.G.subarray(16, 24));
    expect(gate.phi.subarray(0, 4)).toEqual(gate.phi.subarray(8, 12));
    const copy = StickGateState.fromJSON(JSON.parse(JSON.stringify(gate)));
    const r1 = Rng.fromSeed("c");
    const r2 = Rng.fromSeed("c");
    for (const [g, r] of [[gate, r1], [copy, r2]] as const) {
      g.update(r, 0, 1, Float64Array.of(0.3, 2), 0);
      g.drawPhi(r, 0, 0);
    }
    for (const f of ["G", "r", "L", "phi"] as const) expect(copy[f]).toEqual(gate[f]);
    const broken = { precisionDiagonal: (_i: number, _l: number, out: Float64Array) => out.fill(-1) };
    expect(gate.refactor(0, 0, broken as unknown as FixedNormalPrior)).toBe(false);
  });
});

describe.each([
  { d: 1, truth: [1.5], lo: [-3], hi: [7], n: 2001 },
  { d: 2, truth: [-0.5, 2], lo: [-4, -2], hi: [3, 8], n: 281 },
])("one-stick PG Gibbs vs grid quadrature (oracle 11), d = $d", ({ d, truth, lo, hi, n }) => {
  it("posterior mean and sd of every coordinate within 4 MC s.e.", () => {
    const rng = Rng.fromSeed(`pg-gibbs-${d}`);
    const s = 2;
    const { X, z } = logisticData(rng, 50, truth);
    const ref = gridMoments(X, z, normalLogPrior(s), lo, hi, n);
    const CHAINS = 250;
    const gate = new StickGateState(CHAINS, 2, d);
    const prior = new FixedNormalPrior(CHAINS, 1, d, s);
    const zs = chainZScores(CHAINS, 15, 60, ref, {
      start: (i) => gate.init(rng, i, prior),
      step: (i) => {
        expect(gate.rebuild(rng, i, X, z, 0, z.length, prior)).toBe(true);
        gate.drawPhi(rng, i, 0);
      },
      value: (i, j) => gate.phi[i * d + j],
    });
    for (const v of zs) expect(Math.abs(v)).toBeLessThan(Z_TOL);
  });
});
