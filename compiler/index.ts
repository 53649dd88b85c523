/**
 * The compiler's front end as one call: source text → checked model, or diagnostics. Later
 * stages (model graph, analysis, kernel emission) build on {@link CheckedModel}.
 */
import { parse } from "./1-parse/index.js";
import { check, type CheckedModel } from "./2-check/index.js";
import { buildGraph, type ModelGraph } from "./3-graph/index.js";
import { analyze, type Analysis } from "./4-analyze/index.js";
import { DEFAULT_MAX_ERRORS, DiagnosticCollector } from "./diagnostics/collector.js";
import type { Diagnostic } from "./diagnostics/diagnostic.js";
import { SourceFile } from "./diagnostics/source.js";

export type { Model } from "./ast.js";
export type { CheckedModel } from "./2-check/index.js";
export type { ModelGraph } from "./3-graph/index.js";
export type { Analysis } from "./4-analyze/index.js";
export * from "./diagnostics/index.js";

/** Options of {@link checkSource}. */
export interface FrontEndOptions {
  /** File name used in diagnostics; default `<model>`. */
  file?: string;
  /** Hyperparameter values replacing the defaults. */
  hypers?: ReadonlyMap<string, number>;
  /** Cap on errors reported, over all stages; default 20. */
  maxErrors?: number;
}

/** Everything the front end found. */
export interface FrontEndResult {
  source: SourceFile;
  checked: CheckedModel | undefined;
  /** Errors (at most `maxErrors`, the first by position) and warnings, in source order. */
  diagnostics: Diagnostic[];
  /** Errors found beyond the cap. */
  omitted: number;
}

/** Parses and checks a model. Never throws for bad input: problems come back as diagnostics. */
export function checkSource(text: string, options: FrontEndOptions = {}): FrontEndResult {
  const source = new SourceFile(options.file ?? "<model>", text);
  const maxErrors = options.maxErrors ?? DEFAULT_MAX_ERRORS;
  const parsed = parse(text);
  if (!parsed.model) {
    const kept = new DiagnosticCollector(maxErrors);
    kept.add(parsed.diagnostics);
    return { source, checked: undefined, diagnostics: kept.diagnostics(), omitted: kept.omitted };
  }
  const r = check(parsed.model, { hypers: options.hypers, maxErrors });
  return { source, checked: r.checked, diagnostics: r.diagnostics, omitted: r.omitted };
}

/** The front end's result plus the model graph and the rule analysis. */
export interface AnalyzedResult extends FrontEndResult {
  graph: ModelGraph | undefined;
  /** Present when every term of the model is covered by a rule. */
  analysis: Analysis | undefined;
}

/**
 * Parses, checks, builds the model graph and finds the rule covering every term. Terms no
 * rule covers come back as diagnostics saying what blocks conjugacy.
 */
export function analyzeSource(text: string, options: FrontEndOptions = {}): AnalyzedResult {
  const front = checkSource(text, options);
  if (!front.checked) return { ...front, graph: undefined, analysis: undefined };
  const graph = buildGraph(front.checked);
  // A model that checks has no errors yet (only warnings), so the analysis gets the whole cap.
  const r = analyze(graph, { maxErrors: options.maxErrors ?? DEFAULT_MAX_ERRORS });
  return { ...front, diagnostics: [...front.diagnostics, ...r.diagnostics], omitted: front.omitted + r.omitted, graph, analysis: r.analysis };
}
