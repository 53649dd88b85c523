/**
 * Gate priors as compositions (issue 11, deliverable 3): every grouping the indices express
 * compiles to the one rule `scale_mixture_normal` and fits; the horseshoe through the general
 * rule agrees with its specialised block (HorseshoeState) within Monte Carlo error, and a prior
 * that shrinks every gate coefficient hard gives a measurably different fit (so the comparison
 * can fail).
 */
import { describe, expect, it } from "vitest";
import { compile } from "../../api.js";
import { Rng } from "../../runtime/rng/rng.js";

const mixture = (prior: string) => `model m(K: int = 3) {
  data x: vector[D]
  data y: real
  sigma2[k in 1..K] ~ invgamma(2, 1)
  beta[k in 1..K] ~ mvnormal(0, 10 * sigma2[k] * I(D))
  ${prior}
  z ~ stickbreaking(logistic(phi * x))
  y ~ normal(dot(beta[z], x), sqrt(sigma2[z]))
}`;

/** Two regimes split at u = 0; x = [1, u, noise]. */
function data(n: number, seed: number) {
  const rng = Rng.fromSeed(seed);
  return Array.from({ length: n }, () => {
    const u = 2 * rng.normal();
    return { x: [1, u, rng.normal()], y: (u < 0 ? -1 + 0.5 * u : 1 + 2 * u) + 0.3 * rng.normal() };
  });
}

const compositions: [string, string][] = [
  ["global-only shrinkage", "tau ~ halfcauchy(1)\n  phi[k in 1..K-1, j in 1..D] ~ normal(0, tau)"],
  ["λ per feature, shared across sticks", "tau ~ halfcauchy(1)\n  lambda[j in 1..D] ~ halfcauchy(1)\n  phi[k in 1..K-1, j in 1..D] ~ normal(0, tau * lambda[j])"],
  ["τ per stick", "tau[k in 1..K-1] ~ halfcauchy(1)\n  lambda[k in 1..K-1, j in 1..D] ~ halfcauchy(1)\n  phi[k in 1..K-1, j in 1..D] ~ normal(0, tau[k] * lambda[k, j])"],
  ["a half-Cauchy prior on τ's scale", "s ~ halfcauchy(1)\n  tau ~ halfcauchy(s)\n  lambda[k in 1..K-1, j in 1..D] ~ halfcauchy(1)\n  phi[k in 1..K-1, j in 1..D] ~ normal(0, tau * lambda[k, j])"],
  ["an inverse-gamma prior on τ's squared scale", "v ~ invgamma(2, 1)\n  tau ~ halfcauchy(sqrt(v))\n  lambda[k in 1..K-1, j in 1..D] ~ halfcauchy(1)\n  phi[k in 1..K-1, j in 1..D] ~ normal(0, tau * lambda[k, j])"],
  ["the grouped horseshoe as a covariance", "tau ~ halfcauchy(1)\n  lambda[k in 1..K-1] ~ halfcauchy(1)\n  phi[k in 1..K-1] ~ mvnormal(0, tau^2 * lambda[k]^2 * I(D))"],
  ["a fixed global scale", "lambda[k in 1..K-1, j in 1..D] ~ halfcauchy(1)\n  phi[k in 1..K-1, j in 1..D] ~ normal(0, 0.5 * lambda[k, j])"],
  ["an inverse-gamma variance per stick", "w[k in 1..K-1] ~ invgamma(2, 2)\n  phi[k in 1..K-1, j in 1..D] ~ normal(0, sqrt(w[k]))"],
];

