/**
 * Checks of the shared statistical test helpers (test/helpers/stats.ts), so that the sampler
 * tests built on them can be trusted: closed-form CDFs, classical critical values, and power.
 */
import { describe, expect, it } from "vitest";
import {
  betaCdf,
  chiSquareTest,
  gammaCdf,
  kolmogorovPValue,
  ks2Test,
  ksTest,
  regularizedGammaP,
  regularizedGammaQ,
  sampleMoments,
  studentTCdf,
  zPValue,
} from "../../helpers/stats.js";

describe("reference CDFs", () => {
  it("incomplete gamma: exponential, chi-square critical values, P + Q = 1", () => {
    for (const x of [0.01, 0.5, 2, 9]) expect(gammaCdf(x, 1, 1)).toBeCloseTo(-Math.expm1(-x), 14);
    expect(regularizedGammaQ(0.5, 3.841458820694124 / 2)).toBeCloseTo(0.05, 12);
    expect(regularizedGammaQ(5, 23.209251158954356 / 2)).toBeCloseTo(0.01, 12);
    for (const [a, x] of [
      [0.1, 0.05],
      [3, 1],
      [3, 8],
      [40, 35],
    ]) {
      expect(regularizedGammaP(a, x) + regularizedGammaQ(a, x)).toBeCloseTo(1, 14);
    }
  });

  it("incomplete beta: uniform, arcsine, symmetry; Student-t with one dof is Cauchy", () => {
    for (const x of [0.01, 0.3, 0.5, 0.93]) {
      expect(betaCdf(x, 1, 1)).toBeCloseTo(x, 14);
      expect(betaCdf(x, 0.5, 0.5)).toBeCloseTo((2 / Math.PI) * Math.asin(Math.sqrt(x)), 13);
      expect(betaCdf(x, 2.5, 4) + betaCdf(1 - x, 4, 2.5)).toBeCloseTo(1, 13);
      expect(studentTCdf(x * 10 - 3, 0, 1, 1)).toBeCloseTo(0.5 + Math.atan(x * 10 - 3) / Math.PI, 13);
    }
    expect(betaCdf(0, 2, 3)).toBe(0);
    expect(betaCdf(1, 2, 3)).toBe(1);
  });
});

describe("test statistics", () => {
  it("Kolmogorov p-value at the classical 5% and 1% points, and two-sided normal p-values", () => {
    expect(kolmogorovPValue(1.3581 / Math.sqrt(1e8), 1e8)).toBeCloseTo(0.05, 3);
    expect(kolmogorovPValue(1.6276 / Math.sqrt(1e8), 1e8)).toBeCloseTo(0.01, 3);
    expect(kolmogorovPValue(0, 100)).toBe(1);
    expect(zPValue(1.959963984540054)).toBeCloseTo(0.05, 12);
  });

  it("KS accepts an exact quantile sample and rejects a shifted CDF", () => {
    const n = 2000;
    const x = Float64Array.from({ length: n }, (_, i) => (i + 0.5) / n);
    expect(ksTest(x, (v) => v).pValue).toBeGreaterThan(0.99);
    expect(ksTest(x, (v) => Math.min(1, v * 1.1)).pValue).toBeLessThan(1e-6);
    expect(ks2Test(x, x).pValue).toBeGreaterThan(0.99);
    expect(ks2Test(x, x.map((v) => v + 0.1)).pValue).toBeLessThan(1e-6);
  });

  it("chi-square accepts expected counts and rejects wrong ones", () => {
    expect(chiSquareTest([100, 200, 300], [1, 2, 3]).pValue).toBeCloseTo(1, 12);
    expect(chiSquareTest([150, 200, 250], [1, 2, 3]).pValue).toBeLessThan(1e-4);
  });

  it("sample moments", () => {
    const m = sampleMoments([1, 2, 3, 4]);
    expect(m.mean).toBe(2.5);
    expect(m.variance).toBeCloseTo(5 / 3, 15);
    expect(m.m4).toBeCloseTo((2 * 1.5 ** 4 + 2 * 0.5 ** 4) / 4, 15);
  });
});
