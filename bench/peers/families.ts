/**
 * The expert families of the peers benchmark, each as its stdlib `.moe` model with its bundled
 * data and as the same model in the BUGS language for JAGS. Both sides read one hyperparameter
 * object, so they cannot disagree on K or a prior's constants.
 *
 * Translation of `.moe` into BUGS (JAGS parameterises normals by precision):
 * - `halfcauchy(1)` is `dt(0, 1, 1) T(0,)`; `normal(0, tau * lambda)` takes an sd, so its
 *   precision is 1/(tau·lambda)²; the regularised horseshoe's variance c2·v/(c2 + v), v =
 *   (tau·lambda)², is the precision 1/v + 1/c2, with `c2 ~ invgamma(slab_a, slab_b)` written as
 *   the precision `ic2 ~ dgamma(slab_a, slab_b)`;
 * - `sigma2 ~ invgamma(a0, b0)` is a precision `prec ~ dgamma(a0, b0)` (rate b0), and
 *   `mvnormal(0, g * sigma2[k] * I(D))` independent normals of precision prec[k]/g;
 * - `mvnormal(0, c * I(D))` independent normals of precision 1/c;
 * - `stickbreaking(logistic(phi * x))`: v_l = ilogit(phi[l,] · x), P(z = k) = v_k ∏_{l<k}(1 − v_l)
 *   for k < K and ∏_{l<K}(1 − v_l) for K, built as deterministic nodes with a running product;
 * - `categorical(softmax(append_row(phi * x, 0)))`: P(z = k) = e_k / Σ e, e_k = exp(phi[k,] · x)
 *   for k < K and e_K = 1;
 * - `binomial_logit(n, eta)` is `dbin(ilogit(eta), n)` with the trials n a data column;
 * - `negbinomial_log(eta, r)` (mean μ = e^eta, variance μ + μ²/r) is `dnegbin(r/(r + μ), r)`;
 *   `studentt(nu, m, sqrt(sigma2))` is `dt(m, prec, nu)`; `laplace(m, sqrt(sigma2))` is
 *   `ddexp(m, sqrt(prec))`; `bernoulli_logit(eta)` is
 *   `dbern(ilogit(eta))`.
 */
import { lgamma, log1mSigmoid, logSigmoid, softplus } from "../../runtime/math/special.js";

/** One expert family: hsmoe's model and data, the same model for JAGS, and its expert density. */
export interface Family {
  name: string;
  /** The model's file under stdlib/. */
  moe: string;
  /** Path under examples/ of the data, before `-train.csv` / `-test.csv`. */
  data: string;
  /** Every hyperparameter, given to `compile` and to JAGS as data. */
  hypers: Record<string, number>;
  /** BUGS statements of the experts' priors, over k in 1..K. */
  expertPriors: string;
  /** BUGS statement of y[i] given `eta[i]`, the linear predictor of expert z[i]. */
  likelihood: string;
  /** Whether the experts have a scale² `sigma2[k]` to monitor. */
  scaled: boolean;
  /** log p(y | eta, sigma2) of one expert with hyperparameters `h` (and the row's trials n), to score JAGS's draws. */
  logDensity(y: number, eta: number, sigma2: number, h: Record<string, number>, n: number): number;
  /** The gate: stick-breaking (the default) or a softmax with the last logit pinned. */
  gate?: "softmax";
  /** Whether a column of trials `n` follows the inputs (binomial experts). */
  trials?: true;
  /** Columns after y that the models do not read (a true regime). */
  ignored?: number;
}

/** The Normal-inverse-gamma prior of hsmoe.moe and robust-moe.moe. */
const NIG_PRIORS = `for (k in 1:K) {
    prec[k] ~ dgamma(a0, b0)
    sigma2[k] <- 1 / prec[k]
    for (j in 1:D) {
      beta[k, j] ~ dnorm(0, prec[k] / g)
    }
  }`;

/** The fixed Normal prior of variance c of logistic-moe.moe and count-moe.moe. */
const FIXED_PRIORS = `for (k in 1:K) {
    for (j in 1:D) {
      beta[k, j] ~ dnorm(0, 1 / c)
    }
  }`;

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

