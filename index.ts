/**
 * hsmoe: a modelling language for Bayesian mixtures of experts, a compiler to
 * particle-learning kernels, and the runtime that runs them.
 *
 * The front end is available now: {@link checkSource} parses and checks a model and returns
 * its checked form or diagnostics. The runtime numerics are exported from `hsmoe/runtime`.
 *
 * @packageDocumentation
 */
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
