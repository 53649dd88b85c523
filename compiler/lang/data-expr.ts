/**
 * Data-only expressions: what a linear predictor's regressors and offsets are made of —
 * constants, input entries and the functions of the language applied to them — and how each
 * function is written in JavaScript by the emitter. They are the only model-derived
 * computations an emitted kernel performs on a data row.
 */
import type { Affine } from "./affine.js";

/** Functions a regressor may apply to data, with their JavaScript form (`$` is the argument). */
export const DATA_FUNCTIONS: ReadonlyMap<string, string> = new Map([
  ["exp", "Math.exp($)"],
  ["log", "Math.log($)"],
  ["log1p", "Math.log1p($)"],
  ["sqrt", "Math.sqrt($)"],
  ["abs", "Math.abs($)"],
  ["logistic", "(1 / (1 + Math.exp(-($))))"],
]);

/** A data-only expression, evaluated per row (and per element j of a vector regressor). */
export type DataExpr =
  | { kind: "const"; value: number }
  /** An input entry: a constant 0-based index, or the element index j of a vector regressor. */
  | { kind: "input"; input: string; index: number | "j" }
  | { kind: "call"; fn: string; arg: DataExpr }
  | { kind: "binary"; op: "+" | "-" | "*" | "/" | "^"; left: DataExpr; right: DataExpr }
  | { kind: "negate"; arg: DataExpr }
  /** Σ_j of a vector expression over `length` entries (a dot product of data vectors). */
  | { kind: "sum"; arg: DataExpr; length: Affine };

