/**
 * Binary experts through the CLI (stdlib/logistic-moe.moe): `fit --json` reports no noise
 * variance and a held-out score of 0/1 rows; `predict` gives P(y = 1 | x) as the mean with a
 * credible interval of that probability; a response other than 0 or 1 is a data error with its
 * row and column, on one thread and on several.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Rng } from "../../runtime/rng/rng.js";
import { cli } from "../helpers/cli.js";

const model = new URL("../../stdlib/logistic-moe.moe", import.meta.url).pathname;
const logistic = (u: number) => 1 / (1 + Math.exp(-u));
/** P(y = 1 | u): high at both ends, low in the middle, which one logistic expert cannot draw. */
const truth = (u: number) => logistic(u < 0 ? -2 - 3 * u : -2 + 3 * u);

let dir: string;
function csv(name: string, n: number, seed: number): string {
  const rng = Rng.fromSeed(seed);
  const lines = ["x1,x2,y"];
  for (let s = 0; s < n; s++) {
    const u = 6 * rng.uniform() - 3;
    lines.push(`1,${u},${rng.uniform() < truth(u) ? 1 : 0}`);
  }
  writeFileSync(join(dir, name), lines.join("\n") + "\n");
  return join(dir, name);
}
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "hsmoe-binary-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("binary experts in the CLI", () => {
  it("fits, scores held-out rows, saves, and predicts P(y = 1) with its interval", async () => {
    const train = csv("train.csv", 400, 1);
    const test = csv("test.csv", 300, 2);
    const state = join(dir, "state.json");
    const r = await cli("fit", model, "--data", train, "--test", test, "--particles", "200", "--seed", "1", "--json", "--save", state);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    for (const e of out.experts) expect(e.noiseVariance).toBeNull();
    // the held-out log score of 0/1 rows is a log probability; the truth's own on these rows is −0.311
    expect(out.heldout.lpd).toBeLessThan(0);
    expect(out.heldout.lpd).toBeGreaterThan(-0.45);
    const p = await cli("predict", state, "--data", test, "--json");
    expect(p.code).toBe(0);
    const rows = JSON.parse(p.stdout).rows as { mean: number; sd: number; q05: number; q95: number }[];
    expect(rows.length).toBe(300);
    for (const row of rows) {
      expect(row.q05).toBeGreaterThan(0);
      expect(row.q95).toBeLessThan(1);
      expect(row.q05).toBeLessThanOrEqual(row.mean + 1e-12);
      expect(row.mean).toBeLessThanOrEqual(row.q95 + 1e-12);
      expect(row.sd).toBeCloseTo(Math.sqrt(row.mean * (1 - row.mean)), 12);
    }
  });

  it.each([["1"], ["2"]])("refuses a response other than 0 or 1 by row and column (%s thread)", async (threads) => {
    const bad = join(dir, "bad.csv");
    writeFileSync(bad, "x1,x2,y\n1,0.5,1\n1,0.2,2\n1,0.1,0\n");
    const r = await cli("fit", model, "--data", bad, "--particles", "40", "--threads", threads);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("bad.csv:3:3: error[data_not_binary]: column 'y': '2' is not 0 or 1; the model's experts are binary");
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});
