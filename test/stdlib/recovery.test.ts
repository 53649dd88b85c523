/**
 * The flagship on data with a known truth (issue 5's correctness tier), N = 1000 particles,
 * resample-move on, fixed seeds:
 * - piecewise-linear data (three regimes, noise sd 0.3, 600 train / 400 test): held-out mean
 *   log predictive density within 0.03 nats/row of the data-generating model's, and five
 *   seeds within 0.01 of each other;
 * - sparse routing (d = 10 + intercept, K = 3, routed by 2 features): shrinkage κ ≥ 0.8 on
 *   every noise feature of every stick and ≤ 0.5 on each driver on the stick it drives; five
 *   seeds with the worst within 0.02 nats/row of the best.
 * Each fit is `hsmoe fit` on the committed CSVs of these data sets (examples/data), its four
 * particle sets on two worker threads: the vitest worker runs one file at a time, and the fits
 * are this file's whole cost (the same sets and seeds as a one-thread fit).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { heldoutLpd, piecewise, sparseRouting } from "../../examples/data/simulate.js";
import { cli } from "../helpers/cli.js";

const model = fileURLToPath(new URL("../../stdlib/hsmoe.moe", import.meta.url));
const csv = (name: string) => fileURLToPath(new URL(`../../examples/data/${name}.csv`, import.meta.url));

/** `hsmoe fit --json` of the data set `prefix` with K experts and this seed: held-out lpd, shrinkage, experts' usage. */
async function fit(prefix: string, seed: number, K = 3) {
  const r = await cli("fit", model, "--set", `K=${K}`, "--data", csv(`${prefix}-train`), "--test", csv(`${prefix}-test`), "--particles", "1000", "--seed", String(seed), "--threads", "2", "--json");
  expect(r.code, r.stderr).toBe(0);
  const out = JSON.parse(r.stdout) as { heldout: { lpd: number }; gate: { shrinkage: number[][] }; experts: { usage: number }[] };
  return { lpd: out.heldout.lpd, shrinkage: out.gate.shrinkage, experts: out.experts };
}

const SEEDS = [1, 2, 3, 4, 5];

describe("piecewise-linear data", () => {
  const truth = heldoutLpd(piecewise(1));
  let runs: Awaited<ReturnType<typeof fit>>[] = [];
  beforeAll(async () => {
    for (const seed of SEEDS) runs.push(await fit("piecewise", seed));
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
  let runs: Awaited<ReturnType<typeof fit>>[] = [];
  beforeAll(async () => {
    for (const seed of SEEDS) runs.push(await fit("sparse", seed));
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
    const truth = heldoutLpd(sparseRouting(1));
    for (const r of runs) expect(truth - r.lpd).toBeLessThan(0.03);
  });
});

describe("the paper's §4.1 study (K = 10, three active experts)", () => {
  it("puts most of the usage on three experts", async () => {
    const usage = (await fit("paper41", 1, 10)).experts.map((e) => e.usage);
    expect(usage[0] + usage[1] + usage[2]).toBeGreaterThan(0.85);
    expect(usage.slice(3).every((u) => u < 0.06)).toBe(true);
  }, 300_000);
});
