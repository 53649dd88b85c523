/**
 * The report page: one self-contained HTML file (no network fetch: the Vega runtime, the
 * compiled chart specs and the data are inline). Vega-Lite specs are compiled to Vega here, in
 * Node, so the page carries only the Vega runtime. Every text from the user's files (model
 * source, file and column names) goes through {@link escapeHtml} or {@link scriptJson}.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { compile as compileVegaLite } from "vega-lite";
import { CHARTS, type ChartDef } from "./charts.js";
import type { ReportData } from "./collect.js";

/** The page's sections, in order, with their headings. */
const SECTIONS: { id: ChartDef["section"]; heading: string }[] = [
  { id: "fit", heading: "Fit" },
  { id: "gate", heading: "Gate" },
  { id: "experts", heading: "Experts" },
  { id: "shrinkage", heading: "Shrinkage" },
  { id: "health", heading: "Particle system" },
];

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/**
 * JSON for a `<script type="application/json">` element: `<` is written as \u003c so no text in
 * the data can close the element, and U+2028/2029 are escaped for older parsers.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

let vegaRuntime: string | undefined;

/** The Vega runtime's minified source, from the installed package (read once). */
function vegaSource(): string {
  if (vegaRuntime === undefined) {
    const path = createRequire(import.meta.url).resolve("vega/build/vega.min.js");
    vegaRuntime = readFileSync(path, "utf8");
    // Inline scripts end at the first "</script"; the build has none, and this keeps it so.
    if (/<\/script/i.test(vegaRuntime)) vegaRuntime = vegaRuntime.replace(/<\/script/gi, "<\\/script");
  }
  return vegaRuntime;
}

/** The charts that apply to this report, each with its compiled Vega spec. */
export function compiledCharts(r: ReportData): { def: ChartDef; vega: unknown }[] {
  return CHARTS.filter((c) => c.when(r)).map((def) => ({ def, vega: compileVegaLite(def.spec(r)).spec }));
}

const fmt = (v: number, digits = 3) => (Number.isFinite(v) ? v.toFixed(digits) : String(v));

function expertTable(r: ReportData): string {
  // count experts show their dispersion where the others show a noise variance
  const counts = r.experts.some((e) => e.dispersion !== null);
  // the coefficients' own names: the inputs, or the regressors the model builds from them (not the trials)
  const names = r.experts[0]?.coefficients.map((c) => c.feature) ?? r.features;
  // robust experts (the ones that weigh rows) show the squared scale σ² of t_ν(μ, σ) or Laplace(μ, σ)
  const head = `<tr><th>expert</th><th>usage</th><th>${counts ? "dispersion" : r.outliers ? "scale²" : "noise variance"}</th>${names.map((f) => `<th>${escapeHtml(f)}</th>`).join("")}</tr>`;
  const body = r.experts
    .map((e) => ({ e, spread: counts ? e.dispersion : e.noiseVariance }))
    .map(
      ({ e, spread }) =>
        `<tr><td>${e.expert}</td><td>${fmt(e.usage)}</td><td>${spread === null ? "—" : fmt(spread)}</td>${e.coefficients
          .map((c) => `<td>${fmt(c.mean)}<br><span class="ci">[${fmt(c.lower)}, ${fmt(c.upper)}]</span></td>`)
          .join("")}</tr>`,
    )
    .join("\n");
  return `<table class="experts"><thead>${head}</thead><tbody>\n${body}\n</tbody></table>
<p class="caption">Posterior mean of each expert's coefficients with the 90 % credible interval of their marginal posterior (the mixture over particles of each one's exact conditional; under forgetting, the particles' draws for binary, binomial and count experts), and the posterior mean noise variance (the dispersion r of count experts, whose variance is μ + μ²/r; the squared scale σ² of Student-t experts, whose variance is σ²ν/(ν − 2), and of Laplace experts, whose variance is 2σ²), with experts matched across particles by their allocations.</p>`;
}

