/**
 * `hsmoe report` / `fit --report` in Node: the page is self-contained, every chart compiles and
 * renders to a non-empty SVG with Vega in Node, and text from the user's files cannot break out
 * of the page's markup. The same pages are opened in Chromium by test/browser/report.test.ts.
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as vega from "vega";
import { cli } from "../helpers/cli.js";
import { compiledCharts, escapeHtml, renderReport, scriptJson } from "../../cli/report/html.js";
import type { ReportData } from "../../cli/report/collect.js";

const dir = mkdtempSync(join(tmpdir(), "hsmoe-report-"));

/** Column names that once broke the page or could: line separators, markup, quotes, Vega field syntax. */
const HOSTILE = ["a\u2028b", "c\u2029d", "line\nbreak", "</script>e", "<!--f", `q"u'o`, `back\\sl"ash\\`, "a.b", "x[1]", "datum.y", "${g}", "é ☃ 😀"];

/** Every inline script of a page compiles, and every chart spec parses and renders in Node. */
async function checkPage(html: string): Promise<string[]> {
  const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
  expect(scripts).toHaveLength(2);
  for (const code of scripts) expect(() => new Function(code)).not.toThrow();
  const specs = [...html.matchAll(/<script type="application\/json" id="spec-([\w-]+)">([\s\S]*?)<\/script>/g)];
  expect(specs.length).toBeGreaterThan(4);
  const svgs: string[] = [];
  for (const [, id, json] of specs) {
    const spec = JSON.parse(json) as vega.Spec;
    svgs.push(await new vega.View(vega.parse(spec), { renderer: "none" }).toSVG().catch((e: Error) => `${id}: ${e.message}`));
    expect(svgs.at(-1), id).toMatch(/^<svg/);
  }
  return svgs;
}

/** SVG text with its entities decoded. */
function decode(text: string): string {
  const entities: Record<string, string> = { "&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": '"', "&apos;": "'" };
  return text.replace(/&#x([\da-f]+);|&#(\d+);|&\w+;/gi, (e, hex?: string, dec?: string) => (hex ?? dec ? String.fromCodePoint(hex ? parseInt(hex, 16) : Number(dec)) : (entities[e] ?? e)));
}

/** The texts of an SVG's text elements. */
function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => decode(m[1]));
}

/** A tiny report by hand: two inputs, two experts, hostile names. */
function handMade(oneD: boolean): ReportData {
  const band = [0, 1, 2].map((at) => ({ at, mean: at, q05: at - 2, q25: at - 1, q75: at + 1, q95: at + 2 }));
  const gate = [0, 1, 2].flatMap((at) => [1, 2].map((expert) => ({ at, expert, mean: 0.5, lower: 0.2, upper: 0.8 })));
  return {
    title: "t", file: "m.moe", source: "model m() {}", planText: "plan", facts: [{ label: "rows", value: "3" }],
    features: ["(Intercept)", "</script><b>x"], feature: "</script><b>x", oneD, binary: false, calibration: [],
    points: [{ at: 0, y: 1 }], band, gate,
    rows: oneD ? [] : [{ row: 1, at: 0, observed: 1, mean: 1.1, lower: 0, upper: 2 }], rowsFrom: "train",
    rowGate: oneD ? [] : gate.slice(0, 2),
    selective: [0.5, 1].map((coverage) => ({ coverage, rows: 10 * coverage, threshold: 0.9, lpd: -1 / coverage, rmse: coverage })),
    activeCounts: [0, 1, 2].map((count) => ({ count, probability: count / 3 })),
    experts: [1, 2].map((expert) => ({ expert, usage: 0.5, noiseVariance: 1, dispersion: null, coefficients: [{ feature: "a", mean: 0, lower: -1, upper: 1 }] })),
    shrinkage: [{ stick: 1, feature: "(Intercept)", column: 0, kappa: 0.1 }, { stick: 1, feature: "</script><b>x", column: 1, kappa: 0.9 }],
    gateRows: "stick",
    expertShrinkage: null,
    health: [1, 2, 3].map((row) => ({ row, ess: 50, resampled: row % 2, logEvidence: -row })),
    score: [1, 2, 3].map((row) => ({ row, score: -1 - (row === 3 ? 2 : 0) })),
    scoreWindow: 1,
    alarms: [{ row: 3, strength: 15.2 }],
    outliers: null,
    particles: 100,
    resampling: "ess",
  };
}

