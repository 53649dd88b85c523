/**
 * Softmax gate (spec §1.3 E4, §2.9): gate probabilities against the direct softmax; the
 * one-vs-rest Gibbs sweep against grid-quadrature posteriors of two coordinates (K = 3 with the
 * last logit pinned and row offsets; K = 2 with both categories free; row weights, the tempered
 * posterior of forgetting), |z| < 4 over independent chains; the scale moves' likelihood change
 * against the direct sum (offsets, weights, folded rows); K = 2 pinned equal to the one stick
 * draw for draw; gather and snapshots.
 */
import { describe, expect, it } from "vitest";
import { Rng } from "../../../runtime/rng/index.js";
import { FixedNormalPrior } from "../../../runtime/rules/fixed-normal.js";
import { SoftmaxGateState } from "../../../runtime/rules/softmax-gate.js";
import { StickGateState } from "../../../runtime/rules/stick-gate.js";
import { Z_TOL } from "../../helpers/stats.js";
import { chainZScores } from "./reference.js";

/** The K logits of row s at coefficients φ (S rows of d), with the row's offset; the pinned one 0. */
function logitsAt(phi: ArrayLike<number>, S: number, K: number, d: number, X: Float64Array, s: number, o: number): number[] {
  const eta: number[] = [];
  for (let l = 0; l < S; l++) {
    let v = o;
    for (let j = 0; j < d; j++) v += X[s * d + j] * phi[l * d + j];
    eta.push(v);
  }
  if (S < K) eta.push(0);
  return eta;
}

/** log softmax(η)_k, directly. */
function logSoftmax(eta: number[], k: number): number {
  const m = Math.max(...eta);
  return eta[k] - m - Math.log(eta.reduce((a, v) => a + Math.exp(v - m), 0));
}

/** Σ_s w_s log softmax_{z_s}: the gate's log likelihood of the rows. */
function directLogLik(phi: ArrayLike<number>, S: number, K: number, d: number, X: Float64Array, z: Int32Array, O: Float64Array | null, W: Float64Array | null): number {
  let sum = 0;
  for (let s = 0; s < z.length; s++) sum += (W ? W[s] : 1) * logSoftmax(logitsAt(phi, S, K, d, X, s, O ? O[s] : 0), z[s]);
  return sum;
}

/** Rows x_s = 1.5·N(0, 1) (d = 1) and categories drawn from the softmax at `truth`. */
function softmaxData(rng: Rng, n: number, truth: number[], K: number, O: Float64Array | null): { X: Float64Array; z: Int32Array } {
  const X = new Float64Array(n);
  const z = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    X[s] = 1.5 * rng.normal();
    const p = logitsAt(truth, truth.length, K, 1, X, s, O ? O[s] : 0).map((_, k, eta) => Math.exp(logSoftmax(eta, k)));
    let u = rng.uniform();
    let k = 0;
    while (k < K - 1 && (u -= p[k]) > 0) k++;
    z[s] = k;
  }
  return { X, z };
}

/** Posterior mean and variance of (φ_1, φ_2) (d = 1) under N(0, s²) priors, by a G² midpoint grid over [lo, hi]². */
function gridMoments2(logLik: (phi: number[]) => number, s: number, lo: number, hi: number, G: number): { mean: number[]; variance: number[] } {
  const h = (hi - lo) / (G - 1);
  const lp = new Float64Array(G * G);
  let max = -Infinity;
  for (let a = 0; a < G; a++) {
    for (let b = 0; b < G; b++) {
      const p = [lo + a * h, lo + b * h];
      lp[a * G + b] = logLik(p) - (p[0] * p[0] + p[1] * p[1]) / (2 * s * s);
      max = Math.max(max, lp[a * G + b]);
    }
  }
  let Z = 0;
  const m = [0, 0];
  const m2 = [0, 0];
  for (let a = 0; a < G; a++) {
    for (let b = 0; b < G; b++) {
      const w = Math.exp(lp[a * G + b] - max);
      const p = [lo + a * h, lo + b * h];
      Z += w;
      for (let j = 0; j < 2; j++) {
        m[j] += w * p[j];
        m2[j] += w * p[j] * p[j];
      }
    }
  }
  const mean = m.map((v) => v / Z);
  return { mean, variance: m2.map((v, j) => v / Z - mean[j] ** 2) };
}