/** Robust experts: the rows weighed least, as a table under the fit's charts. */
function outlierTable(r: ReportData): string {
  const o = r.outliers;
  if (!o) return "";
  const body = o.rows.map((x) => `<tr><td>${x.row}</td><td>${fmt(x.at)}</td><td>${fmt(x.y)}</td><td>${fmt(x.weight)}</td></tr>`).join("\n");
  return `<h3>Outlying rows</h3>
<table class="outliers"><thead><tr><th>row</th><th>${escapeHtml(r.feature)}</th><th>y</th><th>weight</th></tr></thead><tbody>
${body}
</tbody></table>
<p class="caption">${o.count} of the training rows have an outlier weight below ${o.threshold}: the row's precision relative to a typical row's, averaged over the posterior given the rows up to it (docs/spec.md §2.5), about 1 for a typical row and near 0 for one the robust experts discount. The ${o.rows.length === o.count ? "" : `${o.rows.length} `}rows weighed least are listed, smallest weight first.</p>`;
}

/** Renders the report page. */
export function renderReport(r: ReportData): string {
  const charts = compiledCharts(r);
  const sections = SECTIONS.map(({ id, heading }) => {
    const inSection = charts.filter((c) => c.def.section === id);
    const extra = id === "experts" ? expertTable(r) : id === "fit" ? outlierTable(r) : "";
    if (inSection.length === 0 && !extra) return "";
    const figures = inSection
      .map(
        ({ def, vega }) => `<figure>
<h3>${escapeHtml(def.title)}</h3>
<div class="chart" id="chart-${def.id}" data-chart="${def.id}"></div>
<script type="application/json" id="spec-${def.id}">${scriptJson(vega)}</script>
<figcaption>${escapeHtml(def.caption(r))}</figcaption>
</figure>`,
      )
      .join("\n");
    return `<section id="${id}"><h2>${heading}</h2>\n${figures}\n${extra}</section>`;
  }).join("\n");
  const facts = r.facts.map((f) => `<tr><th>${escapeHtml(f.label)}</th><td>${escapeHtml(f.value)}</td></tr>`).join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data:">
<title>hsmoe report: ${escapeHtml(r.title)}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 980px; padding: 0 1rem; color: #222; }
h1 { font-size: 1.5rem; margin-bottom: 0.2rem; } h2 { border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; margin-top: 2rem; }
h3 { font-size: 1rem; margin: 1rem 0 0.3rem; } figure { margin: 0 0 1.5rem; } figcaption, .caption { color: #555; font-size: 0.9rem; max-width: 720px; }
table { border-collapse: collapse; margin: 0.5rem 0; } th, td { border: 1px solid #ddd; padding: 0.25rem 0.5rem; text-align: right; vertical-align: top; }
th { background: #f6f6f6; } table.facts th { text-align: left; } .ci { color: #666; font-size: 0.85em; }
pre { background: #f7f7f7; border: 1px solid #e3e3e3; padding: 0.75rem; white-space: pre-wrap; overflow-wrap: anywhere; font-size: 12.5px; }
.chart-error { color: #b00; }
</style>
</head>
<body>
<h1>hsmoe report</h1>
<p>${escapeHtml(r.file)} — ${r.features.length} input${r.features.length === 1 ? "" : "s"} (${r.features.map(escapeHtml).join(", ")}); plots along <b>${escapeHtml(r.feature)}</b>.</p>
<table class="facts">
${facts}
</table>
${sections}
<section id="model"><h2>Model</h2>
<h3>Source (${escapeHtml(r.file)})</h3>
<pre id="model-source">${escapeHtml(r.source)}</pre>
<h3>Inference plan</h3>
<pre id="inference-plan">${escapeHtml(r.planText)}</pre>
</section>
<script>${vegaSource()}</script>
<script>
// Renders every chart from its compiled Vega spec; a chart that fails says so in place.
for (const el of document.querySelectorAll(".chart")) {
  const spec = JSON.parse(document.getElementById("spec-" + el.dataset.chart).textContent);
  new vega.View(vega.parse(spec), { renderer: "svg", container: el, hover: true })
    .runAsync()
    .then(() => { el.dataset.rendered = "true"; })
    .catch((e) => { el.textContent = "this chart failed to render: " + e; el.className += " chart-error"; console.error(e); });
}
</script>
</body>
</html>
`;
}
