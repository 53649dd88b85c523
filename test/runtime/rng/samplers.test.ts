/**
 * Moments (|z| < 4) and goodness of fit (KS or chi-square, p > 1e−4) for every sampler, over a
 * small grid of parameters. Seeds are fixed; see test/helpers/stats.ts for the false-alarm rates.
 */
import { describe, expect, it } from "vitest";
import { lgamma, normalCdf } from "../../../runtime/math/special.js";
import { Rng } from "../../../runtime/rng/rng.js";
import {
  beta,
  categoricalLog,
  exponential,
  gamma,
  gammaBatch,
  halfCauchy,
  halfCauchyMixture,
  inverseGamma,
  inverseGaussian,
  logGammaDraw,
  mvnCovChol,
  mvnPrecChol,
  normal,
  normalBatch,
  studentT,
  uniform,
} from "../../../runtime/rng/samplers.js";
import {
  betaCdf,
  chiSquareTest,
  gammaCdf,
  ksTest,
  P_MIN,
  regularizedGammaQ,
  studentTCdf,
  zMean,
  zProportion,
  zVariance,
  Z_TOL,
} from "../../helpers/stats.js";

const N = 40_000;

function draws(seed: string, n: number, draw: (rng: Rng) => number): Float64Array {
  const rng = Rng.fromSeed(seed);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = draw(rng);
  return x;
}

describe("uniform, normal, exponential with parameters", () => {
  it("uniform(lo, hi) is uniform on (lo, hi)", () => {
    const x = draws("u", N, (r) => uniform(r, -2, 3));
    expect(x.every((v) => v > -2 && v < 3)).toBe(true);
    expect(ksTest(x, (v) => (v + 2) / 5).pValue).toBeGreaterThan(P_MIN);
  });

  it("normal(mean, sd) has the right moments and law", () => {
    const x = draws("n", N, (r) => normal(r, 3, 0.5));
    expect(Math.abs(zMean(x, 3))).toBeLessThan(Z_TOL);
    expect(Math.abs(zVariance(x, 0.25))).toBeLessThan(Z_TOL);
    expect(ksTest(x, (v) => normalCdf((v - 3) / 0.5)).pValue).toBeGreaterThan(P_MIN);
  });

  it("exponential(rate) has mean 1/rate and the exponential law", () => {
    const x = draws("e", N, (r) => exponential(r, 4));
    expect(Math.abs(zMean(x, 0.25))).toBeLessThan(Z_TOL);
    expect(ksTest(x, (v) => -Math.expm1(-4 * v)).pValue).toBeGreaterThan(P_MIN);
  });

  it("normalBatch gives the same values as repeated normal draws", () => {
    const a = Rng.fromSeed("nb");
    const b = Rng.fromSeed("nb");
    a.normal();
    b.normal(); // start both with a cached normal
    const out = new Float64Array(101);
    normalBatch(a, out, 100);
    for (let i = 0; i < 100; i++) expect(out[i]).toBe(b.normal());
    expect(out[100]).toBe(0);
  });
});

describe.each([0.1, 0.5, 1, 2.5, 30])("gamma(shape %s)", (shape) => {
  const rate = 2;
  const x = draws(`gamma${shape}`, N, (r) => gamma(r, shape, rate));

  it("draws are finite and non-negative, with mean shape/rate and variance shape/rate²", () => {
    expect(x.every((v) => v >= 0 && Number.isFinite(v))).toBe(true);
    expect(Math.abs(zMean(x, shape / rate))).toBeLessThan(Z_TOL);
    expect(Math.abs(zVariance(x, shape / rate ** 2))).toBeLessThan(Z_TOL);
  });

  it("passes KS against the regularized incomplete gamma CDF", () => {
    expect(ksTest(x, (v) => gammaCdf(v, shape, rate)).pValue).toBeGreaterThan(P_MIN);
  });

  it("gammaBatch gives the same values as repeated gamma draws", () => {
    const out = new Float64Array(200);
    gammaBatch(Rng.fromSeed("gb"), shape, out);
    const rng = Rng.fromSeed("gb");
    for (let i = 0; i < out.length; i++) expect(out[i]).toBe(gamma(rng, shape));
  });
});

