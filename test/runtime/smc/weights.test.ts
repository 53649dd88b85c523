/**
 * Log-sum-exp normalisation and ESS. Deterministic checks use 1e−12 relative tolerance; the
 * property test runs fast-check with a fixed seed.
 */
import { logSumExp } from "../../../runtime/math/special.js";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  DegenerateWeightsError,
  ess,
  essFromLogWeights,
  logMeanExp,
  normaliseLogWeights,
} from "../../../runtime/smc/index.js";

const f64 = (xs: number[]) => Float64Array.from(xs);

function normalised(lw: number[]): { W: number[]; lse: number } {
  const W = new Float64Array(lw.length);
  const lse = normaliseLogWeights(f64(lw), lw.length, W);
  return { W: Array.from(W), lse };
}

describe("logSumExp and normalisation", () => {
  it("matches the naive formula at moderate scales", () => {
    const lw = [-1.5, 0.25, 3, -7, 2.2];
    const naive = Math.log(lw.reduce((s, v) => s + Math.exp(v), 0));
    expect(Math.abs(logSumExp(f64(lw), 0, 5) - naive)).toBeLessThan(1e-12 * Math.abs(naive));
    expect(logMeanExp(f64(lw), 5)).toBeCloseTo(naive - Math.log(5), 12);
  });

  it("uses only the first n entries", () => {
    expect(logSumExp(f64([0, 0, 1000]), 0, 2)).toBeCloseTo(Math.log(2), 14);
  });

  it.each([
    ["equal at +1e300", [1e300, 1e300], [0.5, 0.5], 1e300],
    ["equal at −1e300", [-1e300, -1e300], [0.5, 0.5], -1e300],
    ["+1e300 against 0", [1e300, 0], [1, 0], 1e300],
    ["−1e300 against 0", [-1e300, 0], [0, 1], 0],
    ["extremes of the double range", [1.7e308, -1.7e308], [1, 0], 1.7e308],
    ["a shift of 1000", [1000, 1000 + Math.log(3)], [0.25, 0.75], 1000 + Math.log(4)],
    ["−∞ entries", [-Infinity, 5, -Infinity], [0, 1, 0], 5],
  ])("is stable for %s", (_name, lw, W, lse) => {
    const got = normalised(lw);
    for (let i = 0; i < W.length; i++) expect(Math.abs(got.W[i] - W[i])).toBeLessThan(1e-12);
    expect(Math.abs(got.lse - lse)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(lse)));
  });

  it("normalises in place", () => {
    const lw = f64([0, Math.log(3)]);
    normaliseLogWeights(lw, 2, lw);
    expect(Array.from(lw).map((v) => +v.toFixed(14))).toEqual([0.25, 0.75]);
  });

  it.each([
    ["all −∞", [-Infinity, -Infinity], "all_neg_infinity", -Infinity],
    ["empty", [], "all_neg_infinity", -Infinity],
    ["a NaN", [0, NaN, 1], "nan", NaN],
    ["a leading NaN", [NaN, 0], "nan", NaN],
    ["a +∞", [0, Infinity], "pos_infinity", Infinity],
  ])("reports %s with a typed error, never NaN weights", (_name, lw, reason, lse) => {
    expect(logSumExp(f64(lw), 0, lw.length)).toBe(lse);
    const W = new Float64Array(lw.length).fill(0.5);
    const attempt = () => normaliseLogWeights(f64(lw), lw.length, W);
    expect(attempt).toThrow(DegenerateWeightsError);
    try {
      attempt();
    } catch (e) {
      expect((e as DegenerateWeightsError).reason).toBe(reason);
    }
    expect(W.every((v) => v === 0.5)).toBe(true); // left untouched
    expect(() => essFromLogWeights(f64(lw), lw.length)).toThrow(DegenerateWeightsError);
    expect(() => ess(f64(lw.map(Math.exp)), lw.length)).toThrow(DegenerateWeightsError);
  });
});

describe("ESS", () => {
  it.each([1, 2, 10, 1000])("is n for equal weights (n = %i)", (n) => {
    const lw = new Float64Array(n).fill(-3.7);
    const W = new Float64Array(n);
    normaliseLogWeights(lw, n, W);
    expect(Math.abs(ess(W, n) - n)).toBeLessThan(1e-12 * n);
    expect(Math.abs(essFromLogWeights(lw, n) - n)).toBeLessThan(1e-12 * n);
  });

  it("is 1 for a single non-zero weight", () => {
    expect(ess(f64([0, 0, 0.3, 0]), 4)).toBe(1);
    expect(essFromLogWeights(f64([-Infinity, 2, -Infinity]), 3)).toBe(1);
  });

  it("is scale-invariant and matches (ΣW)²/ΣW² for unnormalised weights", () => {
    const w = [0.1, 2, 0.7, 0, 3.3];
    const ref = w.reduce((a, b) => a + b) ** 2 / w.reduce((a, b) => a + b * b, 0);
    expect(ess(f64(w), 5)).toBeCloseTo(ref, 12);
    expect(ess(f64(w.map((v) => v * 1e-200)), 5)).toBeCloseTo(ref, 12);
    // log-weights near 1e5 carry ~1e−11 absolute rounding, hence the looser 1e−9 here.
    expect(essFromLogWeights(f64(w.map((v) => Math.log(v) + 1e5)), 5)).toBeCloseTo(ref, 9);
  });

  it("property: weights sum to 1, are finite, and 1 ≤ ESS ≤ n for any finite log-weights", () => {
    const logWeight = fc.oneof(
      fc.double({ min: -1e300, max: 1e300, noNaN: true }),
      fc.double({ min: -50, max: 50, noNaN: true }),
      fc.constant(-Infinity),
    );
    fc.assert(
      fc.property(fc.array(logWeight, { minLength: 1, maxLength: 50 }), (xs) => {
        fc.pre(xs.some((v) => v > -Infinity));
        const n = xs.length;
        const W = new Float64Array(n);
        normaliseLogWeights(f64(xs), n, W);
        const sum = W.reduce((a, b) => a + b, 0);
        const e = essFromLogWeights(f64(xs), n);
        return (
          W.every((v) => v >= 0 && v <= 1) &&
          Math.abs(sum - 1) < 1e-13 &&
          e >= 1 - 1e-12 &&
          e <= n * (1 + 1e-12) &&
          Math.abs(ess(W, n) - e) < 1e-10 * n
        );
      }),
      { seed: 20260114, numRuns: 2000 },
    );
  });
});
