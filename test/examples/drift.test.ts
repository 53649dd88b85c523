/** examples/drift: the committed stream is exactly what generate.ts writes. */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { driftCsv, DRIFT } from "../../examples/drift/generate.js";

describe("examples/drift", () => {
  it("drift.csv is what generate.ts writes", () => {
    const text = driftCsv();
    expect(text.split("\n").length - 2).toBe(DRIFT.rows);
    expect(readFileSync(new URL("../../examples/drift/drift.csv", import.meta.url), "utf8"), "drift.csv is stale: run npx tsx examples/drift/generate.ts").toBe(text);
  });
});
