/**
 * One small example per grammar rule, for the grammar reference. A test parses each one
 * with its own rule, so the reference cannot show an example the parser rejects.
 */
export const ruleExamples: Readonly<Record<string, { example: string; note: string }>> = {
  program: { example: "model m(K: int = 2) { data y: real  mu ~ normal(0, 10)  y ~ normal(mu, 1) }", note: "A file holds one model." },
  modelDecl: { example: "model hsmoe(K: int = 4, g: real = 10) { data y: real }", note: "The header names the model and its hyperparameters; the body holds statements." },
  hyperParam: { example: "K: int = 4", note: "A hyperparameter: `int` or `real`, with an optional default that may use earlier hyperparameters, or an array (`group: int[D] = [1, 1, 2]`, `m0: vector[D] = [0, 1, 0]`) whose length may name a size the data bind; `--set K=6` or `--set group=1,2,2` overrides it." },
  arrayLiteral: { example: "[1, 1, 2]", note: "The entries of an array hyperparameter's default: constants, which may use earlier hyperparameters." },
  typeExpr: { example: "vector[D]", note: "`int`, `real`, `vector[n]` or `matrix[r, c]`, and for hyperparameters `int[n]`, an integer array; sizes are integer expressions of hyperparameters, data sizes and literals." },
  statement: { example: "sigma2[k in 1..K] ~ invgamma(a0, b0);", note: "A declaration or a relation; a trailing `;` is optional." },
  dataDecl: { example: "data x: vector[D]", note: "One row's value, read from the data; a new size name (`D`) is bound by the data." },
  paramDecl: { example: "param beta[k in 1..K]: vector[D]", note: "An optional explicit type for a parameter; it still needs a `~` or `=` definition." },
  relation: { example: "phi[k in 1..K-1, j in 1..D] ~ normal(0, tau * lambda[k, j])", note: "`~` gives a distribution (a prior, a gate, or the likelihood of observed data); `=` defines a value." },
  binderList: { example: "[k in 1..K-1, j in 1..D]", note: "The index family a statement declares: one element per combination of indices." },
  binder: { example: "k in 1..K-1", note: "An index and its inclusive range." },
  expression: {
    example: "-a^2 + g * sigma2[k] * I(D) / 2",
    note: "Operators, loosest first: `+ -`, then `* /`, then prefix `-`, then `^` (right-associative); the others associate left. `*` is scalar scaling or the matrix–vector or matrix–matrix product, `/` divides by a scalar, `^` raises a scalar to a scalar power, and a scalar is broadcast over a vector or matrix in `+` and `-`.",
  },
  operand: { example: "-lambda[k, j]", note: "Prefix minus signs, then an atom, then index suffixes: family indices first, then vector or matrix indices." },
  indexSuffix: { example: "[k, j]", note: "One or more integer indices." },
  atom: { example: "dot(beta[z], x)", note: "A number, a name, a call of a built-in function or distribution, or a parenthesised expression." },
};
