/** Runtime CDFs against numerical integration of the densities (two routes to one number). */
import { describe, expect, it } from "vitest";
import { betaCdf, studentTCdf } from "../../../runtime/math/cdf.js";
import { studentTLogPdf } from "../../../runtime/math/log-density.js";
import { lgamma } from "../../../runtime/math/special.js";

function simpson(f: (v: number) => number, a: number, b: number, n = 20000): number {
  const h = (b - a) / n;
  let s = f(a) + f(b);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(a + i * h);
  return (s * h) / 3;
}

describe("studentTCdf", () => {
  it.each([
    [0.5, 1, 2, 3],
    [-2, 0, 1, 1],
    [4, 1, 0.25, 30],
    [1.5, 1.5, 4, 2.5],
  ])("at y=%d (loc %d, scale² %d, dof %d) equals the integrated density to 1e-7", (y, loc, s2, dof) => {
    const lo = loc - 2000 * Math.sqrt(s2);
    const pdf = (v: number) => Math.exp(studentTLogPdf(v, loc, s2, dof));
    const far = simpson(pdf, lo, loc - 50 * Math.sqrt(s2), 200000);
    const near = simpson(pdf, loc - 50 * Math.sqrt(s2), y, 200000);
    // the tail below lo is the analytic remainder of a heavy tail; bound it by the CDF itself
    expect(Math.abs(studentTCdf(y, loc, s2, dof) - (far + near + studentTCdf(lo, loc, s2, dof)))).toBeLessThan(1e-7);
  });

  it("is symmetric and monotone", () => {
    expect(studentTCdf(0, 0, 1, 3)).toBeCloseTo(0.5, 15);
    expect(studentTCdf(1.3, 0, 1, 3) + studentTCdf(-1.3, 0, 1, 3)).toBeCloseTo(1, 14);
    let prev = 0;
    for (let y = -10; y <= 10; y += 0.5) {
      const c = studentTCdf(y, 0, 1, 4);
      expect(c).toBeGreaterThanOrEqual(prev);
      prev = c;
    }
  });
});

describe("betaCdf", () => {
  it.each([
    [0.3, 2, 5],
    [0.9, 0.5, 0.5],
    [0.05, 1.5, 30],
  ])("I_%d(%d, %d) equals the integrated Beta density to 1e-8", (x, a, b) => {
    const logB = lgamma(a) + lgamma(b) - lgamma(a + b);
    // substitute v = u² near 0 to tame the a < 1 singularity
    const pdf = (u: number) => 2 * Math.exp((2 * a - 1) * Math.log(u) + (b - 1) * Math.log1p(-u * u) - logB);
    expect(Math.abs(betaCdf(x, a, b) - simpson(pdf, 1e-300, Math.sqrt(x), 200000))).toBeLessThan(1e-8);
  });
});
