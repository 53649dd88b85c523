/**
 * Pólya-Gamma sampler against spec oracles 7–10: moments (E18–E19), Laplace transform (E20),
 * KS against the CDF integrated from the series density (§4.1), symmetry, extreme c, and the
 * augmentation identity (E14). Monte Carlo checks use |z| < 4 and KS p > 1e−4 (fixed seeds).
 */
import { describe, expect, it } from "vitest";
import { logSumExp, normalLogCdf, softplus } from "../../../runtime/math/special.js";
import {
  J_STAR_PROPOSAL,
  PG_NORMAL_ABOVE,
  pgExponentialPieceBracket,
  pgExponentialPieceProbability,
  pgMean,
  pgRightPieceProbability,
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
  // b = 1 is J*(1); 2, 3 and 4 are one J*(h) draw; 5 and 11 mix J*(4) with J*(1) and J*(3).
  describe.each([1, 2, 3, 4, 5, 11])("b = %s", (b) => {
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

/** C(n + h − 1, n). */
function multiset(h: number, n: number): number {
  let r = 1;
  for (let i = 1; i <= n; i++) r = (r * (h - 1 + i)) / i;
  return r;
}

/** J*(h) density by the left expansion of sech^h(√(2s)) (spec §4.3), 60 terms. */
function jStarLeft(h: number, x: number): number {
  let s = 0;
  for (let n = 0; n < 60; n++) {
    const a = 2 * n + h;
    s += (n % 2 === 0 ? 1 : -1) * multiset(h, n) * a * Math.exp((-a * a) / (2 * x));
  }
  return (2 ** h * s) / Math.sqrt(2 * Math.PI * x ** 3);
}

/** The first term a_0(x) of J*(h)'s left expansion (spec §4.3). */
function leftFirstTerm(h: number, x: number): number {
  return ((2 ** h * h) / Math.sqrt(2 * Math.PI * x ** 3)) * Math.exp((-h * h) / (2 * x));
}

/** The k-th term σ_k R_k(x) e^{−λ_k x} of J*(h)'s right expansion (spec §4.3). */
function rightTerm(h: number, k: number, x: number): number {
  const a = (k - 0.5) * Math.PI;
  const a2 = a * a;
  const r = h === 2 ? a2 * x - 1 : h === 3 ? (((k % 2 === 1 ? 1 : -1) * a) / 2) * (a2 * x * x - 3 * x + 1) : (a2 * a2 * x ** 3 - 6 * a2 * x * x + (4 * a2 + 3) * x - 4) / 6;
  return r * Math.exp(-0.5 * a2 * x);
}

/** J*(h) density by the right expansion (poles of order h; spec §4.3), 40 terms. */
function jStarRight(h: number, x: number): number {
  let s = 0;
  for (let k = 1; k <= 40; k++) s += rightTerm(h, k, x);
  return s;
}

/** PG(b, c) density for b = 2, 3, 4 at ω: 4 f_{J*(b)}(4ω) cosh^b(c/2) e^{−c²ω/2}. */
function pgDensityB(b: number, omega: number, c: number): number {
  if (omega <= 0) return 0;
  const x = 4 * omega;
  const f = x < 1.5 ? jStarLeft(b, x) : jStarRight(b, x);
  return 4 * Math.max(f, 0) * Math.exp(b * logCosh(c / 2) - 0.5 * c * c * omega);
}

describe("PG(b, c) for integer b ≥ 2: J*(h) drawn directly, h = 2, 3, 4 (spec §4.3)", () => {
  it("the left and right expansions of J*(h)'s density agree, and integrate to 1 with mean h", () => {
    for (const h of [2, 3, 4]) {
      for (const x of [0.4, 0.7, 1, 1.5, 2, 2.5]) {
        // The left series cancels as x grows (to ~1e−10 at 2.5 for h = 4).
        expect(Math.abs(jStarRight(h, x) / jStarLeft(h, x) - 1)).toBeLessThan(1e-9);
      }
      const grid = Float64Array.from({ length: 40_001 }, (_, i) => (60 * i) / 40_000);
      const f = (x: number) => (x <= 0 ? 0 : x < 1.5 ? jStarLeft(h, x) : jStarRight(h, x));
      const mass = cumulativeIntegral(f, grid);
      const first = cumulativeIntegral((x) => x * f(x), grid);
      expect(Math.abs(mass[mass.length - 1] - 1)).toBeLessThan(1e-9);
      expect(Math.abs(first[first.length - 1] - h)).toBeLessThan(1e-8);
    }
  });

  it("the sampler's right terms are the expansion's, and its right proposal bounds the density beyond t_h", () => {
    for (const h of [2, 3, 4]) {
      const t = J_STAR_PROPOSAL.split(h);
      const eps = J_STAR_PROPOSAL.epsilon(h);
      // The left series' terms fall (the ratio of its first two is the largest) up to t_h.
      expect((h + 2) * Math.exp((-2 * (h + 1)) / t)).toBeLessThan(1);
      expect(J_STAR_PROPOSAL.rightCoefficients(h).every((c) => c > 0)).toBe(true);
      let previous = Infinity;
      for (let x = t; x < 60; x += 0.01) {
        const term1 = rightTerm(h, 1, x);
        let rest = 0;
        for (let k = 2; k <= 12; k++) {
          const ratio = J_STAR_PROPOSAL.rightTermRatio(h, k, x);
          rest += ratio;
          // Each ratio's successor is under half of it in size (the sampler's tail bound); for
          // h = 3 the signs alternate, so the first term bounds the sum.
          const next = J_STAR_PROPOSAL.rightTermRatio(h, k + 1, x);
          if (next !== 0) expect(Math.abs(next)).toBeLessThan(0.5 * Math.abs(ratio));
          if (h === 3 && ratio !== 0) expect(Math.sign(ratio)).toBe(k % 2 === 0 ? -1 : 1);
        }
        expect(Math.abs(jStarRight(h, x) / (term1 * (1 + rest)) - 1)).toBeLessThan(1e-12);
        if (h === 3) {
          // rest lies in [r_2(x), 0], and |r_2| falls in x: the squeeze's bound at t_3.
          expect(rest).toBeLessThanOrEqual(0);
          const r2 = J_STAR_PROPOSAL.rightTermRatio(3, 2, x);
          expect(rest).toBeGreaterThanOrEqual(r2);
          expect(-r2).toBeLessThanOrEqual(previous);
          previous = -r2;
        }
        else {
          expect(rest).toBeLessThanOrEqual(eps);
          expect(rest).toBeLessThanOrEqual(previous);
          previous = rest;
        }
      }
    }
  });

  it("the accept step takes a proposal at x with probability f_h(x)/g(x), g the proposal's envelope, on either side of t_h", () => {
    for (const h of [2, 3, 4]) {
      const t = J_STAR_PROPOSAL.split(h);
      const eps = J_STAR_PROPOSAL.epsilon(h);
      const xs = [...Array.from({ length: 60 }, (_, i) => (t * (i + 1)) / 60), ...Array.from({ length: 120 }, (_, i) => t + 0.001 + (i * i) / 600)];
      for (const x of xs) {
        // The envelope: a_0 on the left, (1 + ε_h) R_1 e^{−λ₁x} on the right (spec §4.3).
        const ratio = x <= t ? jStarLeft(h, x) / leftFirstTerm(h, x) : jStarRight(h, x) / ((1 + eps) * rightTerm(h, 1, x));
        // The decision is monotone in u: find where it turns by bisection.
        let lo = 0;
        let hi = 1;
        for (let i = 0; i < 60; i++) {
          const mid = 0.5 * (lo + hi);
          if (J_STAR_PROPOSAL.accepts(h, mid, x)) lo = mid;
          else hi = mid;
        }
        expect(Math.abs(lo - ratio)).toBeLessThan(1e-10);
      }
    }
  });

  it.each([0, 1, 3, 8, 20, 60])("c = %s: the right piece's probability is the two masses' ratio, and its bracket holds it", (c) => {
    for (const h of [2, 3, 4]) {
      const z = c / 2;
      const t = J_STAR_PROPOSAL.split(h);
      const m = 20_000;
      // Left mass: a_0(x) e^{−z²x/2} on (0, t]; right: (1 + ε_h) R_1(x) e^{−(λ₁ + z²/2)x} beyond.
      const left = cumulativeIntegral((x) => (x <= 0 ? 0 : leftFirstTerm(h, x) * Math.exp(-0.5 * z * z * x)), Float64Array.from({ length: m + 1 }, (_, i) => (t * i) / m));
      const rightGrid = Float64Array.from({ length: m + 1 }, (_, i) => t + (60 * i) / m);
      const right = cumulativeIntegral((x) => (1 + J_STAR_PROPOSAL.epsilon(h)) * rightTerm(h, 1, x) * Math.exp(-0.5 * z * z * x), rightGrid);
      const p = left[m];
      const q = right[m];
      const { probability, bracket } = pgRightPieceProbability(h, c);
      expect(Math.abs(probability - q / (p + q))).toBeLessThan(1e-9 + 1e-7 * probability);
      expect(bracket[0]).toBeLessThanOrEqual(probability);
      expect(bracket[1]).toBeGreaterThanOrEqual(probability);
      if (bracket[1] < 1) expect(bracket[1] - bracket[0]).toBeLessThan(1e-3);
    }
  });

  it.each([
    [2, 0],
    [2, 1],
    [2, 3],
    [2, 8],
    [3, 0],
    [3, 1],
    [3, 3],
    [3, 8],
    [4, 0],
    [4, 1],
    [4, 3],
    [4, 8],
    [4, 30],
  ])("b = %s, c = %s: KS against the integrated series density", (b, c) => {
    const hi = pgMean(b, c) + 40 * Math.sqrt(pgVariance(b, c));
    const grid = Float64Array.from({ length: 40_001 }, (_, i) => (hi * i) / 40_000);
    const table = cumulativeIntegral((w) => pgDensityB(b, w, c), grid);
    expect(Math.abs(table[table.length - 1] - 1)).toBeLessThan(1e-8);
    const x = pgSample(`ksb${b},${c}`, 30_000, b, c);
    expect(ksTest(x, (v) => interpolateTable(grid, table, v)).pValue).toBeGreaterThan(P_MIN);
  });

  it.each([3, 4, 6, 7])("PG(%s, 2) is a sum of PG(1, 2) draws in law (two-sample KS against the J*(1) sampler)", (b) => {
    const rng = Rng.fromSeed(`sum${b}`);
    const sums = Array.from({ length: 20_000 }, () => {
      let s = 0;
      for (let i = 0; i < b; i++) s += polyaGamma1(rng, 2);
      return s;
    });
    expect(ks2Test(sums, pgSample(`direct${b}`, 20_000, b, 2)).pValue).toBeGreaterThan(P_MIN);
  });

  it("draws are finite and positive for |c| up to 1e308, and the mean matches E18 at 1e3 and 1e4", () => {
    for (const b of [2, 3, 4, 11]) {
      for (const c of [1e3, -1e4, 1e4, 1e6, 1e150, -1.7e308]) {
        const x = pgSample(`bigb${b},${c}`, 10_000, b, c);
        expect(x.every((v) => v > 0 && Number.isFinite(v))).toBe(true);
        if (Math.abs(c) <= 1e4) expect(Math.abs(zMean(x, pgMean(b, c)))).toBeLessThan(Z_TOL);
      }
    }
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
