/**
 * Several data inputs (issue 11, deliverable 2): the gate reads `x`, the experts read `w` (and a
 * scalar input). A row is the inputs concatenated in declaration order, or an object by name.
 * - one expert reading `w` equals the NIG closed form of w's design, whatever x holds;
 * - rows by name and flat rows give the same fit, bit for bit, and a snapshot continues it;
 * - a mixture whose regime the gate's input decides recovers both regimes;
 * - wrong lengths and unknown names are refused with a message.
 */
import { describe, expect, it } from "vitest";
import { compile } from "../../api.js";
import { Rng } from "../../runtime/rng/rng.js";
import { nigPosterior } from "../helpers/nig.js";

const source = (K: number) => `model two(K: int = ${K}) {
  data x: vector[D]
  data w: vector[P]
  data s: real
  data y: real
  sigma2[k in 1..K] ~ invgamma(2, 1)
  beta[k in 1..K] ~ mvnormal(0, 10 * sigma2[k] * I(P))
  c[k in 1..K] ~ normal(0, sqrt(5 * sigma2[k]))
  tau ~ halfcauchy(1)
  lambda[k in 1..K-1, j in 1..D] ~ halfcauchy(1)
  phi[k in 1..K-1, j in 1..D] ~ normal(0, tau * lambda[k, j])
  z ~ stickbreaking(logistic(phi * x))
  y ~ normal(dot(beta[z], w) + c[z] * s, sqrt(sigma2[z]))
}`;

/** Rows: x = [1, g] decides the regime, w = [1, u] and s carry the experts' regressors. */
function data(n: number, seed: number) {
  const rng = Rng.fromSeed(seed);
  return Array.from({ length: n }, () => {
    const g = rng.normal();
    const u = 2 * rng.normal();
    const s = rng.normal();
    return { x: [1, g], w: [1, u], s, y: (g < 0 ? -1 + 0.5 * u : 1 + 2 * u) + 0.3 * s + 0.2 * rng.normal() };
  });
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1e-300, Math.abs(b));

describe("several data inputs", () => {
  const rows = data(200, 4);

  it("declares its inputs in row order", () => {
    expect(compile(source(2)).kernel.info.inputs).toEqual([
      { name: "x", size: "D" },
      { name: "w", size: "P" },
      { name: "s", size: "1" },
    ]);
  });

  it("one expert on w and s equals the NIG closed form of [w, s] (to 1e-8)", () => {
    const f = compile(source(1)).filter({ particles: 8, seed: 1 });
    for (const r of rows) f.observe({ x: r.x, w: r.w, s: r.s }, r.y);
    const exact = nigPosterior(rows.map((r) => [...r.w, r.s]), rows.map((r) => r.y), [10, 10, 5], 2, 1);
    expect(rel(f.logEvidence, exact.logEvidence)).toBeLessThan(1e-8);
    expect(f.coefficientNames).toEqual(["beta[1]", "beta[2]", "c"]);
  });

  it("rows by name and flat rows give the same fit bit for bit; a snapshot continues it", () => {
    const model = compile(source(2));
    const named = model.filter({ particles: 64, seed: 3 });
    const flat = model.filter({ particles: 64, seed: 3, inputs: [2, 2, 1] });
    rows.slice(0, 100).forEach((r) => {
      named.observe({ x: r.x, w: r.w, s: r.s }, r.y);
      flat.observe([...r.x, ...r.w, r.s], r.y);
    });
    expect(flat.logEvidence).toBe(named.logEvidence);
    const restored = model.restore(JSON.parse(JSON.stringify(named.snapshot())));
    rows.slice(100).forEach((r) => {
      named.observe({ x: r.x, w: r.w, s: r.s }, r.y);
      restored.observe({ x: r.x, w: r.w, s: r.s }, r.y);
    });
    expect(restored.logEvidence).toBe(named.logEvidence);
  });

  it("recovers both regimes, which only the gate's input tells apart (within 0.2)", () => {
    const f = compile(source(2)).filter({ particles: 200, seed: 5 });
    for (const r of rows) f.observe({ x: r.x, w: r.w, s: r.s }, r.y);
    // Truth at u = 1, s = 0: 3 where g > 0, −0.5 where g < 0.
    expect(Math.abs(f.predict({ x: [1, 1.5], w: [1, 1], s: 0 }).mean - 3)).toBeLessThan(0.2);
    expect(Math.abs(f.predict({ x: [1, -1.5], w: [1, 1], s: 0 }).mean + 0.5)).toBeLessThan(0.2);
  });

  it("refuses unknown names, missing inputs, lengths that change, and inputs that do not add up", () => {
    const model = compile(source(2));
    const f = model.filter({ particles: 8 });
    expect(() => f.observe({ x: [1, 0], w: [1, 0], s: 0, v: [1] } as never, 1)).toThrow(/no input 'v'/);
    expect(() => f.observe({ x: [1, 0], w: [1, 0] } as never, 1)).toThrow(/input 's' is missing/);
    f.observe({ x: [1, 0], w: [1, 0], s: 0 }, 1);
    expect(() => f.observe({ x: [1, 0, 2], w: [1, 0], s: 0 }, 1)).toThrow(/lengths 3, 2, 1/);
    expect(() => model.filter({ particles: 8, D: 5, inputs: [2, 2] })).toThrow(/do not add up/);
    expect(() => model.filter({ particles: 8, inputs: [2, 2, 2] })).toThrow(/the input s has 2 entries; the model says 1/);
  });
});
