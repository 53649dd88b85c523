/**
 * `hsmoe report` and `hsmoe fit --report`: the HTML page of a finished fit (see html.ts for
 * the page, collect.ts for its numbers, charts.ts for the charts).
 */
import type { ModelFilter } from "../../api.js";
import type { DataTable } from "../data/csv.js";
import { collectReport } from "./collect.js";
import { renderReport } from "./html.js";
import type { CoveragePoint, Forgetting } from "../../runtime/pl/summaries.js";

export { collectReport, ReportFeatureError, type ReportData } from "./collect.js";
export { renderReport } from "./html.js";

/** The fit facts the report's header lists (the fields of `fit --json` it shows). */
export interface FitFacts {
  n: number;
  D: number;
  K: number;
  particles: number;
  sets: number;
  seed: number;
  seconds: number;
  logEvidence: number;
  logEvidenceSE: number;
  essMin: number;
  ancestors: number;
  heldout?: { n: number; lpd: number; rmse: number; selective?: CoveragePoint[] };
  forget: Forgetting;
  activeExperts: { mean: number; interval: [number, number]; threshold: number; unused: number[]; collapsed: [number, number][] };
}

function factRows(r: FitFacts): { label: string; value: string }[] {
  const rows = [
    { label: "rows", value: `${r.n} (inputs: ${r.D}, experts: ${r.K})` },
    { label: "particles", value: `${r.particles} in ${r.sets} sets pooled by ${r.forget.rho === "auto" ? "recent " : ""}evidence (seed ${r.seed})` },
    { label: "filter time", value: `${r.seconds.toFixed(2)} s` },
    {
      label: "log evidence",
      // one set gives no spread to estimate the evidence's error from, nor do sets that run different factors
      value: Number.isFinite(r.logEvidenceSE)
        ? `${r.logEvidence.toFixed(2)} ± ${r.logEvidenceSE.toFixed(2)} (Monte Carlo standard error)`
        : `${r.logEvidence.toFixed(2)} (${r.forget.rho === "auto" ? "of ρ drawn once from the sets' factors; no standard error, the sets are not replicates" : "no standard error from one set"})`,
    },
    { label: "minimum ESS", value: r.essMin.toFixed(1) },
    { label: "distinct ancestors left", value: String(r.ancestors) },
    {
      label: "active experts",
      value: `${r.activeExperts.mean.toFixed(2)} [${r.activeExperts.interval[0]}, ${r.activeExperts.interval[1]}] (90 % interval; holding ≥ ${(100 * r.activeExperts.threshold).toFixed(0)} % of the rows)${r.activeExperts.unused.length ? `; unused: ${r.activeExperts.unused.join(", ")}` : ""}${r.activeExperts.collapsed.length ? `; not told apart: ${r.activeExperts.collapsed.map(([a, b]) => `${a} and ${b}`).join(", ")}` : ""}`,
    },
  ];
  if (r.forget.rho === "auto") {
    rows.push({ label: "forgetting", value: `auto: ρ in force ${r.forget.inForce.toFixed(4)} (${r.forget.factors.map((x) => `ρ = ${x.rho}: ${x.weight.toFixed(2)}`).join(", ")})` });
  } else if (r.forget.rho !== 1) rows.push({ label: "forgetting", value: `ρ = ${r.forget.rho}: a row s rows old weighs ρ^s` });
  if (r.heldout) rows.push({ label: "held-out", value: `${r.heldout.n} rows: mean log predictive density ${r.heldout.lpd.toFixed(4)}, RMSE ${r.heldout.rmse.toFixed(4)}` });
  return rows;
}

/**
 * The report page of a finished fit; `planText` is the model's summary and inference plan as
 * `hsmoe check` prints them (from the compile result the fit ran on).
 */
export function reportPage(
  f: ModelFilter,
  a: { file: string; source: string; planText: string; train: DataTable; test?: DataTable; feature?: string; result: FitFacts },
): string {
  const data = collectReport(f, {
    file: a.file,
    source: a.source,
    planText: a.planText,
    train: a.train,
    test: a.test,
    feature: a.feature,
    facts: factRows(a.result),
    selective: a.result.heldout?.selective ?? [],
  });
  return renderReport(data);
}