describe("gate probabilities", () => {
  it.each([true, false])("equal the direct softmax (pinned %s) for random φ, x and offsets; finite at |η| = 1e4", (pinned) => {
    const K = 4;
    const d = 3;
    const gate = new SoftmaxGateState(2, K, d, pinned);
    const rng = Rng.fromSeed("softmax-gate-sum");
    const lg = new Float64Array(K);
    const x = new Float64Array(d);
    for (let rep = 0; rep < 200; rep++) {
      for (let p = 0; p < gate.phi.length; p++) gate.phi[p] = 3 * rng.normal();
      for (let j = 0; j < d; j++) x[j] = rng.normal();
      const o = rng.normal();
      gate.logGate(1, x, 0, lg, 0, o);
      const eta = logitsAt(gate.phi.subarray(gate.S * d), gate.S, K, d, x, 0, o);
      for (let k = 0; k < K; k++) expect(Math.abs(lg[k] - logSoftmax(eta, k))).toBeLessThan(1e-12);
      expect(lg.reduce((s, v) => s + Math.exp(v), 0)).toBeCloseTo(1, 12);
    }
    gate.phi.fill(0);
    gate.phi.set(pinned ? [1e4, 0, 0, -1e4, 0, 0, 1e4, 0, 0] : [1e4, 0, 0, -1e4, 0, 0, 1e4, 0, 0, -1e4, 0, 0]);
    gate.logGate(0, Float64Array.of(1, 0, 0), 0, lg, 0);
    expect(lg.every((v) => !Number.isNaN(v) && v <= 0)).toBe(true);
    expect(Math.max(...lg)).toBeCloseTo(-Math.LN2, 12);
  });
});

describe.each([
  { what: "K = 3, the last logit pinned, with row offsets", K: 3, pinned: true, truth: [1.5, -1], offsets: true, weights: false, burn: 20, keep: 80 },
  // The sum φ_1 + φ_2 moves slowly under one-at-a-time draws, and its spread after the first
  // draw from the prior is twice the posterior's: a long burn-in.
  { what: "K = 2, both categories free (the prior identifies their sum)", K: 2, pinned: false, truth: [1, -0.5], offsets: false, weights: false, burn: 200, keep: 200 },
  // A chain that starts in the prior's tail, where logits are large, rejects nearly every
  // proposal (one step from the exact posterior keeps its moments: measured); the chains start
  // from 30 unweighted draws instead.
  { what: "K = 3 pinned under row weights (the tempered posterior of forgetting)", K: 3, pinned: true, truth: [1.5, -1], offsets: false, weights: true, burn: 40, keep: 100 },
])("one-vs-rest Gibbs vs grid quadrature: $what", ({ K, pinned, truth, offsets, weights, burn, keep }) => {
  it("posterior mean and variance of both coordinates within 4 MC s.e.", () => {
    const rng = Rng.fromSeed(`softmax-gibbs-${K}-${pinned}-${weights}`);
    const s = 2;
    const n = 60;
    const O = offsets ? Float64Array.from({ length: n }, () => 0.8 * rng.normal()) : null;
    const W = weights ? Float64Array.from({ length: n }, (_, t) => 0.97 ** (n - t)) : null;
    const { X, z } = softmaxData(rng, n, truth, K, O);
    const S = pinned ? K - 1 : K;
    const ref = gridMoments2((phi) => directLogLik(phi, S, K, 1, X, z, O, W), s, -8, 8, 401);
    const CHAINS = pinned ? 100 : 80;
    const gate = new SoftmaxGateState(CHAINS, K, 1, pinned);
    const prior = new FixedNormalPrior(CHAINS, S, 1, s);
    gate.offsets = O;
    const zs = chainZScores(CHAINS, burn, keep, ref, {
      start: (i) => {
        gate.weights = null;
        gate.init(rng, i, prior);
        if (W) for (let it = 0; it < 30; it++) gate.redraw(rng, i, X, z, 0, n, prior);
        gate.weights = W;
      },
      step: (i) => expect(gate.redraw(rng, i, X, z, 0, n, prior)).toBe(true),
      value: (i, j) => gate.phi[i * S + j],
    });
    for (const v of zs) expect(Math.abs(v)).toBeLessThan(Z_TOL);
  });
});

describe("scale moves' likelihood", () => {
  it("the change equals the direct softmax sum plus the folded rows' Gaussian terms, and follows accepted rescalings", () => {
    const rng = Rng.fromSeed("softmax-scale");
    const K = 4;
    const d = 2;
    const n = 30;
    const gate = new SoftmaxGateState(1, K, d, true);
    const prior = new FixedNormalPrior(1, K - 1, d, 1.5);
    expect(gate.init(rng, 0, prior)).toBe(true);
    const X = Float64Array.from({ length: n * d }, (_, p) => (p % d === 0 ? 1 : rng.normal()));
    const z = Int32Array.from({ length: n }, () => Math.floor(rng.uniform() * K));
    const O = Float64Array.from({ length: n }, () => rng.normal());
    const W = Float64Array.from({ length: n }, (_, t) => 0.95 ** (n - t));
    // two rows folded out of the window first
    for (let s = 0; s < 2; s++) expect(gate.fold(rng, 0, z[s], X, s * d, O[s], 0.5)).toBe(true);
    gate.offsets = O;
    gate.weights = W;
    const folded = (phi: Float64Array) => {
      let total = 0;
      for (let l = 0; l < K - 1; l++) {
        for (let j = 0; j < d; j++) {
          total += phi[l * d + j] * gate.oldR[l * d + j];
          for (let k = 0; k < d; k++) {
            const g = j >= k ? gate.oldG[l * d * d + j * d + k] : gate.oldG[l * d * d + k * d + j];
            total -= 0.5 * phi[l * d + j] * g * phi[l * d + k];
          }
        }
      }
      return total;
    };
    const target = (phi: Float64Array) => directLogLik(phi, K - 1, K, d, X, z, O, W) + folded(phi);
    for (const [l0, l1, c] of [[0, 1, 1.7], [0, 1, 0.8], [1, 2, 1.1], [1, 3, 0.6], [0, 3, 1.2], [2, 3, 0.9], [2, 3, 1.05]] as const) {
      const scaled = Float64Array.from(gate.phi, (v, p) => (Math.floor(p / d) >= l0 && Math.floor(p / d) < l1 ? c * v : v));
      const change = gate.scaleLogLikChange(0, l0, l1, c, X, z, 0, n);
      expect(Math.abs(change - (target(scaled) - target(gate.phi)))).toBeLessThan(1e-9);
      gate.rescale(0, l0, l1, c);
      expect(Array.from(gate.phi)).toEqual(Array.from(scaled));
    }
    // a φ drawn by anything but a rescaling is noticed
    gate.drawPhi(rng, 0, 1);
    const scaled = Float64Array.from(gate.phi, (v, p) => (Math.floor(p / d) === 1 ? 1.3 * v : v));
    expect(Math.abs(gate.scaleLogLikChange(0, 1, 2, 1.3, X, z, 0, n) - (target(scaled) - target(gate.phi)))).toBeLessThan(1e-9);
  });
});

