/**
 * Routing (spec §3.9, issue 14 item 1): `route(x, { k, alpha })` ranks the experts by the lower
 * bound mean − α·sd of their gate probability over the particles, keeps k, and reports the
 * entropy of the mean probabilities and whether the k-th and (k + 1)-th intervals overlap.
 * Checked against the particles' gate probabilities computed here from the same filter, against
 * a constant gate (ties broken by number, every interval a point), and for bad options. The
 * number of active experts (item 2): its distribution over the particles against a count made
 * here from their allocations. The exported router (item 4): its routes from 256 posterior draws
 * against the filter's on 200 inputs, for a stick-breaking and a softmax gate.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { compile } from "../../api.js";
import { routeWith } from "../../runtime/pl/router.js";
import { Rng } from "../../runtime/rng/rng.js";

const flagship = readFileSync(new URL("../../stdlib/hsmoe.moe", import.meta.url), "utf8");

/** Two experts behind a constant gate that picks either with probability ½. */
const TWO_FIXED = `model fixed() {
  data x: vector[D]
  data y: real
  stop[k in 1..1] = 0.5
  sigma2[k in 1..2] ~ invgamma(2, 1)
  beta[k in 1..2] ~ mvnormal(0, 10 * sigma2[k] * I(D))
  z ~ stickbreaking(stop)
  y ~ normal(dot(beta[z], x), sqrt(sigma2[z]))
}`;

function piecewise(n: number, seed: number) {
  const rng = Rng.fromSeed(seed);
  return Array.from({ length: n }, () => {
    const u = 6 * rng.uniform() - 3;
    return { x: [1, u], y: (u < 0 ? -1 - u : 1 + 2 * u) + 0.3 * rng.normal() };
  });
}

