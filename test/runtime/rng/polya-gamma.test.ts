/**
 * Pólya-Gamma sampler against spec oracles 7–10: moments (E18–E19), Laplace transform (E20),
 * KS against the CDF integrated from the series density (§4.1), symmetry, extreme c, and the
 * augmentation identity (E14). Monte Carlo checks use |z| < 4 and KS p > 1e−4 (fixed seeds).
 */
import { describe, expect, it } from "vitest";
import { logSumExp, normalLogCdf, softplus } from "../../../runtime/math/special.js";
import {
  PG_NORMAL_ABOVE,
  pgExponentialPieceBracket,
  pgExponentialPieceProbability,
  pgMean,
  pgVariance,
  polyaGamma,
  polyaGamma1,
  polyaGammaBatch,
} from "../../../runtime/rng/polya-gamma.js";
import { Rng } from "../../../runtime/rng/rng.js";
import {
  cumulativeIntegral,
  interpolateTable,
  ks2Test,
  ksTest,
  P_MIN,
  zMean,
  zVariance,
  Z_TOL,
} from "../../helpers/stats.js";

/** log cosh(x) without overflow. */
function logCosh(x: number): number {
  const a = Math.abs(x);
  return a + Math.log1p(Math.exp(-2 * a)) - Math.LN2;
}

/**
 * Density of PG(1, c) at ω: cosh(c/2) e^{−c²ω/2} p(ω | 1, 0), with the spec §4.1 series
 * p(ω | 1, 0) = Σ (−1)^n (2n+1)/√(2πω³) e^{−(2n+1)²/(8ω)}, summed in logs relative to n = 0.
 */
function pgDensity(omega: number, c: number): number {
  if (omega <= 0) return 0;
  let s = 0;
  for (let n = 0; ; n++) {
    const q = (2 * n + 1) ** 2 - 1;
    const term = (2 * n + 1) * Math.exp(-q / (8 * omega));
    s += n % 2 === 0 ? term : -term;
    if (term < 1e-20) break;
  }
  const logP = -0.5 * Math.log(2 * Math.PI * omega ** 3) - 1 / (8 * omega) + Math.log(Math.max(s, 0));
  return Math.exp(logCosh(c / 2) - 0.5 * c * c * omega + logP);
}

/** PG(1, c) CDF tabulated on [0, mean + 40 sd] by Simpson integration of the series density. */
function pgCdfTable(c: number): { grid: Float64Array; table: Float64Array } {
  const hi = pgMean(1, c) + 40 * Math.sqrt(pgVariance(1, c));
  const m = 40_000;
  const grid = Float64Array.from({ length: m + 1 }, (_, i) => (hi * i) / m);
  return { grid, table: cumulativeIntegral((w) => pgDensity(w, c), grid) };
}

function pgSample(seed: string, n: number, b: number, c: number): Float64Array {
  const rng = Rng.fromSeed(seed);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = b === 1 ? polyaGamma1(rng, c) : polyaGamma(rng, b, c);
  return x;
}

describe("pgMean and pgVariance (E18–E19)", () => {
  // Reference values from 50-digit arithmetic (mpmath) of tanh(c/2)/(2c) and (sinh c − c)/(2c³(1 + cosh c)).
  it.each([
    [0, 0.25, 0.041666666666666666667],
    [0.001, 0.24999997916666875, 0.041666658333334598214],
    [0.01, 0.24999791668749978919, 0.041665833345981972004],
    [0.5, 0.24491866240370912928, 0.039659800808458560834],
    [0.999, 0.2310930142880703746, 0.034459124772713086507],
    [1, 0.23105857863000487925, 0.034446645388523026714],
    [4, 0.12050344750947711049, 0.0064275463310116246295],
    [20, 0.02499999989694231909, 0.000062499994589471762872],
    [100, 0.005, 5.0e-7],
    [1000, 0.0005, 5.0e-10],
  ])("c = %s", (c, mean, variance) => {
    for (const sign of [1, -1]) {
      expect(Math.abs(pgMean(1, sign * c) / mean - 1)).toBeLessThan(1e-13);
      expect(Math.abs(pgVariance(1, sign * c) / variance - 1)).toBeLessThan(1e-13);
      expect(pgMean(3, sign * c)).toBeCloseTo(3 * mean, 14);
    }
  });

  it("are finite, positive and ≈ b/(2|c|), b/(2|c|³) for huge |c|", () => {
    for (const c of [1e4, 1e8, 1e100]) {
      expect(pgMean(2, c) / (1 / c) - 1).toBeCloseTo(0, 12);
      expect(pgVariance(2, c) / (1 / c ** 3) - 1).toBeCloseTo(0, 12);
    }
  });
});

