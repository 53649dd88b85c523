/**
 * hsmoe: a modelling language for Bayesian mixtures of experts, a compiler to
 * particle-learning kernels, and the runtime that runs them.
 *
 * {@link compile} turns a model into a compiled model whose `filter` streams rows through the
 * emitted particle-learning kernel; {@link checkSource} only parses and checks. The runtime
 * numerics are exported from `hsmoe/runtime`.
 *
 * @packageDocumentation
 */
export { compile, DiagnosticError, ModelFilter, type CompiledModel, type CompileOptions } from "./api.js";
export type { FilterOptions, FilterSnapshot, Prediction, GateProbability } from "./runtime/pl/filter.js";
export {
  checkSource,
  catalogue,
  diagnosticCodes,
  diagnosticToJson,
  renderDiagnostic,
  renderDiagnostics,
  SourceFile,
} from "./compiler/index.js";
export type {
  CheckedModel,
  Diagnostic,
  DiagnosticCode,
  DiagnosticJson,
  FrontEndOptions,
  FrontEndResult,
  Model,
  Severity,
} from "./compiler/index.js";
