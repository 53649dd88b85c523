/**
 * The library API under hostile use (issue: nothing lost, nothing crashes): bad options, bad
 * query points and probabilities, tampered or foreign snapshots, and long streams. Each gets a
 * FilterError that says what is wrong, or a correct result — never a hang, NaN or a RangeError.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { compile } from "../../api.js";
import { FilterError } from "../../runtime/pl/errors.js";
import { piecewise } from "../../examples/data/simulate.js";

const source = readFileSync(new URL("../../stdlib/hsmoe.moe", import.meta.url), "utf8");
const model = compile(source, { K: 3 });
const rows = piecewise(3).train.slice(0, 40);

function caught(f: () => unknown): FilterError {
  try {
    f();
  } catch (e) {
    if (e instanceof FilterError) return e;
    throw new Error(`expected a FilterError, got ${String(e)}`);
  }
  throw new Error("expected a FilterError, got none");
}

function fitted(options: Parameters<typeof model.filter>[0] = {}) {
  const f = model.filter({ particles: 40, seed: 2, D: 2, ...options });
  for (const r of rows) f.observe(r.x, r.y);
  return f;
}

describe("filter options are validated", () => {
  it.each([
    [{ schedule: { denseEvery: 10, denseUntil: 0 } }, "denseUntil"],
    [{ schedule: { denseEvery: 0, denseUntil: 100 } }, "denseEvery"],
    [{ scheme: "bogus" }, "scheme"],
    [{ essThreshold: NaN }, "essThreshold"],
    [{ essThreshold: 1.5 }, "essThreshold"],
    [{ resampling: "sometimes" }, "resampling"],
    [{ particles: 1e9 }, "particles"],
    [{ particles: 2.5 }, "particles"],
    [{ sets: 0 }, "sets"],
    [{ particles: 3, sets: 4 }, "sets"],
    [{ rejuvenate: "yes" }, "rejuvenate"],
    [{ particle: 100 }, "unknown filter option 'particle'"],
    [{ D: 0 }, "D"],
  ])("%j is refused naming %s", (options, name) => {
    // a denseUntil of 0 used to hang forever at the first checkpoint
    const e = caught(() => {
      const f = model.filter(options as never);
      f.observe([1, 0.5], 0.2);
    });
    expect(e.code).toBe("bad_input");
    expect(e.message).toContain(name);
  });
});

describe("query points and probabilities are validated", () => {
  const f = fitted();
  it.each([
    [[1], "1 entries"],
    [[], "0 entries"],
    [[1, NaN], "x[1] is NaN"],
    [[Infinity, 0], "x[0] is Infinity"],
    [null, "array"],
  ])("predict(%j) is refused", (x, message) => {
    expect(caught(() => f.predict(x as never)).message).toContain(message);
    expect(caught(() => f.gateProbabilities(x as never)).message).toContain(message);
  });

  it("quantile probabilities and levels outside (0, 1) are refused", () => {
    for (const p of [-0.1, 0, 1, 1.5, NaN]) expect(caught(() => f.predict([1, 0.2], [p])).message).toContain("not a probability");
    expect(caught(() => f.gateProbabilities([1, 0.2], 2)).message).toContain("credible level");
    expect(caught(() => f.experts(0)).message).toContain("credible level");
    expect(caught(() => f.predict([1, 0.2]).logDensity(NaN)).message).toContain("not a number");
  });

  it("a filter that has seen no row and was not told D says so", () => {
    const e = caught(() => model.filter({ particles: 8 }).predict([1, 2]));
    expect(e.message).toContain("no row has been observed");
  });
});

describe("snapshots", () => {
  it("without rejuvenation a snapshot restores and continues bit for bit", () => {
    const whole = fitted({ rejuvenate: false });
    const first = model.filter({ particles: 40, seed: 2, D: 2, rejuvenate: false });
    for (const r of rows.slice(0, 20)) first.observe(r.x, r.y);
    const resumed = model.restore(JSON.parse(JSON.stringify(first.snapshot())));
    for (const r of rows.slice(20)) resumed.observe(r.x, r.y);
    expect(JSON.stringify(resumed.snapshot())).toBe(JSON.stringify(whole.snapshot()));
    expect(resumed.logEvidence).toBe(whole.logEvidence);
  });

  const snap = () => JSON.parse(JSON.stringify(fitted().snapshot()));
  it.each([
    ["bad base64", (s: any) => (s.sets[0].logW = "@@@@"), "base64"],
    ["a number where text belongs", (s: any) => (s.sets[0].state.expert.L = 5), "not text"],
    ["a truncated array", (s: any) => (s.sets[0].logW = s.sets[0].logW.slice(0, 8)), "bytes"],
    ["a huge particle count", (s: any) => (s.sets[0].state.expert.N = 1e12), "particle count"],
    ["rows that disagree", (s: any) => (s.rows.n = 3), "rows"],
    ["a broken random state", (s: any) => (s.sets[1].rng.X = [1, 2]), "RngState"],
    ["a history value out of range", (s: any) => (s.sets[0].history.full = "1:" + btoa("\u00ff".repeat(10 * s.sets[0].history.settled))), "outside"],
    ["a missing set", (s: any) => (s.sets = []), "sets"],
    ["a bad schedule", (s: any) => (s.options.schedule = { denseEvery: 0, denseUntil: 1 }), "denseEvery"],
  ])("%s is a corrupt snapshot", (_, tamper, message) => {
    const s = snap();
    tamper(s);
    const e = caught(() => model.restore(s));
    expect(e.code).toBe("bad_snapshot");
    expect(e.message).toMatch(/^corrupt snapshot: /);
    expect(e.message).toContain(message);
  });

  it("a snapshot of a model with other prior constants or hyperparameters is refused, saying what differs", () => {
    const s = snap();
    const other = compile(source.replace("tau ~ halfcauchy(1)", "tau ~ halfcauchy(2)"), { K: 3 });
    expect(caught(() => other.restore(s)).message).toMatch(/another model: .*prior\.A is 1, this model's is 2/);
    const g = compile(source, { K: 3, g: 5 });
    expect(caught(() => g.restore(s)).message).toContain("g = 10, not 5");
    const k = compile(source, { K: 4 });
    expect(caught(() => k.restore(s)).message).toContain("K = 3, not 4");
    expect(caught(() => model.restore({ format: "nope" } as never)).message).toContain("not an hsmoe filter snapshot");
    expect(caught(() => model.restore(null as never)).message).toContain("not an hsmoe filter snapshot");
  });
});

describe("long streams", () => {
  it("150,000 rows: summaries, snapshot and restore work (no argument spread over per-row arrays)", () => {
    const n = 150_000;
    const f = model.filter({ particles: 4, sets: 2, seed: 1, D: 2, schedule: { denseEvery: 10, denseUntil: 10 } });
    const x = new Float64Array(2);
    x[0] = 1;
    for (let t = 0; t < n; t++) {
      x[1] = ((t * 7919) % 1000) / 1000;
      f.observe(x, x[1] < 0.5 ? 0.3 : -0.2);
    }
    // the histories are bounded: buckets of rows once there are many (runtime/pl/health.ts)
    expect(f.essHistory.length).toBeLessThanOrEqual(4096);
    expect(f.historyRows.at(-1)).toBe(n);
    expect(f.filter.essMin).toBeGreaterThan(0);
    expect(Number.isFinite(f.logEvidence)).toBe(true);
    const restored = model.restore(JSON.parse(JSON.stringify(f.snapshot())));
    expect(restored.logEvidence).toBe(f.logEvidence);
    expect(restored.resampleCounts).toEqual(f.resampleCounts);
    expect(restored.experts()).toEqual(f.experts());
  });
});

describe("snapshot fields of a long stream", () => {
  it("16 MB of doubles round-trip (a regular expression used to overflow on such text)", async () => {
    const { decodeFloat64, encodeFloat64 } = await import("../../runtime/snapshot.js");
    const a = Float64Array.from({ length: 2_000_000 }, (_, i) => i / 7);
    const b = decodeFloat64(encodeFloat64(a), a.length);
    let same = 0;
    for (let i = 0; i < a.length; i++) if (Object.is(a[i], b[i])) same++;
    expect(same).toBe(a.length);
  });
});
