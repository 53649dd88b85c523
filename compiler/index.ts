/**
 * The compiler's one front door: {@link compileModel} runs the stages in order (parse, check,
 * model graph, rule analysis, kernel plan) and returns the output of every stage that
 * succeeded, with the diagnostics of all of them under one error cap. The CLI and the library
 * API use only this module: the stage modules stay private to the compiler.
 */
import { parse } from "./1-parse/index.js";
import { check, type CheckedModel, type HyperValue } from "./2-check/index.js";
import { buildGraph, type ModelGraph } from "./3-graph/index.js";
import { analyze, dumpAnalysis, type Analysis } from "./4-analyze/index.js";
import { planKernel, type KernelPlan } from "./5-plan/index.js";
import { emitKernel, type KernelFormat } from "./6-emit/index.js";
import type { Model } from "./ast.js";
import { DEFAULT_MAX_ERRORS, DiagnosticCollector } from "./diagnostics/collector.js";
import type { Diagnostic } from "./diagnostics/diagnostic.js";
import { SourceFile } from "./diagnostics/source.js";
import { summaryText } from "./summary.js";

export type { Model } from "./ast.js";
export type { CheckedModel, HyperValue } from "./2-check/index.js";
export type { ModelGraph } from "./3-graph/index.js";
export type { Analysis } from "./4-analyze/index.js";
export type { KernelPlan } from "./5-plan/index.js";
export type { KernelFormat } from "./6-emit/index.js";
export { dumpGraph } from "./3-graph/index.js";
export { dumpAnalysis } from "./4-analyze/index.js";
export { dumpPlan } from "./5-plan/index.js";
export { summaryJson, summaryText } from "./summary.js";
export * from "./diagnostics/index.js";

/** Options of {@link compileModel}. */
export interface CompileModelOptions {
  /** File name used in diagnostics and in the kernel header; default `<model>`. */
  file?: string;
  /**
   * Hyperparameter values by name, replacing the defaults. A name the model does not declare
   * is an `unknown_hyperparameter` diagnostic; a value of the wrong type a `hyper_type` one.
   * An array hyperparameter (`int[n]`, `vector[n]`) takes an array.
   */
  hypers?: ReadonlyMap<string, HyperValue>;
  /** Cap on errors reported, over all stages; default 20. */
  maxErrors?: number;
}

/** Everything {@link compileModel} found: each stage's output is present when that stage succeeded. */
export interface CompileResult {
  /** The model text, for positions and rendering. */
  source: SourceFile;
  /** Errors (at most `maxErrors`, the first by position) and warnings, in source order. */
  diagnostics: Diagnostic[];
  /** Errors found beyond the cap. */
  omitted: number;
  /** The AST, when the text parses. */
  ast: Model | undefined;
  /** The checked model, when the AST checks. */
  checked: CheckedModel | undefined;
  /** The model graph of the checked model. */
  graph: ModelGraph | undefined;
  /** Which rule covers each term; present when every term is covered. */
  analysis: Analysis | undefined;
  /** Every decision the kernel embodies; present with the analysis. */
  plan: KernelPlan | undefined;
  /** Emits the kernel's JavaScript (an ES module by default); present with the plan. */
  kernelSource: ((format?: KernelFormat) => string) | undefined;
}

/**
 * Compiles model text as far as it goes. Terms no rule covers come back as diagnostics saying
 * what blocks conjugacy. Never throws for bad input: problems come back as diagnostics.
 */
export function compileModel(text: string, options: CompileModelOptions = {}): CompileResult {
  const file = options.file ?? "<model>";
  const source = new SourceFile(file, text);
  const maxErrors = options.maxErrors ?? DEFAULT_MAX_ERRORS;
  const none = { ast: undefined, checked: undefined, graph: undefined, analysis: undefined, plan: undefined, kernelSource: undefined };
  const parsed = parse(text);
  if (!parsed.model) {
    const kept = new DiagnosticCollector(maxErrors);
    kept.add(parsed.diagnostics);
    return { ...none, source, diagnostics: kept.diagnostics(), omitted: kept.omitted };
  }
  const ast = parsed.model;
  const c = check(ast, { hypers: options.hypers, maxErrors });
  if (!c.checked) return { ...none, source, ast, diagnostics: c.diagnostics, omitted: c.omitted };
  const checked = c.checked;
  const graph = buildGraph(checked);
  // A model that checks has no errors yet (only warnings), so the analysis gets the whole cap.
  const a = analyze(graph, { maxErrors });
  const diagnostics = c.diagnostics.concat(a.diagnostics);
  const omitted = c.omitted + a.omitted;
  if (!a.analysis) return { ...none, source, ast, checked, graph, diagnostics, omitted };
  const plan = planKernel(a.analysis, { source: file, text });
  return { source, diagnostics, omitted, ast, checked, graph, analysis: a.analysis, plan, kernelSource: (format = "module") => emitKernel(plan, format) };
}

/**
 * The model's summary (hyperparameters, data, parameters) and its inference plan in words, as
 * `hsmoe check` prints them and the report shows them; undefined unless the analysis succeeded.
 */
export function describeModel(r: CompileResult): string | undefined {
  return r.checked && r.analysis ? `${summaryText(r.checked, r.source.name)}\n\n${dumpAnalysis(r.analysis)}` : undefined;
}
