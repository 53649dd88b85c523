/**
 * The diagnostic for separating sticks (spec §8.4): on the piecewise data, whose regimes split
 * exactly at u = 0, the flagship's stick coefficient on u runs away under the horseshoe, and
 * `fit` reports it (`gate.separation` in --json, a warning naming the regularised horseshoe in the
 * summary) alike on one thread and on two; under the regularised horseshoe's slab it is bounded
 * and nothing is reported. A snapshot keeps the column moments the diagnostic reads.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli } from "../helpers/cli.js";
import { compile } from "../../api.js";

const flagship = new URL("../../stdlib/hsmoe.moe", import.meta.url).pathname;
const regularised = new URL("../models/regularised-horseshoe.moe", import.meta.url).pathname;
const source = new URL("../../examples/data/piecewise-train.csv", import.meta.url).pathname;

let dir: string;
let data: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "hsmoe-separation-"));
  data = join(dir, "train.csv");
  writeFileSync(data, readFileSync(source, "utf8").split("\n").slice(0, 601).join("\n") + "\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a stick whose rows separate", () => {
  it("is reported under the horseshoe, on one thread and on two, and not under the slab", async () => {
    const found: unknown[] = [];
    for (const threads of ["1", "2"]) {
      const r = await cli("fit", flagship, "--set", "K=2", "--data", data, "--particles", "200", "--threads", threads, "--json");
      expect(r.code).toBe(0);
      const sep = JSON.parse(r.stdout).gate.separation;
      // 36 per sd of u at these 600 rows (140 at all 1,000; under 10 at the first 300, where the
      // coefficient has not yet run far: it grows with the rows)
      expect(sep).toEqual([{ stick: 1, coefficient: "x2", logOddsPerSd: expect.any(Number) }]);
      expect(sep[0].logOddsPerSd).toBeGreaterThan(10);
      found.push(sep);
    }
    expect(found[1]).toEqual(found[0]);
    const text = await cli("fit", flagship, "--set", "K=2", "--data", data, "--particles", "200");
    expect(text.stdout).toMatch(/warning: the rows reaching a stick separate.*stick 1 on x2/);
    expect(text.stdout).toMatch(/c2 ~ invgamma\(2, 8\)/);
    const bounded = await cli("fit", regularised, "--set", "K=2", "--data", data, "--particles", "200", "--json");
    expect(bounded.code).toBe(0);
    expect(JSON.parse(bounded.stdout).gate.separation).toEqual([]);
  });

  it("the column moments it reads survive a snapshot", () => {
    const rows = readFileSync(data, "utf8").trim().split("\n").slice(1).map((l) => l.split(",").map(Number));
    const model = compile(readFileSync(flagship, "utf8"), { K: 2 });
    const f = model.filter({ particles: 100, seed: 1, D: 2 });
    for (const r of rows) f.observe(r.slice(0, 2), r[2]);
    const g = model.restore(JSON.parse(JSON.stringify(f.snapshot())));
    expect(g.separation()).toEqual(f.separation());
    expect(f.separation().length).toBeGreaterThan(0);
  });
});