describe("report charts", () => {
  it.each([true, false])("every chart renders to a non-empty SVG in Node (1-D: %s)", async (oneD) => {
    const charts = compiledCharts(handMade(oneD));
    expect(charts.map((c) => c.def.id)).toEqual(oneD ? ["predictive", "gate", "selective", "usage", "active", "shrinkage", "ess", "score", "evidence"] : ["predictive", "observed", "gate", "row-gate", "selective", "usage", "active", "shrinkage", "ess", "score", "evidence"]);
    for (const { vega: spec } of charts) {
      const svg = await new vega.View(vega.parse(spec as vega.Spec), { renderer: "none" }).toSVG();
      expect(svg).toMatch(/^<svg/);
      expect(svg).toMatch(/<path|<rect|<line/);
    }
  });

  it("binary experts: bands of P(y = 1) and a calibration chart in place of predicted against observed", async () => {
    const r = handMade(false);
    r.binary = true;
    r.calibration = [{ predicted: 0.1, observed: 0.12, n: 40 }, { predicted: 0.85, observed: 0.8, n: 60 }];
    const charts = compiledCharts(r);
    expect(charts.map((c) => c.def.id)).toEqual(["predictive", "calibration", "gate", "row-gate", "selective", "usage", "active", "shrinkage", "ess", "score", "evidence"]);
    for (const { def, vega: spec } of charts) {
      const svg = await new vega.View(vega.parse(spec as vega.Spec), { renderer: "none" }).toSVG();
      expect(svg).toMatch(/<path|<rect|<line/);
      if (def.id === "predictive") expect(svgTexts(svg)).toContain("P(y = 1)");
    }
    const html = renderReport(r);
    expect(html).toContain("credible bands");
    expect(html).toContain('id="chart-calibration"');
  });

  it("robust experts: a table of the rows weighed least under the fit's charts, their feature named as written", () => {
    const r = handMade(false);
    expect(renderReport(r)).not.toContain("Outlying rows");
    r.outliers = { threshold: 0.5, count: 3, rows: [{ row: 7, at: 1.25, y: 9.5, weight: 0.031 }, { row: 2, at: -0.5, y: -6, weight: 0.2 }] };
    const html = renderReport(r);
    const table = html.slice(html.indexOf("<h3>Outlying rows</h3>"), html.indexOf('<section id="gate">'));
    expect(table).toContain("<tr><td>7</td><td>1.250</td><td>9.500</td><td>0.031</td></tr>");
    expect(table).toContain("<th>&lt;/script&gt;&lt;b&gt;x</th>");
    expect(table).toContain("3 of the training rows have an outlier weight below 0.5");
    // Student-t experts' σ² is a squared scale
    expect(html).toContain("<th>usage</th><th>scale²</th>");
  });

  it("compiles and renders every chart whatever the column names, showing them as written", async () => {
    const names = [...HOSTILE, "lone\ud800"];
    const r = handMade(false);
    r.features = names;
    r.shrinkage = names.map((feature, column) => ({ stick: 1, feature, column, kappa: column / names.length }));
    for (const feature of names) {
      r.feature = feature;
      for (const { def, vega: spec } of compiledCharts(r)) {
        const svg = await new vega.View(vega.parse(spec as vega.Spec), { renderer: "none" }).toSVG();
        const texts = svgTexts(svg);
        if (def.id === "shrinkage") expect(texts.filter((t) => names.includes(t))).toEqual(names); // axis labels, in column order
        if (["predictive", "gate", "row-gate"].includes(def.id)) {
          expect(texts, def.id).toContain(feature); // the axis title
          expect(decode(svg.match(/aria-label="([^"]*)"/g)!.find((l) => !l.includes("-axis"))!), def.id).toContain(`${feature}: `); // the marks' description
        }
      }
    }
    await checkPage(renderReport(r));
  });

  it("keeps user text inside its element", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    const json = scriptJson({ name: "</script><script>alert(1)</script>\u2028" });
    expect(json).not.toMatch(/<\/script/i);
    expect(JSON.parse(json)).toEqual({ name: "</script><script>alert(1)</script>\u2028" });
  });
});

