/** examples/softmax: the committed data are exactly what generate.ts writes. */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { SOFTMAX, softmaxCsv } from "../../examples/softmax/generate.js";

describe("examples/softmax", () => {
  it.each(Object.entries(SOFTMAX))("softmax-%s.csv is what generate.ts writes", (name, { rows, seed }) => {
    const text = softmaxCsv(rows, seed);
    expect(text.split("\n").length - 2).toBe(rows);
    expect(readFileSync(new URL(`../../examples/softmax/softmax-${name}.csv`, import.meta.url), "utf8"), `softmax-${name}.csv is stale: run npx tsx examples/softmax/generate.ts`).toBe(text);
  });
});