describe("gate priors as compositions", () => {
  const rows = data(150, 3);
  it.each(compositions)("%s compiles to scale_mixture_normal and fits (predictive mean within 0.25 of the truth)", (_, prior) => {
    const model = compile(mixture(prior));
    expect(model.plan.blocks.find((b) => b.slot === "prior")?.rule).toBe("scale_mixture_normal");
    const f = model.filter({ particles: 64, seed: 1 });
    for (const r of rows) f.observe(r.x, r.y);
    // The truth at u = ±1 is 3 and −1.5; noise sd 0.3, 150 rows.
    expect(Math.abs(f.predict([1, 1, 0]).mean - 3)).toBeLessThan(0.25);
    expect(Math.abs(f.predict([1, -1, 0]).mean + 1.5)).toBeLessThan(0.25);
    expect(Number.isFinite(f.logEvidence)).toBe(true);
  });

  it("the horseshoe through the general rule matches HorseshoeState: mean log evidence over 8 seeds within 4 standard errors", () => {
    const rows = data(80, 7);
    const evidences = (prior: string) =>
      Array.from({ length: 8 }, (_, r) => {
        const f = compile(mixture(prior)).filter({ particles: 64, seed: 100 + r });
        for (const row of rows) f.observe(row.x, row.y);
        return f.logEvidence;
      });
    const special = "tau ~ halfcauchy(1)\n  lambda[k in 1..K-1, j in 1..D] ~ halfcauchy(1)\n  phi[k in 1..K-1, j in 1..D] ~ normal(0, tau * lambda[k, j])";
    // A constant factor of 1 keeps the variance and sends the prior to the general rule.
    const general = special.replace("tau * lambda[k, j])", "1 * tau * lambda[k, j])");
    expect(compile(mixture(special)).plan.blocks[0].rule).toBe("horseshoe_makalic_schmidt");
    expect(compile(mixture(general)).plan.blocks[0].rule).toBe("scale_mixture_normal");
    const stats = (v: number[]) => {
      const m = v.reduce((a, b) => a + b, 0) / v.length;
      return { m, se2: v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1) / v.length };
    };
    const a = stats(evidences(special));
    const b = stats(evidences(general));
    const z = (a.m - b.m) / Math.sqrt(a.se2 + b.se2);
    expect(Math.abs(z)).toBeLessThan(4);
    // A near-zero fixed prior scale on every gate coefficient fits much worse: the check has power.
    const c = stats(evidences("phi[k in 1..K-1, j in 1..D] ~ normal(0, 0.01)"));
    expect(a.m - c.m).toBeGreaterThan(10 * Math.sqrt(a.se2 + c.se2));
  });

  it.each([
    ["an intercept per stick with a fixed prior, the rest horseshoe", "alpha[k in 1..K-1] ~ normal(0, 5)\n  tau ~ halfcauchy(1)\n  lambda[k in 1..K-1, j in 1..D] ~ halfcauchy(1)\n  phi[k in 1..K-1, j in 1..D] ~ normal(0, tau * lambda[k, j])"],
    ["an intercept and a row per stick sharing one global scale", "tau ~ halfcauchy(1)\n  alpha[k in 1..K-1] ~ normal(0, tau)\n  phi[k in 1..K-1, j in 1..D] ~ normal(0, tau)"],
  ])("a gate with several coefficient families: %s", (_, prior) => {
    // The data carry no ones column: the gate's and the experts' intercepts are families of their own.
    const source = mixture(prior)
      .replace("logistic(phi * x)", "logistic(alpha + phi * x)")
      .replace("normal(dot(beta[z], x),", "normal(a[z] + dot(beta[z], x),")
      .replace("sigma2[k in 1..K] ~ invgamma(2, 1)", "sigma2[k in 1..K] ~ invgamma(2, 1)\n  a[k in 1..K] ~ normal(0, sqrt(10 * sigma2[k]))");
    const model = compile(source);
    expect(model.plan.blocks.find((b) => b.slot === "prior")?.rule).toBe("scale_mixture_normal");
    const f = model.filter({ particles: 64, seed: 2 });
    for (const r of rows) f.observe(r.x.slice(1), r.y);
    expect(f.gateCoefficientNames).toEqual(["alpha", "phi[1]", "phi[2]"]);
    expect(f.shrinkage()?.[0]).toHaveLength(3);
    expect(Math.abs(f.predict([1, 0]).mean - 3)).toBeLessThan(0.25);
    expect(Math.abs(f.predict([-1, 0]).mean + 1.5)).toBeLessThan(0.25);
  });

  it("a gate logit with a data-only offset: logistic(phi * x + 4) fits a split phi * x alone cannot", () => {
    const source = (gate: string) => `model m(K: int = 2) {
      data x: vector[D]
      data y: real
      sigma2[k in 1..K] ~ invgamma(2, 1)
      a[k in 1..K] ~ normal(0, sqrt(10 * sigma2[k]))
      b[k in 1..K] ~ normal(0, sqrt(10 * sigma2[k]))
      phi[k in 1..K-1, j in 1..D] ~ normal(0, 3)
      z ~ stickbreaking(logistic(${gate}))
      y ~ normal(a[z] + b[z] * x[1], sqrt(sigma2[z]))
    }`;
    // Truth: a split at u = 1, which logit φu + 4 can place (φ = −4) and φu alone cannot.
    const rng = Rng.fromSeed(8);
    const rows = Array.from({ length: 300 }, () => {
      const u = -3 + 6 * rng.uniform();
      return { x: [u], y: (u < 1 ? -1 - u : 1 + 2 * u) + 0.3 * rng.normal() };
    });
    const fit = (gate: string) => {
      const f = compile(source(gate)).filter({ particles: 128, seed: 1 });
      for (const r of rows) f.observe(r.x, r.y);
      return f;
    };
    const withOffset = fit("phi * x + 4");
    expect(Math.abs(withOffset.predict([2]).mean - 5)).toBeLessThan(0.25);
    expect(Math.abs(withOffset.predict([0]).mean + 1)).toBeLessThan(0.25);
    expect(withOffset.logEvidence - fit("phi * x").logEvidence).toBeGreaterThan(20);
  });
});
