/**
 * The softmax gate through the CLI (spec §2.9): `fit --json` names the rule and says the gate's
 * coefficient rows are experts (`gate.rows`), the shrinkage has one row per free expert, the
 * separation diagnostic names an expert, the text summary and the report speak of experts, and
 * a saved state predicts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli } from "../helpers/cli.js";

const model = new URL("../../stdlib/softmax-moe.moe", import.meta.url).pathname;
const source = new URL("../../examples/data/piecewise-train.csv", import.meta.url).pathname;

let dir: string;
let data: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "hsmoe-softmax-"));
  data = join(dir, "train.csv");
  writeFileSync(data, readFileSync(source, "utf8").split("\n").slice(0, 601).join("\n") + "\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a softmax gate through the CLI", () => {
  it("fit --json, the summary, a saved state and the report speak of experts", async () => {
    const state = join(dir, "state.json");
    const r = await cli("fit", model, "--set", "K=3", "--data", data, "--particles", "200", "--json", "--save", state);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.plan).toContainEqual({ node: "z", rule: "polya_gamma_softmax", role: "gate" });
    expect(out.gate.rows).toBe("expert");
    expect(out.gate.shrinkage).toHaveLength(2);
    for (const e of out.gate.separation) expect(Object.keys(e).sort()).toEqual(["coefficient", "expert", "logOddsPerSd"]);
    const at = join(dir, "new.csv");
    writeFileSync(at, "x1,x2\n1,2\n1,-2\n");
    const predicted = await cli("predict", state, "--data", at, "--json");
    expect(predicted.code).toBe(0);
    // the training rows with u within 0.2 of ±2 average 0.45 (47 rows) and 0.50 (29)
    const means = JSON.parse(predicted.stdout).rows.map((p: { mean: number }) => p.mean);
    expect(Math.abs(means[0] - 0.45)).toBeLessThan(0.15);
    expect(Math.abs(means[1] - 0.5)).toBeLessThan(0.15);
    const text = await cli("fit", model, "--set", "K=2", "--data", data, "--particles", "200");
    expect(text.stdout).toMatch(/gate shrinkage κ \(1 = switched off\), by expert and coefficient/);
    expect(text.stdout).toMatch(/\n {2}expert 1: /);
    // the flagship's stick on these rows separates (test/cli/separation.test.ts); so does the one free logit
    expect(text.stdout).toMatch(/warning: an expert's rows separate from the others', .*expert 1 on x2/);
    const html = join(dir, "report.html");
    const rep = await cli("report", model, "--set", "K=3", "--data", data, "--particles", "200", "-o", html);
    expect(rep.code).toBe(0);
    expect(readFileSync(html, "utf8").includes("softmax logit and input"), "the gate shrinkage caption speaks of experts").toBe(true);
  });
});
