/**
 * The prequential trace and the change detector (spec §3.8):
 * - at K = 1 every row's log predictive, mean and sd are the closed-form one-step Student-t
 *   predictive of the rows before it (E10 from E12), to 1e-8;
 * - the scores add up to the pooled log evidence row by row, and tracing changes nothing in
 *   the fit (bit for bit);
 * - pooling weighs the sets by their evidence before the row;
 * - the detector stays quiet on stationary scores (false alarms counted over many streams),
 *   fires soon after a drop of one sd, ignores a lone outlier, and continues bit for bit from
 *   a snapshot.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { compile } from "../../api.js";
import { Rng } from "../../runtime/rng/rng.js";
import { ChangeDetector, poolRecords, SET_RECORD, SetRecord } from "../../runtime/pl/trace.js";
import { nigPosterior } from "../helpers/nig.js";
import { studentTLogPdf } from "../../runtime/math/log-density.js";

const linear = readFileSync(new URL("../../stdlib/linear-regression.moe", import.meta.url), "utf8");
const flagship = readFileSync(new URL("../../stdlib/hsmoe.moe", import.meta.url), "utf8");
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1e-300, Math.abs(b));

function rows(n: number, seed: number) {
  const rng = Rng.fromSeed(seed);
  return Array.from({ length: n }, () => {
    const u = rng.uniform() * 6 - 3;
    return { x: [1, u], y: (u < 0 ? -1 - u : 1 + 2 * u) + 0.3 * rng.normal() };
  });
}

describe("prequential trace", () => {
  it("K = 1: each row's score, mean and sd are the one-step Student-t predictive (E10 from E12) to 1e-8", () => {
    const data = rows(40, 1);
    const f = compile(linear, { a0: 2.5, b0: 1.5, g: 7 }).filter({ particles: 8, seed: 2, trace: true });
    data.forEach(({ x, y }, t) => {
      const row = f.observe(x, y)!;
      const before = nigPosterior(data.slice(0, t).map((r) => r.x), data.slice(0, t).map((r) => r.y), [7, 7], 2.5, 1.5);
      // E10: y | past ~ t_{2a}(xᵀm, (b/a)(1 + xᵀVx))
      const loc = x.reduce((s, v, j) => s + v * before.m[j], 0);
      const q = 1 + x.reduce((s, v, j) => s + v * x.reduce((s2, w, l) => s2 + before.V[j][l] * w, 0), 0);
      const scale2 = (before.b / before.a) * q;
      const dof = 2 * before.a;
      expect(row.t).toBe(t + 1);
      expect(rel(row.logPredictive, studentTLogPdf(y, loc, scale2, dof))).toBeLessThan(1e-8);
      expect(rel(row.mean, loc)).toBeLessThan(1e-8);
      expect(rel(row.sd, Math.sqrt((scale2 * dof) / (dof - 2)))).toBeLessThan(1e-8);
      expect(row.ess).toBeCloseTo(8, 9);
      expect(row.forget).toBe(1);
    });
  });

  it("scores add up to the pooled running evidence; tracing changes nothing in the fit", () => {
    const data = rows(150, 3);
    const model = compile(flagship, { K: 3 });
    const traced = model.filter({ particles: 200, sets: 4, seed: 5, trace: true });
    const plain = model.filter({ particles: 200, sets: 4, seed: 5 });
    let sum = 0;
    const trace = data.map(({ x, y }) => {
      expect(plain.observe(x, y)).toBeUndefined();
      const row = traced.observe(x, y)!;
      sum += row.logPredictive;
      return row;
    });
    expect(traced.logEvidence).toBe(plain.logEvidence);
    const history = traced.evidenceHistory;
    trace.forEach((row, t) => {
      expect(Math.abs(row.logEvidence - history[t])).toBeLessThan(1e-9 * (1 + Math.abs(history[t])));
      expect(row.ancestors).toBeGreaterThanOrEqual(1);
      expect(row.ancestors).toBeLessThanOrEqual(200);
      // the sets that resampled at this row: those whose ESS fell below N/2 (spec §3.5)
      expect(row.resampled).toBe(traced.resampleCounts[t]);
      expect(Number.isFinite(row.mean) && row.sd > 0).toBe(true);
    });
    expect(trace.some((r) => r.resampled > 0) && trace.some((r) => r.resampled < 4)).toBe(true);
    expect(Math.abs(sum - traced.logEvidence)).toBeLessThan(1e-8 * Math.abs(traced.logEvidence));
    expect(trace.at(-1)!.ancestors).toBe(traced.ancestors);
  });

  it("pools sets by their evidence before the row", () => {
    const r = new Float64Array(2 * SET_RECORD);
    const set = (m: number, before: number, inc: number, mean: number, second: number) => {
      r[m * SET_RECORD + SetRecord.evidenceBefore] = before;
      r[m * SET_RECORD + SetRecord.logPredictive] = inc;
      r[m * SET_RECORD + SetRecord.evidenceAfter] = before + inc;
      r[m * SET_RECORD + SetRecord.weightBefore] = before;
      r[m * SET_RECORD + SetRecord.weightAfter] = before + inc;
      r[m * SET_RECORD + SetRecord.rho] = 1;
      r[m * SET_RECORD + SetRecord.mean] = mean;
      r[m * SET_RECORD + SetRecord.second] = second;
      r[m * SET_RECORD + SetRecord.ess] = 10;
    };
    set(0, Math.log(3), Math.log(0.5), 1, 2);
    set(1, Math.log(1), Math.log(0.1), 3, 10);
    const row = poolRecords(r, 2, 7);
    // weights 3/4, 1/4: p = 0.75·0.5 + 0.25·0.1
    expect(row.logPredictive).toBeCloseTo(Math.log(0.75 * 0.5 + 0.25 * 0.1), 12);
    expect(row.mean).toBeCloseTo(0.75 * 1 + 0.25 * 3, 12);
    expect(row.sd).toBeCloseTo(Math.sqrt(0.75 * 2 + 0.25 * 10 - 1.5 * 1.5), 12);
    expect(row.ess).toBe(20);
    expect(row.logEvidence).toBeCloseTo(Math.log((3 * 0.5 + 0.1) / 2), 12);
  });
});

describe("change detector", () => {
  const scores = (rng: Rng, n: number, shiftAt = Infinity, shift = 0) => Array.from({ length: n }, (_, t) => rng.normal() - (t >= shiftAt ? shift : 0));

  it("stays quiet on stationary scores: at most 1 false alarm over 200 streams of 2,000 rows", () => {
    const rng = Rng.fromSeed("quiet");
    let alarms = 0;
    for (let s = 0; s < 200; s++) {
      const d = new ChangeDetector();
      scores(rng, 2000).forEach((v, t) => d.push(t + 1, v));
      alarms += d.alarms.length;
    }
    expect(alarms).toBeLessThanOrEqual(1);
  });

  it("fires soon after a drop of one sd: in each of 50 streams, median delay ≤ 40 rows, none over 100", () => {
    const rng = Rng.fromSeed("drop");
    const delays: number[] = [];
    for (let s = 0; s < 50; s++) {
      const d = new ChangeDetector();
      scores(rng, 1500, 1000, 1).forEach((v, t) => d.push(t + 1, v));
      expect(d.alarms.length).toBeGreaterThanOrEqual(1);
      expect(d.alarms[0].row).toBeGreaterThan(1000);
      delays.push(d.alarms[0].row - 1000);
    }
    delays.sort((a, b) => a - b);
    expect(delays[25]).toBeLessThanOrEqual(40);
    expect(delays[49]).toBeLessThanOrEqual(100);
  });

  it("a lone outlier does not fire; skipped non-finite scores change nothing", () => {
    const d = new ChangeDetector();
    const rng = Rng.fromSeed("outlier");
    for (let t = 1; t <= 500; t++) d.push(t, t === 300 ? -1e6 : t === 301 ? -Infinity : rng.normal());
    expect(d.alarms).toEqual([]);
  });

  it("a restored detector continues bit for bit, and a filter snapshot carries it", () => {
    const rng = Rng.fromSeed("restore");
    const v = scores(rng, 1200, 600, 2);
    const a = new ChangeDetector();
    v.slice(0, 700).forEach((x, t) => a.push(t + 1, x));
    const b = ChangeDetector.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
    v.slice(700).forEach((x, t) => {
      expect(b.push(701 + t, x)).toBe(a.push(701 + t, x));
    });
    expect(b.toJSON()).toEqual(a.toJSON());
    expect(() => ChangeDetector.fromJSON({ seen: "x" })).toThrow(/change detector/);

    const model = compile(linear);
    const f = model.filter({ particles: 4, seed: 1 });
    rows(60, 9).forEach(({ x, y }) => f.observe(x, y));
    const restored = model.restore(JSON.parse(JSON.stringify(f.snapshot())));
    expect(restored.filter.monitor.toJSON()).toEqual(f.filter.monitor.toJSON());
  });
});
