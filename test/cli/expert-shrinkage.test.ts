/**
 * A horseshoe on the experts' coefficients through the CLI (stdlib/hsmoe-sparse-experts.moe on
 * the first 800 rows of the sparse-routing data, whose experts use the intercept and f₃…f₆ and
 * never f₇…f₁₀): `fit --json` gives each expert's κ per coefficient, the summary prints them, and
 * the report draws their heat map; a model without one has no `shrinkage` in its experts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli } from "../helpers/cli.js";

const sparse = new URL("../../stdlib/hsmoe-sparse-experts.moe", import.meta.url).pathname;
const flagship = new URL("../../stdlib/hsmoe.moe", import.meta.url).pathname;
const source = new URL("../../examples/data/sparse-train.csv", import.meta.url).pathname;

let dir: string;
let data: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "hsmoe-expert-shrinkage-"));
  data = join(dir, "train.csv");
  writeFileSync(data, readFileSync(source, "utf8").split("\n").slice(0, 801).join("\n") + "\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("shrinkage of the experts' coefficients in fit and report", () => {
  it("--json gives κ per expert and coefficient: the noise inputs switched off in every used expert", async () => {
    const r = await cli("fit", sparse, "--set", "K=3", "--data", data, "--particles", "400", "--seed", "1", "--json");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    const used = out.experts.filter((e: { usage: number }) => e.usage > 0.2);
    expect(used.length).toBeGreaterThanOrEqual(2);
    for (const e of used) {
      expect(e.shrinkage).toHaveLength(11);
      // f₇…f₁₀ (x8…x11) are noise to every expert
      for (const j of [7, 8, 9, 10]) expect(e.shrinkage[j], JSON.stringify(e.shrinkage)).toBeGreaterThan(0.4);
      // and each used expert keeps an input the noise inputs are well above (800 rows shrink a
      // true slope of 1 at noise sd 0.5 to κ ≈ 0.45 at most)
      const noise = Math.min(...[7, 8, 9, 10].map((j) => e.shrinkage[j]));
      expect(Math.min(...e.shrinkage), JSON.stringify(e.shrinkage)).toBeLessThan(noise - 0.2);
    }
    const text = await cli("fit", sparse, "--set", "K=3", "--data", data, "--particles", "40");
    expect(text.stdout).toMatch(/expert shrinkage κ \(1 = switched off\), by expert and coefficient/);
    const plain = await cli("fit", flagship, "--set", "K=3", "--data", data, "--particles", "40", "--json");
    expect(JSON.parse(plain.stdout).experts[0].shrinkage).toBeUndefined();
  });

  it("the report has the experts' heat map", async () => {
    const html = join(dir, "report.html");
    const r = await cli("report", sparse, "--set", "K=3", "--data", data, "--particles", "40", "-o", html);
    expect(r.code).toBe(0);
    expect(readFileSync(html, "utf8")).toContain("Shrinkage of the experts&#39; coefficients");
  });
});