describe("exponential-piece probability (spec §4.2 step 1)", () => {
  /** The spec's literal log-space formula. */
  function specProbability(c: number): number {
    const t = 0.64;
    const z = Math.abs(c) / 2;
    const k = (Math.PI * Math.PI) / 8 + (z * z) / 2;
    const x0 = Math.log(k) + k * t;
    const terms = new Float64Array([
      x0 - z + normalLogCdf((t * z - 1) / Math.sqrt(t)),
      x0 + z + normalLogCdf(-(t * z + 1) / Math.sqrt(t)),
    ]);
    return Math.exp(-softplus(Math.log(4 / Math.PI) + logSumExp(terms)));
  }

  it("equals the spec's formula from c = 0 to c = 1e4", () => {
    for (const c of [0, 1e-6, 0.3, 1, 2, 3.1, 3.125, 3.13, 5, 10, 40, 96, 100, 300, 1e3, 1e4]) {
      const mine = pgExponentialPieceProbability(c);
      const spec = specProbability(c);
      if (spec < 1e-290) expect(mine).toBeLessThan(1e-290);
      else expect(Math.abs(mine / spec - 1)).toBeLessThan(1e-11);
      expect(mine).toBeGreaterThanOrEqual(0);
      expect(mine).toBeLessThanOrEqual(1);
    }
  });

  it("is below the smallest uniform (2^−53) beyond |c| ≈ 23.62, where the sampler skips it", () => {
    // The sampler takes the probability as 0 beyond z = |c|/2 ≈ 11.811, where a bound reaches 2^−55.
    for (const c of [23.63, 24, 27, 30, 50, 100, 1e3, 1e6]) {
      expect(specProbability(c)).toBeLessThan(2 ** -54);
      expect(pgExponentialPieceProbability(c)).toBeLessThan(2 ** -54);
    }
    expect(pgExponentialPieceProbability(23)).toBeGreaterThan(2 ** -53);
  });

  it("the sampler's bracket contains it and is narrow (or is [0, 0] where no uniform is below it)", () => {
    let widest = 0;
    for (let c = 0; c < 30; c += 0.00731) {
      const p = pgExponentialPieceProbability(c);
      const [lower, upper] = pgExponentialPieceBracket(c);
      if (upper === 0) {
        expect(c).toBeGreaterThan(23.6);
        expect(p).toBeLessThan(2 ** -54);
        continue;
      }
      expect(lower).toBeLessThanOrEqual(p);
      expect(upper).toBeGreaterThanOrEqual(p);
      widest = Math.max(widest, upper - lower);
    }
    expect(widest).toBeLessThan(1e-4);
    expect(pgExponentialPieceBracket(-24)).toEqual([0, 0]);
    expect(() => pgExponentialPieceBracket(NaN)).toThrow();
  });
});

describe("PG(b, c) moments (oracle 7)", () => {
  const n = 40_000;
  describe.each([1, 2, 5])("b = %s", (b) => {
    // c = 3 (z = 1.5 < 1/t) exercises the tilted Lévy branch of the truncated inverse Gaussian
    // with a strong tilt; c ≥ 4 uses the Michael–Schucany–Haas branch.
    it.each([0, 0.5, 1, 3, 4, 20, 100])("c = %s: mean and variance within 4 s.e.", (c) => {
      const x = pgSample(`mom${b},${c}`, n, b, c);
      expect(x.every((v) => v > 0 && Number.isFinite(v))).toBe(true);
      expect(Math.abs(zMean(x, pgMean(b, c)))).toBeLessThan(Z_TOL);
      expect(Math.abs(zVariance(x, pgVariance(b, c)))).toBeLessThan(Z_TOL);
    });
  });
});

