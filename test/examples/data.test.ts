/**
 * The synthetic data sets: determinism, shapes, that rows follow the stated truth (allocations
 * from the gate, residuals normal with the expert's sd), that the true predictive density is a
 * density, and that the committed CSVs are exactly what the generators give.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import {
  heldoutLpd,
  logGate,
  paper41,
  piecewise,
  sparseRouting,
  PAPER41,
  type SyntheticData,
} from "../../examples/data/simulate.js";
import { DATA_SETS, csvFiles } from "../../examples/data/write.js";
import { readDataTable } from "../../cli/data/csv.js";
import { normalCdf } from "../../runtime/math/special.js";
import { P_MIN, Z_TOL, ksTest } from "../helpers/stats.js";

const dataDir = fileURLToPath(new URL("../../examples/data/", import.meta.url));

const GENERATORS = [
  { name: "piecewise", make: piecewise, D: 2, K: 3, nTrain: 600, nTest: 400, intercept: true },
  { name: "sparse", make: sparseRouting, D: 11, K: 3, nTrain: 2000, nTest: 1000, intercept: true },
  { name: "paper41", make: paper41, D: 5, K: 10, nTrain: 500, nTest: 500, intercept: false },
] as const;

/** The truth's held-out lpd of each committed test set, as the README quotes it. */
const README_LPD: Record<string, number> = { piecewise: -0.273, sparse: -1.037, paper41: -0.894 };

describe.each(GENERATORS)("$name", ({ name, make, D, K, nTrain, nTest, intercept }) => {
  const data = make(1);

  it("gives the same rows for the same seed and other rows for another", () => {
    expect(make(1)).toMatchObject({ train: data.train, test: data.test, truth: data.truth });
    expect(make(2).train[0].x).not.toEqual(data.train[0].x);
  });

  it("keeps parameters and test rows when more training rows are asked for", () => {
    const more = make(1, { nTrain: nTrain + 50 });
    expect(more.truth).toEqual(data.truth);
    expect(more.test).toEqual(data.test);
    expect(more.train.slice(0, nTrain)).toEqual(data.train);
  });

  it("has the stated shapes", () => {
    expect(data.name).toBe(name);
    expect(data.truth.D).toBe(D);
    expect(data.truth.K).toBe(K);
    expect(data.train).toHaveLength(nTrain);
    expect(data.test).toHaveLength(nTest);
    for (const r of [...data.train, ...data.test]) {
      expect(r.x).toHaveLength(D);
      expect(r.x.every(Number.isFinite) && Number.isFinite(r.y)).toBe(true);
      expect(Number.isInteger(r.z) && r.z >= 1 && r.z <= K).toBe(true);
      if (intercept) expect(r.x[0]).toBe(1);
    }
  });

  it("has gate probabilities that sum to 1", () => {
    const g = new Float64Array(K);
    for (const r of data.test.slice(0, 50)) {
      logGate(data.truth, r.x, g);
      expect(g.reduce((s, v) => s + Math.exp(v), 0)).toBeCloseTo(1, 12);
    }
  });

  it("draws allocations from the gate and responses from the allocated expert", () => {
    const big = make(7, { nTrain: 20_000, nTest: 0 });
    const g = new Float64Array(K);
    const count = new Float64Array(K);
    const mean = new Float64Array(K);
    const variance = new Float64Array(K);
    const residuals: number[] = [];
    for (const r of big.train) {
      logGate(big.truth, r.x, g);
      for (let k = 0; k < K; k++) {
        const p = Math.exp(g[k]);
        mean[k] += p;
        variance[k] += p * (1 - p);
      }
      count[r.z - 1]++;
      const k = r.z - 1;
      const fit = big.truth.beta[k].reduce((s, b, j) => s + b * r.x[j], 0);
      residuals.push((r.y - fit) / big.truth.sigma[k]);
    }
    for (let k = 0; k < K; k++) {
      if (variance[k] > 0) expect(Math.abs(count[k] - mean[k]) / Math.sqrt(variance[k])).toBeLessThan(Z_TOL);
    }
    expect(ksTest(residuals, normalCdf).pValue).toBeGreaterThan(P_MIN);
  });

  it("has a true predictive density that integrates to 1 over y", () => {
    for (const r of data.test.slice(0, 5)) {
      const means = data.truth.beta.map((b) => b.reduce((s, v, j) => s + v * r.x[j], 0));
      const sd = Math.max(...data.truth.sigma);
      const lo = Math.min(...means) - 12 * sd;
      const hi = Math.max(...means) + 12 * sd;
      expect(simpson((y) => Math.exp(data.trueLogDensity(r.x, y)), lo, hi, 20_000)).toBeCloseTo(1, 9);
    }
  });

  it("has the truth's held-out lpd quoted in examples/data/README.md", () => {
    expect(heldoutLpd(data)).toBeCloseTo(README_LPD[name], 3);
  });
});