describe("route", () => {
  const f = compile(flagship, { K: 3 }).filter({ particles: 300, seed: 4 });
  for (const r of piecewise(300, 2)) f.observe(r.x, r.y);
  f.finish();

  it.each([[-2], [0.05], [2]])("at u = %d: the ranking, means, sds, intervals and entropy are the particles'", (u) => {
    const x = [1, u];
    const gates = f.gateProbabilities(x);
    for (const alpha of [0, 1, 2.5]) {
      const route = f.route(x, { k: 3, alpha });
      // every expert, ranked by mean − α·sd, best first
      expect(route.top.map((e) => e.expert).sort()).toEqual([1, 2, 3]);
      for (let r = 0; r + 1 < route.top.length; r++) expect(route.top[r].bound).toBeGreaterThanOrEqual(route.top[r + 1].bound);
      for (const e of route.top) {
        const g = gates[e.expert - 1];
        expect(e.mean).toBeCloseTo(g.mean, 14);
        expect(e.interval).toEqual([g.lower, g.upper]);
        expect(e.bound).toBeCloseTo(e.mean - alpha * e.sd, 14);
        expect(e.sd).toBeGreaterThanOrEqual(0);
      }
      const entropy = -gates.reduce((a, g) => a + (g.mean > 0 ? g.mean * Math.log(g.mean) : 0), 0);
      expect(route.entropy).toBeCloseTo(entropy, 12);
      expect(route.uncertain).toBe(false); // k = K: nothing is cut
      // k = 1 keeps the first of the same ranking; uncertain when the first two intervals overlap
      const one = f.route(x, { k: 1, alpha });
      expect(one.top).toEqual(route.top.slice(0, 1));
      expect(one.uncertain).toBe(route.top[0].interval[0] <= route.top[1].interval[1]);
    }
  });

  it("coverageRisk: the curve of the rows' confidences (top bound), log densities and squared errors, sorted most confident first", () => {
    const rows = piecewise(200, 9);
    for (const alpha of [0, 1]) {
      const curve = f.coverageRisk(rows, { alpha, coverages: [1, 0.25, 0.5] });
      const scored = rows.map((r, t) => {
        const p = f.predict(r.x, []);
        // the confidence is the route's top bound, from the moments alone (rounding apart)
        const c = f.filter.selectiveScore(r.x, r.y, alpha).confidence;
        expect(c).toBeCloseTo(f.route(r.x, { k: 1, alpha }).top[0].bound, 12);
        return { t, c, ld: p.logDensity(r.y), se: (p.mean - r.y) ** 2 };
      });
      scored.sort((a, b) => b.c - a.c || a.t - b.t);
      expect(curve.map((p) => p.coverage)).toEqual([0.25, 0.5, 1]);
      for (const p of curve) {
        const kept = scored.slice(0, p.rows);
        expect(p.rows).toBe(200 * p.coverage);
        expect(p.threshold).toBe(kept.at(-1)!.c);
        expect(p.lpd).toBeCloseTo(kept.reduce((a, r) => a + r.ld, 0) / p.rows, 12);
        expect(p.rmse).toBeCloseTo(Math.sqrt(kept.reduce((a, r) => a + r.se, 0) / p.rows), 12);
      }
    }
  });

  it("coverageRisk: ties in row order, coverages checked, a bad row named", () => {
    expect(() => f.coverageRisk([], { coverages: [0] })).toThrow(/coverages must be a non-empty list of numbers in \(0, 1\]/);
    expect(f.coverageRisk([])).toEqual([]);
    expect(() => f.coverageRisk([{ x: [1, 0], y: 1 }, { x: [1, Number.NaN], y: 1 }])).toThrow(/coverageRisk: row 2: /);
    expect(() => f.coverageRisk([{ x: [1, 0], y: Number.NaN }])).toThrow(/coverageRisk: row 1: .*not a number/);
    expect(() => f.coverageRisk([{ x: [1, 0], y: 1 }], { alpha: -1 })).toThrow(/^coverageRisk: alpha must be a finite number ≥ 0/);
    expect(() => f.coverageRisk([{ x: [1, 0], y: 1 }, null as never])).toThrow(/coverageRisk: row 2: expected \{ x, y \}/);
    // a response off the support is an error, not a score of −∞ that sinks the curve
    expect(() => f.coverageRisk([{ x: [1, 0], y: 1e300 }])).toThrow(/coverageRisk: row 1: the response 1e\+300 has predictive density 0/);
  });

  it("two experts, two regimes: sure far from the boundary, uncertain at it", () => {
    const two = compile(flagship, { K: 2 }).filter({ particles: 300, seed: 4 });
    for (const r of piecewise(300, 2)) two.observe(r.x, r.y);
    two.finish();
    const far = two.route([1, 2.5]);
    expect(far.uncertain).toBe(false);
    expect(far.top[0].mean).toBeGreaterThan(0.9);
    // the regimes meet at u = 0: the gate's split point is uncertain there
    const near = two.route([1, 0]);
    expect(near.uncertain).toBe(true);
    expect(near.top[0].sd).toBeGreaterThan(far.top[0].sd);
    expect(near.entropy).toBeGreaterThan(far.entropy);
  });

  it("mid-stream, between checkpoints, the labels follow the particles' lineages (resampling moves them between slots)", () => {
    for (const sets of [1, 4]) {
      const two = compile(flagship, { K: 2 }).filter({ particles: 300, seed: 4, sets });
      // 300 rows: the last checkpoint was at row 200, and resamplings since moved particles
      for (const r of piecewise(300, 2)) two.observe(r.x, r.y);
      const route = two.route([1, -2.5]);
      // 0.75 here when the alignment read each slot's settled history as its own
      expect(route.top[0].mean).toBeGreaterThan(0.99);
    }
  });

  it("ties are broken stably: a constant gate of equal weights ranks the experts by number and flags the cut", () => {
    const source = `model fixed() {
      data x: vector[D]
      data y: real
      stop[k in 1..2] = 1 / (3 - k + 1)
      sigma2[k in 1..3] ~ invgamma(2, 1)
      beta[k in 1..3] ~ mvnormal(0, 10 * sigma2[k] * I(D))
      z ~ stickbreaking(stop)
      y ~ normal(dot(beta[z], x), sqrt(sigma2[z]))
    }`;
    const g = compile(source).filter({ particles: 50, seed: 1, D: 1 });
    g.observe([1], 0.3);
    const route = g.route([1], { k: 2, alpha: 1 });
    expect(route.top.map((e) => e.expert)).toEqual([1, 2]);
    for (const e of route.top) {
      expect(e.mean).toBeCloseTo(1 / 3, 14);
      expect(e.sd).toBeLessThan(1e-12);
    }
    expect(route.entropy).toBeCloseTo(Math.log(3), 12);
    expect(route.uncertain).toBe(true);
  });

  it.each([
    [{ k: 0 }, /k must be an integer from 1 to the number of experts \(3\)/],
    [{ k: 4 }, /k must be an integer/],
    [{ k: 1.5 }, /k must be an integer/],
    [{ alpha: -1 }, /alpha must be a finite number ≥ 0/],
    [{ alpha: Number.NaN }, /alpha must be a finite number ≥ 0/],
    [{ level: 1 }, /credible level/],
  ])("refuses %j", (options, message) => {
    expect(() => f.route([1, 0], options)).toThrow(message);
  });
});

