/**
 * Forgetting (spec §3.8): ρ = 1 changes nothing; with one expert the discounted filter equals
 * the closed form of the power-weighted NIG posterior (row s of t weighs ρ^{t−s}) and its
 * prequential evidence to 1e-8; options are checked; snapshots continue bit for bit; and on a
 * stream whose regime changes the forgetting filter's score recovers where ρ = 1's does not.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { compile } from "../../api.js";
import { Rng } from "../../runtime/rng/rng.js";
import { nigPosterior } from "../helpers/nig.js";
import { Filter } from "../../runtime/pl/filter.js";
import { FilterError } from "../../runtime/pl/errors.js";
import { AUTO_FORGET } from "../../runtime/pl/forget.js";

const linear = readFileSync(new URL("../../stdlib/linear-regression.moe", import.meta.url), "utf8");
const flagship = readFileSync(new URL("../../stdlib/hsmoe.moe", import.meta.url), "utf8");

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1e-300, Math.abs(b));

function regression(n: number, d: number, seed: number) {
  const rng = Rng.fromSeed(seed);
  const X = Array.from({ length: n }, () => [1, ...Array.from({ length: d - 1 }, () => rng.normal())]);
  const beta = Array.from({ length: d }, () => rng.normal());
  // a level that drifts, so the weighting matters
  const y = X.map((x, t) => x.reduce((s, v, j) => s + v * beta[j], 0) + 0.02 * t + 0.7 * rng.normal());
  return { X, y };
}

/** Rows from a one-input piecewise regression whose slope flips at `change`. */
function regimes(n: number, change: number, seed: number) {
  const rng = Rng.fromSeed(seed);
  const X: number[][] = [];
  const y: number[] = [];
  for (let t = 0; t < n; t++) {
    const x = 2 * rng.uniform() - 1;
    const slope = t < change ? 2 : -2;
    X.push([x]);
    y.push(slope * x + 0.3 * rng.normal());
  }
  return { X, y };
}

describe("forgetting with one expert equals the power-weighted closed form", () => {
  it.each([
    [0.9, 3, 60],
    [0.98, 2, 150],
    [0.5, 1, 30],
  ])("ρ = %f, d = %i, n = %i: evidence and posterior to 1e-8", (rho, d, n) => {
    const { X, y } = regression(n, d, 17 * d + n);
    const model = compile(linear, { a0: 2.5, b0: 1.5, g: 7 });
    const f = model.filter({ particles: 8, sets: 2, seed: 3, D: d, forget: rho });
    X.forEach((x, t) => f.observe(x, y[t]));
    f.finish();
    // p(y_t | y_<t) = Z(rows ≤ t, weights ρ^{t−s}) / Z(rows < t, the same weights)
    let exact = 0;
    for (let t = 0; t < n; t++) {
      const w = Array.from({ length: t + 1 }, (_, s) => rho ** (t - s));
      const before = t === 0 ? 0 : nigPosterior(X.slice(0, t), y.slice(0, t), 7, 2.5, 1.5, w.slice(0, t)).logEvidence;
      exact += nigPosterior(X.slice(0, t + 1), y.slice(0, t + 1), 7, 2.5, 1.5, w).logEvidence - before;
    }
    expect(rel(f.logEvidence, exact)).toBeLessThan(1e-8);
    // after n rows the state predicts row n + 1: row s weighs ρ^{n−s}
    const post = nigPosterior(X, y, 7, 2.5, 1.5, Array.from({ length: n }, (_, s) => rho ** (n - s)));
    const [e] = f.experts();
    e.coefficients.forEach((c, j) => expect(Math.abs(c - post.m[j])).toBeLessThan(1e-8 * (1 + Math.abs(post.m[j]))));
    expect(rel(e.noiseVariance!, post.b / (post.a - 1))).toBeLessThan(1e-8);
  });
});

describe("forgetting keeps its precision", () => {
  it("a response with a large level: the noise variance matches the weighted closed form (intercept only, level 1e5)", () => {
    const n = 2000;
    const rho = 0.98;
    const rng = Rng.fromSeed(4);
    const y = Array.from({ length: n }, () => 1e5 + 0.01 * rng.normal());
    const model = compile(linear, { a0: 2, b0: 1e-4, g: 1e12 });
    const f = model.filter({ particles: 4, sets: 1, D: 1, forget: rho });
    y.forEach((v) => f.observe([1], v));
    // the stable form: Σ w (y − m)² + m²/g, with row s weighing ρ^{n−s}
    const w = y.map((_, s) => rho ** (n - s));
    const W = w.reduce((a, v) => a + v, 0);
    const m = y.reduce((a, v, s) => a + w[s] * v, 0) / (1e-12 + W);
    const b = 1e-4 + 0.5 * (y.reduce((a, v, s) => a + w[s] * (v - m) ** 2, 0) + (m * m) / 1e12);
    const a = 2 + W / 2;
    expect(rel(f.experts()[0].noiseVariance!, b / (a - 1))).toBeLessThan(1e-6);
  });

  it("usage shares sum to 1 when the discounted counts sum to less than 1 (ρ = 0.3)", () => {
    const { X, y } = regimes(200, 100, 3);
    const f = compile(flagship, { K: 3 }).filter({ particles: 60, sets: 2, seed: 1, D: 1, forget: 0.3 });
    X.forEach((x, t) => f.observe(x, y[t]));
    expect(f.experts().reduce((a, e) => a + e.usage, 0)).toBeCloseTo(1, 12);
  });
});

