/**
 * Scale moves of the resample-move sweep (spec §3.7 items 3–5). With no data, the stick scale
 * move leaves N(0, diag(1/D)) invariant (Σ D φ² ~ χ²_d) and the joint (τ, φ) move leaves the
 * horseshoe prior invariant (τ² ~ C⁺(0, A)²; log|φ| against fresh prior draws); a deliberately
 * wrong Jacobian, run through the same harness, is detected. With data, chains mixing PG Gibbs
 * and the moves match a grid-quadrature posterior of one stick (|z| < 4 over independent chains;
 * this is what checks the moves' likelihood terms, to which a Geweke test is blind), and the Geweke
 * successive-conditional test (z | φ, then the whole gate sweep: PG rebuild, φ draw, E16, scale
 * and joint moves) keeps the prior marginals. Every check is a KS test with p > 1e−4 (or < 1e−4
 * for the wrong Jacobians); seeds are fixed. The moves' cached logits give the likelihood changes
 * of a direct Σ softplus to rounding, through accepted moves and after φ or z change, and the
 * rebuild that reads them matches one that recomputes them.
 */
import { describe, expect, it } from "vitest";
import { softplus } from "../../../runtime/math/index.js";
import { categoricalLog, Rng } from "../../../runtime/rng/index.js";
import { FixedNormalPrior } from "../../../runtime/rules/fixed-normal.js";
import type { GatePrior } from "../../../runtime/rules/gate-prior.js";
import { HorseshoeState } from "../../../runtime/rules/horseshoe.js";
import { jointScaleLogAlpha, jointScaleMove } from "../../../runtime/rules/joint-scale-move.js";
import { StickGateState } from "../../../runtime/rules/stick-gate.js";
import { scaleMoveLogAlpha } from "../../../runtime/rules/logit-regressions.js";
import { gammaCdf, ks2Test, ksTest, P_MIN, Z_TOL } from "../../helpers/stats.js";
import { chainZScores, gridMoments, horseshoeLogPrior, logisticData, normalLogPrior } from "./reference.js";

const N = 20_000;
const MOVES = 30;
const NO_ROWS = new Int32Array(0);
const NO_X = new Float64Array(0);

const halfCauchySqCdf = (A: number) => (v: number) => (v <= 0 ? 0 : (2 / Math.PI) * Math.atan(Math.sqrt(v) / A));

/** Σ_j D_j φ_j² of stick 0 for every particle: χ²_d under N(0, diag(1/D)). */
function priorQuads(gate: StickGateState, prior: GatePrior): Float64Array {
  const D = new Float64Array(gate.d);
  return Float64Array.from({ length: gate.N }, (_, i) => {
    prior.precisionDiagonal(i, 0, D, 0);
    let q = 0;
    for (let j = 0; j < gate.d; j++) q += D[j] * gate.phi[i * gate.S * gate.d + j] ** 2;
    return q;
  });
}

describe.each(["normal_fixed_scale", "horseshoe_makalic_schmidt"])("stick scale move without data, prior %s", (rule) => {
  const d = 3;
  /** Prior draws, then MOVES moves per particle; returns the KS p-value of Σ Dφ² against χ²_d. */
  function run(seed: string, move: (rng: Rng, gate: StickGateState, prior: GatePrior, i: number) => void): number {
    const rng = Rng.fromSeed(seed);
    const gate = new StickGateState(N, 2, d);
    const prior: GatePrior = rule === "normal_fixed_scale" ? new FixedNormalPrior(N, 1, d, 1.5) : new HorseshoeState(N, 1, d);
    for (let i = 0; i < N; i++) {
      prior.init(rng, i);
      gate.init(rng, i, prior);
      for (let m = 0; m < MOVES; m++) move(rng, gate, prior, i);
    }
    return ksTest(priorQuads(gate, prior), (v) => gammaCdf(v / 2, d / 2)).pValue;
  }

  it("leaves the prior invariant; a Jacobian c^(d+1) is detected", () => {
    let accepted = 0;
    const p = run(`stick-${rule}`, (rng, gate, prior, i) => {
      if (gate.scaleMove(rng, i, 0, prior, NO_X, NO_ROWS, 0, 0)) accepted++;
    });
    expect(p).toBeGreaterThan(P_MIN);
    expect(accepted / (N * MOVES)).toBeGreaterThan(0.3);
    const D = new Float64Array(d);
    const wrong = run(`stick-${rule}`, (rng, gate, prior, i) => {
      const logC = 0.5 * rng.normal();
      prior.precisionDiagonal(i, 0, D, 0);
      let quad = 0;
      for (let j = 0; j < d; j++) quad += D[j] * gate.phi[i * d + j] ** 2;
      if (Math.log(rng.uniform()) < scaleMoveLogAlpha(0, logC, quad, d + 1)) for (let j = 0; j < d; j++) gate.phi[i * d + j] *= Math.exp(logC);
    });
    expect(wrong).toBeLessThan(P_MIN);
  });
});