export const FAMILIES: Family[] = [
  {
    name: "Gaussian",
    moe: "hsmoe.moe",
    data: "data/piecewise",
    hypers: { K: 3, a0: 2, b0: 1, g: 10 },
    expertPriors: NIG_PRIORS,
    likelihood: "y[i] ~ dnorm(eta[i], prec[z[i]])",
    scaled: true,
    logDensity: (y, eta, sigma2) => -HALF_LOG_2PI - 0.5 * Math.log(sigma2) - (0.5 * (y - eta) ** 2) / sigma2,
  },
  {
    name: "binary",
    moe: "logistic-moe.moe",
    data: "binary/binary",
    hypers: { K: 3, c: 4 },
    expertPriors: FIXED_PRIORS,
    likelihood: "y[i] ~ dbern(ilogit(eta[i]))",
    scaled: false,
    logDensity: (y, eta) => (y === 1 ? logSigmoid(eta) : log1mSigmoid(eta)),
  },
  {
    name: "count",
    moe: "count-moe.moe",
    data: "counts/counts",
    hypers: { K: 3, c: 4, r: 4 },
    expertPriors: FIXED_PRIORS,
    likelihood: "y[i] ~ dnegbin(r / (r + exp(eta[i])), r)",
    scaled: false,
    // log μ/(μ + r) = −softplus(log r − eta) and log r/(μ + r) = −softplus(eta − log r), finite for any eta
    logDensity: (y, eta, _, { r }) => {
      return lgamma(y + r) - lgamma(r) - lgamma(y + 1) - y * softplus(Math.log(r) - eta) - r * softplus(eta - Math.log(r));
    },
  },
  {
    name: "binomial",
    moe: "binomial-moe.moe",
    data: "binomial/binomial",
    hypers: { K: 3, c: 4 },
    expertPriors: FIXED_PRIORS,
    likelihood: "y[i] ~ dbin(ilogit(eta[i]), n[i])",
    scaled: false,
    trials: true,
    logDensity: (y, eta, _, __, n) => lgamma(n + 1) - lgamma(y + 1) - lgamma(n - y + 1) + y * logSigmoid(eta) + (n - y) * log1mSigmoid(eta),
  },
  {
    name: "softmax gate",
    moe: "softmax-moe.moe",
    data: "softmax/softmax",
    hypers: { K: 3, a0: 2, b0: 1, g: 10 },
    expertPriors: NIG_PRIORS,
    likelihood: "y[i] ~ dnorm(eta[i], prec[z[i]])",
    scaled: true,
    gate: "softmax",
    ignored: 1,
    logDensity: (y, eta, sigma2) => -HALF_LOG_2PI - 0.5 * Math.log(sigma2) - (0.5 * (y - eta) ** 2) / sigma2,
  },
  {
    name: "Student-t",
    moe: "robust-moe.moe",
    data: "robust/robust",
    hypers: { K: 2, nu: 4, a0: 2, b0: 1, g: 10, slab_a: 2, slab_b: 8 },
    expertPriors: NIG_PRIORS,
    likelihood: "y[i] ~ dt(eta[i], prec[z[i]], nu)",
    scaled: true,
    logDensity: (y, eta, sigma2, { nu }) => {
      return lgamma((nu + 1) / 2) - lgamma(nu / 2) - 0.5 * Math.log(nu * Math.PI * sigma2) - ((nu + 1) / 2) * Math.log1p((y - eta) ** 2 / (nu * sigma2));
    },
  },
  {
    name: "Laplace",
    moe: "laplace-moe.moe",
    data: "robust/robust",
    hypers: { K: 2, a0: 2, b0: 1, g: 10, slab_a: 2, slab_b: 8 },
    expertPriors: NIG_PRIORS,
    // ddexp's second argument is the inverse scale 1/σ = √prec
    likelihood: "y[i] ~ ddexp(eta[i], sqrt(prec[z[i]]))",
    scaled: true,
    logDensity: (y, eta, sigma2) => -Math.LN2 - 0.5 * Math.log(sigma2) - Math.abs(y - eta) / Math.sqrt(sigma2),
  },
];

/** P(z[i] = k) of the stick-breaking gate, with a running product. */
const STICK_GATE = `for (l in 1:(K - 1)) {
      v[i, l] <- ilogit(inprod(phi[l, 1:D], x[i, 1:D]))
    }
    rest[i, 1] <- 1
    for (k in 1:(K - 1)) {
      p[i, k] <- rest[i, k] * v[i, k]
      rest[i, k + 1] <- rest[i, k] * (1 - v[i, k])
    }
    p[i, K] <- rest[i, K]`;

/** P(z[i] = k) of the softmax gate, the last logit pinned at 0. */
const SOFTMAX_GATE = `for (l in 1:(K - 1)) {
      e[i, l] <- exp(inprod(phi[l, 1:D], x[i, 1:D]))
    }
    e[i, K] <- 1
    for (k in 1:K) {
      p[i, k] <- e[i, k] / sum(e[i, 1:K])
    }`;

/**
 * The family's model in the BUGS language, with the horseshoe on the gate shared by all of them
 * (regularised by a slab when the hyperparameters give one, `slab_a` and `slab_b`).
 * Data: N, D, K, the N×D matrix x, y (and the trials n), the family's hyperparameters.
 */
export function jagsModel(family: Family): string {
  const slab = "slab_a" in family.hypers;
  return `model {
  tau ~ dt(0, 1, 1) T(0,)${slab ? "\n  ic2 ~ dgamma(slab_a, slab_b)" : ""}
  for (l in 1:(K - 1)) {
    for (j in 1:D) {
      lambda[l, j] ~ dt(0, 1, 1) T(0,)
      phi[l, j] ~ dnorm(0, 1 / pow(tau * lambda[l, j], 2)${slab ? " + ic2" : ""})
    }
  }
  ${family.expertPriors}
  for (i in 1:N) {
    ${family.gate === "softmax" ? SOFTMAX_GATE : STICK_GATE}
    z[i] ~ dcat(p[i, 1:K])
    eta[i] <- inprod(beta[z[i], 1:D], x[i, 1:D])
    ${family.likelihood}
  }
}
`;
}