describe("gamma with tiny shapes", () => {
  it("logGammaDraw stays finite at shape 1e-3, where half the draws underflow", () => {
    const a = 1e-3;
    const l = draws("lg", 20_000, (r) => logGammaDraw(r, a));
    expect(l.every(Number.isFinite)).toBe(true);
    // log G = log G₁ + log(U)/a with G₁ ~ Gamma(1 + a), so P(log G < −300) = P(E > 0.3 + a log G₁)
    // = e^{−0.3} E[G₁^{−a}] = e^{−0.3} / Γ(1 + a).
    const k = l.filter((v) => v < -300).length;
    expect(Math.abs(zProportion(k, l.length, Math.exp(-0.3 - lgamma(1 + a))))).toBeLessThan(Z_TOL);
  });
});

describe.each([
  [0.5, 0.5],
  [2, 5],
  [0.1, 0.3],
  [30, 3],
])("beta(%s, %s)", (a, b) => {
  const x = draws(`beta${a},${b}`, N, (r) => beta(r, a, b));

  it("draws lie in [0, 1] with the Beta mean and variance", () => {
    expect(x.every((v) => v >= 0 && v <= 1)).toBe(true);
    const m = a / (a + b);
    expect(Math.abs(zMean(x, m))).toBeLessThan(Z_TOL);
    expect(Math.abs(zVariance(x, (m * (1 - m)) / (a + b + 1)))).toBeLessThan(Z_TOL);
  });

  it("passes KS against the regularized incomplete beta CDF", () => {
    expect(ksTest(x, (v) => betaCdf(v, a, b)).pValue).toBeGreaterThan(P_MIN);
  });
});

describe("inverseGamma(shape, scale)", () => {
  const sample = (a: number, b: number) => draws(`ig${a},${b}`, N, (r) => inverseGamma(r, a, b));

  it.each([
    [0.5, 1],
    [1, 2.5],
    [3, 1],
    [10, 4],
  ])("IG(%s, %s): finite positive draws; KS against Q(a, b/x)", (a, b) => {
    const x = sample(a, b);
    expect(x.every((v) => v > 0 && v < Infinity)).toBe(true);
    expect(ksTest(x, (v) => regularizedGammaQ(a, b / v)).pValue).toBeGreaterThan(P_MIN);
  });

  // The variance's standard error needs a finite fourth moment, hence a > 4.
  it.each([
    [6, 1],
    [10, 4],
  ])("IG(%s, %s): mean b/(a − 1), variance b²/((a − 1)²(a − 2))", (a, b) => {
    const x = sample(a, b);
    expect(Math.abs(zMean(x, b / (a - 1)))).toBeLessThan(Z_TOL);
    expect(Math.abs(zVariance(x, (b * b) / ((a - 1) ** 2 * (a - 2))))).toBeLessThan(Z_TOL);
  });
});

describe("inverseGaussian(mu, shape)", () => {
  const sample = (mu: number, lam: number) => draws(`invgauss${mu},${lam}`, N, (r) => inverseGaussian(r, mu, lam));
  /** The IG(μ, λ) CDF Φ(√(λ/x)(x/μ − 1)) + e^{2λ/μ} Φ(−√(λ/x)(x/μ + 1)). */
  const cdf = (mu: number, lam: number) => (x: number) => normalCdf(Math.sqrt(lam / x) * (x / mu - 1)) + Math.exp((2 * lam) / mu) * normalCdf(-Math.sqrt(lam / x) * (x / mu + 1));

  it.each([
    [0.05, 1],
    [1, 1],
    [3, 0.5],
    [2, 40],
  ])("IG(%s, %s): finite positive draws; KS against its CDF; mean μ, variance μ³/λ", (mu, lam) => {
    const x = sample(mu, lam);
    expect(x.every((v) => v > 0 && v < Infinity)).toBe(true);
    expect(ksTest(x, cdf(mu, lam)).pValue).toBeGreaterThan(P_MIN);
    expect(Math.abs(zMean(x, mu))).toBeLessThan(Z_TOL);
    if (mu <= 1) expect(Math.abs(zVariance(x, mu ** 3 / lam))).toBeLessThan(Z_TOL);
  });

  it.each([Infinity, 1e200])("μ = %s is (as good as) the Lévy law λ/χ²₁: KS against 2(1 − Φ(√(λ/x)))", (mu) => {
    const x = sample(mu, 2);
    expect(x.every((v) => v > 0 && v < Infinity)).toBe(true);
    expect(ksTest(x, (v) => 2 * (1 - normalCdf(Math.sqrt(2 / v)))).pValue).toBeGreaterThan(P_MIN);
  });
});

