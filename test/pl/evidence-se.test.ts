/** The evidence's Monte Carlo standard error from independent particle sets. */
import { describe, expect, it } from "vitest";
import { logEvidenceStandardError } from "../../runtime/pl/summaries.js";

describe("logEvidenceStandardError", () => {
  it("is 0 for agreeing sets and NaN for one set", () => {
    expect(logEvidenceStandardError([-5, -5, -5, -5])).toBe(0);
    expect(logEvidenceStandardError([-5])).toBeNaN();
  });

  it("agrees with the delta-method error when the sets are close", () => {
    const z = [-100, -100.1, -99.95, -100.05];
    const w = z.map((v) => Math.exp(v + 100));
    const mean = w.reduce((a, b) => a + b) / 4;
    const sd = Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / 3);
    const delta = sd / (2 * mean);
    expect(Math.abs(logEvidenceStandardError(z) / delta - 1)).toBeLessThan(0.05);
  });

  it("does not saturate at 1 when one set dominates by many nats", () => {
    // the delta method gives exactly 1 here; the log estimates' spread is 20/√… nats
    const z = [-100, -120, -120, -120];
    expect(logEvidenceStandardError(z)).toBeCloseTo(Math.sqrt((15 ** 2 + 3 * 5 ** 2) / 3 / 4), 12);
    expect(logEvidenceStandardError(z)).toBeGreaterThan(4);
  });
});
