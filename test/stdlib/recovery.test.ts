/**
 * The flagship on data with a known truth (issue 5's correctness tier), N = 1000 particles,
 * resample-move on, fixed seeds:
 * - piecewise-linear data (three regimes, noise sd 0.3, 600 train / 400 test): held-out mean
 *   log predictive density within 0.03 nats/row of the data-generating model's, and five
 *   seeds within 0.01 of each other;
 * - sparse routing (d = 10 + intercept, K = 3, routed by 2 features): shrinkage κ ≥ 0.8 on
 *   every noise feature of every stick and ≤ 0.5 on each driver on the stick it drives; five
 *   seeds with the worst within 0.02 nats/row of the best.
 * These fits take seconds each; the whole file runs within the CI budget on two cores.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { compile } from "../../api.js";
import { heldoutLpd, paper41, piecewise, sparseRouting, type SyntheticData } from "../../examples/data/simulate.js";

const flagship = compile(readFileSync(new URL("../../stdlib/hsmoe.moe", import.meta.url), "utf8"), { K: 3 });

function fit(data: SyntheticData, seed: number) {
  const f = flagship.filter({ particles: 1000, seed, D: data.train[0].x.length });
  for (const r of data.train) f.observe(r.x, r.y);
  f.finish();
  let lpd = 0;
  for (const r of data.test) lpd += f.predict(r.x, []).logDensity(r.y);
  return { lpd: lpd / data.test.length, shrinkage: f.shrinkage()!, experts: f.experts() };
}

const SEEDS = [1, 2, 3, 4, 5];

describe("piecewise-linear data", () => {
  const data = piecewise(1);
  const truth = heldoutLpd(data);
  let runs: ReturnType<typeof fit>[] = [];
  beforeAll(() => {
    runs = SEEDS.map((seed) => fit(data, seed));
  }, 600_000);

  it("is within 0.03 nats/row of the data-generating model on held-out rows", () => {
    for (const r of runs) expect(truth - r.lpd).toBeLessThan(0.03);
  });

  it("gives the same answer from five seeds, within 0.01 nats/row", () => {
    const lpds = runs.map((r) => r.lpd);
    expect(Math.max(...lpds) - Math.min(...lpds)).toBeLessThan(0.01);
  });

  it("uses all three experts", () => {
    for (const r of runs) for (const e of r.experts) expect(e.usage).toBeGreaterThan(0.15);
  });
});

describe("sparse routing (d = 10 + intercept, routed by the first two features)", () => {
  const data = sparseRouting(1);
  let runs: ReturnType<typeof fit>[] = [];
  beforeAll(() => {
    runs = SEEDS.map((seed) => fit(data, seed));
  }, 1_200_000);

  it("switches off every noise feature on every stick (κ ≥ 0.8) and keeps each driver on its stick (κ ≤ 0.5)", () => {
    for (const { shrinkage } of runs) {
      // columns: intercept, the two drivers, eight features the gate ignores
      for (const stick of shrinkage) for (let j = 3; j < 11; j++) expect(stick[j]).toBeGreaterThanOrEqual(0.8);
      const driverSticks = [1, 2].map((j) => shrinkage.findIndex((stick) => stick[j] <= 0.5));
      expect(driverSticks.every((l) => l >= 0)).toBe(true);
      expect(driverSticks[0]).not.toBe(driverSticks[1]);
    }
  });

  it("keeps every seed out of wrong modes: the worst held-out density within 0.02 nats/row of the best", () => {
    const lpds = runs.map((r) => r.lpd);
    expect(Math.max(...lpds) - Math.min(...lpds)).toBeLessThan(0.02);
  });

  it("is within 0.03 nats/row of the data-generating model", () => {
    const truth = heldoutLpd(data);
    for (const r of runs) expect(truth - r.lpd).toBeLessThan(0.03);
  });
});

describe("the paper's §4.1 study (K = 10, three active experts)", () => {
  it("puts most of the usage on three experts", () => {
    const data = paper41(1);
    const model = compile(readFileSync(new URL("../../stdlib/hsmoe.moe", import.meta.url), "utf8"), { K: 10 });
    const f = model.filter({ particles: 1000, seed: 1, D: 5 });
    for (const r of data.train) f.observe(r.x, r.y);
    f.finish();
    const usage = f.experts().map((e) => e.usage);
    expect(usage[0] + usage[1] + usage[2]).toBeGreaterThan(0.85);
    expect(usage.slice(3).every((u) => u < 0.06)).toBe(true);
  }, 300_000);
});