describe("PG(b, c) for non-integer b: ⌊b⌋ exact draws plus the truncated gamma series (spec §4.3)", () => {
  const n = 20_000;
  // c = 300 needs ~540 series terms per draw: one b there keeps the file quick.
  describe.each([0.3, 0.5, 0.97, 2.5, 7.25])("b = %s", (b) => {
    it.each(b === 0.5 ? [0, 1, 3, 20, 300] : [0, 1, 3, 20])("c = %s: mean and variance within 4 s.e.", (c) => {
      const x = pgSample(`frac${b},${c}`, c === 300 ? n / 2 : n, b, c);
      expect(x.every((v) => v > 0 && Number.isFinite(v))).toBe(true);
      expect(Math.abs(zMean(x, pgMean(b, c)))).toBeLessThan(Z_TOL);
      expect(Math.abs(zVariance(x, pgVariance(b, c)))).toBeLessThan(Z_TOL);
    });
  });

  it("b = 0.5, c = 1.5: E[e^{−sω}] (E20) at s ∈ {0.3, 1, 3}", () => {
    const b = 0.5;
    const c = 1.5;
    const x = pgSample("lt-frac", n, b, c);
    for (const s of [0.3, 1, 3]) {
      const exact = Math.exp(b * (logCosh(c / 2) - logCosh(Math.sqrt((c * c) / 2 + s) / Math.SQRT2)));
      expect(Math.abs(zMean(x.map((w) => Math.exp(-s * w)), exact))).toBeLessThan(Z_TOL);
    }
  });

  it("is PG(0.5) + PG(0.5) = PG(1) in law (two-sample KS against the exact sampler)", () => {
    const rng = Rng.fromSeed("halves");
    const halves = Array.from({ length: 20_000 }, () => polyaGamma(rng, 0.5, 2) + polyaGamma(rng, 0.5, 2));
    expect(ks2Test(halves, pgSample("ones", 20_000, 1, 2)).pValue).toBeGreaterThan(P_MIN);
  });
});

describe("PG Laplace transform (oracle 8, E20)", () => {
  const n = 40_000;
  it.each([
    [1, 0],
    [1, 1],
    [1, 3],
    [1, 4],
    [2, 1],
  ])("b = %s, c = %s: E[e^{−sω}] at s ∈ {0.3, 1, 3}", (b, c) => {
    const x = pgSample(`lt${b},${c}`, n, b, c);
    for (const s of [0.3, 1, 3]) {
      const exact = Math.exp(b * (logCosh(c / 2) - logCosh(Math.sqrt((c * c) / 2 + s) / Math.SQRT2)));
      expect(Math.abs(zMean(x.map((w) => Math.exp(-s * w)), exact))).toBeLessThan(Z_TOL);
    }
  });
});

describe("PG(1, c) law (oracle 9)", () => {
  it.each([0, 0.5, 1, 3, 4, 20, 100, 1000])("c = %s: KS against the integrated series density", (c) => {
    const { grid, table } = pgCdfTable(c);
    // The tabulated density must itself integrate to 1 over [0, mean + 40 sd].
    expect(Math.abs(table[table.length - 1] - 1)).toBeLessThan(1e-9);
    const x = pgSample(`ks${c}`, 30_000, 1, c);
    expect(ksTest(x, (v) => interpolateTable(grid, table, v)).pValue).toBeGreaterThan(P_MIN);
  });

  it("is symmetric in c: identical draws from one seed, and the same law from two seeds", () => {
    expect(pgSample("sym", 500, 1, 3)).toEqual(pgSample("sym", 500, 1, -3));
    expect(ks2Test(pgSample("sym+", 20_000, 1, 2.5), pgSample("sym-", 20_000, 1, -2.5)).pValue).toBeGreaterThan(P_MIN);
  });

  it("draws are finite and positive for |c| up to 1e308, and the mean matches E18 at 1e3 and 1e4", () => {
    for (const c of [1e3, -1e4, 1e4, 1e6, 1e150, 1e200, -1.7e308]) {
      const x = pgSample(`big${c}`, 20_000, 1, c);
      expect(x.every((v) => v > 0 && Number.isFinite(v))).toBe(true);
      if (Math.abs(c) <= 1e4) {
        const z = (x.reduce((a, v) => a + v, 0) / x.length - pgMean(1, c)) / Math.sqrt(pgVariance(1, c) / x.length);
        expect(Math.abs(z)).toBeLessThan(Z_TOL);
      }
    }
  });
});