describe("joint (τ, φ) scale move without data", () => {
  const S = 2;
  const d = 2;
  const A = 0.7;
  /** Horseshoe prior draws for every particle, φ | scales included. */
  function priorDraws(rng: Rng): { gate: StickGateState; hs: HorseshoeState } {
    const gate = new StickGateState(N, S + 1, d);
    const hs = new HorseshoeState(N, S, d, { A });
    for (let i = 0; i < N; i++) {
      hs.init(rng, i);
      gate.init(rng, i, hs);
    }
    return { gate, hs };
  }
  const logAbsPhi = (g: StickGateState) => Float64Array.from({ length: N }, (_, i) => Math.log(Math.abs(g.phi[i * S * d + 1])));

  it("leaves τ² and log|φ| at the prior; the Jacobian c^(M+3) shifts τ² and is detected", () => {
    const fresh = logAbsPhi(priorDraws(Rng.fromSeed("joint-fresh")).gate);
    const run = (move: (rng: Rng, gate: StickGateState, hs: HorseshoeState, i: number) => void) => {
      const rng = Rng.fromSeed("joint");
      const { gate, hs } = priorDraws(rng);
      for (let i = 0; i < N; i++) for (let m = 0; m < MOVES; m++) move(rng, gate, hs, i);
      return { tau: ksTest(hs.tau2, halfCauchySqCdf(A)).pValue, phi: ks2Test(logAbsPhi(gate), fresh).pValue };
    };
    let accepted = 0;
    const ok = run((rng, gate, hs, i) => {
      if (jointScaleMove(rng, i, gate, hs, NO_X, NO_ROWS, 0, 0)) accepted++;
    });
    expect(ok.tau).toBeGreaterThan(P_MIN);
    expect(ok.phi).toBeGreaterThan(P_MIN);
    expect(accepted / (N * MOVES)).toBeGreaterThan(0.3);
    const wrong = run((rng, gate, hs, i) => {
      const eps = 0.5 * rng.normal();
      if (Math.log(rng.uniform()) < jointScaleLogAlpha(0, eps, hs.tau2[i], hs.xi[i]) + eps) {
        hs.tau2[i] *= Math.exp(2 * eps);
        for (let p = i * S * d; p < (i + 1) * S * d; p++) gate.phi[p] *= Math.exp(eps);
      }
    });
    expect(wrong.tau).toBeLessThan(P_MIN);
  });
});

describe("Geweke test of the whole gate sweep with data (horseshoe, K = 3, d = 2)", () => {
  it("(z | φ, then rebuild, φ draw, E16, scale and joint moves) × 10 keeps the prior marginals", () => {
    const CH = 4000;
    const K = 3;
    const S = K - 1;
    const d = 2;
    const T = 15;
    const rng = Rng.fromSeed("geweke-gate");
    const X = new Float64Array(T * d);
    for (let t = 0; t < T; t++) {
      X[t * d] = 1;
      X[t * d + 1] = rng.normal();
    }
    const gate = new StickGateState(CH, K, d);
    const hs = new HorseshoeState(CH, S, d);
    const z = new Int32Array(CH * T);
    const lg = new Float64Array(K);
    for (let i = 0; i < CH; i++) {
      hs.init(rng, i);
      expect(gate.init(rng, i, hs)).toBe(true);
      for (let round = 0; round < 10; round++) {
        for (let t = 0; t < T; t++) {
          gate.logGate(i, X, t * d, lg, 0);
          z[i * T + t] = categoricalLog(rng, lg);
        }
        expect(gate.rebuild(rng, i, X, z, i * T, T, hs)).toBe(true);
        for (let l = 0; l < S; l++) gate.drawPhi(rng, i, l);
        hs.gibbs(rng, i, gate.phi, i * S * d);
        for (let m = 0; m < 3; m++) for (let l = 0; l < S; l++) gate.scaleMove(rng, i, l, hs, X, z, i * T, T);
        for (let m = 0; m < 2; m++) jointScaleMove(rng, i, gate, hs, X, z, i * T, T);
      }
    }
    const fresh = new HorseshoeState(CH, S, d);
    const freshGate = new StickGateState(CH, K, d);
    const r2 = Rng.fromSeed("geweke-gate-fresh");
    for (let i = 0; i < CH; i++) {
      fresh.init(r2, i);
      freshGate.init(r2, i, fresh);
    }
    const coef = (g: StickGateState, p: number) => Float64Array.from({ length: CH }, (_, i) => g.phi[i * S * d + p]);
    expect(ksTest(hs.tau2, halfCauchySqCdf(1)).pValue).toBeGreaterThan(P_MIN);
    expect(ksTest(Float64Array.from({ length: CH }, (_, i) => hs.lambda2[i * S * d]), halfCauchySqCdf(1)).pValue).toBeGreaterThan(P_MIN);
    for (const p of [0, 1, 3]) expect(ks2Test(coef(gate, p), coef(freshGate, p)).pValue).toBeGreaterThan(P_MIN);
  });
});

