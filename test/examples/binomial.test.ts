/** examples/binomial: the committed data are exactly what generate.ts writes. */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { BINOMIAL, binomialCsv } from "../../examples/binomial/generate.js";

describe("examples/binomial", () => {
  it.each(Object.entries(BINOMIAL))("binomial-%s.csv is what generate.ts writes", (name, { rows, seed }) => {
    const text = binomialCsv(rows, seed);
    expect(readFileSync(new URL(`../../examples/binomial/binomial-${name}.csv`, import.meta.url), "utf8"), `binomial-${name}.csv is stale: run npx tsx examples/binomial/generate.ts`).toBe(text);
  });
});
