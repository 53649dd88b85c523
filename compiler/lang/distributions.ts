/**
 * The distributions of the language: names, parameters (order, shape, support), the
 * support of the variable, and the parameterisation in words. The checker, the summary and
 * the language reference all read this one table.
 */
import type { ParamSpec, ResultShape, Support } from "./signatures.js";

/** One distribution. */
export interface DistributionSpec {
  name: string;
  params: ParamSpec[];
  result: ResultShape;
  /** Support of the variable drawn. */
  support: Support | "integer";
  /** The density, stated for the reference page. */
  parameterisation: string;
}

const scalar = { kind: "scalar" } as const;

/** Every distribution, by name. */
export const distributions: ReadonlyMap<string, DistributionSpec> = new Map(
  (
    [
      {
        name: "normal",
        params: [{ name: "mean", shape: scalar, support: "real" }, { name: "sd", shape: scalar, support: "positive" }],
        result: { kind: "real" },
        support: "real",
        parameterisation: "N(y; mean, sd²): density exp(−(y − mean)²/(2 sd²)) / (sd √(2π)); the second argument is a standard deviation",
      },
      {
        name: "halfnormal",
        params: [{ name: "sd", shape: scalar, support: "positive" }],
        result: { kind: "real" },
        support: "positive",
        parameterisation: "|N(0, sd²)|: density 2 N(y; 0, sd²) on y > 0",
      },
      {
        name: "cauchy",
        params: [{ name: "location", shape: scalar, support: "real" }, { name: "scale", shape: scalar, support: "positive" }],
        result: { kind: "real" },
        support: "real",
        parameterisation: "density 1 / (π scale (1 + ((y − location)/scale)²))",
      },
      {
        name: "halfcauchy",
        params: [{ name: "scale", shape: scalar, support: "positive" }],
        result: { kind: "real" },
        support: "positive",
        parameterisation: "C⁺(0, scale): density 2 / (π scale (1 + (y/scale)²)) on y > 0",
      },
      {
        name: "studentt",
        params: [
          { name: "dof", shape: scalar, support: "positive" },
          { name: "location", shape: scalar, support: "real" },
          { name: "scale", shape: scalar, support: "positive" },
        ],
        result: { kind: "real" },
        support: "real",
        parameterisation: "Student-t with dof degrees of freedom, location and scale (not sd)",
      },
      {
        name: "laplace",
        params: [{ name: "location", shape: scalar, support: "real" }, { name: "scale", shape: scalar, support: "positive" }],
        result: { kind: "real" },
        support: "real",
        parameterisation: "density exp(−|y − location|/scale) / (2 scale)",
      },
      {
        name: "invgamma",
        params: [{ name: "shape", shape: scalar, support: "positive" }, { name: "scale", shape: scalar, support: "positive" }],
        result: { kind: "real" },
        support: "positive",
        parameterisation: "IG(shape a, scale b): density bᵃ/Γ(a) y^(−a−1) exp(−b/y) on y > 0",
      },
      {
        name: "gamma",
        params: [{ name: "shape", shape: scalar, support: "positive" }, { name: "rate", shape: scalar, support: "positive" }],
        result: { kind: "real" },
        support: "positive",
        parameterisation: "Gamma(shape a, rate r): density rᵃ/Γ(a) y^(a−1) exp(−r y) on y > 0",
      },
      {
        name: "exponential",
        params: [{ name: "rate", shape: scalar, support: "positive" }],
        result: { kind: "real" },
        support: "positive",
        parameterisation: "density rate · exp(−rate y) on y > 0",
      },
      {
        name: "beta",
        params: [{ name: "a", shape: scalar, support: "positive" }, { name: "b", shape: scalar, support: "positive" }],
        result: { kind: "real" },
        support: "unit",
        parameterisation: "density y^(a−1) (1 − y)^(b−1) / B(a, b) on 0 < y < 1",
      },
      {
        name: "mvnormal",
        params: [
          { name: "mean", shape: { kind: "vectorOrScalar", n: "n" }, support: "real" },
          { name: "cov", shape: { kind: "matrix", rows: "n", cols: "n" }, support: "positive_definite" },
        ],
        result: { kind: "vector", n: "n" },
        support: "real",
        parameterisation: "N(mean, cov) in n dimensions; cov is a covariance matrix; a scalar mean is repeated n times",
      },
      {
        name: "bernoulli",
        params: [{ name: "probability", shape: scalar, support: "unit" }],
        result: { kind: "int", lo: 0, hi: 1 },
        support: "integer",
        parameterisation: "P(y = 1) = probability, P(y = 0) = 1 − probability",
      },
      {
        name: "bernoulli_logit",
        params: [{ name: "logit", shape: scalar, support: "real" }],
        result: { kind: "int", lo: 0, hi: 1 },
        support: "integer",
        parameterisation: "P(y = 1) = logistic(logit)",
      },
      {
        name: "categorical",
        params: [{ name: "probabilities", shape: { kind: "vector", n: "n" }, support: "simplex" }],
        result: { kind: "int", lo: 1, hi: "n" },
        support: "integer",
        parameterisation: "P(y = k) = probabilities[k], k = 1..n",
      },
      {
        name: "stickbreaking",
        params: [{ name: "stops", shape: { kind: "vector", n: "n" }, support: "unit" }],
        result: { kind: "int", lo: 1, hi: "n", plus: 1 },
        support: "integer",
        parameterisation:
          "P(y = k) = stops[k] · Π_{l<k} (1 − stops[l]) for k ≤ n, and P(y = n + 1) = Π_{l≤n} (1 − stops[l]): stick l stops at k = l with probability stops[l]",
      },
    ] satisfies DistributionSpec[]
  ).map((d) => [d.name, d]),
);
