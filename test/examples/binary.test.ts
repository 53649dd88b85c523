/** examples/binary: the committed data are exactly what generate.ts writes. */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { BINARY, binaryCsv } from "../../examples/binary/generate.js";

describe("examples/binary", () => {
  it.each(Object.entries(BINARY))("binary-%s.csv is what generate.ts writes", (name, { rows, seed }) => {
    const text = binaryCsv(rows, seed);
    expect(text.split("\n").length - 2).toBe(rows);
    expect(readFileSync(new URL(`../../examples/binary/binary-${name}.csv`, import.meta.url), "utf8"), `binary-${name}.csv is stale: run npx tsx examples/binary/generate.ts`).toBe(text);
  });
});
