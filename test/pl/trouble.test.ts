/**
 * Numerical trouble is reported, never turned into NaN (DESIGN §5): a row that every particle
 * gives zero probability raises FilterError("all_weights_zero") and leaves the filter as it
 * was, so it can go on with the next row; bad input values are refused with their row.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { compile } from "../../api.js";
import { FilterError } from "../../runtime/pl/errors.js";

const model = compile(readFileSync(new URL("../../stdlib/hsmoe.moe", import.meta.url), "utf8"), { K: 3 });
const rows: [number[], number][] = Array.from({ length: 30 }, (_, t) => [[1, Math.sin(t)], Math.cos(t)]);

function caught(f: () => void): FilterError {
  try {
    f();
  } catch (e) {
    return e as FilterError;
  }
  throw new Error("no error");
}

describe("numerical trouble", () => {
  it("an impossible row is reported with its number and changes nothing", () => {
    const f = model.filter({ particles: 40, seed: 2, D: 2 });
    const g = model.filter({ particles: 40, seed: 2, D: 2 });
    rows.slice(0, 15).forEach(([x, y]) => (f.observe(x, y), g.observe(x, y)));
    const e = caught(() => f.observe([1, 0.5], 1e200));
    expect(e).toBeInstanceOf(FilterError);
    expect(e.code).toBe("all_weights_zero");
    expect(e.row).toBe(16);
    rows.slice(15).forEach(([x, y]) => (f.observe(x, y), g.observe(x, y)));
    expect(JSON.stringify(f.snapshot())).toBe(JSON.stringify(g.snapshot()));
    expect(Number.isFinite(f.logEvidence)).toBe(true);
  });

  it.each([
    [[1, NaN], 0, "input 2 is NaN"],
    [[1, 0], Infinity, "the response is Infinity"],
    [[1, 0, 3], 0, "has 3 inputs"],
  ])("refuses x = %j, y = %d", (x, y, message) => {
    const f = model.filter({ particles: 8, D: 2 });
    const e = caught(() => f.observe(x as number[], y as number));
    expect(e.code).toBe("bad_input");
    expect(e.message).toContain(message);
  });
});
