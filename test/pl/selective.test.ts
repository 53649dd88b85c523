/** The coverage–risk curve (spec §3.9) on rows scored by hand: order, ties, rounding, growth. */
import { describe, expect, it } from "vitest";
import { CoverageRisk } from "../../runtime/pl/selective.js";

describe("CoverageRisk", () => {
  it("keeps the most confident rows first, equal confidences in row order", () => {
    const c = new CoverageRisk();
    // confidence, log density, squared error
    const rows = [[0.2, -3, 9], [0.9, -1, 1], [0.5, -2, 4], [0.9, -0.5, 0.25]];
    for (const [conf, ld, se] of rows) c.add(conf, ld, se);
    expect(c.curve([0.25, 0.5, 0.75, 1])).toEqual([
      { coverage: 0.25, rows: 1, threshold: 0.9, lpd: -1, rmse: 1 },
      { coverage: 0.5, rows: 2, threshold: 0.9, lpd: -0.75, rmse: Math.sqrt(1.25 / 2) },
      { coverage: 0.75, rows: 3, threshold: 0.5, lpd: -3.5 / 3, rmse: Math.sqrt(5.25 / 3) },
      { coverage: 1, rows: 4, threshold: 0.2, lpd: -6.5 / 4, rmse: Math.sqrt(14.25 / 4) },
    ]);
  });

  it("rounds c·n half up even where floating point puts it just below a half (0.7·45)", () => {
    const c = new CoverageRisk();
    for (let t = 0; t < 45; t++) c.add(-t, 0, 0);
    expect(c.curve([0.3, 0.7]).map((p) => p.rows)).toEqual([14, 32]);
  });

  it("keeps at least one row, rounds c·n, and grows past its first buffer", () => {
    const c = new CoverageRisk();
    for (let t = 0; t < 1000; t++) c.add(t, -t, t * t);
    expect(c.length).toBe(1000);
    const [tiny, tenth, all] = c.curve([0.0001, 0.1, 1]);
    expect(tiny.rows).toBe(1);
    expect(tiny.lpd).toBe(-999);
    expect(tenth.rows).toBe(100);
    expect(tenth.threshold).toBe(900);
    expect(tenth.lpd).toBe(-949.5);
    expect(all.lpd).toBe(-499.5);
  });
});
