/**
 * Each block's table of statistics is the state it runs on: every entry names one of its
 * per-particle arrays, and resampling copies exactly those (a particle gathered from another
 * equals it in every listed array). The rule table reads the same lists for the reference page.
 */
import { describe, expect, it } from "vitest";
import { allRules, ruleStatistics } from "../../../compiler/4-analyze/index.js";
import { HorseshoeState } from "../../../runtime/rules/horseshoe.js";
import { KnownVarianceLinearState } from "../../../runtime/rules/known-variance-linear.js";
import { NigLinearState } from "../../../runtime/rules/nig-linear.js";
import { ScalePrior } from "../../../runtime/rules/scale-prior.js";
import { StickGateState } from "../../../runtime/rules/stick-gate.js";
import { statisticArrays, type Statistic } from "../../../runtime/rules/statistics.js";
import { kernelBlocks } from "../../../runtime/kernel-runtime.js";

const N = 3;
const blocks: [string, { gather(a: Int32Array): void }, readonly Statistic[]][] = [
  ["NigLinearState", NigLinearState.create(N, 3, 2, { g: 10, m0: 0, a0: 2, b0: 1 }), NigLinearState.statistics],
  [
    "NigLinearState with a shrinkage prior",
    NigLinearState.create(N, 3, 2, { g: 10, m0: 0, a0: 2, b0: 1, shrinkage: { tree: { families: [{ dims: ["stick", "column"], shape: 0.5, rate: { constant: 1 }, scale: true }], groups: [{ base: 1, factors: [{ family: 0, index: ["stick", "column"] }] }] } } }),
    NigLinearState.statistics,
  ],
  ["KnownVarianceLinearState", KnownVarianceLinearState.create(N, 3, 2, { s: 1, g: 10, m0: 0 }), KnownVarianceLinearState.statistics],
  ["StickGateState", new StickGateState(N, 3, 2), StickGateState.statistics],
  ["HorseshoeState", new HorseshoeState(N, 2, 2), HorseshoeState.statistics],
  [
    "ScalePrior",
    new ScalePrior(N, 2, 2, { tree: { families: [{ dims: [], shape: 0.5, rate: { constant: 1 }, scale: true }], groups: [{ base: 1, factors: [{ family: 0, index: [] }] }] } }),
    ScalePrior.statistics,
  ],
];

describe("block statistics", () => {
  it.each(blocks)("%s: every listed statistic is a per-particle array, and gather copies each", (_, block, stats) => {
    const arrays = statisticArrays(block, stats);
    expect(arrays.length).toBe(stats.length);
    arrays.forEach((a, q) => {
      expect(a.length % N, stats[q].name).toBe(0);
      a.forEach((_, t) => (a[t] = t + 1));
    });
    block.gather(Int32Array.of(1, 1, 2));
    for (const a of arrays) {
      const size = a.length / N;
      for (let t = 0; t < size; t++) expect(a[t]).toBe(a[size + t]);
    }
  });

  it("every rule's statistics are its block's table", () => {
    for (const r of allRules) for (const s of ruleStatistics(r)) expect(s.name.length).toBeGreaterThan(0);
    expect(ruleStatistics(allRules.find((r) => r.id === "normal_inverse_gamma_linear")!).map((s) => s.name)).toEqual(["L", "m", "count", "stashW", "stashXm", "stashQ", "oldP", "oldU", "oldYY", "oldN", "a", "b", "logNorm", "gv", "shrunkPrecision"]);
  });

  it("a shrinkage prior's scales follow their particles' ancestors as its precisions do", () => {
    const block = blocks.find((b) => b[0] === "NigLinearState with a shrinkage prior")![1] as NigLinearState;
    const v = block.coefScales!.v;
    v.forEach((_, t) => (v[t] = t + 1));
    block.gather(Int32Array.of(1, 1, 2));
    const M = v.length / N;
    for (let t = 0; t < M; t++) expect([v[t], v[M + t], v[2 * M + t]]).toEqual([M + t + 1, M + t + 1, 2 * M + t + 1]);
  });

  it("a table out of step with its block is an error, not a silent skip", () => {
    expect(() => statisticArrays(new StickGateState(1, 2, 1), [{ name: "nope", size: "1", about: "" }])).toThrow(/not an array/);
  });

  it("every rule's update and conditional name methods its block has", () => {
    for (const r of allRules) {
      const proto = (kernelBlocks[r.block] as unknown as { prototype: Record<string, unknown> }).prototype;
      for (const m of [...r.update.methods, ...r.conditional.methods]) expect(typeof proto[m], `${r.id}: ${r.block}.${m}`).toBe("function");
    }
  });
});
