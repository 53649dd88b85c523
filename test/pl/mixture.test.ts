/** The Student-t (Gaussian, Laplace) mixture behind predictive quantiles and coefficient intervals. */
import { describe, expect, it } from "vitest";
import { TMixture } from "../../runtime/pl/mixture.js";
import { studentTCdf } from "../../runtime/math/cdf.js";
import { normalCdf } from "../../runtime/math/special.js";
import { normalLogPdfVar, studentTLogPdf } from "../../runtime/math/log-density.js";
import { Rng } from "../../runtime/rng/rng.js";
import { LAPLACE_DOF } from "../../runtime/rules/roles.js";

/** Random components: weights summing to 1, dof from 1 to 3000, one Gaussian and one Laplace. */
function random(seed: number, n: number): number[] {
  const rng = Rng.fromSeed(seed);
  const parts: number[] = [];
  for (let j = 0; j < n; j++) parts.push(rng.uniform(), 3 * rng.normal(), Math.exp(rng.normal()), j === 0 ? Infinity : j === 1 ? LAPLACE_DOF : Math.exp(8 * rng.uniform()));
  const total = parts.reduce((a, v, i) => (i % 4 === 0 ? a + v : a), 0);
  for (let i = 0; i < parts.length; i += 4) parts[i] /= total;
  return parts;
}

function reference(parts: number[], y: number): { cdf: number; pdf: number } {
  let cdf = 0;
  let pdf = 0;
  for (let i = 0; i < parts.length; i += 4) {
    const [w, loc, s2, nu] = parts.slice(i, i + 4);
    if (nu === LAPLACE_DOF) {
      // Laplace(loc, b), b = √s2: the density integrated by hand on each side of loc
      const b = Math.sqrt(s2);
      cdf += w * (y < loc ? Math.exp((y - loc) / b) / 2 : 1 - Math.exp((loc - y) / b) / 2);
      pdf += (w * Math.exp(-Math.abs(y - loc) / b)) / (2 * b);
      continue;
    }
    cdf += w * (nu === Infinity ? normalCdf((y - loc) / Math.sqrt(s2)) : studentTCdf(y, loc, s2, nu));
    pdf += w * Math.exp(nu === Infinity ? normalLogPdfVar(y, loc, s2) : studentTLogPdf(y, loc, s2, nu));
  }
  return { cdf, pdf };
}

describe("TMixture", () => {
  it.each([1, 2, 3])("CDF and density equal the sums of their components (seed %i)", (seed) => {
    const parts = random(seed, 40);
    const m = new TMixture(parts);
    for (const y of [-20, -3, -0.5, 0, 0.7, 2, 9, 50]) {
      const r = reference(parts, y);
      expect(Math.abs(m.cdf(y) - r.cdf)).toBeLessThan(1e-12);
      expect(Math.abs(Math.exp(m.logPdf(y)) - r.pdf)).toBeLessThan(1e-12 * Math.max(1, r.pdf));
    }
  });

  it.each([1e-10, 0.001, 0.05, 0.25, 0.5, 0.75, 0.95, 0.999, 1 - 1e-10])("quantile(%f) inverts the CDF", (p) => {
    const parts = random(7, 30);
    const m = new TMixture(parts);
    let mean = 0;
    for (let i = 0; i < parts.length; i += 4) mean += parts[i] * parts[i + 1];
    const y = m.quantile(p, mean, 3);
    expect(Math.abs(reference(parts, y).cdf - p)).toBeLessThan(1e-10);
  });

  it("a Laplace component alone: its quantiles are loc ± b log(1/(2q)) in closed form", () => {
    const m = new TMixture([1, 2, 0.25, LAPLACE_DOF]);
    expect(Math.abs(m.quantile(0.05, 2, 0.7) - (2 + 0.5 * Math.log(0.1)))).toBeLessThan(1e-10);
    expect(Math.abs(m.quantile(0.9, 2, 0.7) - (2 - 0.5 * Math.log(0.2)))).toBeLessThan(1e-10);
    expect(Math.abs(m.quantile(0.5, 2, 0.7) - 2)).toBeLessThan(1e-10);
  });

  it("drops zero-weight components and finds a far quantile from a bad start", () => {
    const m = new TMixture([0, 1e6, 1, 3, 1, 100, 4, 5]);
    expect(m.size).toBe(1);
    const y = m.quantile(0.9, 0, 1);
    expect(Math.abs(studentTCdf(y, 100, 4, 5) - 0.9)).toBeLessThan(1e-12);
  });
});
