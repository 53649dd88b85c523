/**
 * The summary `hsmoe check` prints for a model that checks: its hyperparameters with the
 * values in force, its data with shapes, its parameters with their priors, and its per-row
 * latent variables.
 */
import type { CheckedModel, VariableInfo } from "./2-check/index.js";
import { formatAffine } from "./lang/affine.js";
import { formatTy, type Ty } from "./lang/types.js";
import { printBinders, printExpr, printType } from "./print.js";

function table(rows: string[][]): string[] {
  // A reduction, not Math.max(...): a model can have more rows than a call can take arguments.
  const widths = rows[0]?.map((_, j) => rows.reduce((w, r) => Math.max(w, r[j].length), 0)) ?? [];
  return rows.map((r) => `  ${r.map((c, j) => (j === r.length - 1 ? c : c.padEnd(widths[j]))).join("  ")}`.trimEnd());
}

function describeTy(t: Ty): string {
  if (t.kind === "int" && t.lo && t.hi) return `int in ${formatAffine(t.lo)}..${formatAffine(t.hi)}`;
  return formatTy(t);
}

function variableRow(v: VariableInfo): string[] {
  const r = v.relation!;
  return [`${v.name}${printBinders(r.binders)}`, describeTy(v.elem), `${r.op} ${printExpr(r.rhs)}`];
}

/** A structured form of the summary, for `--json`. */
export function summaryJson(m: CheckedModel): object {
  return {
    model: m.name,
    hyperparameters: m.hypers.map((h) => ({ name: h.name, type: printType(h.decl.type), value: (h.array ? h.array.entries : h.value) ?? null, source: h.source })),
    sizes: m.dims.map((d) => d.name),
    data: m.data.map((d) => ({
      name: d.name,
      type: formatTy(d.ty),
      role: d.observed ? "observed" : "input",
      likelihood: d.observation ? `~ ${printExpr(d.observation.rhs)}` : null,
    })),
    parameters: m.variables.map((v) => ({
      name: v.name,
      indices: v.relation ? printBinders(v.relation.binders) : "",
      type: describeTy(v.elem),
      definition: v.relation ? `${v.relation.op} ${printExpr(v.relation.rhs)}` : null,
      perRow: v.perRow,
    })),
  };
}

/** The human-readable summary. */
export function summaryText(m: CheckedModel, file: string): string {
  // Lines are concatenated, not pushed with a spread: a model can have more rows than a call can take arguments.
  let out = [`model ${m.name} (${file}): OK`, ""];
  if (m.hypers.length > 0) {
    const shown = (h: (typeof m.hypers)[number]) => (h.array ? h.array.entries && `[${h.array.entries.join(", ")}]` : h.value !== undefined ? String(h.value) : undefined);
    out = out.concat("hyperparameters", table(m.hypers.map((h) => [h.name, printType(h.decl.type), shown(h) ?? "(no value)", h.source === "set" ? "(set)" : h.source === "default" ? "(default)" : ""])), "");
  }
  out = out.concat("data", table(m.data.map((d) => [d.name, formatTy(d.ty), d.observed ? "observed" : "input"])));
  if (m.dims.length > 0) out.push(`  sizes read from the data: ${m.dims.map((d) => d.name).join(", ")}`);
  const global = m.variables.filter((v) => !v.perRow);
  const perRow = m.variables.filter((v) => v.perRow);
  if (global.length > 0) out = out.concat("", "parameters", table(global.map(variableRow)));
  if (perRow.length > 0) out = out.concat("", "latent, one per row", table(perRow.map(variableRow)));
  const observed = m.data.filter((d) => d.observation);
  if (observed.length > 0) out = out.concat("", "likelihood", table(observed.map((d) => [d.name, `~ ${printExpr(d.observation!.rhs)}`])));
  return out.join("\n");
}
