/**
 * The built-in functions of the language: name, parameters and result shape. Read by the
 * checker and the language reference.
 */
import type { ParamSpec, ResultShape } from "./signatures.js";

/** One built-in function. */
export interface FunctionSpec {
  name: string;
  params: ParamSpec[];
  result: ResultShape;
  /** What it computes, for the reference page. */
  doc: string;
}

const elementwise = (name: string, doc: string): FunctionSpec => ({
  name,
  params: [{ name: "x", shape: { kind: "elementwise" }, support: "real" }],
  result: { kind: "same" },
  doc: `${doc}, elementwise on vectors and matrices`,
});

/** Every function, by name. */
export const functions: ReadonlyMap<string, FunctionSpec> = new Map(
  (
    [
      {
        name: "dot",
        params: [
          { name: "a", shape: { kind: "vector", n: "n" }, support: "real" },
          { name: "b", shape: { kind: "vector", n: "n" }, support: "real" },
        ],
        result: { kind: "real" },
        doc: "inner product Σ a[i] b[i] of two vectors of the same length",
      },
      elementwise("logistic", "1 / (1 + exp(−x))"),
      elementwise("exp", "eˣ"),
      elementwise("log", "natural logarithm"),
      elementwise("log1p", "log(1 + x), accurate for small x"),
      elementwise("sqrt", "square root"),
      elementwise("abs", "absolute value"),
      {
        name: "softmax",
        params: [{ name: "x", shape: { kind: "vector", n: "n" }, support: "real" }],
        result: { kind: "vector", n: "n" },
        doc: "exp(x[k]) / Σ exp(x[l]): a vector of probabilities",
      },
      {
        name: "append_row",
        params: [
          { name: "a", shape: { kind: "entries", n: "m" }, support: "real" },
          { name: "b", shape: { kind: "entries", n: "n" }, support: "real" },
        ],
        result: { kind: "vector", n: "m", plus: "n" },
        doc: "the entries of a, then those of b (each a vector or a single number): `append_row(phi * x, 0)` pins a softmax gate's last logit at 0",
      },
      {
        name: "sum",
        params: [{ name: "x", shape: { kind: "vector", n: "n" }, support: "real" }],
        result: { kind: "real" },
        doc: "sum of the entries of a vector",
      },
      {
        name: "I",
        params: [{ name: "n", shape: { kind: "size", n: "n" }, support: "positive" }],
        result: { kind: "matrix", rows: "n", cols: "n" },
        doc: "the n×n identity matrix; n is a size (a hyperparameter, a data size such as D, or a literal)",
      },
    ] satisfies FunctionSpec[]
  ).map((f) => [f.name, f]),
);
