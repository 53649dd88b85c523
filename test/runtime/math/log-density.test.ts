/**
 * Log densities: reference values (50-digit mpmath of the spec §0/§7 formulas), normalisation by
 * quadrature, and the NIG predictive (E10, spec oracle 3). Deterministic tolerances.
 */
import { describe, expect, it } from "vitest";
import {
  gammaLogPdf,
  halfCauchyLogPdf,
  inverseGammaLogPdf,
  nigPredictiveLogPdf,
  normalLogPdfSd,
  normalLogPdfVar,
  studentTLogPdf,
} from "../../../runtime/math/log-density.js";
import { lgamma } from "../../../runtime/math/special.js";

function relErr(got: number, want: number): number {
  return Math.abs(got / want - 1);
}

/** Composite Simpson rule for ∫_a^b f with m (even) intervals. */
function simpson(f: (x: number) => number, a: number, b: number, m: number): number {
  const h = (b - a) / m;
  let s = f(a) + f(b);
  for (let i = 1; i < m; i++) s += (i % 2 === 1 ? 4 : 2) * f(a + i * h);
  return (s * h) / 3;
}

/**
 * ∫ g(y) p(y) dy over the real line for a log density, via y = loc + scale·tan θ; the end points
 * are taken 1e−12 inside ±π/2, where the Cauchy integrand has a non-zero limit.
 */
function integrateReal(logPdf: (y: number) => number, loc: number, scale: number, g: (y: number) => number = () => 1) {
  const h = Math.PI / 2 - 1e-12;
  return simpson(
    (t) => {
      const y = loc + scale * Math.tan(t);
      return g(y) * Math.exp(logPdf(y)) * (scale / Math.cos(t) ** 2);
    },
    -h,
    h,
    40_000,
  );
}

/** ∫_0^∞ p(x) dx for a log density on x > 0, via x = e^u over u ∈ [lo, hi]. */
function integratePositive(logPdf: (x: number) => number, lo: number, hi: number): number {
  return simpson((u) => Math.exp(logPdf(Math.exp(u)) + u), lo, hi, 200_000);
}

describe("reference values", () => {
  it("normal by sd and by variance", () => {
    expect(relErr(normalLogPdfSd(1.2, -0.3, 0.7), -2.8581819566128791384)).toBeLessThan(1e-15);
    expect(relErr(normalLogPdfVar(1.2, -0.3, 0.49), -2.8581819566128791384)).toBeLessThan(1e-15);
  });

  it.each([
    [1.3, 0.2, 2.5, 3.7, -1.7327862422835578645],
    [-10, 1, 0.5, 1, -6.2912177389099759764],
    [0.5, 0, 1, 1e8, -1.0439385367984227405],
    [2, -1, 3, 2e5, -2.9682421775949768792],
  ])("Student-t at y = %s, loc %s, scaleSq %s, dof %s", (y, loc, s2, dof, want) => {
    expect(relErr(studentTLogPdf(y, loc, s2, dof), want)).toBeLessThan(1e-14);
  });

  it("gamma, inverse-gamma, half-Cauchy", () => {
    expect(relErr(gammaLogPdf(2.2, 3.5, 1.7), -1.1126313227188024144)).toBeLessThan(1e-14);
    expect(relErr(gammaLogPdf(1e-3, 0.1, 2), 4.0315818174057119179)).toBeLessThan(1e-14);
    expect(relErr(inverseGammaLogPdf(0.7, 2.5, 1.3), -0.23755276266148534621)).toBeLessThan(1e-14);
    expect(relErr(inverseGammaLogPdf(1e-2, 0.5, 1e-3), 2.781512696566368439)).toBeLessThan(1e-14);
    expect(relErr(halfCauchyLogPdf(3, 2), -2.3233848821910462914)).toBeLessThan(1e-14);
    expect(relErr(halfCauchyLogPdf(1e200, 1), -921.48561990290772847)).toBeLessThan(1e-14);
    expect(relErr(halfCauchyLogPdf(0, 0.5), 0.24156447527049044469)).toBeLessThan(1e-14);
  });

  it("is −Infinity outside the support and handles x = 0 for gamma", () => {
    expect(gammaLogPdf(-1, 2, 1)).toBe(-Infinity);
    expect(gammaLogPdf(0, 0.5, 1)).toBe(Infinity);
    expect(gammaLogPdf(0, 1, 3)).toBe(Math.log(3));
    expect(gammaLogPdf(0, 2, 1)).toBe(-Infinity);
    expect(inverseGammaLogPdf(0, 2, 1)).toBe(-Infinity);
    expect(halfCauchyLogPdf(-0.1, 1)).toBe(-Infinity);
  });
});

