/**
 * The bounded per-row diagnostics (runtime/pl/health.ts): one entry per row up to the capacity,
 * then buckets of 2^k rows holding the bucket's minimum ESS, the evidence after its last row and
 * its resamplings, checked against brute force; a JSON round trip is exact and malformed JSON
 * is refused.
 */
import { describe, expect, it } from "vitest";
import { HEALTH_CAPACITY, HealthSeries } from "../../runtime/pl/health.js";
import { Rng } from "../../runtime/rng/rng.js";

describe("health series", () => {
  it.each([100, HEALTH_CAPACITY, HEALTH_CAPACITY + 1, 5 * HEALTH_CAPACITY + 17])("%i rows: bounded entries equal to brute-force buckets", (n) => {
    const rng = Rng.fromSeed(n);
    const ess = Array.from({ length: n }, () => 1 + 99 * rng.uniform());
    const ev = Array.from({ length: n }, (_, t) => -t - rng.uniform());
    const rs = Array.from({ length: n }, () => rng.uniform() < 0.3);
    const h = new HealthSeries();
    for (let t = 0; t < n; t++) h.push(ess[t], ev[t], rs[t]);
    expect(h.length).toBeLessThanOrEqual(HEALTH_CAPACITY);
    expect(h.span).toBe(n <= HEALTH_CAPACITY ? 1 : 2 ** Math.ceil(Math.log2(n / HEALTH_CAPACITY)));
    for (let e = 0; e < h.length; e++) {
      const lo = e * h.span;
      const hi = h.rowOf(e);
      expect(h.ess[e]).toBe(Math.min(...ess.slice(lo, hi)));
      expect(h.evidence[e]).toBe(ev[hi - 1]);
      expect(h.resampled[e]).toBe(rs.slice(lo, hi).filter((r) => r).length);
    }
    expect(h.rowOf(h.length - 1)).toBe(n);
    expect(h.lastEss).toBe(ess[n - 1]);
    const back = HealthSeries.fromJSON(JSON.parse(JSON.stringify(h.toJSON())), n);
    expect(back.toJSON()).toEqual(h.toJSON());
    back.push(5, -1e9, true);
    h.push(5, -1e9, true);
    expect(back.toJSON()).toEqual(h.toJSON());
  });

  it("refuses malformed JSON", () => {
    const h = new HealthSeries();
    for (let t = 0; t < 10; t++) h.push(10, -t, false);
    const j = h.toJSON();
    expect(() => HealthSeries.fromJSON({ ...j, span: 3 }, 10)).toThrow(/power of two/);
    expect(() => HealthSeries.fromJSON(j, 11)).toThrow(/covers 10 rows/);
    expect(() => HealthSeries.fromJSON({ ...j, span: 2 }, 10)).toThrow(/does not fit/);
    expect(() => HealthSeries.fromJSON({ ...j, lastEss: -1 }, 10)).toThrow(/lastEss/);
  });
});
