/**
 * hsmoe: a modelling language for Bayesian mixtures of experts, a compiler to
 * particle-learning kernels, and the runtime that runs them.
 *
 * {@link compile} turns a model into a compiled model whose `filter` streams rows through the
 * emitted particle-learning kernel; a model with errors throws a {@link DiagnosticError}
 * holding every diagnostic. The runtime numerics are exported from `hsmoe/runtime`.
 *
 * @packageDocumentation
 */
export { compile, DiagnosticError, ModelFilter, type CompiledModel, type CompileOptions, type InputRow } from "./api.js";
export type { FilterOptions, FilterSnapshot, Separation } from "./runtime/pl/filter.js";
export type { ExpertSummary, Forgetting, Quantile, Prediction, GateProbability, Route, RoutedExpert, RouteOptions, ActiveExperts, RouterJson, CoveragePoint, CoverageRiskOptions } from "./runtime/pl/summaries.js";
export { routeWith, routerFrom, type RouteFn } from "./runtime/pl/router.js";
export type { Forget } from "./runtime/pl/forget.js";
export type { ResponseKind } from "./runtime/rules/roles.js";
export type { Schedule } from "./runtime/pl/schedule.js";
export type { Alarm, TraceRow } from "./runtime/pl/trace.js";
export type { Span } from "./compiler/ast.js";
export {
  catalogue,
  diagnosticCodes,
  diagnosticToJson,
  renderDiagnostic,
  renderDiagnostics,
  SourceFile,
} from "./compiler/index.js";
export type { CatalogueEntry, Diagnostic, DiagnosticCode, DiagnosticJson, KernelFormat, Label, LabelJson, Position, Severity } from "./compiler/index.js";
