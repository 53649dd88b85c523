/**
 * The report's charts as Vega-Lite specifications, one table entry per chart: which data it
 * needs, its title and caption, and its spec. Vega-Lite does the axes, scales and legends; the
 * page only renders the compiled Vega specs. Column names are user text: they reach Vega as data
 * and titles, and never unescaped inside a Vega expression (see {@link featureTitle}).
 */
import type { TopLevelSpec } from "vega-lite";
import type { ReportData } from "./collect.js";

/** One chart of the report. */
export interface ChartDef {
  /** Element id in the page (letters and dashes). */
  id: string;
  /** Page section the chart belongs to. */
  section: "fit" | "gate" | "experts" | "shrinkage" | "health";
  title: string;
  /** One sentence on what to look for. */
  caption: (r: ReportData) => string;
  /** Whether the chart applies to this report. */
  when: (r: ReportData) => boolean;
  spec: (r: ReportData) => TopLevelSpec;
}

const WIDTH = 640;
const HEIGHT = 280;
const expertColor = { field: "expert", type: "nominal", title: "expert", scale: { scheme: "tableau10" } } as const;

/**
 * The x title of a chart along the chosen input. Vega-Lite writes a field's title into the
 * marks' ARIA descriptions as a Vega expression string literal, escaping only `"`; a backslash,
 * a line break or U+2028/9 in a column name then breaks the chart (issue 10). The axis shows the
 * name as written; the field's title, read only in those expressions, carries it escaped.
 */
function featureTitle(r: ReportData): { title: string; axis: { title: string } } {
  const escapes: Record<string, string> = { "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\u2028": "\\u2028", "\u2029": "\\u2029" };
  return { title: r.feature.replace(/[\\\n\r\u2028\u2029]/g, (c) => escapes[c]), axis: { title: r.feature } };
}

/** A heat map of κ by row (stick or expert) and input, 1 dark: what the gate's and the experts' shrinkage charts share. */
function kappaMap(values: readonly { column: number; kappa: number }[], rowField: "stick" | "expert", columns: number, rows: number): TopLevelSpec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    width: Math.min(WIDTH, 48 * columns + 40),
    height: 40 * Math.max(1, rows),
    data: { values: values as unknown as Record<string, unknown>[] },
    // Sorted by column index: a sort array would become a Vega expression holding the column
    // names as string literals, which a name with two U+2028s (vega-util escapes the first) breaks.
    encoding: { x: { field: "feature", type: "nominal", sort: { field: "column", op: "min" }, title: "input" }, y: { field: rowField, type: "ordinal", title: rowField } },
    layer: [
      { mark: { type: "rect" }, encoding: { color: { field: "kappa", type: "quantitative", title: "κ", scale: { domain: [0, 1], scheme: "blues" } } } },
      { mark: { type: "text", fontSize: 11 }, encoding: { text: { field: "kappa", type: "quantitative", format: ".2f" }, color: { condition: { test: "datum.kappa > 0.6", value: "white" }, value: "black" } } },
    ],
  } as TopLevelSpec;
}