describe("inverseGamma guards (spec §7)", () => {
  it("a zero or underflowed scale still gives finite positive draws", () => {
    const rng = Rng.fromSeed("guard");
    for (let i = 0; i < 1000; i++) {
      for (const v of [inverseGamma(rng, 0.5, 0), inverseGamma(rng, 1e-3, 1e300), inverseGamma(rng, 1, 1e-320)]) {
        expect(v).toBeGreaterThan(0);
        expect(v).toBeLessThan(Infinity);
      }
    }
  });
});

describe.each([1, 2.5])("half-Cauchy C⁺(0, %s)", (scale) => {
  const cdf = (v: number) => (2 / Math.PI) * Math.atan(v / scale);
  const direct = draws(`hc${scale}`, N, (r) => halfCauchy(r, scale));
  const mixture = draws(`hcm${scale}`, N, (r) => halfCauchyMixture(r, scale));

  it.each([
    ["direct", direct],
    ["inverse-gamma mixture (E8)", mixture],
  ])("%s: positive, median = scale, KS against (2/π) atan(x/A)", (_, x) => {
    expect(x.every((v) => v > 0 && v < Infinity)).toBe(true);
    const below = x.filter((v) => v < scale).length;
    expect(Math.abs(zProportion(below, x.length, 0.5))).toBeLessThan(Z_TOL);
    expect(ksTest(x, cdf).pValue).toBeGreaterThan(P_MIN);
  });
});

describe("horseshoe shrinkage (spec oracle 12)", () => {
  // λ ~ C⁺(0, 1) through the inverse-gamma mixture; κ = 1/(1 + λ²) ~ Beta(½, ½).
  const n = 100_000;
  const kappa = draws("horseshoe", n, (r) => 1 / (1 + halfCauchyMixture(r, 1) ** 2));

  it("κ has mean 1/2, variance 1/8 and P(κ < 0.1) = (2/π) asin √0.1 ≈ 0.20483", () => {
    expect(Math.abs(zMean(kappa, 0.5))).toBeLessThan(Z_TOL);
    expect(Math.abs(zVariance(kappa, 1 / 8))).toBeLessThan(Z_TOL);
    const p = (2 / Math.PI) * Math.asin(Math.sqrt(0.1));
    expect(p).toBeCloseTo(0.20483, 5);
    expect(Math.abs(zProportion(kappa.filter((k) => k < 0.1).length, n, p))).toBeLessThan(Z_TOL);
  });

  it("κ passes KS against Beta(½, ½), CDF (2/π) asin √κ", () => {
    expect(ksTest(kappa, (k) => (2 / Math.PI) * Math.asin(Math.sqrt(k))).pValue).toBeGreaterThan(P_MIN);
  });
});

describe("studentT(loc, scaleSq, dof)", () => {
  const sample = (dof: number, loc: number, s2: number) => draws(`t${dof}`, N, (r) => studentT(r, loc, s2, dof));

  it.each([
    [1, 0, 1],
    [2.5, -1, 4],
    [10, 2, 0.25],
  ])("dof %s, loc %s, scaleSq %s: KS against the Student-t CDF", (dof, loc, s2) => {
    expect(ksTest(sample(dof, loc, s2), (v) => studentTCdf(v, loc, s2, dof)).pValue).toBeGreaterThan(P_MIN);
  });

  it("dof 10: mean loc and variance scaleSq·ν/(ν − 2)", () => {
    const x = sample(10, 2, 0.25);
    expect(Math.abs(zMean(x, 2))).toBeLessThan(Z_TOL);
    expect(Math.abs(zVariance(x, (0.25 * 10) / 8))).toBeLessThan(Z_TOL);
  });
});

describe("categoricalLog", () => {
  it("matches the normalised weights (chi-square), never picks a −Infinity weight, honours the range", () => {
    const probs = [0.1, 0.25, 0, 0.4, 0.05, 0.2];
    // Offset the log-weights by 1e4 to check the log-sum-exp shift; pad both ends of the range.
    const logW = new Float64Array([123, ...probs.map((p) => Math.log(p) + 1e4), -5]);
    const rng = Rng.fromSeed("cat");
    const counts = new Array<number>(probs.length).fill(0);
    for (let i = 0; i < N; i++) counts[categoricalLog(rng, logW, 1, probs.length)]++;
    expect(counts[2]).toBe(0);
    const keep = [0, 1, 3, 4, 5];
    const test = chiSquareTest(
      keep.map((i) => counts[i]),
      keep.map((i) => probs[i]),
    );
    expect(test.pValue).toBeGreaterThan(P_MIN);
  });

  it("throws when every weight is zero or NaN", () => {
    const rng = Rng.fromSeed("cat0");
    expect(() => categoricalLog(rng, new Float64Array([-Infinity, -Infinity]))).toThrow(/zero/);
    expect(() => categoricalLog(rng, new Float64Array([NaN, 0]))).toThrow();
    expect(() => categoricalLog(rng, new Float64Array([0, 1]), 1, 0)).toThrow();
  });
});

