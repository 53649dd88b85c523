/**
 * Resampling identities of spec oracle 19 for every scheme. Monte Carlo checks are z-tests with
 * |z| < 4 at fixed seeds (per-check false-alarm rate ≈ 6e−5); per-run invariants are exact.
 */
import { describe, expect, it } from "vitest";
import { Rng } from "../../../runtime/rng/rng.js";
import {
  DegenerateWeightsError,
  RESAMPLING_SCHEMES,
  Resampler,
  SCHEME_NAMES,
  type SchemeName,
  inverseCdf,
  normaliseLogWeights,
  resamplingScheme,
} from "../../../runtime/smc/index.js";

const Z = 4;

/** 20 weights with zeros, one dominant weight, tiny ones, and an integer m·W_i. */
const FIXTURE = [0, 0.3, 0.001, 0.05, 0.1, 0, 0.07, 0.002, 0.15, 0.013, 0.06, 0.004, 0.09, 0.02, 0.05, 0.03, 0, 0.01, 0.0175, 0.0325];

function normalisedFixture(): Float64Array {
  const W = new Float64Array(FIXTURE.length);
  normaliseLogWeights(Float64Array.from(FIXTURE, Math.log), FIXTURE.length, W);
  return W;
}

function countsOf(A: Int32Array, m: number, n: number, counts: Int32Array): void {
  counts.fill(0);
  for (let j = 0; j < m; j++) counts[A[j]]++;
}

interface Moments {
  mean: number[];
  variance: number[];
  /** standard error of each variance estimate, from the empirical fourth central moment */
  varianceSe: number[];
}

/**
 * Runs `scheme` R times on W with m draws, asserting the per-run invariants on every run, and
 * returns the empirical moments of the counts N_i.
 */
function simulate(name: SchemeName, W: Float64Array, m: number, R: number, seed: string): Moments {
  const n = W.length;
  const scheme = RESAMPLING_SCHEMES[name];
  const rng = Rng.fromSeed(seed);
  const A = new Int32Array(m);
  const work = new Float64Array(n + m);
  const counts = new Int32Array(n);
  const runs: Int32Array[] = [];
  for (let r = 0; r < R; r++) {
    scheme(rng, W, n, A, m, work);
    countsOf(A, m, n, counts);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const c = counts[i];
      const mw = m * W[i];
      total += c;
      if (W[i] === 0 && c !== 0) throw new Error(`${name}: zero-weight index ${i} selected`);
      if (name === "systematic" && c !== Math.floor(mw) && c !== Math.ceil(mw)) throw new Error(`systematic: N_${i} = ${c}, mW = ${mw}`);
      if (name === "stratified" && !(Math.abs(c - mw) < 2)) throw new Error(`stratified: N_${i} = ${c}, mW = ${mw}`);
      if (name.startsWith("residual") && c < Math.floor(mw)) throw new Error(`${name}: N_${i} = ${c} < ⌊${mw}⌋`);
    }
    if (total !== m) throw new Error(`${name}: Σ N_i = ${total} ≠ ${m}`);
    runs.push(counts.slice());
  }
  const mean = Array.from({ length: n }, (_, i) => runs.reduce((s, c) => s + c[i], 0) / R);
  const variance: number[] = [];
  const varianceSe: number[] = [];
  for (let i = 0; i < n; i++) {
    let m2 = 0;
    let m4 = 0;
    for (const c of runs) {
      const dev = c[i] - mean[i];
      m2 += dev * dev;
      m4 += dev ** 4;
    }
    m2 /= R;
    m4 /= R;
    variance.push((m2 * R) / (R - 1));
    varianceSe.push(Math.sqrt(Math.max(m4 - m2 * m2, 0) / R));
  }
  return { mean, variance, varianceSe };
}

describe.each(SCHEME_NAMES)("%s", (name) => {
  const W = normalisedFixture();
  const n = W.length;

  it.each([n, 7, 53])("keeps its per-run invariants and is unbiased (m = %i, 20,000 runs)", (m) => {
    const R = 20_000;
    const { mean, variance } = simulate(name, W, m, R, `${name}-${m}`);
    for (let i = 0; i < n; i++) {
      const target = m * W[i];
      if (variance[i] === 0) expect(Math.abs(mean[i] - target)).toBeLessThan(1e-9);
      else expect(Math.abs(mean[i] - target) / Math.sqrt(variance[i] / R)).toBeLessThan(Z);
    }
  });

  it("one non-zero weight gets every copy (at the first, a middle and the last index)", () => {
    const rng = Rng.fromSeed(`${name}-single`);
    const n = 1000;
    const A = new Int32Array(n);
    const work = new Float64Array(2 * n);
    for (const k of [0, 417, n - 1]) {
      const W = new Float64Array(n);
      W[k] = 1;
      for (const m of [1, 7, n]) {
        A.fill(-1);
        RESAMPLING_SCHEMES[name](rng, W, n, A, m, work);
        expect(A.subarray(0, m).every((a) => a === k)).toBe(true);
      }
    }
  });

  it("handles n = 10⁶ (Σ N_i = n, indices valid, counts near n·W_i)", () => {
    const n = 1_000_000;
    const rng = Rng.fromSeed(`${name}-big`);
    const lw = Float64Array.from({ length: n }, (_, i) => Math.log1p(i % 7) - 2 * rng.exponential());
    const W = new Float64Array(n);
    normaliseLogWeights(lw, n, W);
    const A = new Int32Array(n);
    RESAMPLING_SCHEMES[name](rng, W, n, A, n, new Float64Array(2 * n));
    const counts = new Int32Array(n);
    countsOf(A, n, n, counts);
    let total = 0;
    let chi2 = 0;
    for (let i = 0; i < n; i++) {
      total += counts[i];
      if (W[i] === 0) expect(counts[i]).toBe(0);
      else chi2 += (counts[i] - n * W[i]) ** 2 / (n * W[i]);
    }
    expect(total).toBe(n);
    expect(A.every((a) => a >= 0 && a < n)).toBe(true);
    // Multinomial: chi² ≈ n ± √(2n); the other schemes have smaller variance.
    expect(chi2).toBeLessThan(n + Z * Math.sqrt(2 * n));
  });
});