/** The chart table, in page order. */
export const CHARTS: readonly ChartDef[] = [
  {
    id: "predictive",
    section: "fit",
    title: "Posterior predictive",
    caption: (r) =>
      r.binary
        ? `P(y = 1) along ${r.feature}, its posterior mean with 50 % and 90 % credible bands${r.oneD ? "" : ", other inputs held at their training means (whole-number inputs rounded)"}; points are training rows (0 or 1).`
        : r.oneD
          ? `Training data, the posterior predictive mean, and its 50 % and 90 % bands along ${r.feature}.`
          : `Partial dependence on ${r.feature}: the predictive mean with 50 % and 90 % bands, other inputs held at their training means (whole-number inputs rounded); points are training rows.`,
    when: () => true,
    spec: (r) => ({
      $schema: "https://vega.github.io/schema/vega-lite/v5.json",
      width: WIDTH,
      height: HEIGHT,
      layer: [
        { data: { values: r.band }, mark: { type: "area", opacity: 0.18, color: "#4c78a8" }, encoding: { x: { field: "at", type: "quantitative", ...featureTitle(r), scale: { nice: false } }, y: { field: "q05", type: "quantitative", title: r.binary ? "P(y = 1)" : "y" }, y2: { field: "q95" } } },
        { data: { values: r.band }, mark: { type: "area", opacity: 0.3, color: "#4c78a8" }, encoding: { x: { field: "at", type: "quantitative" }, y: { field: "q25", type: "quantitative" }, y2: { field: "q75" } } },
        { data: { values: r.points }, mark: { type: "point", size: 12, filled: true, color: "#333", opacity: 0.55 }, encoding: { x: { field: "at", type: "quantitative" }, y: { field: "y", type: "quantitative" } } },
        { data: { values: r.band }, mark: { type: "line", color: "#1f4e79", strokeWidth: 2 }, encoding: { x: { field: "at", type: "quantitative" }, y: { field: "mean", type: "quantitative" } } },
      ],
    }),
  },
  {
    id: "observed",
    section: "fit",
    title: "Predicted against observed",
    caption: (r) => `Each ${r.rowsFrom === "test" ? "held-out" : "training"} row's observed y against its predictive mean, with the 90 % predictive interval; the diagonal is a perfect prediction.`,
    when: (r) => !r.oneD && !r.binary,
    spec: (r) => {
      const lo = r.rows.reduce((m, p) => Math.min(m, p.observed, p.lower), Infinity);
      const hi = r.rows.reduce((m, p) => Math.max(m, p.observed, p.upper), -Infinity);
      return {
        $schema: "https://vega.github.io/schema/vega-lite/v5.json",
        width: HEIGHT + 60,
        height: HEIGHT + 60,
        layer: [
          { data: { values: [{ a: lo, b: hi }] }, mark: { type: "rule", color: "#999", strokeDash: [4, 4] }, encoding: { x: { field: "a", type: "quantitative" }, y: { field: "a", type: "quantitative" }, x2: { field: "b" }, y2: { field: "b" } } },
          { data: { values: r.rows }, mark: { type: "rule", color: "#4c78a8", opacity: 0.5 }, encoding: { x: { field: "observed", type: "quantitative", title: "observed y" }, y: { field: "lower", type: "quantitative", title: "predicted y" }, y2: { field: "upper" } } },
          { data: { values: r.rows }, mark: { type: "point", filled: true, size: 18, color: "#1f4e79" }, encoding: { x: { field: "observed", type: "quantitative" }, y: { field: "mean", type: "quantitative" }, tooltip: [{ field: "row" }, { field: "observed" }, { field: "mean" }] } },
        ],
      };
    },
  },
  {
    id: "calibration",
    section: "fit",
    title: "Calibration",
    caption: (r) =>
      `The ${r.rowsFrom === "test" ? "held-out" : "training"} rows in ten bins of their predicted P(y = 1): each bin's share of rows with y = 1 against its mean prediction (point size: rows in the bin); the diagonal is perfect calibration.`,
    when: (r) => r.binary,
    spec: (r) => ({
      $schema: "https://vega.github.io/schema/vega-lite/v5.json",
      width: HEIGHT + 60,
      height: HEIGHT + 60,
      layer: [
        { data: { values: [{ a: 0, b: 1 }] }, mark: { type: "rule", color: "#999", strokeDash: [4, 4] }, encoding: { x: { field: "a", type: "quantitative" }, y: { field: "a", type: "quantitative" }, x2: { field: "b" }, y2: { field: "b" } } },
        {
          data: { values: r.calibration },
          mark: { type: "point", filled: true, color: "#1f4e79" },
          encoding: {
            x: { field: "predicted", type: "quantitative", title: "predicted P(y = 1)", scale: { domain: [0, 1] } },
            y: { field: "observed", type: "quantitative", title: "observed share of y = 1", scale: { domain: [0, 1] } },
            size: { field: "n", type: "quantitative", title: "rows" },
            tooltip: [{ field: "predicted" }, { field: "observed" }, { field: "n" }],
          },
        },
      ],
    }),
  },
  {
    id: "gate",
    section: "gate",
    title: "Gate probabilities",
    caption: (r) =>
      r.oneD
        ? `Probability that each expert explains a row, along ${r.feature}: posterior mean and 90 % credible band. Where one expert's curve nears 1, it has taken over.`
        : `Probability of each expert along ${r.feature} with the other inputs at their training means (whole-number inputs rounded): posterior mean and 90 % credible band.`,
    when: (r) => r.experts.length > 1,
    spec: (r) => ({
      $schema: "https://vega.github.io/schema/vega-lite/v5.json",
      width: WIDTH,
      height: HEIGHT - 60,
      data: { values: r.gate },
      layer: [
        { mark: { type: "area", opacity: 0.2 }, encoding: { x: { field: "at", type: "quantitative", ...featureTitle(r), scale: { nice: false } }, y: { field: "lower", type: "quantitative", title: "gate probability", scale: { domain: [0, 1] } }, y2: { field: "upper" }, color: expertColor } },
        { mark: { type: "line", strokeWidth: 2 }, encoding: { x: { field: "at", type: "quantitative" }, y: { field: "mean", type: "quantitative" }, color: expertColor } },
      ],
    }),
  },
  {
    id: "row-gate",
    section: "gate",
    title: "Gate probabilities per row",
    caption: (r) => `Each ${r.rowsFrom === "test" ? "held-out" : "training"} row's gate probabilities against its ${r.feature}, with 90 % credible intervals.`,
    when: (r) => !r.oneD && r.experts.length > 1,
    spec: (r) => ({
      $schema: "https://vega.github.io/schema/vega-lite/v5.json",
      width: WIDTH,
      height: HEIGHT - 60,
      data: { values: r.rowGate },
      layer: [
        { mark: { type: "rule", opacity: 0.35 }, encoding: { x: { field: "at", type: "quantitative", ...featureTitle(r) }, y: { field: "lower", type: "quantitative", title: "gate probability", scale: { domain: [0, 1] } }, y2: { field: "upper" }, color: expertColor } },
        { mark: { type: "point", filled: true, size: 16 }, encoding: { x: { field: "at", type: "quantitative" }, y: { field: "mean", type: "quantitative" }, color: expertColor } },
      ],
    }),
  },
  {
    id: "selective",
    section: "gate",
    title: "Selective prediction: held-out score by routing confidence",
    caption: (r) =>
      `The held-out rows ranked by the confidence of their route (the top expert's gate probability, mean − sd), and the mean log predictive density of the most confident share (all ${r.selective.at(-1)?.rows ?? 0} rows at 100 %). A curve that falls to the right says the uncertain routes are where predictions are worse: abstain or escalate there.`,
    when: (r) => r.selective.length > 1,
    spec: (r) => ({
      $schema: "https://vega.github.io/schema/vega-lite/v5.json",
      width: WIDTH / 2,
      height: HEIGHT - 100,
      data: { values: r.selective.map((p) => ({ coverage: p.coverage, lpd: p.lpd, rmse: p.rmse, rows: p.rows })) },
      mark: { type: "line", point: true, color: "#4c78a8" },
      encoding: {
        x: { field: "coverage", type: "quantitative", title: "share of rows kept (most confident first)", scale: { domain: [0, 1] }, axis: { format: "%" } },
        y: { field: "lpd", type: "quantitative", title: "mean log predictive density", scale: { zero: false } },
        tooltip: [{ field: "coverage", format: ".0%" }, { field: "rows" }, { field: "lpd", format: ".4f" }, { field: "rmse", title: "RMSE", format: ".4f" }],
      },
    }),
  },
  {
    id: "usage",
    section: "experts",
    title: "Expert usage",
    caption: () => "Posterior mean share of the rows allocated to each expert. Particles' experts are matched by their allocations before averaging, then labelled by usage, most used first.",
    when: () => true,
    spec: (r) => ({
      $schema: "https://vega.github.io/schema/vega-lite/v5.json",
      width: Math.min(WIDTH, 60 * r.experts.length + 80),
      height: 180,
      data: { values: r.experts.map((e) => ({ expert: e.expert, usage: e.usage })) },
      mark: { type: "bar" },
      encoding: { x: { field: "expert", type: "ordinal", axis: { labelAngle: 0 } }, y: { field: "usage", type: "quantitative", scale: { domain: [0, 1] } }, color: { ...expertColor, legend: null }, tooltip: [{ field: "expert" }, { field: "usage", format: ".3f" }] },
    }),
  },
  {
    id: "active",
    section: "experts",
    title: "How many experts are active",
    caption: (r) => `Posterior probability of the number of experts holding at least 5 % of the rows (counted per particle). Mass below ${r.experts.length} means the data need fewer experts than the model offers.`,
    when: (r) => r.experts.length > 1,
    spec: (r) => ({
      $schema: "https://vega.github.io/schema/vega-lite/v5.json",
      width: Math.min(WIDTH, 50 * r.activeCounts.length + 80),
      height: 160,
      data: { values: r.activeCounts },
      mark: { type: "bar", color: "#4c78a8" },
      encoding: { x: { field: "count", type: "ordinal", title: "active experts", axis: { labelAngle: 0 } }, y: { field: "probability", type: "quantitative", title: "posterior probability", scale: { domain: [0, 1] } }, tooltip: [{ field: "count" }, { field: "probability", format: ".3f" }] },
    }),
  },
  {
    id: "shrinkage",
    section: "shrinkage",
    title: "Horseshoe shrinkage of the gate coefficients",
    caption: (r) =>
      r.gateRows === "stick"
        ? "Posterior mean κ = 1/(1 + τ²λ²) per stick and input: near 1 the horseshoe has switched the coefficient off; near 0 the input drives that stick."
        : "Posterior mean κ = 1/(1 + τ²λ²) per expert's softmax logit and input: near 1 the horseshoe has switched the coefficient off; near 0 the input drives that expert's share.",
    when: (r) => r.shrinkage !== null,
    spec: (r) => kappaMap(r.shrinkage ?? [], r.gateRows, r.features.length, (r.shrinkage?.length ?? 0) / Math.max(1, r.features.length)),
  },
  {
    id: "expert-shrinkage",
    section: "shrinkage",
    title: "Shrinkage of the experts' coefficients",
    caption: () => "Posterior mean κ = 1/(1 + v) per expert and coefficient, v the coefficient's prior variance in units of the expert's noise variance (τ²λ² under a horseshoe): near 1 the prior has switched the input off for that expert; near 0 the expert uses it.",
    when: (r) => r.expertShrinkage !== null,
    spec: (r) => kappaMap(r.expertShrinkage ?? [], "expert", r.experts[0]?.coefficients.length ?? 1, r.experts.length),
  },
  {
    id: "ess",
    section: "health",
    title: "Effective sample size",
    caption: (r) => {
      const every = r.resampling === "every";
      return `ESS before resampling at each row, summed over the particle sets (of ${r.particles} particles)${every ? "; every set resampled at every row" : "; ticks mark the rows where a set resampled"}. ESS does not see a collapse of the ancestry: read it beside the distinct ancestors in the facts above.`;
    },
    when: () => true,
    spec: (r) => {
      const every = r.resampling === "every";
      const layers: TopLevelSpec[] = [{ mark: { type: "line", color: "#4c78a8" }, encoding: { x: { field: "row", type: "quantitative", scale: { nice: false } }, y: { field: "ess", type: "quantitative", title: "ESS", scale: { domain: [0, r.particles] } } } } as TopLevelSpec];
      if (!every) layers.push({ transform: [{ filter: "datum.resampled > 0" }], mark: { type: "tick", color: "#e45756", thickness: 1 }, encoding: { x: { field: "row", type: "quantitative" }, y: { value: HEIGHT - 80 } } } as TopLevelSpec);
      return { $schema: "https://vega.github.io/schema/vega-lite/v5.json", width: WIDTH, height: HEIGHT - 80, data: { values: r.health }, layer: layers } as TopLevelSpec;
    },
  },
  {
    id: "score",
    section: "health",
    title: "Prequential score and change alarms",
    caption: (r) =>
      `Mean log predictive density of the rows over windows of about ${r.scoreWindow} row${r.scoreWindow === 1 ? "" : "s"}, each row scored before it was seen. ` +
      (r.alarms.length
        ? `${r.alarms.length === 1 ? "A red line marks the change alarm" : `Red lines mark the ${r.alarms.length} change alarms`} (a CUSUM on the score, docs/spec.md §3.8): there the rows became harder to predict, as when the world changes.`
        : "No change alarm fired (a CUSUM on the score, docs/spec.md §3.8): the rows stayed as predictable as before."),
    when: (r) => r.score.length > 1,
    spec: (r) => {
      const x = { field: "row", type: "quantitative", scale: { nice: false } } as const;
      const layers: TopLevelSpec[] = [{ data: { values: r.score }, mark: { type: "line", color: "#4c78a8" }, encoding: { x, y: { field: "score", type: "quantitative", title: "mean log predictive density" } } } as TopLevelSpec];
      if (r.alarms.length) {
        layers.push({
          data: { values: r.alarms },
          mark: { type: "rule", color: "#e45756", strokeWidth: 1.5 },
          encoding: { x, tooltip: [{ field: "row", type: "quantitative", title: "alarm at row" }, { field: "strength", type: "quantitative", title: "strength", format: ".1f" }] },
        } as TopLevelSpec);
      }
      return { $schema: "https://vega.github.io/schema/vega-lite/v5.json", width: WIDTH, height: HEIGHT - 80, layer: layers } as TopLevelSpec;
    },
  },
  {
    id: "evidence",
    section: "health",
    title: "Running log evidence",
    caption: () => "log p̂(y₁..ₜ | x₁..ₜ) after each row, pooled over the particle sets (its final Monte Carlo standard error is in the facts above).",
    when: () => true,
    spec: (r) => ({
      $schema: "https://vega.github.io/schema/vega-lite/v5.json",
      width: WIDTH,
      height: HEIGHT - 80,
      data: { values: r.health },
      mark: { type: "line", color: "#54a24b" },
      encoding: { x: { field: "row", type: "quantitative", scale: { nice: false } }, y: { field: "logEvidence", type: "quantitative", title: "log evidence" } },
    }),
  },
];
