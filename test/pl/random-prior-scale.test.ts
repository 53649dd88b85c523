/**
 * A random prior scale on the experts' coefficients, `beta[k] ~ mvnormal(0, g * sigma2[k] * I(D))`
 * with `g ~ invgamma(a, b)` (issue 11, deliverable 3), against quadrature over g:
 * - the sweep's Gibbs pair (β, σ² | y, g) then g | β, σ² leaves p(g | y) invariant: many chains
 *   end with the posterior mean of g (|z| < 4);
 * - with one expert the filter's evidence estimate is unbiased for ∫ p(y | g) p(g) dg: its
 *   average over independent runs matches the quadrature (|z| < 4);
 * - the compiled model fits a mixture, and a snapshot continues it bit for bit.
 */
import { describe, expect, it } from "vitest";
import { compile } from "../../api.js";
import { Rng } from "../../runtime/rng/rng.js";
import { NigLinearState } from "../../runtime/rules/nig-linear.js";
import { nigPosterior } from "../helpers/nig.js";
import { lgamma } from "../../runtime/math/special.js";

const A = 3;
const B = 20;
const C = 1; // the constant part of the prior variance: β ~ N(0, C·g·σ²)

function data(n: number, seed: number) {
  const rng = Rng.fromSeed(seed);
  const X = Array.from({ length: n }, () => [1, rng.normal()]);
  const y = X.map(([, u]) => 2 + 3 * u + 0.5 * rng.normal());
  return { X, y };
}

/** log IG(g; a, b). */
const logIG = (g: number, a: number, b: number) => a * Math.log(b) - lgamma(a) - (a + 1) * Math.log(g) - b / g;

/** Quadrature over log g: the evidence ∫ p(y | g) p(g) dg and the posterior mean of g. */
function quadrature(X: number[][], y: number[]) {
  let z = 0;
  let m = 0;
  const h = 0.005;
  for (let t = Math.log(1e-3); t < Math.log(1e4); t += h) {
    const g = Math.exp(t);
    const w = Math.exp(logIG(g, A, B) + nigPosterior(X, y, C * g, 2, 1).logEvidence) * g * h;
    z += w;
    m += w * g;
  }
  return { evidence: z, meanG: m / z };
}

describe("a random prior scale g ~ invgamma on the expert coefficients", () => {
  const { X, y } = data(25, 3);
  const exact = quadrature(X, y);

  it("the sweep's Gibbs pair leaves p(g | y) invariant: 2,000 chains of 40 steps end at its mean", () => {
    const chains = 2000;
    const s = new NigLinearState(chains, 1, 2, { g: C, m0: [0, 0], a0: 2, b0: 1, gPrior: { a: A, b: B } });
    const rng = Rng.fromSeed(9);
    const Xf = Float64Array.from(X.flat());
    const Yf = Float64Array.from(y);
    const rows = Int32Array.from({ length: X.length }, (_, t) => t);
    const counts = Int32Array.of(X.length);
    for (let i = 0; i < chains; i++) {
      s.init(i, rng);
      expect(s.rebuildAll(i, Xf, Yf, rows, counts, X.length)).toBe(true);
      for (let step = 0; step < 40; step++) {
        s.drawParameters(rng, i);
        expect(s.rebuildAll(i, Xf, Yf, rows, counts, X.length)).toBe(true);
      }
    }
    const g = Array.from(s.gv);
    const mean = g.reduce((a, b) => a + b, 0) / chains;
    const sd = Math.sqrt(g.reduce((a, b) => a + (b - mean) ** 2, 0) / (chains - 1));
    expect(Math.abs(mean - exact.meanG) / (sd / Math.sqrt(chains))).toBeLessThan(4);
    // The posterior differs from the prior mean b/(a − 1) = 10 by far more than the tolerance.
    expect(Math.abs(exact.meanG - B / (A - 1))).toBeGreaterThan(10 * sd / Math.sqrt(chains));
  });

  const source = (K: number) => `model m(K: int = ${K}) {
    data x: vector[D]
    data y: real
    g ~ invgamma(${A}, ${B})
    sigma2[k in 1..K] ~ invgamma(2, 1)
    beta[k in 1..K] ~ mvnormal(0, ${C} * g * sigma2[k] * I(D))
    phi[k in 1..K-1, j in 1..D] ~ normal(0, 2)
    z ~ stickbreaking(logistic(phi * x))
    y ~ normal(dot(beta[z], x), sqrt(sigma2[z]))
  }`;

  it("one expert: the average of p̂ over 300 runs matches the quadrature evidence (|z| < 4)", () => {
    const model = compile(source(1));
    const R = 300;
    const ratios = Array.from({ length: R }, (_, r) => {
      const f = model.filter({ particles: 50, sets: 1, seed: r + 1 });
      X.forEach((x, t) => f.observe(x, y[t]));
      return Math.exp(f.logEvidence) / exact.evidence;
    });
    const mean = ratios.reduce((a, b) => a + b, 0) / R;
    const sd = Math.sqrt(ratios.reduce((a, b) => a + (b - mean) ** 2, 0) / (R - 1));
    expect(Math.abs(mean - 1) / (sd / Math.sqrt(R))).toBeLessThan(4);
  });

  it("a mixture with a random g fits, and a snapshot continues it bit for bit", () => {
    const rng = Rng.fromSeed(2);
    const rows = Array.from({ length: 150 }, () => {
      const u = 2 * rng.normal();
      return { x: [1, u], y: (u < 0 ? -1 + 0.5 * u : 1 + 2 * u) + 0.3 * rng.normal() };
    });
    const model = compile(source(3));
    expect(model.plan.coverage.find((c) => c.node === "g")?.rule).toBe("normal_inverse_gamma_linear");
    const f = model.filter({ particles: 128, seed: 4 });
    rows.slice(0, 100).forEach((r) => f.observe(r.x, r.y));
    const g = model.restore(JSON.parse(JSON.stringify(f.snapshot())));
    rows.slice(100).forEach((r) => {
      f.observe(r.x, r.y);
      g.observe(r.x, r.y);
    });
    expect(g.logEvidence).toBe(f.logEvidence);
    expect(Math.abs(f.predict([1, 1]).mean - 3)).toBeLessThan(0.25);
  });
});
