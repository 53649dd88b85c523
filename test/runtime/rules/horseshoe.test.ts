/**
 * Horseshoe (spec §1.4, §2.3) and fixed-Normal gate priors. The local-scale Gibbs chain on the
 * normal-means problem reproduces E[κ | y] (oracle 13, |z| < 4 over independent chains); the
 * Geweke successive-conditional test (oracle 14: φ | scales from the prior, then E16) keeps
 * every scale at its prior marginal (KS p > 1e−4), per coefficient and grouped; the λ² → 0 and
 * huge-φ guards; gather and snapshots.
 */
import { describe, expect, it } from "vitest";
import { Rng } from "../../../runtime/rng/index.js";
import { FixedNormalPrior } from "../../../runtime/rules/fixed-normal.js";
import { HorseshoeState } from "../../../runtime/rules/horseshoe.js";
import { HORSESHOE_SCALE_MIN } from "../../../runtime/rules/scale-bounds.js";
import { ksTest, P_MIN, regularizedGammaQ, sampleMoments, Z_TOL } from "../../helpers/stats.js";

/** CDF of v² for v ~ C⁺(0, s). */
const halfCauchySqCdf = (s: number) => (v: number) => (v <= 0 ? 0 : (2 / Math.PI) * Math.atan(Math.sqrt(v) / s));
/** CDF of IG(½, 1/s²): P(ν ≤ v) = P(Gamma(½, 1) ≥ 1/(s²v)). */
const igHalfCdf = (s: number) => (v: number) => (v <= 0 ? 0 : regularizedGammaQ(0.5, 1 / (s * s * v)));

describe("horseshoe local-scale Gibbs on normal means (oracle 13)", () => {
  const EXPECTED: [number, number][] = [[0, 0.66667], [1, 0.62027], [2, 0.46874], [4, 0.13793], [8, 0.03178]];
  it.each(EXPECTED)("y = %d: E[κ | y] = %f within 4 MC s.e.", (y, expected) => {
    const N = 1500;
    const BURN = 100;
    const KEEP = 200;
    const hs = new HorseshoeState(N, 1, 1);
    const rng = Rng.fromSeed(`nm-${y}`);
    const theta = new Float64Array(N);
    const kappa = new Float64Array(1);
    const chainMean = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      hs.init(rng, i);
      hs.tau2[i] = 1;
      for (let it = 0; it < BURN + KEEP; it++) {
        // θ | λ, y ~ N(yλ²/(1 + λ²), λ²/(1 + λ²)) with τ = σ = 1.
        const v = hs.lambda2[i] / (1 + hs.lambda2[i]);
        theta[i] = v * y + Math.sqrt(v) * rng.normal();
        hs.gibbsLocal(rng, i, theta, i);
        hs.shrinkage(i, 0, kappa, 0);
        if (it >= BURN) chainMean[i] += kappa[0] / KEEP;
      }
    }
    const m = sampleMoments(chainMean);
    const se = Math.sqrt(m.variance / N);
    expect(Math.abs(m.mean - expected) / se).toBeLessThan(Z_TOL);
    expect(hs.tau2[0]).toBe(1);
  });
});

describe.each([
  { grouped: false, A: 1, B: 1 },
  { grouped: true, A: 0.5, B: 2 },
])("Geweke joint-distribution test (oracle 14), %o", (opts) => {
  it("prior → (φ | scales, then E16) × 8 leaves λ², ν, τ², ξ at their prior marginals", () => {
    const N = 20_000;
    const S = 2;
    const d = 3;
    const hs = new HorseshoeState(N, S, d, opts);
    const rng = Rng.fromSeed(`geweke-${opts.grouped}`);
    const phi = new Float64Array(N * S * d);
    const D = new Float64Array(d);
    for (let i = 0; i < N; i++) {
      hs.init(rng, i);
      for (let round = 0; round < 8; round++) {
        for (let l = 0; l < S; l++) {
          hs.precisionDiagonal(i, l, D, 0);
          for (let j = 0; j < d; j++) phi[(i * S + l) * d + j] = rng.normal() / Math.sqrt(D[j]);
        }
        hs.gibbs(rng, i, phi, i * S * d);
      }
    }
    const local = (a: Float64Array, g: number) => Float64Array.from({ length: N }, (_, i) => a[i * S * hs.G + g]);
    expect(ksTest(hs.tau2, halfCauchySqCdf(opts.A)).pValue).toBeGreaterThan(P_MIN);
    expect(ksTest(hs.xi, igHalfCdf(opts.A)).pValue).toBeGreaterThan(P_MIN);
    for (const g of [0, hs.G - 1]) {
      expect(ksTest(local(hs.lambda2, g), halfCauchySqCdf(opts.B)).pValue).toBeGreaterThan(P_MIN);
      expect(ksTest(local(hs.nu, g), igHalfCdf(opts.B)).pValue).toBeGreaterThan(P_MIN);
    }
  });
});

