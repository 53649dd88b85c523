/** `hsmoe fit`, `predict` and `compile`: outputs, the JSON contract, saved states, bad data. */
import { describe, expect, it, beforeAll, afterAll } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";
import { cli } from "../helpers/cli.js";
import type { FilterOptions } from "../../runtime/pl/filter.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const flagship = join(root, "stdlib/hsmoe.moe");
const train = join(root, "examples/data/piecewise-train.csv");
const test = join(root, "examples/data/piecewise-test.csv");


let dir: string;
let small: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "hsmoe-fit-"));
  small = join(dir, "small.csv");
  writeFileSync(small, readFileSync(train, "utf8").split("\n").slice(0, 121).join("\n") + "\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("hsmoe fit", () => {
  const base = ["fit", flagship, "--set", "K=3", "--data", "SMALL", "--particles", "200", "--seed", "7"];
  const args = (...extra: string[]) => [...base, ...extra].map((a) => (a === "SMALL" ? small : a));
  /** The API's fit of the rows `base` fits, with these options besides its particles and seed. */
  async function apiFit(options: FilterOptions) {
    const { compile } = await import("../../api.js");
    const f = compile(readFileSync(flagship, "utf8"), { K: 3 }).filter({ particles: 200, seed: 7, D: 2, ...options });
    for (const line of readFileSync(small, "utf8").trim().split("\n").slice(1)) {
      const [x1, x2, y] = line.split(",").map(Number);
      f.observe([x1, x2], y);
    }
    f.finish();
    return f;
  }

  it("prints the JSON object of DESIGN §3", async () => {
    const r = await cli(...args("--json", "--test", test));
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ model: "hsmoe", particles: 200, seed: 7, n: 120, D: 2, K: 3 });
    for (const key of ["seconds", "sweepShare", "logEvidence", "logEvidenceSE", "essMin", "ancestors"]) expect(Number.isFinite(out[key])).toBe(true);
    expect(out.heldout.n).toBe(400);
    expect(out.heldout.lpd).toBeLessThan(0);
    // the coverage–risk curve (spec §3.9): its last point is every held-out row
    expect(out.heldout.selective.map((p: { coverage: number }) => p.coverage)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    expect(out.heldout.selective[9]).toMatchObject({ rows: 400 });
    expect(out.heldout.selective[9].lpd).toBeCloseTo(out.heldout.lpd, 12);
    expect(out.heldout.selective[9].rmse).toBeCloseTo(out.heldout.rmse, 12);
    expect(out.experts).toHaveLength(3);
    expect(out.experts.reduce((a: number, e: { usage: number }) => a + e.usage, 0)).toBeCloseTo(1, 6);
    expect(out.gate.shrinkage).toHaveLength(2);
    expect(out.gate.shrinkage[0]).toHaveLength(2);
  });

  it("is deterministic: the same seed gives the same JSON apart from the time", async () => {
    const strip = (s: string) => ({ ...JSON.parse(s), seconds: 0, sweepShare: 0 });
    expect(strip((await cli(...args("--json"))).stdout)).toEqual(strip((await cli(...args("--json"))).stdout));
  });

  it("--sweeps sets when the sweeps come (spec §3.7): the API's fit with that schedule, reported in --json; bad values exit 2", async () => {
    const dense = JSON.parse((await cli(...args("--json", "--sweeps", "5,120"))).stdout);
    const plain = JSON.parse((await cli(...args("--json"))).stdout);
    expect(dense.sweeps).toEqual({ every: 5, until: 120 });
    expect(plain.sweeps).toEqual({ every: 10, until: 100 });
    // the same fit as the API's with { denseEvery: 5, denseUntil: 120 }, not the default's
    const f = await apiFit({ schedule: { denseEvery: 5, denseUntil: 120 } });
    expect(dense.logEvidence).toBeCloseTo(f.logEvidence, 9);
    expect(dense.logEvidence).not.toBe(plain.logEvidence);
    for (const bad of ["5", "0,10", "10,5", "a,b", "5,10,20"]) {
      const r = await cli(...args("--sweeps", bad));
      expect(r.code, bad).toBe(2);
      expect(r.stderr).toContain("--sweeps takes EVERY,UNTIL");
    }
    const off = await cli(...args("--sweeps", "5,50", "--no-rejuvenate"));
    expect(off.code).toBe(2);
    expect(off.stderr).toContain("--no-rejuvenate");
    expect(JSON.parse((await cli(...args("--json", "--no-rejuvenate"))).stdout).sweeps).toBeNull();
  });

  it("--resampling chooses when a set resamples (spec §3.5): the API's fit with that rule, reported in --json; bad values exit 2", async () => {
    const every = JSON.parse((await cli(...args("--json", "--resampling", "every"))).stdout);
    const plain = JSON.parse((await cli(...args("--json"))).stdout);
    expect(every.resampling).toBe("every");
    expect(plain.resampling).toBe("ess");
    const f = await apiFit({ resampling: "every" });
    expect(every.logEvidence).toBeCloseTo(f.logEvidence, 9);
    expect(every.logEvidence).not.toBe(plain.logEvidence);
    // every set resampled at every row
    expect(f.resampleCounts.every((c) => c === 4)).toBe(true);
    // under forgetting the default is every row: carried weights would not forget (spec §3.7)
    expect(JSON.parse((await cli(...args("--json", "--forget", "0.99"))).stdout).resampling).toBe("every");
    const r = await cli(...args("--resampling", "sometimes"));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--resampling takes ess");
  });

  it("saves a state that predict reads", async () => {
    const state = join(dir, "state.json");
    expect((await cli(...args("--save", state))).code).toBe(0);
    const r = await cli("predict", state, "--data", test, "--json");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.n).toBe(400);
    expect(out.rows[0]).toHaveProperty("q95");
    expect(out.rows[0].q05).toBeLessThan(out.rows[0].q95);
    const text = await cli("predict", state, "--data", test);
    expect(text.stdout.split("\n")[0]).toBe("row\tmean\tsd\tq05\tq50\tq95\tlog density");
  });

  it("reports bad data by row and column and exits 1", async () => {
    const bad = join(dir, "bad.csv");
    writeFileSync(bad, "x1,x2,y\n1,0.5,1.2\n1,abc,0.3\n1,2\n");
    const r = await cli("fit", flagship, "--data", bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("bad.csv:3:2: error[data_not_numeric]");
    expect(r.stderr).toContain("bad.csv:4");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("explains a model that no rule covers and exits 1", async () => {
    const m = join(dir, "softmax.moe");
    writeFileSync(m, "model m() {\n  data x: vector[D]\n  data y: real\n  phi[k in 1..3, j in 1..D] ~ normal(0, 1)\n  beta[k in 1..3] ~ mvnormal(0, I(D))\n  z ~ categorical(softmax(exp(phi * x)))\n  y ~ normal(dot(beta[z], x), 1)\n}\n");
    const r = await cli("fit", m, "--data", small);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error[gate_not_augmentable]");
  });

  it.each([
    [["fit", "FLAGSHIP"], "needs --data"],
    [["fit", "FLAGSHIP", "--data", "SMALL", "--particles", "0"], "positive integer"],
    [["fit", "FLAGSHIP", "--data", "SMALL", "--particles", "2", "--sets", "4"], "more than --particles"],
    [["fit", "FLAGSHIP", "--data", "/no/such.csv"], "no such file"],
  ])("exits 2 for %j", async (argv, message) => {
    const r = await cli(...argv.map((a) => a.replace("FLAGSHIP", flagship).replace("SMALL", small)));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it("exits 1 when the state given to predict is not a state", async () => {
    const r = await cli("predict", flagship, "--data", small);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("corrupt state");
    expect(r.stderr).toContain("not JSON");
  });
});

describe("the hsmoe binary", () => {
  it("gives the same fit on worker threads as on one thread", () => {
    const run = (threads: string) =>
      JSON.parse(execFileSync(process.execPath, [join(root, "bin/hsmoe.js"), "fit", flagship, "--set", "K=3", "--data", small, "--particles", "200", "--json", "--threads", threads], { encoding: "utf8" }));
    const [one, two] = [run("1"), run("2")];
    one.seconds = two.seconds = one.sweepShare = two.sweepShare = 0;
    expect(two).toEqual(one);
  });
});

describe("hsmoe compile", () => {
  it("writes an ES module kernel with a header naming the model and its plan", async () => {
    const out = join(dir, "kernel.js");
    expect((await cli("compile", flagship, "-o", out)).code).toBe(0);
    const js = readFileSync(out, "utf8");
    expect(js).toMatch(/^\/\/ hsmoe kernel for model hsmoe/);
    expect(js).toContain("export default function createKernel(rt)");
    expect(js).toContain("horseshoe_makalic_schmidt");
  });
});
