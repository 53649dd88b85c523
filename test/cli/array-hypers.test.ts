/**
 * Array hyperparameters from the command line and the API: `--set group=1,2,2` (or
 * `group=[1, 2, 2]`) replaces an `int[D]` default as `compile(source, { group: [1, 2, 2] })`
 * does, bit for bit; the saved state records the array and `predict` accepts it; a length the
 * data contradict is a data error naming the array; malformed values are usage errors.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compile } from "../../api.js";
import { Rng } from "../../runtime/rng/rng.js";
import { cli } from "../helpers/cli.js";

const source = `model grouped(K: int = 3, G: int = 2, group: int[D] = [1, 1, 2], m0: vector[D] = [0, 0.5, 0]) {
  data x: vector[D]
  data y: real
  tau ~ halfcauchy(1)
  lambda[k in 1..K-1, q in 1..G] ~ halfcauchy(1)
  phi[k in 1..K-1, j in 1..D] ~ normal(0, tau * lambda[k, group[j]])
  sigma2[k in 1..K] ~ invgamma(2, 1)
  beta[k in 1..K] ~ mvnormal(m0, 10 * sigma2[k] * I(D))
  z ~ stickbreaking(logistic(phi * x))
  y ~ normal(dot(beta[z], x), sqrt(sigma2[z]))
}
`;

const rng = Rng.fromSeed("array-hypers");
const rows = Array.from({ length: 120 }, () => {
  const u = rng.normal(), v = rng.normal();
  return { x: [1, u, v], y: (u < 0 ? -u : 2 * u) + 0.3 * rng.normal() };
});

let dir: string;
let model: string;
let train: string;
let narrow: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "hsmoe-arrays-"));
  model = join(dir, "grouped.moe");
  train = join(dir, "train.csv");
  narrow = join(dir, "narrow.csv");
  writeFileSync(model, source);
  writeFileSync(train, ["x1,x2,x3,y", ...rows.map((r) => [...r.x, r.y].join(","))].join("\n") + "\n");
  writeFileSync(narrow, ["x1,x2,y", ...rows.map((r) => [r.x[0], r.x[1], r.y].join(","))].join("\n") + "\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const apiFit = (hypers: Record<string, number | number[]>) => {
  const f = compile(source, hypers).filter({ particles: 48, seed: 5 });
  for (const r of rows) f.observe(r.x, r.y);
  f.finish();
  return f;
};

describe("array hyperparameters", () => {
  it("--set group=1,2,2 and group=[1, 2, 2] equal the API given the array, bit for bit", async () => {
    const api = apiFit({ group: [1, 2, 2] });
    for (const set of ["group=1,2,2", "group=[1, 2, 2]"]) {
      const r = await cli("fit", model, "--data", train, "--particles", "48", "--seed", "5", "--set", set, "--json", "--threads", "1");
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).logEvidence).toBe(api.logEvidence);
    }
    // The grouping matters: the default groups give another fit.
    expect(apiFit({}).logEvidence).not.toBe(api.logEvidence);
  });

  it("the prior mean vector enters the fit (a different m0, a different evidence)", () => {
    expect(apiFit({ m0: [0, 0, 0] }).logEvidence).not.toBe(apiFit({}).logEvidence);
  });

  it("the saved state records the arrays and predict reads new rows with them", async () => {
    const state = join(dir, "state.json");
    const r = await cli("fit", model, "--data", train, "--particles", "32", "--set", "group=2,1,1", "--save", state);
    expect(r.code).toBe(0);
    const p = await cli("predict", state, "--data", train, "--json");
    expect(p.stderr).toBe("");
    expect(p.code).toBe(0);
    expect(JSON.parse(p.stdout).rows).toHaveLength(rows.length);
  });

  it("an array the data contradict is a data error that names it", async () => {
    const r = await cli("fit", model, "--data", narrow, "--particles", "16");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/`m0` has 3 entries, the prior mean of `beta`, which has 2 coefficients/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const g = await cli("fit", model, "--data", narrow, "--particles", "16", "--set", "m0=0,1");
    expect(g.code).toBe(1);
    expect(g.stderr).toMatch(/`group` has 3 entries, one per feature of the gate, but the gate has 2 features/);
  });

  it("malformed values are usage errors; out-of-range entries are model errors", async () => {
    const bad = await cli("fit", model, "--data", train, "--set", "group=1,x,2");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/'x' is not a finite number/);
    const real = await cli("fit", model, "--data", train, "--set", "group=1,1.5,2");
    expect(real.code).toBe(2);
    expect(real.stderr).toMatch(/integer array/);
    const list = await cli("fit", model, "--data", train, "--set", "K=2,3");
    expect(list.code).toBe(2);
    const range = await cli("check", model, "--set", "group=1,3,2");
    expect(range.code).toBe(1);
    expect(range.stderr).toMatch(/index_out_of_range/);
  });
});
