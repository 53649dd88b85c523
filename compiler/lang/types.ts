/**
 * Value types of the language. Scalars are `int` or `real`; an `int` may carry the range of
 * values it can take (an index bound by `k in 1..K`, an allocation `z` in `1..K`), which is
 * what lets the checker prove an index in range. Vectors and matrices carry sizes as
 * {@link Affine} expressions, or `undefined` where the size is not known statically.
 * `error` marks an expression already reported, so one mistake yields one diagnostic.
 */
import { formatAffine, sameSize, type Affine } from "./affine.js";

/** A value type. */
export type Ty =
  | { kind: "int"; lo?: Affine; hi?: Affine }
  | { kind: "real" }
  | { kind: "vector"; n: Affine | undefined }
  | { kind: "matrix"; rows: Affine | undefined; cols: Affine | undefined }
  | { kind: "error" };

export const REAL: Ty = { kind: "real" };
export const INT: Ty = { kind: "int" };
export const ERROR: Ty = { kind: "error" };

/** An inclusive index range `lo..hi`. */
export interface IndexRange {
  lo: Affine;
  hi: Affine;
}

/** True for `int` and `real`. */
export function isScalar(t: Ty): boolean {
  return t.kind === "int" || t.kind === "real";
}

function size(a: Affine | undefined): string {
  return a === undefined ? "?" : formatAffine(a);
}

/** `real`, `int`, `vector[K - 1]`, `matrix[K, D]`. */
export function formatTy(t: Ty): string {
  switch (t.kind) {
    case "int":
      return "int";
    case "real":
      return "real";
    case "vector":
      return `vector[${size(t.n)}]`;
    case "matrix":
      return `matrix[${size(t.rows)}, ${size(t.cols)}]`;
    case "error":
      return "<error>";
  }
}

/** `1..K - 1` */
export function formatRange(r: IndexRange): string {
  return `${formatAffine(r.lo)}..${formatAffine(r.hi)}`;
}

/** Two sizes agree, or cannot be told apart statically (an unknown size matches anything). */
export function sizesAgree(a: Affine | undefined, b: Affine | undefined, values: ReadonlyMap<string, number>): boolean {
  if (a === undefined || b === undefined) return true;
  return sameSize(a, b, values);
}

/** Structural agreement of two types, sizes compared as by {@link sizesAgree}; `int` fits `real`. */
export function typesAgree(expected: Ty, actual: Ty, values: ReadonlyMap<string, number>): boolean {
  if (expected.kind === "error" || actual.kind === "error") return true;
  if (expected.kind === "real") return isScalar(actual);
  if (expected.kind === "int") return actual.kind === "int";
  if (expected.kind === "vector") return actual.kind === "vector" && sizesAgree(expected.n, actual.n, values);
  return (
    actual.kind === "matrix" && sizesAgree(expected.rows, actual.rows, values) && sizesAgree(expected.cols, actual.cols, values)
  );
}
