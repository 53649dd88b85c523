/**
 * Logit offsets in the stick-breaking gate (`logistic(phi * x + o)`): η = xᵀφ + o. Checked
 * against direct formulas, not the code's own:
 * - the gate probabilities are the stick-breaking of logistic(xᵀφ_l + o);
 * - after streaming rows with offsets, N(Q⁻¹r, Q⁻¹) is prior × Π exp(κη − ωη²/2) up to a
 *   constant in φ (the Pólya-Gamma-augmented likelihood with the offset inside η), with ω read
 *   back from each row's change in G;
 * - the same after the sweep's rebuild from rows and offsets;
 * - the scale moves' cached log likelihood change equals the direct Bernoulli-logit sum.
 */
import { describe, expect, it } from "vitest";
import { Rng } from "../../../runtime/rng/index.js";
import { FixedNormalPrior } from "../../../runtime/rules/fixed-normal.js";
import { StickGateState } from "../../../runtime/rules/stick-gate.js";
import { checkConditional, logNormal, logNormalPrecisionFactor, solveWithFactor } from "../../helpers/conjugacy.js";

const softplus = (u: number) => Math.max(u, 0) + Math.log1p(Math.exp(-Math.abs(u)));

describe("gate logit offsets", () => {
  const d = 2;
  const K = 3;
  const S = K - 1;
  const s = 1.5; // prior sd of every φ
  const rng = Rng.fromSeed(21);
  const rows = Array.from({ length: 25 }, () => ({ x: [1, rng.normal()], o: 2 * rng.normal(), z: Math.floor(3 * rng.uniform()) }));

  it("gate probabilities are the stick-breaking of logistic(xᵀφ + o)", () => {
    const gate = new StickGateState(1, K, d);
    const prior = new FixedNormalPrior(1, S, d, s);
    gate.init(Rng.fromSeed(1), 0, prior);
    const out = new Float64Array(K);
    for (const r of rows.slice(0, 5)) {
      gate.logGate(0, Float64Array.from(r.x), 0, out, 0, r.o);
      let rest = 1;
      for (let l = 0; l < S; l++) {
        const v = 1 / (1 + Math.exp(-(r.x[0] * gate.phi[l * d] + r.x[1] * gate.phi[l * d + 1] + r.o)));
        expect(Math.abs(Math.exp(out[l]) - v * rest)).toBeLessThan(1e-14);
        rest *= 1 - v;
      }
      expect(Math.abs(Math.exp(out[S]) - rest)).toBeLessThan(1e-14);
    }
  });

  /** log prior × augmented likelihood of stick l at φ, given each row's ω. */
  const target = (l: number, omega: number[][]) => (phi: number[]) => {
    let v = 0;
    for (const p of phi) v += logNormal(p, 0, s * s);
    rows.forEach((r, t) => {
      if (r.z < l) return;
      const eta = r.x[0] * phi[0] + r.x[1] * phi[1] + r.o;
      const kappa = r.z === l ? 0.5 : -0.5;
      v += kappa * eta - 0.5 * omega[t][l] * eta * eta;
    });
    return v;
  };
  const conditional = (gate: StickGateState, l: number) => (phi: number[]) => {
    const mean = solveWithFactor(gate.L, l * d * d, d, gate.r.subarray(l * d, (l + 1) * d));
    return logNormalPrecisionFactor(phi, mean, gate.L, l * d * d, d);
  };
  const points = Array.from({ length: 9 }, () => [3 * rng.normal(), 3 * rng.normal()]);

  it("streaming: N(Q⁻¹r, Q⁻¹) is prior × Π exp(κη − ωη²/2) with η = xᵀφ + o", () => {
    const gate = new StickGateState(1, K, d);
    const prior = new FixedNormalPrior(1, S, d, s);
    const draw = Rng.fromSeed(3);
    gate.init(draw, 0, prior);
    const omega = rows.map(() => [0, 0]);
    rows.forEach((r, t) => {
      const before = Float64Array.from(gate.G);
      expect(gate.update(draw, 0, r.z, Float64Array.from(r.x), 0, r.o)).toBe(true);
      // x[0] = 1, so ω is the change of G's first entry of each visited stick.
      for (let l = 0; l < S; l++) omega[t][l] = gate.G[l * d * d] - before[l * d * d];
    });
    for (let l = 0; l < S; l++) checkConditional(target(l, omega), conditional(gate, l), points);
  });

  it("rebuild from rows and offsets: the same identity, with ω solved from G (two rows)", () => {
    // Two rows reaching both sticks: G₀₀ = ω₁ + ω₂ and G₁₀ = ω₁u₁ + ω₂u₂ give each row's ω.
    const two = [
      { x: [1, -0.7], o: 1.3, z: 1 },
      { x: [1, 1.1], o: -0.4, z: 2 },
    ];
    const gate = new StickGateState(1, K, d);
    const prior = new FixedNormalPrior(1, S, d, s);
    const draw = Rng.fromSeed(4);
    gate.init(draw, 0, prior);
    gate.offsets = Float64Array.from(two.map((r) => r.o));
    expect(gate.rebuild(draw, 0, Float64Array.from(two.flatMap((r) => r.x)), Int32Array.from(two.map((r) => r.z)), 0, 2, prior)).toBe(true);
    for (let l = 0; l < S; l++) {
      const g00 = gate.G[l * d * d];
      const g10 = gate.G[l * d * d + d];
      const [u1, u2] = [two[0].x[1], two[1].x[1]];
      const w2 = (g10 - g00 * u1) / (u2 - u1);
      const w1 = g00 - w2;
      expect(w1).toBeGreaterThan(0);
      expect(w2).toBeGreaterThan(0);
      const logTarget = (phi: number[]) => {
        let v = logNormal(phi[0], 0, s * s) + logNormal(phi[1], 0, s * s);
        two.forEach((r, t) => {
          const eta = r.x[0] * phi[0] + r.x[1] * phi[1] + r.o;
          v += (r.z === l ? 0.5 : -0.5) * eta - 0.5 * [w1, w2][t] * eta * eta;
        });
        return v;
      };
      checkConditional(logTarget, conditional(gate, l), points, 1e-9);
    }
  });

  it("the scale moves' cached likelihood change equals the direct Bernoulli-logit sum", () => {
    const gate = new StickGateState(1, K, d);
    const prior = new FixedNormalPrior(1, S, d, s);
    gate.init(Rng.fromSeed(5), 0, prior);
    const X = Float64Array.from(rows.flatMap((r) => r.x));
    const z = Int32Array.from(rows.map((r) => r.z));
    const O = Float64Array.from(rows.map((r) => r.o));
    gate.offsets = O;
    const direct = (l: number, c: number) =>
      rows.reduce((acc, r) => {
        if (r.z < l) return acc;
        const eta = c * (r.x[0] * gate.phi[l * d] + r.x[1] * gate.phi[l * d + 1]) + r.o;
        return acc - softplus(r.z === l ? -eta : eta);
      }, 0);
    for (const c of [0.5, 1.7, 3]) {
      for (let l = 0; l < S; l++) {
        const change = gate.scaleLogLikChange(0, l, l + 1, c, X, z, 0, rows.length);
        expect(Math.abs(change - (direct(l, c) - direct(l, 1)))).toBeLessThan(1e-10);
      }
    }
    // Without the offsets the same call gives a different answer: the test sees them.
    gate.offsets = null;
    const without = gate.scaleLogLikChange(0, 0, 1, 1.7, X, z, 0, rows.length);
    gate.offsets = O;
    expect(Math.abs(without - (direct(0, 1.7) - direct(0, 1)))).toBeGreaterThan(1e-6);
  });
});