describe("K = 2 with the last logit pinned is the one stick", () => {
  it("streaming updates, refreshes and sweeps without scale moves draw the same numbers", () => {
    const N = 3;
    const d = 2;
    const stick = new StickGateState(N, 2, d);
    const soft = new SoftmaxGateState(N, 2, d, true);
    const prior = new FixedNormalPrior(N, 1, d, 2);
    const a = Rng.fromSeed("same");
    const b = Rng.fromSeed("same");
    const data = Rng.fromSeed("rows");
    const n = 40;
    const X = Float64Array.from({ length: n * d }, (_, p) => (p % d === 0 ? 1 : data.normal()));
    const z = Int32Array.from({ length: n }, () => (data.uniform() < 0.4 ? 0 : 1));
    const O = Float64Array.from({ length: n }, () => 0.3 * data.normal());
    for (let i = 0; i < N; i++) {
      expect(stick.init(a, i, prior)).toBe(true);
      expect(soft.init(b, i, prior)).toBe(true);
      for (let s = 0; s < n; s++) {
        expect(stick.update(a, i, z[s], X, s * d, O[s])).toBe(true);
        expect(soft.update(b, i, z[s], X, s * d, O[s])).toBe(true);
      }
    }
    for (const key of ["G", "r", "L", "phi"] as const) expect(Array.from(soft[key])).toEqual(Array.from(stick[key]));
    stick.offsets = soft.offsets = O;
    for (let i = 0; i < N; i++) {
      expect(stick.redraw(a, i, X, z, 0, n, prior)).toBe(true);
      expect(soft.redraw(b, i, X, z, 0, n, prior)).toBe(true);
    }
    for (const key of ["G", "r", "L", "phi"] as const) expect(Array.from(soft[key])).toEqual(Array.from(stick[key]));
  });
});

describe("gather and snapshots", () => {
  it("gather copies ancestors; toJSON/fromJSON continues bit for bit, folded rows and staleness included", () => {
    const rng = Rng.fromSeed("softmax-snap");
    const K = 3;
    const d = 2;
    const gate = new SoftmaxGateState(3, K, d, false);
    const prior = new FixedNormalPrior(3, K, d, 1);
    for (let i = 0; i < 3; i++) expect(gate.init(rng, i, prior)).toBe(true);
    const x = Float64Array.of(1, 0.4);
    expect(gate.update(rng, 1, 2, x, 0)).toBe(true);
    expect(gate.fold(rng, 1, 0, x, 0, 0, 0.9)).toBe(true);
    gate.discount(1, 0.9);
    gate.gather(Int32Array.of(1, 1, 2));
    for (const key of ["G", "r", "L", "phi", "oldG", "oldR"] as const) {
      const size = gate[key].length / 3;
      expect(Array.from(gate[key].subarray(0, size))).toEqual(Array.from(gate[key].subarray(size, 2 * size)));
    }
    const copy = SoftmaxGateState.fromJSON(JSON.parse(JSON.stringify(gate.toJSON())));
    expect(copy.stale).toBe(true);
    expect(copy.folded).toBe(true);
    expect(copy.pinned).toBe(false);
    const r1 = Rng.fromSeed("next");
    const r2 = Rng.fromSeed("next");
    for (const g of [gate, copy]) {
      const r = g === gate ? r1 : r2;
      for (let i = 0; i < 3; i++) {
        expect(g.update(r, i, i, x, 0, 0.2)).toBe(true);
        expect(g.refactor(i, 0, prior)).toBe(true);
        g.drawPhi(r, i, 0);
      }
    }
    expect(JSON.stringify(copy.toJSON())).toBe(JSON.stringify(gate.toJSON()));
    expect(() => SoftmaxGateState.fromJSON(new StickGateState(1, 2, 1).toJSON())).toThrow(/not a polya_gamma_softmax snapshot/);
  });
});
