/**
 * `fit --forget RHO|auto` (spec §3.8): the option reaches the filter on one thread and on
 * several alike (the same trace, the same summary); `--json` reports the factor in force and
 * each factor's weight; the trace's `forget` column is the factor in force per row; bad values
 * are usage errors.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Rng } from "../../runtime/rng/rng.js";
import { AUTO_FORGET } from "../../runtime/pl/forget.js";
import { cli } from "../helpers/cli.js";

const flagship = readFileSync(new URL("../../stdlib/hsmoe.moe", import.meta.url), "utf8");

let dir: string;
let model: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "hsmoe-forget-"));
  model = join(dir, "hsmoe.moe");
  writeFileSync(model, flagship);
  const rng = Rng.fromSeed(3);
  const lines = ["x1,y"];
  for (let t = 0; t < 600; t++) {
    const u = 2 * rng.uniform() - 1;
    lines.push(`${u},${(t < 300 ? 2 : -2) * u + 0.3 * rng.normal()}`);
  }
  writeFileSync(join(dir, "drift.csv"), lines.join("\n") + "\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fit = (...extra: string[]) => cli("fit", model, "--set", "K=2", "--data", join(dir, "drift.csv"), "--particles", "120", "--seed", "2", ...extra);
const traceColumn = (path: string, name: string) => {
  const [header, ...lines] = readFileSync(path, "utf8").trimEnd().split("\n");
  const at = header.split(",").indexOf(name);
  return lines.map((l) => Number(l.split(",")[at]));
};

describe("fit --forget", () => {
  it("a fixed factor: --json and the trace say it, one thread or two", async () => {
    const one = join(dir, "one.csv");
    const two = join(dir, "two.csv");
    const a = await fit("--forget", "0.98", "--json", "--threads", "1", "--trace", one);
    const b = await fit("--forget", "0.98", "--json", "--threads", "2", "--trace", two);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    const ja = JSON.parse(a.stdout);
    expect(ja.forget).toMatchObject({ rho: 0.98, inForce: 0.98, factors: [{ rho: 0.98 }] });
    expect(ja.forget.factors[0].weight).toBeCloseTo(1, 12);
    expect(JSON.parse(b.stdout).logEvidence).toBe(ja.logEvidence);
    expect(readFileSync(two, "utf8")).toBe(readFileSync(one, "utf8"));
    expect(traceColumn(one, "forget").every((v) => v === 0.98)).toBe(true);
    const text = await fit("--forget", "0.98");
    expect(text.stdout).toMatch(/forgetting: ρ = 0\.98/);
  });

  it("auto: the grid's factors with their weights; the factor in force falls after the change", async () => {
    const trace = join(dir, "auto.csv");
    const r = await fit("--forget", "auto", "--json", "--trace", trace);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.forget.rho).toBe("auto");
    expect(j.forget.factors.map((f: { rho: number }) => f.rho)).toEqual(AUTO_FORGET.grid);
    expect(j.forget.factors.reduce((a: number, f: { weight: number }) => a + f.weight, 0)).toBeCloseTo(1, 12);
    expect(j.logEvidenceSE).toBe(null);
    const forget = traceColumn(trace, "forget");
    const mean = (a: number, b: number) => forget.slice(a, b).reduce((s, v) => s + v, 0) / (b - a);
    expect(mean(350, 450)).toBeLessThan(mean(200, 300));
    const text = await fit("--forget", "auto");
    expect(text.stdout).toMatch(/forgetting: auto, ρ in force 0\.\d+ \(ρ = 1: /);
    expect(text.stdout).toMatch(/no standard error: the sets run different factors/);
  });

  it.each([["0"], ["1.5"], ["x"], ["-0.5"], ["0.9e0"]])("refuses --forget %s", async (v) => {
    const r = await fit(`--forget=${v}`);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--forget takes a factor in \(0, 1\] or "auto"/);
  });

  it("refuses --forget auto with one set", async () => {
    const r = await fit("--forget", "auto", "--sets", "1");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--forget auto runs one factor per set/);
  });
});