describe("ρ = 1 is the filter without forgetting", () => {
  it("bit for bit: the same snapshot after a stream with sweeps and folds", () => {
    const { X, y } = regimes(300, 150, 5);
    const model = compile(flagship, { K: 3 });
    const run = (forget?: number) => {
      const f = model.filter({ particles: 40, sets: 2, seed: 9, D: 1, window: 64, ...(forget === undefined ? {} : { forget }) });
      X.forEach((x, t) => f.observe(x, y[t]));
      f.finish();
      return JSON.stringify(f.snapshot());
    };
    expect(run(1)).toBe(run());
  });
});

describe("forgetting options", () => {
  const model = compile(flagship, { K: 2 });
  it.each([[0], [1.5], [-0.1], [Number.NaN], ["fast"]])("refuses forget = %s", (forget) => {
    expect(() => model.filter({ D: 1, forget: forget as number })).toThrow(/forget must be a number in \(0, 1\] or "auto"/);
  });
  it("refuses auto with one set", () => {
    expect(() => model.filter({ D: 1, sets: 1, forget: "auto" })).toThrow(FilterError);
  });
});

const normalGate = readFileSync(new URL("../../stdlib/moe-normal-gate.moe", import.meta.url), "utf8");

describe("snapshots under forgetting continue bit for bit", () => {
  // A cut one row before a refresh (every 10 rows) restores factors the discount left stale; the
  // fixed-scale gate prior never refactors on its own, so only the saved flag makes it.
  it.each([
    ["the horseshoe gate", 0.97, 170, flagship],
    ["the horseshoe gate", "auto" as const, 170, flagship],
    ["a fixed-scale gate prior", 0.97, 179, normalGate],
    ["a fixed-scale gate prior", 0.97, 189, normalGate],
  ])("%s, forget = %s, cut after %i rows", (_, forget, cut, source) => {
    const { X, y } = regimes(240, 120, 8);
    const model = compile(source, { K: 3 });
    const opts = { particles: 40, sets: 4, seed: 4, D: 1, window: 50, forget };
    const whole = model.filter(opts);
    X.forEach((x, t) => whole.observe(x, y[t]));
    const first = model.filter(opts);
    X.slice(0, cut).forEach((x, t) => first.observe(x, y[t]));
    const resumed = Filter.restore(model.kernel, JSON.parse(JSON.stringify(first.snapshot())));
    X.slice(cut).forEach((x, t) => resumed.observe(x, y[cut + t]));
    expect(JSON.stringify(resumed.snapshot())).toBe(JSON.stringify(whole.snapshot()));
  });
});

describe("a regime change", () => {
  const change = 400;
  const { X, y } = regimes(800, change, 21);
  const model = compile(flagship, { K: 2 });
  const score = (forget: number | "auto") => {
    const f = model.filter({ particles: 200, sets: 4, seed: 2, D: 1, forget, trace: true });
    const rows = X.map((x, t) => f.observe(x, y[t])!);
    const mean = (a: number, b: number) => rows.slice(a, b).reduce((s, r) => s + r.logPredictive, 0) / (b - a);
    return { before: mean(change - 150, change), after: mean(change + 250, change + 400), rows, f };
  };

  it("ρ = 0.98 scores the new regime as well as the old one; ρ = 1 lags", () => {
    const still = score(1);
    const forgetting = score(0.98);
    // the static posterior keeps 400 rows of the old slope against the new one
    expect(forgetting.after).toBeGreaterThan(still.after + 0.05);
    expect(forgetting.after).toBeGreaterThan(forgetting.before - 0.1);
    expect(forgetting.rows.every((r) => r.forget === 0.98)).toBe(true);
  });

  it("auto moves its weight to the forgetting sets after the change", () => {
    const auto = score("auto");
    const still = score(1);
    expect(auto.after).toBeGreaterThan(still.after + 0.05);
    // the factor in force falls below 1 after the change
    const late = auto.rows.slice(change + 100);
    expect(late.reduce((a, r) => Math.min(a, r.forget), 1)).toBeLessThan(0.99);
    // the pooled series sums the pooled scores (the report's score chart), not the evidence
    const pooled = auto.f.filter.pooled!;
    const sum = auto.rows.reduce((a, r) => a + r.logPredictive, 0);
    expect(Math.abs(pooled.evidence[pooled.length - 1] - sum)).toBeLessThan(1e-9 * Math.abs(sum));
    expect(Math.abs(auto.f.logEvidence - sum)).toBeGreaterThan(1);
    const lowest = AUTO_FORGET.grid.reduce((a, v) => Math.min(a, v), 1);
    expect(auto.rows.every((r) => r.forget >= lowest - 1e-12 && r.forget <= 1 + 1e-12)).toBe(true);
  });
});