describe("moves with data keep one stick's posterior (grid quadrature, as oracle 11)", () => {
  const CHAINS = 250;
  it("normal_fixed_scale, d = 2: PG Gibbs + 5 stick scale moves per iteration", () => {
    const d = 2;
    const rng = Rng.fromSeed("moves-normal");
    const { X, z } = logisticData(rng, 50, [-0.5, 2]);
    const ref = gridMoments(X, z, normalLogPrior(2), [-4, -2], [3, 8], 281);
    const gate = new StickGateState(CHAINS, 2, d);
    const prior = new FixedNormalPrior(CHAINS, 1, d, 2);
    const zs = chainZScores(CHAINS, 15, 60, ref, {
      start: (i) => gate.init(rng, i, prior),
      step: (i) => {
        gate.rebuild(rng, i, X, z, 0, z.length, prior);
        gate.drawPhi(rng, i, 0);
        for (let m = 0; m < 5; m++) gate.scaleMove(rng, i, 0, prior, X, z, 0, z.length);
      },
      value: (i, j) => gate.phi[i * d + j],
    });
    for (const v of zs) expect(Math.abs(v)).toBeLessThan(Z_TOL);
  });

  it("horseshoe, d = 1: PG Gibbs + E16 + 2 stick and 3 joint scale moves per iteration", () => {
    const rng = Rng.fromSeed("moves-hs");
    const { X, z } = logisticData(rng, 50, [1.5]);
    // The posterior has a heavy right tail (near-separable data under Cauchy-like tails), hence
    // the wide grid; its nodes miss φ = 0, where the horseshoe density has a log singularity.
    const ref = gridMoments(X, z, horseshoeLogPrior, [-3], [60], 3001);
    const gate = new StickGateState(CHAINS, 2, 1);
    const hs = new HorseshoeState(CHAINS, 1, 1);
    const zs = chainZScores(CHAINS, 30, 60, ref, {
      start: (i) => {
        hs.init(rng, i);
        hs.tau2[i] = 1;
        hs.lambda2[i] = 1;
        gate.init(rng, i, hs);
      },
      step: (i) => {
        gate.rebuild(rng, i, X, z, 0, z.length, hs);
        gate.drawPhi(rng, i, 0);
        hs.gibbs(rng, i, gate.phi, i);
        for (let m = 0; m < 2; m++) gate.scaleMove(rng, i, 0, hs, X, z, 0, z.length);
        for (let m = 0; m < 3; m++) jointScaleMove(rng, i, gate, hs, X, z, 0, z.length);
      },
      value: (i) => gate.phi[i],
    });
    for (const v of zs) expect(Math.abs(v)).toBeLessThan(Z_TOL);
  });
});