describe("variances (20,000 runs, m = n = 20)", () => {
  const W = normalisedFixture();
  const n = W.length;
  const R = 20_000;
  const multi = simulate("multinomial", W, n, R, "var-multinomial");

  it("multinomial: Var N_i ≈ n W_i (1 − W_i)", () => {
    for (let i = 0; i < n; i++) {
      const target = n * W[i] * (1 - W[i]);
      if (target === 0) expect(multi.variance[i]).toBe(0);
      else expect(Math.abs(multi.variance[i] - target) / multi.varianceSe[i]).toBeLessThan(Z);
    }
  });

  it.each(["stratified", "residual", "residual_stratified"] as const)("%s: Var N_i ≤ multinomial's", (name) => {
    const other = simulate(name, W, n, R, `var-${name}`);
    for (let i = 0; i < n; i++) {
      const slack = Z * Math.hypot(other.varianceSe[i], multi.varianceSe[i]);
      expect(other.variance[i]).toBeLessThanOrEqual(multi.variance[i] + slack);
    }
    // The reduction is substantial overall, not just within noise.
    expect(other.variance.reduce((a, b) => a + b)).toBeLessThan(0.8 * multi.variance.reduce((a, b) => a + b));
  });
});

describe("systematic with equal weights", () => {
  it.each([1, 2, 3, 10, 997, 100_000])("selects each index exactly once (n = %i, 20 seeds)", (n) => {
    const W = new Float64Array(n);
    normaliseLogWeights(new Float64Array(n), n, W);
    const A = new Int32Array(n);
    const work = new Float64Array(2 * n);
    for (let s = 0; s < 20; s++) {
      RESAMPLING_SCHEMES.systematic(Rng.fromSeed(`eq-${n}-${s}`), W, n, A, n, work);
      expect(A.every((a, j) => a === j)).toBe(true);
    }
  });
});

describe("inverseCdf", () => {
  it("maps sorted points through the cumulative weights, skipping zero weights", () => {
    const W = Float64Array.from([0, 0.25, 0, 0.5, 0.25, 0]);
    const su = Float64Array.from([0, 0.1, 0.25, 0.5, 0.74, 0.75, 0.999, 1]);
    const A = new Int32Array(8);
    inverseCdf(su, 0, 8, W, 6, A, 0);
    expect(Array.from(A)).toEqual([1, 1, 3, 3, 3, 4, 4, 4]);
  });
});

describe("registry and Resampler", () => {
  it("looks schemes up by name and rejects unknown names, listing the valid ones", () => {
    expect(resamplingScheme("stratified")).toBe(RESAMPLING_SCHEMES.stratified);
    expect(() => resamplingScheme("bogus")).toThrow(/unknown resampling scheme "bogus".*systematic/);
    expect(() => resamplingScheme("toString")).toThrow(RangeError);
  });

  it("normalises log-weights, returns the log-sum-exp, and is deterministic per seed", () => {
    const n = 50;
    const lw = Float64Array.from({ length: n }, (_, i) => -0.1 * i + 1e3);
    const rs = new Resampler(100);
    const A1 = new Int32Array(n);
    const A2 = new Int32Array(n);
    const lse = rs.resample(Rng.fromSeed(1), "stratified", lw, n, A1);
    rs.resample(Rng.fromSeed(1), "stratified", lw, n, A2);
    expect(A2).toEqual(A1);
    expect(lse).toBeCloseTo(1e3 + Math.log((1 - Math.exp(-5)) / (1 - Math.exp(-0.1))), 9);
    expect(rs.W.subarray(0, n).reduce((a, b) => a + b)).toBeCloseTo(1, 14);
  });

  it("throws typed errors for degenerate weights and sizes beyond its capacity", () => {
    const rs = new Resampler(4);
    const A = new Int32Array(4);
    const rng = Rng.fromSeed(2);
    expect(() => rs.resample(rng, "systematic", new Float64Array(4).fill(-Infinity), 4, A)).toThrow(DegenerateWeightsError);
    expect(() => rs.resample(rng, "systematic", new Float64Array(5), 5, A)).toThrow(RangeError);
    expect(() => rs.resample(rng, "systematic", new Float64Array(4), 4, new Int32Array(3))).toThrow(RangeError);
    expect(() => rs.resample(rng, "nope" as SchemeName, new Float64Array(4), 4, A)).toThrow(RangeError);
    expect(() => new Resampler(0)).toThrow(RangeError);
  });
});
