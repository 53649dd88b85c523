/**
 * Stage 4: model graph → analysis. Finds the terms of a mixture of experts — the likelihood
 * of the one observed response, the gate of the one per-row allocation, the prior of the gate
 * coefficients — and tries the rule table on each. A term no rule covers gets a diagnostic on
 * its span saying what blocks conjugacy and what would fix it (the deepest mismatch among
 * the rules of its role). Every parameter must be covered by some rule.
 */
import type { GraphNode, ModelGraph } from "../3-graph/index.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { DiagnosticCode } from "../diagnostics/catalogue.js";
import { DEFAULT_MAX_ERRORS, DiagnosticCollector } from "../diagnostics/collector.js";
import { constantValue, formatAffine, substitute } from "../lang/affine.js";
import { checkConstants } from "./constants.js";
import type { Mismatch } from "./matches.js";
import type { Analysis, Coverage } from "./analysis.js";
import { prior } from "./patterns.js";
import type { GateMatch, GatePriorMatch } from "./matches.js";
import { expertRules, gatePriorRules, gateRules, type Rule } from "./rules.js";

export type * from "./matches.js";
export type { Analysis, Coverage } from "./analysis.js";
export { allRules, expertRules, gatePriorRules, gateRules, ruleById, ruleStatistics, type BlockConstants, type BlockValue, type Rule } from "./rules.js";
export { constraints, type Constraint, type ConstantCheck } from "./constants.js";
export { DATA_FUNCTIONS, type DataExpr } from "../lang/data-expr.js";
export type { LinearForm } from "./linear.js";
export { dumpAnalysis } from "./dump.js";

/** The result of {@link analyze}. */
export interface AnalyzeResult {
  analysis: Analysis | undefined;
  /** At most `maxErrors` errors, the first by position. */
  diagnostics: Diagnostic[];
  /** Errors found beyond the cap. */
  omitted: number;
}

/** Options of {@link analyze}. */
export interface AnalyzeOptions {
  /** At most this many errors are kept (the first by position); default 20. */
  maxErrors?: number;
}

/** The length of an input as the kernel names it: a data size (`D`), a constant, or 1 for a number; undefined otherwise. */
export function inputSize(n: GraphNode, values: ReadonlyMap<string, number>): string | undefined {
  if (n.elem.kind === "real" || n.elem.kind === "int") return "1";
  if (n.elem.kind !== "vector" || !n.elem.n) return undefined;
  const a = substitute(n.elem.n, values);
  if (a.terms.length === 0) return a.c >= 1 && Number.isInteger(a.c) ? String(a.c) : undefined;
  return a.terms.length === 1 && a.c === 0 && a.terms[0][1] === 1 ? a.terms[0][0] : undefined;
}

/** Most experts a model may have: state grows with K·d² per particle. */
export const MAX_EXPERTS = 1024;

/** The first rule of `rules` that matches, with its match, or the deepest mismatch among them. */
function tryRules<M>(g: ModelGraph, node: GraphNode, rules: readonly Rule<M>[], families: readonly GraphNode[] = [node]): { ok: true; rule: Rule<M>; match: M } | { ok: false; why: Mismatch } {
  let deepest: Mismatch | undefined;
  for (const rule of rules) {
    const r = rule.match(g, node, families);
    if (r.ok) return { ok: true, rule, match: r.match };
    if (!deepest || r.why.depth > deepest.depth) deepest = r.why;
  }
  return { ok: false, why: deepest! };
}