describe("multivariate normal from a Cholesky factor", () => {
  // Σ = L Lᵀ with a fixed lower-triangular L (row-major, stored at an offset with padding).
  const d = 3;
  const Lc = [1.5, 0, 0, -0.4, 0.8, 0, 0.3, 0.5, 1.1];
  const sigma = (i: number, j: number) => {
    let s = 0;
    for (let k = 0; k < d; k++) s += Lc[i * d + k] * Lc[j * d + k];
    return s;
  };
  const mean = new Float64Array([9, 1, -2, 0.5]);

  /** Checks the means (offset 1 of `mean`), normal marginals (KS) and every covariance entry of draws written at offset 2. */
  function check(seed: string, draw: (rng: Rng, out: Float64Array) => void, cov: (i: number, j: number) => number) {
    const rng = Rng.fromSeed(seed);
    const n = 40_000;
    const out = new Float64Array(d + 2);
    const xs: Float64Array[] = Array.from({ length: d }, () => new Float64Array(n));
    for (let t = 0; t < n; t++) {
      draw(rng, out);
      expect(out[0]).toBe(0);
      for (let i = 0; i < d; i++) xs[i][t] = out[2 + i];
    }
    for (let i = 0; i < d; i++) {
      expect(Math.abs(zMean(xs[i], mean[1 + i]))).toBeLessThan(Z_TOL);
      const sd = Math.sqrt(cov(i, i));
      expect(ksTest(xs[i], (v) => normalCdf((v - mean[1 + i]) / sd)).pValue).toBeGreaterThan(P_MIN);
      for (let j = 0; j <= i; j++) {
        // Var of the sample covariance of a Gaussian pair is (Σ_ii Σ_jj + Σ_ij²)/n.
        let s = 0;
        for (let t = 0; t < n; t++) s += (xs[i][t] - mean[1 + i]) * (xs[j][t] - mean[1 + j]);
        const se = Math.sqrt((cov(i, i) * cov(j, j) + cov(i, j) ** 2) / n);
        expect(Math.abs((s / n - cov(i, j)) / se)).toBeLessThan(Z_TOL);
      }
    }
  }

  it("covariance factor: out = mean + Lε has covariance LLᵀ", () => {
    const L = new Float64Array([7, 7, ...Lc]);
    check("mvn-cov", (rng, out) => mvnCovChol(rng, d, L, 2, mean, 1, out, 2), sigma);
  });

  it("precision factor: solving Lᵀv = ε gives covariance (LLᵀ)⁻¹", () => {
    // Use L as the precision factor; the covariance is the inverse of Σ (3×3 adjugate).
    const m = (i: number, j: number) => sigma(i, j);
    const det =
      m(0, 0) * (m(1, 1) * m(2, 2) - m(1, 2) * m(2, 1)) -
      m(0, 1) * (m(1, 0) * m(2, 2) - m(1, 2) * m(2, 0)) +
      m(0, 2) * (m(1, 0) * m(2, 1) - m(1, 1) * m(2, 0));
    const inv = (i: number, j: number) => {
      const r = [0, 1, 2].filter((k) => k !== j);
      const c = [0, 1, 2].filter((k) => k !== i);
      const minor = m(r[0], c[0]) * m(r[1], c[1]) - m(r[0], c[1]) * m(r[1], c[0]);
      return (((i + j) % 2 === 0 ? 1 : -1) * minor) / det;
    };
    const L = new Float64Array([7, ...Lc]);
    check("mvn-prec", (rng, out) => mvnPrecChol(rng, d, L, 1, mean, 1, out, 2), inv);
  });

  it("a null mean means zero mean", () => {
    const L = new Float64Array(Lc);
    const a = new Float64Array(d);
    const b = new Float64Array(d);
    const zero = new Float64Array(d);
    mvnPrecChol(Rng.fromSeed(1), d, L, 0, null, 0, a, 0);
    mvnPrecChol(Rng.fromSeed(1), d, L, 0, zero, 0, b, 0);
    expect(a).toEqual(b);
    mvnCovChol(Rng.fromSeed(2), d, L, 0, null, 0, a, 0);
    mvnCovChol(Rng.fromSeed(2), d, L, 0, zero, 0, b, 0);
    expect(a).toEqual(b);
  });
});
