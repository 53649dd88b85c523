/** examples/counts: the committed data are exactly what generate.ts writes. */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { COUNTS, countsCsv } from "../../examples/counts/generate.js";

describe("examples/counts", () => {
  it.each(Object.entries(COUNTS))("counts-%s.csv is what generate.ts writes", (name, { rows, seed }) => {
    const text = countsCsv(rows, seed);
    expect(readFileSync(new URL(`../../examples/counts/counts-${name}.csv`, import.meta.url), "utf8"), `counts-${name}.csv is stale: run npx tsx examples/counts/generate.ts`).toBe(text);
  });
});