describe("normalisation by quadrature", () => {
  it.each([1, 3, 30, 1e6])("Student-t with dof %s integrates to 1", (dof) => {
    expect(integrateReal((y) => studentTLogPdf(y, 0.4, 2.3, dof), 0.4, Math.sqrt(2.3))).toBeCloseTo(1, 9);
  });

  it.each([0.1, 1, 7.5])("gamma with shape %s integrates to 1", (shape) => {
    expect(integratePositive((x) => gammaLogPdf(x, shape, 2.5), -700, 5)).toBeCloseTo(1, 9);
  });

  it.each([0.5, 3])("inverse-gamma with shape %s integrates to 1", (shape) => {
    expect(integratePositive((x) => inverseGammaLogPdf(x, shape, 1.5), -10, 2500)).toBeCloseTo(1, 9);
  });

  it("half-Cauchy integrates to 1", () => {
    expect(integratePositive((x) => halfCauchyLogPdf(x, 0.7), -60, 60)).toBeCloseTo(1, 9);
  });
});

describe("NIG one-step predictive (E10, oracle 3)", () => {
  /** Spec §7 Student-t with the plain lgamma difference. */
  function specStudentT(y: number, mu: number, s2: number, nu: number): number {
    const r = y - mu;
    return (
      lgamma((nu + 1) / 2) - lgamma(nu / 2) - 0.5 * Math.log(nu * Math.PI * s2) - ((nu + 1) / 2) * Math.log1p((r * r) / (nu * s2))
    );
  }

  it("equals St(y; xᵀm, (b/a)(1 + xᵀVx), 2a)", () => {
    for (const [y, xm, xVx, a, b] of [
      [0.3, -0.2, 0.5, 1.5, 2],
      [4, 1, 0.01, 3, 0.7],
      [-2, 0, 2.5, 0.6, 1.1],
      [10, 9.5, 0.2, 40, 33],
    ]) {
      const want = specStudentT(y, xm, (b / a) * (1 + xVx), 2 * a);
      expect(Math.abs(nigPredictiveLogPdf(y, xm, xVx, a, b) - want)).toBeLessThan(1e-13 * Math.max(1, Math.abs(want)));
    }
  });

  it("integrates to 1 with mean xᵀm and variance (b/a)(1 + xᵀVx)·a/(a − 1)", () => {
    const [xm, xVx, a, b] = [0.8, 0.3, 3, 2];
    const s2 = (b / a) * (1 + xVx);
    const logPdf = (y: number) => nigPredictiveLogPdf(y, xm, xVx, a, b);
    expect(integrateReal(logPdf, xm, Math.sqrt(s2))).toBeCloseTo(1, 9);
    expect(integrateReal(logPdf, xm, Math.sqrt(s2), (y) => y)).toBeCloseTo(xm, 9);
    expect(integrateReal(logPdf, xm, Math.sqrt(s2), (y) => (y - xm) ** 2)).toBeCloseTo((s2 * a) / (a - 1), 6);
  });

  it("tends to the normal N(xᵀm, b/a·(1 + xᵀVx)) as a grows (stable lgamma ratio)", () => {
    const [xm, xVx, a, b] = [1, 0.5, 1e8, 2e8];
    for (const y of [-1, 1, 2.5]) {
      expect(Math.abs(nigPredictiveLogPdf(y, xm, xVx, a, b) - normalLogPdfVar(y, xm, (b / a) * (1 + xVx)))).toBeLessThan(1e-7);
    }
  });
});
