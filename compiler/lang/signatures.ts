/**
 * The vocabulary shared by the distribution and function tables: argument shapes with size
 * variables to unify (`vector[n]` and `matrix[n, n]` must agree on `n`), supports, and
 * result shapes.
 */

/** The shape an argument must have; size names (`n`) unify across one call's arguments. */
export type ArgShape =
  | { kind: "scalar" }
  | { kind: "vector"; n: string }
  /** A vector of size n, or a scalar broadcast to one (`mvnormal(0, Σ)`). */
  | { kind: "vectorOrScalar"; n: string }
  /** A vector of size n, or a scalar as one entry (n = 1): what `append_row` joins. */
  | { kind: "entries"; n: string }
  | { kind: "matrix"; rows: string; cols: string }
  /** An integer whose value is a size (`I(D)`): it names the size `n`. */
  | { kind: "size"; n: string }
  /** Any shape; the result has the same shape (elementwise functions). */
  | { kind: "elementwise" };

/** Where a value must lie. */
export type Support = "real" | "positive" | "nonnegative" | "unit" | "simplex" | "positive_definite";

/** Wording of each support for messages and the reference. */
export const supportText: Readonly<Record<Support, string>> = {
  real: "a finite real number",
  positive: "positive",
  nonnegative: "non-negative",
  unit: "in [0, 1]",
  simplex: "non-negative and sum to 1",
  positive_definite: "symmetric positive definite",
};

/** Each support as a set, in the notation a statistician writes, for the reference page. */
export const supportSet: Readonly<Record<Support, string>> = {
  real: "ℝ",
  positive: "(0, ∞)",
  nonnegative: "[0, ∞)",
  unit: "[0, 1]",
  simplex: "{p : p ≥ 0, Σ p = 1}",
  positive_definite: "symmetric positive-definite matrices",
};

/** Tests a constant scalar against a support; `undefined` when the support is not scalar. */
export function inSupport(support: Support, value: number): boolean | undefined {
  if (!Number.isFinite(value)) return false;
  switch (support) {
    case "real":
      return true;
    case "positive":
      return value > 0;
    case "nonnegative":
      return value >= 0;
    case "unit":
      return value >= 0 && value <= 1;
    default:
      return undefined;
  }
}

/** The shape of a result, in terms of the size names bound by the arguments. */
export type ResultShape =
  | { kind: "real" }
  /** A vector of size n, or of size n + `plus` when `plus` names a second size. */
  | { kind: "vector"; n: string; plus?: string }
  | { kind: "matrix"; rows: string; cols: string }
  /** An integer from `lo` to `hi` (+ `plus`), where `hi` is a number or a size name; without `hi`, any integer from `lo` up. */
  | { kind: "int"; lo: number; hi?: number | string; plus?: number }
  /** The shape of the (single, elementwise) argument. */
  | { kind: "same" };

/** One parameter of a distribution or function. */
export interface ParamSpec {
  name: string;
  shape: ArgShape;
  support: Support;
}