/** Analyses a model graph. */
export function analyze(g: ModelGraph, options: AnalyzeOptions = {}): AnalyzeResult {
  const out = new DiagnosticCollector(options.maxErrors ?? DEFAULT_MAX_ERRORS);
  const done = (analysis?: Analysis): AnalyzeResult => {
    const diagnostics = out.diagnostics();
    return { analysis: out.hasErrors ? undefined : analysis, diagnostics, omitted: out.omitted };
  };
  const report = (code: DiagnosticCode, why: Mismatch): AnalyzeResult => {
    out.report(code, why.span, { reason: why.reason, fix: why.fix });
    return done();
  };
  const unsupported = (node: GraphNode | undefined, detail: string, fix: string): AnalyzeResult => {
    out.report("unsupported_model", node?.span ?? { start: 0, end: 0 }, { detail, fix });
    return done();
  };
  const observed = g.nodes.filter((n) => n.kind === "observed");
  const latents = g.nodes.filter((n) => n.kind === "latent");
  if (observed.length !== 1) {
    return unsupported(observed[1], observed.length === 0 ? "the model observes nothing, so there is nothing to fit" : `the model observes ${observed.length} responses; hsmoe fits one`, "declare one response, e.g. `data y: real` with `y ~ normal(…)`");
  }
  if (latents.length > 1) return unsupported(latents[1], `the model has ${latents.length} per-row latent variables; hsmoe fits one allocation`, "keep one allocation `z`");
  // Each input is read from the data row in declaration order: a vector whose length is one size
  // the data give (`D`) or a constant, or a single number.
  const inputs = g.nodes.filter((n) => n.kind === "input");
  if (inputs.length === 0) return unsupported(observed[0], "the model reads no input", "declare the inputs, e.g. `data x: vector[D]`");
  for (const n of inputs) {
    if (inputSize(n, g.values) === undefined) {
      return unsupported(n, `the length of the input \`${n.name}\` is neither a size given by the data nor a constant`, `declare it as \`data ${n.name}: vector[P]\` with P a size of its own`);
    }
  }

  const e = tryRules(g, observed[0], expertRules);
  if (!e.ok) return report("expert_not_conjugate", e.why);
  const expert = e.match;
  checkConstants(g, e.rule.constants(expert), observed[0].span, out);
  const coverage: Coverage[] = expert.covers.map((node) => ({ node, rule: expert.rule, role: "expert" }));
  let gate: GateMatch | undefined;
  let gatePrior: GatePriorMatch | undefined;
  let experts = 1;
  if (expert.allocation) {
    const z = g.byName.get(expert.allocation)!;
    const r = tryRules(g, z, gateRules);
    if (!r.ok) return report("gate_not_augmentable", r.why);
    gate = r.match;
    checkConstants(g, r.rule.constants(gate), z.span, out);
    coverage.push(...gate.covers.map((node) => ({ node, rule: r.match.rule, role: "gate" as const })));
    const hi = z.elem.kind === "int" && z.elem.hi ? constantValue(substitute(z.elem.hi, g.values)) : undefined;
    if (hi === undefined) return unsupported(z, `the number of experts \`${expert.allocation}\` ranges over is not known`, "give the number of experts a value, e.g. `K: int = 4`");
    experts = hi;
    if ("coefficients" in gate) {
      const families = gate.coefficients.map((name) => g.byName.get(name)!);
      const phi = families[0];
      const p = tryRules(g, phi, gatePriorRules, families);
      if (!p.ok) return report("gate_prior_not_conjugate", p.why);
      gatePrior = p.match;
      checkConstants(g, p.rule.constants(gatePrior), phi.span, out);
      coverage.push(...gatePrior.covers.map((node) => ({ node, rule: p.match.rule, role: "gate_prior" as const })));
    }
  } else if (latents.length === 1) {
    // The mean's coefficients are shared by the experts: each becomes a family over them.
    const z = latents[0];
    const k = `k in 1..${z.elem.kind === "int" && z.elem.hi ? formatAffine(z.elem.hi) : "K"}`;
    const shared = expert.groups.map((c) => g.byName.get(c.name)!);
    const fix = shared.length
      ? `declare the coefficients one per expert, ${shared.map((n) => `\`${n.name}[${k}] ~ ${prior(n)}\``).join(" and ")}, and index them by it in the mean: ${shared.map((n) => `\`${n.name}[${z.name}]\``).join(", ")}`
      : `index the expert coefficients by it, declared one per expert: \`beta[${k}] ~ mvnormal(…)\` and \`dot(beta[${z.name}], x)\``;
    return unsupported(z, `\`${z.name}\` is not used to index the experts`, fix);
  }
  if (experts < 1) {
    out.report("too_large", g.byName.get(expert.allocation!)!.span, { detail: `the model has ${experts} experts; it needs at least one`, fix: "give the number of experts a value of 1 or more" });
    return done();
  }
  if (experts > MAX_EXPERTS) {
    out.report("too_large", g.byName.get(expert.allocation!)!.span, { detail: `the model has ${experts} experts; hsmoe supports at most ${MAX_EXPERTS}`, fix: "use fewer experts: the horseshoe switches off those the data do not need" });
    return done();
  }
  for (const m of [expert, gate, gatePrior]) for (const w of m?.warnings ?? []) out.report(w.code, w.span, w.args);
  const covered = new Set(coverage.map((c) => c.node));
  for (const n of g.nodes) {
    if ((n.kind === "parameter" || n.kind === "latent") && !covered.has(n.name)) out.report("unused_parameter", n.span, { name: n.name });
  }
  // One expert takes every row: the gate has no sticks and its prior acts on nothing the data
  // see, so the kernel is the single expert's (its evidence is the closed form, E12–E13).
  if (experts === 1) return done({ graph: g, experts, expert, gate: undefined, gatePrior: undefined, coverage, inertGate: gate !== undefined });
  return done({ graph: g, experts, expert, gate, gatePrior, coverage });
}
