/**
 * The hostile-input suite (small sizes for CI; `npm run bench -- hostile` runs it large): every
 * generated case ends in a located error or a correct result, exit 0, 1 or 2, no stack trace, no
 * exit 70, and no input or earlier output damaged. See harness.ts for the cases.
 */
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runHostile } from "./harness.js";

const dir = mkdtempSync(join(tmpdir(), "hsmoe-hostile-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("hostile inputs", () => {
  it("every case is explained or correct, and nothing is damaged", async () => {
    const r = await runHostile(dir, { csv: 40, stateFlips: 40, stateTruncations: 20, argv: 150, models: 6 }, 1);
    console.log(`hostile cases: ${JSON.stringify(r.cases)}`);
    expect(r.failures).toEqual([]);
  }, 600_000);
});
