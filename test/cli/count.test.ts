/**
 * Count experts through the CLI (stdlib/count-moe.moe): `fit --json` reports each expert's
 * dispersion and no noise variance, and a held-out score that is a log probability of counts;
 * `predict` gives whole-number quantiles; a response that is not a count is a data error with its
 * row and column, on one thread and on several. Binomial experts (stdlib/binomial-moe.moe) read
 * their trials from the column `n`, and refuse a row with more successes than trials.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Rng } from "../../runtime/rng/rng.js";
import { gamma } from "../../runtime/rng/samplers.js";
import { cli } from "../helpers/cli.js";

const model = new URL("../../stdlib/count-moe.moe", import.meta.url).pathname;

let dir: string;
/** Rows x = [1, u], u ~ U(−2, 2), y ~ NB(mean e^{1 + |u|}, dispersion 5): a V no single log-linear expert draws. */
function csv(name: string, n: number, seed: number): string {
  const rng = Rng.fromSeed(seed);
  const lines = ["x1,x2,y"];
  for (let s = 0; s < n; s++) {
    const u = 4 * rng.uniform() - 2;
    const lambda = gamma(rng, 5, 5 / Math.exp(1 + Math.abs(u)));
    let y = 0;
    for (let t = rng.exponential(); t < lambda; t += rng.exponential()) y++;
    lines.push(`1,${u},${y}`);
  }
  writeFileSync(join(dir, name), lines.join("\n") + "\n");
  return join(dir, name);
}
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "hsmoe-count-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("count experts in the CLI", () => {
  it("fits, scores held-out rows, saves, and predicts counts", async () => {
    const train = csv("train.csv", 400, 1);
    const test = csv("test.csv", 200, 2);
    const state = join(dir, "state.json");
    const r = await cli("fit", model, "--data", train, "--test", test, "--particles", "200", "--seed", "1", "--json", "--save", state);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    for (const e of out.experts) {
      expect(e.noiseVariance).toBeNull();
      expect(e.dispersion).toBeCloseTo(5, 9);
    }
    // a log probability of counts; the truth scores −2.777 a row on these test rows
    expect(out.heldout.lpd).toBeLessThan(0);
    expect(out.heldout.lpd).toBeGreaterThan(-2.95);
    const p = await cli("predict", state, "--data", test, "--json");
    expect(p.code).toBe(0);
    const rows = JSON.parse(p.stdout).rows as { mean: number; q05: number; q50: number; q95: number }[];
    expect(rows.length).toBe(200);
    for (const row of rows) {
      for (const q of [row.q05, row.q50, row.q95]) expect(Number.isInteger(q) && q >= 0).toBe(true);
      expect(row.q05).toBeLessThanOrEqual(row.q50);
      expect(row.q50).toBeLessThanOrEqual(row.q95);
    }
    const text = await cli("fit", model, "--data", train, "--particles", "50", "--seed", "1");
    expect(text.stdout).toMatch(/rank {2}usage {2}dispersion/);
  });

  it.each([["1"], ["2"]])("refuses a response that is not a count by row and column (%s thread)", async (threads) => {
    const bad = join(dir, "bad.csv");
    writeFileSync(bad, "x1,x2,y\n1,0.5,1\n1,0.2,2.5\n1,0.1,-1\n1,0.3,4\n");
    const r = await cli("fit", model, "--data", bad, "--particles", "40", "--threads", threads);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("bad.csv:3:3: error[data_not_count]: column 'y': '2.5' is not a count (0, 1, 2, …); the model's experts model counts");
    expect(r.stderr).toContain("bad.csv:4:3: error[data_not_count]: column 'y': '-1'");
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it("binomial experts read their trials from a column, and refuse more successes than trials by row", async () => {
    const binomial = new URL("../../stdlib/binomial-moe.moe", import.meta.url).pathname;
    const rng = Rng.fromSeed(3);
    const lines = ["x1,x2,n,y"];
    for (let s = 0; s < 200; s++) {
      const u = 4 * rng.uniform() - 2;
      const n = 1 + Math.floor(10 * rng.uniform());
      let y = 0;
      for (let t = 0; t < n; t++) if (rng.uniform() < 1 / (1 + Math.exp(-(0.5 + u)))) y++;
      lines.push(`1,${u},${n},${y}`);
    }
    const data = join(dir, "binomial.csv");
    writeFileSync(data, lines.join("\n") + "\n");
    const r = await cli("fit", binomial, "--set", "K=2", "--data", data, "--particles", "100", "--json");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.inputs).toEqual([{ name: "x", columns: ["x1", "x2"] }, { name: "n", columns: ["n"] }]);
    // one logistic truth, 0.5 + u: the busier expert's coefficients are near it
    const top = out.experts[0].coefficients;
    expect(Math.abs(top[0] - 0.5)).toBeLessThan(0.4);
    expect(Math.abs(top[1] - 1)).toBeLessThan(0.4);
    const bad = join(dir, "bad-binomial.csv");
    writeFileSync(bad, "x1,x2,n,y\n1,0.5,5,2\n1,0.2,5,7\n");
    const b = await cli("fit", binomial, "--data", bad, "--particles", "20");
    expect(b.code).toBe(1);
    expect(b.stderr).toContain("row 2: the response is 7, more successes than its 5 trials");
    expect(b.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});
