/**
 * Oracle 1 (spec §6): with one expert the filter is deterministic, every particle identical,
 * ESS = N at every row, and its posterior and log evidence equal the closed form (E12–E13)
 * to 1e-8 relative, for any number of particles.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { compile } from "../../api.js";
import { Rng } from "../../runtime/rng/rng.js";
import { nigPosterior } from "../helpers/nig.js";
import { studentTCdf } from "../../runtime/math/cdf.js";
import { studentTLogPdf } from "../../runtime/math/log-density.js";

const source = readFileSync(new URL("../../stdlib/linear-regression.moe", import.meta.url), "utf8");

function data(n: number, d: number, seed: number) {
  const rng = Rng.fromSeed(seed);
  const X = Array.from({ length: n }, () => [1, ...Array.from({ length: d - 1 }, () => rng.normal())]);
  const beta = Array.from({ length: d }, () => rng.normal());
  const y = X.map((x) => x.reduce((s, v, j) => s + v * beta[j], 0) + 0.7 * rng.normal());
  return { X, y };
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1e-300, Math.abs(b));

describe("one expert (K = 1)", () => {
  it.each([
    [3, 50, 64],
    [1, 20, 8],
    [5, 120, 200],
  ])("d = %i, n = %i, N = %i: posterior and evidence equal E12–E13", (d, n, N) => {
    const { X, y } = data(n, d, d * 1000 + n);
    const model = compile(source, { a0: 2.5, b0: 1.5, g: 7 });
    const f = model.filter({ particles: N, seed: 3, D: d });
    X.forEach((x, t) => f.observe(x, y[t]));
    f.finish();
    const exact = nigPosterior(X, y, 7, 2.5, 1.5);
    expect(rel(f.logEvidence, exact.logEvidence)).toBeLessThan(1e-8);
    expect(f.logEvidenceSE).toBe(0);
    // the running evidence after each row is the closed form of that prefix
    const half = Math.ceil(n / 2);
    expect(f.evidenceHistory).toHaveLength(n);
    expect(rel(f.evidenceHistory[half - 1], nigPosterior(X.slice(0, half), y.slice(0, half), 7, 2.5, 1.5).logEvidence)).toBeLessThan(1e-8);
    // identical particles keep ESS = N, so no set ever resamples
    expect(f.resampleCounts.every((c) => c === 0)).toBe(true);
    const [e] = f.experts();
    e.coefficients.forEach((c, j) => expect(Math.abs(c - exact.m[j])).toBeLessThan(1e-8 * (1 + Math.abs(exact.m[j]))));
    expect(rel(e.noiseVariance!, exact.b / (exact.a - 1))).toBeLessThan(1e-8);
    expect(e.usage).toBeCloseTo(1, 12);
    // coefficient intervals: the central 90 % of the exact marginal t_{2a}(m_j, (b/a) V_jj)
    e.coefficients.forEach((_, j) => {
      const s2j = (exact.b / exact.a) * exact.V[j][j];
      expect(Math.abs(studentTCdf(e.lower[j], exact.m[j], s2j, 2 * exact.a) - 0.05)).toBeLessThan(1e-9);
      expect(Math.abs(studentTCdf(e.upper[j], exact.m[j], s2j, 2 * exact.a) - 0.95)).toBeLessThan(1e-9);
    });
    expect(f.essHistory.every((v) => Math.abs(v - N) < 1e-9 * N)).toBe(true);
    // every particle identical: the predictive at a new point is one Student-t
    const p = f.predict(X[0]);
    const s2 = (exact.b / exact.a) * (1 + X[0].reduce((s, xi, i) => s + xi * X[0].reduce((t, xj, j) => t + exact.V[i][j] * xj, 0), 0));
    expect(rel(p.sd, Math.sqrt((s2 * 2 * exact.a) / (2 * exact.a - 2)))).toBeLessThan(1e-8);
    const mean = X[0].reduce((acc, v, j) => acc + v * exact.m[j], 0);
    expect(rel(p.mean, mean)).toBeLessThan(1e-8);
    for (const q of p.quantiles) expect(Math.abs(studentTCdf(q.value, mean, s2, 2 * exact.a) - q.p)).toBeLessThan(1e-9);
    expect(rel(p.logDensity(y[0]), studentTLogPdf(y[0], mean, s2, 2 * exact.a))).toBeLessThan(1e-8);
  });

  it("gives the same evidence whatever the row order (oracle 3)", () => {
    const { X, y } = data(40, 3, 5);
    const run = (order: number[]) => {
      const f = compile(source).filter({ particles: 4, D: 3 });
      order.forEach((t) => f.observe(X[t], y[t]));
      return f.logEvidence;
    };
    const forward = Array.from({ length: 40 }, (_, t) => t);
    expect(rel(run(forward.reverse()), run(Array.from({ length: 40 }, (_, t) => t)))).toBeLessThan(1e-10);
  });
});

describe("the stdlib mixtures at K = 1 (empty stick families)", () => {
  it.each(["hsmoe.moe", "hsmoe-group.moe", "moe-normal-gate.moe"])("%s equals the closed form E12–E13 to 1e-8", (file) => {
    const mixture = readFileSync(new URL(`../../stdlib/${file}`, import.meta.url), "utf8");
    const { X, y } = data(60, 3, 77);
    const model = compile(mixture, { K: 1, a0: 2.5, b0: 1.5, g: 7 });
    expect(model.plan.blocks.find((b) => b.slot === "gate")?.rule).toBe("single_expert");
    const f = model.filter({ particles: 16, seed: 2, D: 3 });
    X.forEach((x, t) => f.observe(x, y[t]));
    f.finish();
    const exact = nigPosterior(X, y, 7, 2.5, 1.5);
    expect(rel(f.logEvidence, exact.logEvidence)).toBeLessThan(1e-8);
    const [e] = f.experts();
    e.coefficients.forEach((c, j) => expect(Math.abs(c - exact.m[j])).toBeLessThan(1e-8 * (1 + Math.abs(exact.m[j]))));
    expect(rel(e.noiseVariance!, exact.b / (exact.a - 1))).toBeLessThan(1e-8);
    expect(f.shrinkage()).toBeNull();
  });

  it("K = 2 and D = 1 fit: two experts, one input (an intercept-free slope model)", () => {
    const mixture = readFileSync(new URL("../../stdlib/hsmoe.moe", import.meta.url), "utf8");
    const rng = Rng.fromSeed(5);
    const model = compile(mixture, { K: 2 });
    const f = model.filter({ particles: 200, seed: 1, D: 1 });
    for (let t = 0; t < 300; t++) {
      const x = rng.normal();
      f.observe([x], (x < 0 ? -2 : 1) * x + 0.1 * rng.normal());
    }
    f.finish();
    const slopes = f.experts().map((e) => e.coefficients[0]).sort((a, b) => a - b);
    expect(slopes[0]).toBeCloseTo(-2, 1);
    expect(slopes[1]).toBeCloseTo(1, 1);
    expect(f.gateProbabilities([-1]).length).toBe(2);
  });
});