describe("polyaGammaBatch and polyaGamma", () => {
  it("the batch equals repeated scalar draws (repeated and changing c) and writes only n entries", () => {
    const c = new Float64Array([0, 0, 1.5, 1.5, -1.5, 30, 0.2, 1e4, 1e4, 7]);
    const out = new Float64Array(c.length + 1);
    polyaGammaBatch(Rng.fromSeed("batch"), c, out, c.length);
    const rng = Rng.fromSeed("batch");
    for (let i = 0; i < c.length; i++) expect(out[i]).toBe(polyaGamma1(rng, c[i]));
    expect(out[c.length]).toBe(0);
  });

  it(`uses the moment-matched normal above b = ${PG_NORMAL_ABOVE} (any real b) and exact sums below`, () => {
    for (const c of [0, 3]) {
      const x = pgSample(`normal${c}`, 20_000, 250.5, c);
      expect(x.every((v) => v > 0)).toBe(true);
      expect(Math.abs(zMean(x, pgMean(250.5, c)))).toBeLessThan(Z_TOL);
      expect(Math.abs(zVariance(x, pgVariance(250.5, c)))).toBeLessThan(Z_TOL);
    }
    const rng = Rng.fromSeed("b");
    expect(polyaGamma(rng, 2.5, 1, 2)).toBeGreaterThan(0);
    for (const b of [0, -1, NaN, Infinity]) expect(() => polyaGamma(rng, b, 1)).toThrow(/positive number/);
  });

  it("rejects NaN and infinite c instead of looping", () => {
    const rng = Rng.fromSeed("nan");
    for (const c of [NaN, Infinity, -Infinity]) {
      expect(() => polyaGamma1(rng, c)).toThrow(/finite/);
      expect(() => polyaGamma(rng, 300, c)).toThrow(/finite/);
      expect(() => polyaGamma(rng, 2, c)).toThrow(/finite/);
      expect(() => polyaGammaBatch(rng, new Float64Array([1, c]), new Float64Array(2))).toThrow(/finite/);
    }
  });
});

describe("PG augmentation identity (oracle 10, E14)", () => {
  const cases = [
    [1, 1, 0.7],
    [0, 1, -2.3],
    [3, 5, 1.1],
    [2, 2, 40],
  ];

  it.each(cases)("a = %s, b = %s, ψ = %s: 2^{−b} e^{κψ} cosh^{−b}(ψ/2) = e^{aψ}/(1 + e^ψ)^b", (a, b, psi) => {
    const kappa = a - b / 2;
    const lhs = -b * Math.LN2 + kappa * psi - b * logCosh(psi / 2);
    const rhs = a * psi - b * softplus(psi);
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-12 * Math.max(1, Math.abs(rhs)));
  });

  it("E[e^{−ωψ²/2}] over ω ~ PG(b, 0) reproduces the logistic likelihood", () => {
    for (const [a, b, psi] of [
      [1, 1, 0.7],
      [3, 5, 1.1],
    ]) {
      const x = pgSample(`e14${b}`, 40_000, b, 0);
      const target = Math.exp(a * psi - b * softplus(psi) + b * Math.LN2 - (a - b / 2) * psi);
      expect(Math.abs(zMean(x.map((w) => Math.exp((-w * psi * psi) / 2)), target))).toBeLessThan(Z_TOL);
    }
  });
});
