/**
 * A long stream through `hsmoe fit` (2 × 10⁵ rows, cheap settings, rejuvenation on, two worker
 * threads): it finishes, prints its summary, saves a state that `predict` restores, and its
 * per-row arrays never meet an argument spread (which overflowed the stack past ~1.25 × 10⁵
 * rows). `npm run bench -- long-stream` runs 10⁶ rows.
 */
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCliProcess, writeLongStream } from "../hostile/long-stream.js";

const dir = mkdtempSync(join(tmpdir(), "hsmoe-long-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const flagship = fileURLToPath(new URL("../../stdlib/hsmoe.moe", import.meta.url));

describe("a 200,000-row stream", () => {
  it("fits, saves and predicts", () => {
    const data = join(dir, "long.csv");
    const state = join(dir, "state.json");
    writeLongStream(data, 200_000);
    const r = runCliProcess(["fit", flagship, "--set", "K=2", "--data", data, "--particles", "8", "--sets", "2", "--json", "--save", state]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.n).toBe(200_000);
    expect(Number.isFinite(out.logEvidence)).toBe(true);
    // the two regimes: slopes 0.5 and 2 on the second input
    const slopes = out.experts.map((e: { coefficients: number[] }) => e.coefficients[1]).sort((a: number, b: number) => a - b);
    expect(slopes[0]).toBeCloseTo(0.5, 1);
    expect(slopes[1]).toBeCloseTo(2, 1);
    const rows = join(dir, "new.csv");
    writeFileSync(rows, "x1,x2\n1,-0.5\n1,0.5\n");
    const p = runCliProcess(["predict", state, "--data", rows, "--json"]);
    expect(p.code).toBe(0);
    const means = JSON.parse(p.stdout).rows.map((row: { mean: number }) => row.mean);
    expect(means[0]).toBeCloseTo(0.75, 1);
    expect(means[1]).toBeCloseTo(0, 1);
    console.log(`200,000 rows: ${r.seconds.toFixed(1)} s, peak RSS ${r.maxRssMB.toFixed(0)} MB`);
  }, 300_000);
});