describe("cached logits of the scale moves", () => {
  const K = 4;
  const S = K - 1;
  const d = 3;
  const T = 300;
  /** ℓ_l at c·φ_l by direct summation, and Σ |terms| for the tolerance. */
  function direct(gate: StickGateState, i: number, l: number, c: number, X: Float64Array, z: Int32Array): { ll: number; size: number } {
    let ll = 0;
    let size = 0;
    for (let s = 0; s < T; s++) {
      if (z[s] < l) continue;
      let eta = 0;
      for (let j = 0; j < d; j++) eta += X[s * d + j] * c * gate.phi[(i * S + l) * d + j];
      const v = softplus(z[s] === l ? -eta : eta);
      ll -= v;
      size += v;
    }
    return { ll, size };
  }
  function setUp(seed: string): { rng: Rng; gate: StickGateState; prior: FixedNormalPrior; X: Float64Array; z: Int32Array } {
    const rng = Rng.fromSeed(seed);
    const X = Float64Array.from({ length: T * d }, (_, p) => (p % d === 0 ? 1 : 2 * rng.normal()));
    const z = Int32Array.from({ length: T }, () => Math.floor(rng.uniform() * K));
    const gate = new StickGateState(2, K, d);
    const prior = new FixedNormalPrior(2, S, d, 3);
    for (let i = 0; i < 2; i++) gate.init(rng, i, prior);
    return { rng, gate, prior, X, z };
  }

  it("equal a direct Σ softplus through accepted moves, a φ redraw and changed allocations", () => {
    const { rng, gate, X, z } = setUp("cache-loglik");
    const check = (i: number) => {
      for (let l = 0; l < S; l++) {
        const c = Math.exp(0.5 * rng.normal());
        const got = gate.scaleLogLikChange(i, l, l + 1, c, X, z, 0, T);
        const a = direct(gate, i, l, c, X, z);
        const b = direct(gate, i, l, 1, X, z);
        expect(Math.abs(got - (a.ll - b.ll))).toBeLessThan(1e-12 * (a.size + b.size));
        if (rng.uniform() < 0.6) gate.rescale(i, l, l + 1, c);
      }
      const c = Math.exp(0.3 * rng.normal());
      let want = 0;
      let size = 0;
      for (let l = 0; l < S; l++) {
        const a = direct(gate, i, l, c, X, z);
        const b = direct(gate, i, l, 1, X, z);
        want += a.ll - b.ll;
        size += a.size + b.size;
      }
      expect(Math.abs(gate.scaleLogLikChange(i, 0, S, c, X, z, 0, T) - want)).toBeLessThan(1e-12 * size);
      if (rng.uniform() < 0.6) gate.rescale(i, 0, S, c);
    };
    for (let round = 0; round < 20; round++) {
      check(round % 2);
      check(round % 2);
      if (round % 3 === 0) gate.drawPhi(rng, round % 2, 1);
      if (round % 5 === 0) z[Math.floor(rng.uniform() * T)] = Math.floor(rng.uniform() * K);
      if (round % 7 === 0) gate.phi[2] *= 1.5;
    }
  });

  it("with rows folded out of the window: the change adds (c − 1)·φᵀr_old − ½(c² − 1)·φᵀG_oldφ, through accepted moves", () => {
    const { rng, gate, X, z } = setUp("cache-folded");
    // fold extra rows (their own data), then check the window's change plus the folded rows' Gaussian terms
    const F = 25;
    const Xf = Float64Array.from({ length: F * d }, (_, p) => (p % d === 0 ? 1 : 2 * rng.normal()));
    const zf = Int32Array.from({ length: F }, () => Math.floor(rng.uniform() * K));
    for (let i = 0; i < 2; i++) for (let s = 0; s < F; s++) expect(gate.fold(rng, i, zf[s], Xf, s * d)).toBe(true);
    // r_old = Σ κ x over the sticks each folded row reached (no offsets: it does not depend on ω)
    for (let l = 0; l < S; l++) {
      for (let j = 0; j < d; j++) {
        let want = 0;
        for (let s = 0; s < F; s++) if (zf[s] >= l) want += (zf[s] === l ? 0.5 : -0.5) * Xf[s * d + j];
        expect(gate.oldR[(1 * S + l) * d + j]).toBeCloseTo(want, 10);
      }
    }
    const oldTerm = (i: number, l: number, c: number) => {
      const b = (i * S + l) * d;
      let lin = 0;
      let quad = 0;
      for (let j = 0; j < d; j++) {
        lin += gate.phi[b + j] * gate.oldR[b + j];
        for (let k = 0; k < d; k++) {
          const g = j >= k ? gate.oldG[b * d + j * d + k] : gate.oldG[b * d + k * d + j];
          quad += gate.phi[b + j] * g * gate.phi[b + k];
        }
      }
      return (c - 1) * lin - 0.5 * (c * c - 1) * quad;
    };
    for (let round = 0; round < 20; round++) {
      const i = round % 2;
      for (let l = 0; l < S; l++) {
        const c = Math.exp(0.5 * rng.normal());
        const got = gate.scaleLogLikChange(i, l, l + 1, c, X, z, 0, T);
        const a = direct(gate, i, l, c, X, z);
        const b = direct(gate, i, l, 1, X, z);
        expect(Math.abs(got - (a.ll - b.ll + oldTerm(i, l, c)))).toBeLessThan(1e-10 * (1 + a.size + b.size));
        if (rng.uniform() < 0.6) gate.rescale(i, l, l + 1, c);
      }
    }
  });

  it("the rebuild that reads them matches one that recomputes the logits", () => {
    const a = setUp("cache-rebuild");
    const b = setUp("cache-rebuild");
    for (let m = 0; m < 6; m++) {
      const c = Math.exp(0.5 * a.rng.normal());
      a.gate.scaleLogLikChange(0, 0, S, c, a.X, a.z, 0, T);
      a.gate.rescale(0, 0, S, c);
      for (let p = 0; p < S * d; p++) b.gate.phi[p] *= c;
      b.rng.normal();
    }
    expect(a.gate.phi).toEqual(b.gate.phi);
    expect(a.gate.rebuild(a.rng, 0, a.X, a.z, 0, T, a.prior)).toBe(true);
    expect(b.gate.rebuild(b.rng, 0, b.X, b.z, 0, T, b.prior)).toBe(true);
    for (const f of ["G", "r", "L"] as const) {
      const x = a.gate[f];
      const y = b.gate[f];
      for (let p = 0; p < x.length; p++) expect(Math.abs(x[p] - y[p])).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(y[p])));
    }
  });
});