describe("horseshoe guards and bookkeeping", () => {
  it("φ = 0 for many sweeps drives λ² to its floor, not to 0; huge φ stays finite (spec §7)", () => {
    const hs = new HorseshoeState(2, 2, 2);
    const rng = Rng.fromSeed("guard");
    const D = new Float64Array(2);
    const phi = new Float64Array(8);
    phi.fill(1e200, 4);
    hs.init(rng, 0);
    hs.init(rng, 1);
    for (let it = 0; it < 2000; it++) {
      hs.gibbs(rng, 0, phi, 0);
      hs.gibbs(rng, 1, phi, 4);
    }
    for (const a of [hs.lambda2, hs.nu, hs.tau2, hs.xi]) expect(a.every((v) => v > 0 && v < Infinity)).toBe(true);
    expect(Math.min(...hs.lambda2.subarray(0, 4))).toBeGreaterThanOrEqual(HORSESHOE_SCALE_MIN);
    for (const i of [0, 1]) {
      for (const l of [0, 1]) {
        hs.precisionDiagonal(i, l, D, 0);
        expect(D.every((v) => v > 0 && v < Infinity)).toBe(true);
      }
    }
  });

  it("precision and shrinkage follow τ²λ²; gather and toJSON/fromJSON are exact", () => {
    const hs = new HorseshoeState(3, 2, 2, { grouped: true });
    const rng = Rng.fromSeed("hs-io");
    for (let i = 0; i < 3; i++) hs.init(rng, i);
    const D = new Float64Array(2);
    const k = new Float64Array(2);
    hs.precisionDiagonal(1, 1, D, 0);
    hs.shrinkage(1, 1, k, 0);
    const v = hs.tau2[1] * hs.lambda2[3];
    expect(D[0]).toBe(1 / v);
    expect(D[1]).toBe(1 / v);
    expect(k[0]).toBe(1 / (1 + v));
    hs.gather(Int32Array.of(1, 1, 2));
    expect(hs.tau2[0]).toBe(hs.tau2[1]);
    expect(hs.lambda2[1]).toBe(hs.lambda2[3]);
    const copy = HorseshoeState.fromJSON(JSON.parse(JSON.stringify(hs)));
    const phi = Float64Array.of(0.1, -2, 3, 0.5);
    const r1 = Rng.fromSeed("same");
    const r2 = Rng.fromSeed("same");
    hs.gibbs(r1, 2, phi, 0);
    copy.gibbs(r2, 2, phi, 0);
    for (const f of ["lambda2", "nu", "tau2", "xi"] as const) expect(copy[f]).toEqual(hs[f]);
    expect(copy.grouped).toBe(true);
  });

  it("normal_fixed_scale: D = 1/s², κ = 1/(1 + s²), snapshot round trip", () => {
    const p = new FixedNormalPrior(4, 3, 2, 2);
    const D = new Float64Array(2);
    p.precisionDiagonal(3, 2, D, 0);
    expect(Array.from(D)).toEqual([0.25, 0.25]);
    p.shrinkage(0, 0, D, 0);
    expect(D[1]).toBe(0.2);
    expect(FixedNormalPrior.fromJSON(JSON.parse(JSON.stringify(p))).s).toBe(2);
    expect(() => new FixedNormalPrior(1, 1, 1, 0)).toThrow();
  });
});