describe("activeExperts", () => {
  it("two regimes fitted with three experts: two active, the third unused; the distribution is the particles' counts", () => {
    const f = compile(flagship, { K: 3 }).filter({ particles: 300, seed: 4 });
    for (const r of piecewise(300, 2)) f.observe(r.x, r.y);
    f.finish();
    const a = f.activeExperts();
    expect(a.threshold).toBe(0.05);
    expect(a.probabilities).toHaveLength(4);
    expect(a.probabilities.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 12);
    expect(a.mean).toBeCloseTo(a.probabilities.reduce((x, p, c) => x + p * c, 0), 12);
    // the same count, made here from every particle's allocations and pooled weights
    const inner = f.filter;
    const omega = inner.setWeights();
    const byCount = [0, 0, 0, 0];
    inner.sets.forEach((s, m) => {
      const counts = new Float64Array(s.N * 3);
      s.state.expertCounts(counts);
      const wsum = Array.from(s.logW).reduce((x, l) => x + Math.exp(l), 0);
      for (let i = 0; i < s.N; i++) {
        const n = counts[i * 3] + counts[i * 3 + 1] + counts[i * 3 + 2];
        let active = 0;
        for (let k = 0; k < 3; k++) if (counts[i * 3 + k] >= 0.05 * n) active++;
        byCount[active] += omega[m] * (Math.exp(s.logW[i]) / wsum);
      }
    });
    byCount.forEach((p, c) => expect(a.probabilities[c]).toBeCloseTo(p, 9));
    expect(a.mean).toBeGreaterThan(1.9);
    expect(a.interval[0]).toBeGreaterThanOrEqual(2);
    // the third expert, if it holds anything, holds little
    expect(a.unused).toEqual(f.experts().flatMap((e, r) => (e.usage < 0.05 ? [r + 1] : [])));
  });

  it("two experts forced to share one line collapse; two regimes do not", () => {
    const rng = Rng.fromSeed(3);
    const one = compile(TWO_FIXED).filter({ particles: 200, seed: 1 });
    for (let t = 0; t < 200; t++) {
      const u = 6 * rng.uniform() - 3;
      one.observe([1, u], 1 + 0.5 * u + 0.3 * rng.normal());
    }
    one.finish();
    expect(one.activeExperts().collapsed).toEqual([[1, 2]]);
    const two = compile(flagship, { K: 2 }).filter({ particles: 300, seed: 4 });
    for (const r of piecewise(300, 2)) two.observe(r.x, r.y);
    two.finish();
    expect(two.activeExperts().collapsed).toEqual([]);
  });

  it.each([0, 1, -0.1, Number.NaN])("refuses the threshold %d", (threshold) => {
    const f = compile(flagship, { K: 2 }).filter({ particles: 20, seed: 1 });
    f.observe([1, 0.5], 1);
    expect(() => f.activeExperts(threshold)).toThrow(/threshold must lie strictly between 0 and 1/);
  });
});

describe("exportRouter and routeWith", () => {
  const softmax = readFileSync(new URL("../../stdlib/softmax-moe.moe", import.meta.url), "utf8");

  it.each([
    { name: "stick-breaking", source: flagship },
    { name: "softmax", source: softmax },
  ])("$name gate: the router's top expert is the filter's on at least 97 % of 200 inputs, its means within 0.05", ({ source }) => {
    const f = compile(source, { K: 3 }).filter({ particles: 400, seed: 4 });
    for (const r of piecewise(300, 2)) f.observe(r.x, r.y);
    f.finish();
    const router = JSON.parse(JSON.stringify(f.exportRouter(256, 1)));
    expect(router.phi).toHaveLength(256 * 2 * 2);
    let same = 0;
    let worst = 0;
    for (let t = 0; t < 200; t++) {
      const x = [1, -3 + (6 * t) / 199];
      const a = f.route(x, { k: 3, alpha: 1 });
      const b = routeWith(router, x, { k: 3, alpha: 1 });
      if (a.top[0].expert === b.top[0].expert) same++;
      for (const e of b.top) worst = Math.max(worst, Math.abs(e.mean - a.top.find((o) => o.expert === e.expert)!.mean));
    }
    // measured: 200 of 200 on both gates, means within 0.010 and 0.008 (a router may disagree at a
    // boundary, where the two best experts' probabilities are within the draws' Monte Carlo error)
    expect(same).toBeGreaterThanOrEqual(194);
    expect(worst).toBeLessThan(0.05);
  });

  it("refuses a gate of constant weights, a designed gate row, and a malformed router", () => {
    const fixed = compile(TWO_FIXED).filter({ particles: 20, seed: 1, D: 2 });
    expect(() => fixed.exportRouter()).toThrow(/constants/);
    const designed = compile(flagship.replace("logistic(phi * x)", "logistic(phi * abs(x))"), { K: 2 }).filter({ particles: 20, seed: 1, D: 2 });
    designed.observe([1, 0.5], 1);
    expect(() => designed.exportRouter()).toThrow(/data row itself only/);
    const f = compile(flagship, { K: 2 }).filter({ particles: 20, seed: 1 });
    f.observe([1, 0.5], 1);
    const router = f.exportRouter(8);
    expect(() => routeWith({ ...router, phi: router.phi.slice(1) }, [1, 0])).toThrow(/not a router/);
    for (const broken of [null, {}, { ...router, gate: "fixed" }, { ...router, order: router.order.map(() => 7) }, { ...router, order: router.order.map(() => 0) }, { ...router, phi: router.phi.map(() => Number.NaN) }]) {
      expect(() => routeWith(broken as typeof router, [1, 0])).toThrow(/not a router/);
    }
    expect(() => routeWith({ ...router, gate: "softmax" }, [1e308, -1e308])).toThrow(/overflows/);
    expect(routeWith(router, [1, 0], null).top).toHaveLength(1);
    expect(f.route([1, 0], null).top).toHaveLength(1);
    expect(() => routeWith(router, [1])).toThrow(/2 finite numbers/);
    expect(() => f.exportRouter(0)).toThrow(/draws must be an integer/);
  });
});
