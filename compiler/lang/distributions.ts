/**
 * The distributions of the language: names, parameters (order, shape, support, meaning), the
 * support of the variable, and the parameterisation in words. The checker, the summary and
 * the language reference all read this one table.
 */
import type { ParamSpec, ResultShape, Support } from "./signatures.js";

/** One parameter of a distribution: its signature and what it means. */
export interface DistributionParam extends ParamSpec {
  /** What the parameter is, in a statistician's words, for the reference page. */
  meaning: string;
}

/** One distribution. */
export interface DistributionSpec {
  name: string;
  params: DistributionParam[];
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
        params: [
          { name: "mean", shape: scalar, support: "real", meaning: "the mean" },
          { name: "sd", shape: scalar, support: "positive", meaning: "the standard deviation (not the variance)" },
        ],
        result: { kind: "real" },
        support: "real",
        parameterisation: "N(y; mean, sd²): density exp(−(y − mean)²/(2 sd²)) / (sd √(2π)); the second argument is a standard deviation",
      },
      {
        name: "halfnormal",
        params: [
          { name: "sd", shape: scalar, support: "positive", meaning: "the standard deviation of the normal folded at 0" },
        ],
        result: { kind: "real" },
        support: "positive",
        parameterisation: "|N(0, sd²)|: density 2 N(y; 0, sd²) on y > 0",
      },
      {
        name: "cauchy",
        params: [
          { name: "location", shape: scalar, support: "real", meaning: "the median" },
          { name: "scale", shape: scalar, support: "positive", meaning: "the scale: half the interquartile range" },
        ],
        result: { kind: "real" },
        support: "real",
        parameterisation: "density 1 / (π scale (1 + ((y − location)/scale)²))",
      },
      {
        name: "halfcauchy",
        params: [
          { name: "scale", shape: scalar, support: "positive", meaning: "the scale: the median of y" },
        ],
        result: { kind: "real" },
        support: "positive",
        parameterisation: "C⁺(0, scale): density 2 / (π scale (1 + (y/scale)²)) on y > 0",
      },
      {
        name: "studentt",
        params: [
          { name: "dof", shape: scalar, support: "positive", meaning: "the degrees of freedom ν" },
          { name: "location", shape: scalar, support: "real", meaning: "the centre: the median, and the mean when ν > 1" },
          { name: "scale", shape: scalar, support: "positive", meaning: "the scale, not the sd (sd = scale · √(ν/(ν − 2)) when ν > 2)" },
        ],
        result: { kind: "real" },
        support: "real",
        parameterisation: "Student-t with dof degrees of freedom, location and scale (not sd)",
      },
      {
        name: "laplace",
        params: [
          { name: "location", shape: scalar, support: "real", meaning: "the median and mean" },
          { name: "scale", shape: scalar, support: "positive", meaning: "the scale: the mean absolute deviation (sd = scale · √2)" },
        ],
        result: { kind: "real" },
        support: "real",
        parameterisation: "density exp(−|y − location|/scale) / (2 scale)",
      },
      {
        name: "invgamma",
        params: [
          { name: "shape", shape: scalar, support: "positive", meaning: "the shape a" },
          { name: "scale", shape: scalar, support: "positive", meaning: "the scale b (mean b/(a − 1) when a > 1)" },
        ],
        result: { kind: "real" },
        support: "positive",
        parameterisation: "IG(shape a, scale b): density bᵃ/Γ(a) y^(−a−1) exp(−b/y) on y > 0",
      },
      {
        name: "gamma",
        params: [
          { name: "shape", shape: scalar, support: "positive", meaning: "the shape a" },
          { name: "rate", shape: scalar, support: "positive", meaning: "the rate r, an inverse scale (mean a/r)" },
        ],
        result: { kind: "real" },
        support: "positive",
        parameterisation: "Gamma(shape a, rate r): density rᵃ/Γ(a) y^(a−1) exp(−r y) on y > 0",
      },
      {
        name: "exponential",
        params: [
          { name: "rate", shape: scalar, support: "positive", meaning: "the rate: the inverse of the mean" },
        ],
        result: { kind: "real" },
        support: "positive",
        parameterisation: "density rate · exp(−rate y) on y > 0",
      },
      {
        name: "beta",
        params: [
          { name: "a", shape: scalar, support: "positive", meaning: "the first shape: weight towards 1 (mean a/(a + b))" },
          { name: "b", shape: scalar, support: "positive", meaning: "the second shape: weight towards 0" },
        ],
        result: { kind: "real" },
        support: "unit",
        parameterisation: "density y^(a−1) (1 − y)^(b−1) / B(a, b) on 0 < y < 1",
      },
      {
        name: "mvnormal",
        params: [
          { name: "mean", shape: { kind: "vectorOrScalar", n: "n" }, support: "real", meaning: "the mean vector; a scalar stands for that value in every coordinate" },
          { name: "cov", shape: { kind: "matrix", rows: "n", cols: "n" }, support: "positive_definite", meaning: "the covariance matrix (not a precision, not a Cholesky factor)" },
        ],
        result: { kind: "vector", n: "n" },
        support: "real",
        parameterisation: "N(mean, cov) in n dimensions; cov is a covariance matrix; a scalar mean is repeated n times",
      },
      {
        name: "bernoulli",
        params: [
          { name: "probability", shape: scalar, support: "unit", meaning: "P(y = 1)" },
        ],
        result: { kind: "int", lo: 0, hi: 1 },
        support: "integer",
        parameterisation: "P(y = 1) = probability, P(y = 0) = 1 − probability",
      },
      {
        name: "bernoulli_logit",
        params: [
          { name: "logit", shape: scalar, support: "real", meaning: "the log-odds of y = 1" },
        ],
        result: { kind: "int", lo: 0, hi: 1 },
        support: "integer",
        parameterisation: "P(y = 1) = logistic(logit)",
      },
      {
        name: "binomial",
        params: [
          { name: "trials", shape: scalar, support: "nonnegative", meaning: "the number of trials n (a whole number)" },
          { name: "probability", shape: scalar, support: "unit", meaning: "the probability of success in each trial" },
        ],
        result: { kind: "int", lo: 0 },
        support: "integer",
        parameterisation: "P(y = k) = C(n, k) p^k (1 − p)^(n − k), k = 0, …, n; n = trials, p = probability",
      },
      {
        name: "binomial_logit",
        params: [
          { name: "trials", shape: scalar, support: "nonnegative", meaning: "the number of trials n (a whole number)" },
          { name: "logit", shape: scalar, support: "real", meaning: "the log-odds of success in each trial" },
        ],
        result: { kind: "int", lo: 0 },
        support: "integer",
        parameterisation: "binomial(trials, logistic(logit))",
      },
      {
        name: "poisson",
        params: [
          { name: "rate", shape: scalar, support: "positive", meaning: "the mean and the variance" },
        ],
        result: { kind: "int", lo: 0 },
        support: "integer",
        parameterisation: "P(y = k) = rate^k e^(−rate)/k!, k = 0, 1, 2, …",
      },
      {
        name: "poisson_log",
        params: [
          { name: "lograte", shape: scalar, support: "real", meaning: "the log of the mean" },
        ],
        result: { kind: "int", lo: 0 },
        support: "integer",
        parameterisation: "poisson(exp(lograte))",
      },
      {
        name: "negbinomial",
        params: [
          { name: "mean", shape: scalar, support: "positive", meaning: "the mean μ" },
          { name: "dispersion", shape: scalar, support: "positive", meaning: "the dispersion r: variance μ + μ²/r, Poisson as r grows" },
        ],
        result: { kind: "int", lo: 0 },
        support: "integer",
        parameterisation: "P(y = k) = Γ(k + r)/(Γ(r) k!) · (μ/(μ + r))^k (r/(μ + r))^r, k = 0, 1, 2, …; mean μ, variance μ + μ²/r",
      },
      {
        name: "negbinomial_log",
        params: [
          { name: "logmean", shape: scalar, support: "real", meaning: "the log of the mean μ" },
          { name: "dispersion", shape: scalar, support: "positive", meaning: "the dispersion r: variance μ + μ²/r" },
        ],
        result: { kind: "int", lo: 0 },
        support: "integer",
        parameterisation: "negbinomial(exp(logmean), dispersion)",
      },
      {
        name: "categorical",
        params: [
          { name: "probabilities", shape: { kind: "vector", n: "n" }, support: "simplex", meaning: "P(y = k) for k = 1..n" },
        ],
        result: { kind: "int", lo: 1, hi: "n" },
        support: "integer",
        parameterisation: "P(y = k) = probabilities[k], k = 1..n",
      },
      {
        name: "stickbreaking",
        params: [
          { name: "stops", shape: { kind: "vector", n: "n" }, support: "unit", meaning: "stops[l]: the probability of stopping at l, having reached l" },
        ],
        result: { kind: "int", lo: 1, hi: "n", plus: 1 },
        support: "integer",
        parameterisation:
          "P(y = k) = stops[k] · Π_{l<k} (1 − stops[l]) for k ≤ n, and P(y = n + 1) = Π_{l≤n} (1 − stops[l]): stick l stops at k = l with probability stops[l]",
      },
    ] satisfies DistributionSpec[]
  ).map((d) => [d.name, d]),
);