describe("hsmoe report", () => {
  it("writes a self-contained page for the 1-D piecewise fit", async () => {
    const out = join(dir, "piecewise.html");
    const r = await cli("report", "stdlib/hsmoe.moe", "--set", "K=3", "--data", "examples/data/piecewise-train.csv", "--test", "examples/data/piecewise-test.csv", "--particles", "200", "-o", out);
    expect(r.code).toBe(0);
    const html = readFileSync(out, "utf8");
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\/(?!vega\.github\.io\/schema|www\.w3\.org)/);
    for (const id of ["predictive", "gate", "selective", "usage", "active", "shrinkage", "ess", "score", "evidence"]) expect(html).toContain(`id="chart-${id}"`);
    expect(html).not.toContain('id="chart-observed"');
    expect(html).toContain("polya_gamma_stickbreaking"); // the inference plan
    expect(html).toContain("tau ~ halfcauchy(1)"); // the model source
  });

  it("escapes a hostile model file and column names", async () => {
    const model = join(dir, "hostile.moe");
    writeFileSync(model, readFileSync("stdlib/hsmoe.moe", "utf8").replace("// Horseshoe", "// </script><script>alert(1)</script> <img src=x onerror=alert(2)> Horseshoe"));
    const data = join(dir, "hostile.csv");
    const rows = readFileSync("examples/data/piecewise-train.csv", "utf8").trim().split("\n").slice(1, 80);
    writeFileSync(data, [`"<b>one</b>","</script>two",y`, ...rows].join("\n"));
    const out = join(dir, "hostile.html");
    const r = await cli("fit", model, "--set", "K=2", "--data", data, "--particles", "40", "--report", out, "--feature", "</script>two");
    expect(r.stderr).toContain("wrote");
    const html = readFileSync(out, "utf8");
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain("<img src=x");
    expect(html).not.toContain("<b>one</b>");
    expect(html).toContain("&lt;/script&gt;two");
  });

  it("writes a working page whatever the input columns are called", async () => {
    const data = join(dir, "names.csv");
    const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
    const rows = readFileSync("examples/data/sparse-train.csv", "utf8").trim().split("\n").slice(1, 80);
    const d = rows[0].split(",").length - 1;
    // the sparse data's inputs (an intercept first) under hostile names
    const names = ["intercept", ...HOSTILE].slice(0, d);
    writeFileSync(data, [[...names.map(quote), "y"].join(","), ...rows].join("\n"));
    for (const feature of [HOSTILE[0], "a.b"]) {
      const out = join(dir, `names-${names.indexOf(feature)}.html`);
      const r = await cli("fit", "stdlib/hsmoe.moe", "--set", "K=2", "--data", data, "--particles", "40", "--report", out, "--feature", feature);
      expect(r.code, r.stderr).toBe(0);
      const html = readFileSync(out, "utf8");
      const svgs = await checkPage(html);
      expect(svgTexts(svgs.join(""))).toContain(feature);
    }
  });

  it("names the inputs when --feature is not one of them", async () => {
    const r = await cli("report", "stdlib/hsmoe.moe", "--data", "examples/data/piecewise-train.csv", "--feature", "nope", "-o", join(dir, "x.html"));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--feature 'nope' is not an input column (inputs: x1, x2)");
  });

  it("asks for --report when fit gets --feature alone", async () => {
    const r = await cli("fit", "stdlib/hsmoe.moe", "--data", "examples/data/piecewise-train.csv", "--feature", "x2");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--feature chooses the report's input");
  });
});