describe("generator specifics", () => {
  it("piecewise: u lies in (−3, 3) and the three regimes are used about equally", () => {
    const data = piecewise(1);
    expect(data.train.every((r) => r.x[1] > -3 && r.x[1] < 3)).toBe(true);
    for (let k = 1; k <= 3; k++) expect(data.train.filter((r) => r.z === k).length).toBeGreaterThan(150);
  });

  it("sparse: only features 1 and 2 (columns x2, x3) have gate coefficients", () => {
    const { gate } = sparseRouting(1).truth;
    if (gate.kind !== "stickbreaking") throw new Error("expected a stick-breaking gate");
    const nonZero = gate.phi.map((row) => row.flatMap((v, j) => (v !== 0 ? [j] : [])));
    expect(nonZero).toEqual([[1], [2]]);
  });

  it("paper41: softmax logits xᵀw/T for the three active experts, b_inactive/T for the rest", () => {
    const data = paper41(1);
    const { gate } = data.truth;
    if (gate.kind !== "softmax") throw new Error("expected a softmax gate");
    expect(gate.offsets.slice(3)).toEqual(new Array(7).fill(PAPER41.bInactive / PAPER41.temperature));
    expect(gate.weights.slice(3).flat().every((v) => v === 0)).toBe(true);
    expect(data.truth.sigma).toEqual(new Array(10).fill(0.5));
    const inactive = data.train.filter((r) => r.z > 3).length;
    expect(inactive).toBeGreaterThan(0);
    expect(inactive / data.train.length).toBeLessThan(0.1);
  });
});

describe("committed CSV files", () => {
  it.each(DATA_SETS.map((s) => [s.prefix, s]))("%s: the files are what the generator writes", (_, { prefix, make }) => {
    const data: SyntheticData = make();
    for (const [file, text] of Object.entries(csvFiles(prefix, data))) {
      expect(readFileSync(join(dataDir, file), "utf8"), `${file} is stale: run npx tsx examples/data/write.ts`).toBe(text);
    }
  });

  it.each(DATA_SETS.map((s) => [s.prefix, s]))("%s: read back through the CSV reader, rows are exact", (_, { prefix, make }) => {
    const data: SyntheticData = make();
    const text = readFileSync(join(dataDir, `${prefix}-test.csv`), "utf8");
    const table = readDataTable(text, { file: `${prefix}-test.csv`, input: "x", response: "y" });
    expect(table.n).toBe(data.test.length);
    expect(table.D).toBe(data.truth.D);
    expect([...table.x]).toEqual(data.test.flatMap((r) => r.x));
    expect([...table.y!]).toEqual(data.test.map((r) => r.y));
  });
});

/** Composite Simpson's rule with `n` (even) intervals. */
function simpson(f: (v: number) => number, lo: number, hi: number, n: number): number {
  const h = (hi - lo) / n;
  let s = f(lo) + f(hi);
  for (let i = 1; i < n; i++) s += (i % 2 === 1 ? 4 : 2) * f(lo + i * h);
  return (s * h) / 3;
}
