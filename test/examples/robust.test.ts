/** examples/robust: the committed data are exactly what generate.ts writes. */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { ROBUST, robustCsv } from "../../examples/robust/generate.js";

describe("examples/robust", () => {
  it.each(Object.entries(ROBUST))("robust-%s.csv is what generate.ts writes", (name, { rows, seed }) => {
    const text = robustCsv(rows, seed);
    expect(text.split("\n").length - 2).toBe(rows);
    expect(readFileSync(new URL(`../../examples/robust/robust-${name}.csv`, import.meta.url), "utf8"), `robust-${name}.csv is stale: run npx tsx examples/robust/generate.ts`).toBe(text);
  });
});
