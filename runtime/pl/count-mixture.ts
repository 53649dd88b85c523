/**
 * A weighted mixture of count components, the posterior predictive of count experts (spec §2.6,
 * §2.7): component c has weight w_c, mean μ_c and a size r_c, the family of counts with variance
 * μ + μ²/r —
 * - r > 0: negative binomial, NB(y; μ, r) = Γ(y + r)/(Γ(r) y!) · p^y (1 − p)^r with
 *   p = μ/(μ + r), whose CDF at an integer q is the regularised incomplete beta I_{r/(r+μ)}(r, q + 1);
 * - r = −n < 0: binomial with n trials and p = μ/n (variance np(1 − p)), whose CDF at q < n is
 *   I_{1−p}(n − q, q + 1); r = 0 (no trials) is the point mass at 0.
 */
import { log1mSigmoid, logFactorial, logSigmoid, logSumExp, lgamma } from "../math/special.js";
import { regularizedBetaFront } from "../math/cdf.js";
import { normalQuantileApprox } from "./mixture.js";

/** log p(y) of one component: a count y ≥ 0 (checked by the caller) under mean μ and size r. */
function logComponent(y: number, mu: number, r: number): number {
  if (r > 0) {
    // log p = log σ(ψ), log(1 − p) = log σ(−ψ) with ψ = log μ − log r, stable for any μ
    const psi = Math.log(mu) - Math.log(r);
    return lgamma(y + r) - lgamma(r) - lgamma(y + 1) + (y === 0 ? 0 : y * logSigmoid(psi)) + r * log1mSigmoid(psi);
  }
  const n = -r;
  if (y > n) return -Infinity;
  const p = mu / n;
  if (n === 0 || p === 0) return y === 0 ? 0 : -Infinity;
  if (p === 1) return y === n ? 0 : -Infinity;
  return logFactorial(n) - logFactorial(y) - logFactorial(n - y) + y * Math.log(p) + (n - y) * Math.log1p(-p);
}

/**
 * −log B(a, b) for the incomplete beta of a component's CDF, kept for the last (a, b) asked for:
 * the components of one predictive share their size, so a CDF pays three lgammas once, not per
 * component.
 */
class BetaNormaliser {
  private a = NaN;
  private b = NaN;
  private value = NaN;

  /** −log B(a, b). */
  at(a: number, b: number): number {
    if (a !== this.a || b !== this.b) {
      this.a = a;
      this.b = b;
      this.value = lgamma(a + b) - lgamma(a) - lgamma(b);
    }
    return this.value;
  }
}

/** P(y ≤ q) of one component at an integer q ≥ 0. */
function componentCdf(q: number, mu: number, r: number, norm: BetaNormaliser): number {
  if (r > 0) return regularizedBetaFront(r / (r + mu), r, q + 1, norm.at(r, q + 1));
  const n = -r;
  if (q >= n) return 1;
  const p = mu / n;
  return p === 0 ? 1 : p === 1 ? 0 : regularizedBetaFront(1 - p, n - q, q + 1, norm.at(n - q, q + 1));
}

/**
 * Means beyond which the incomplete beta's normaliser, a difference of lgammas near 10¹²·36,
 * has lost the digits a CDF needs: quantiles there come from the normal approximation.
 */
const EXACT_MEAN_BELOW = 1e12;

/** Components with their weights, means and sizes. */
export class NbMixture {
  private readonly w: Float64Array;
  private readonly mu: Float64Array;
  private readonly r: Float64Array;
  private readonly terms: Float64Array;
  /** The largest component mean. */
  private readonly largest: number;
  private readonly norm = new BetaNormaliser();

  /** @param parts - flat `[weight, mean, size]` triples (size: the dispersion r, or −n for n trials); weights ≥ 0 summing to 1 (zero-weight components are dropped) */
  constructor(parts: ArrayLike<number>) {
    let n = 0;
    for (let c = 0; c < parts.length; c += 3) if (parts[c] > 0) n++;
    this.w = new Float64Array(n);
    this.mu = new Float64Array(n);
    this.r = new Float64Array(n);
    this.terms = new Float64Array(n);
    for (let c = 0, j = 0; c < parts.length; c += 3) {
      if (!(parts[c] > 0)) continue;
      this.w[j] = parts[c];
      this.mu[j] = parts[c + 1];
      this.r[j++] = parts[c + 2];
    }
    // the weights sum to 1 only up to rounding; a CDF that never reached p would stall the search
    let total = 0;
    for (let j = 0; j < n; j++) total += this.w[j];
    for (let j = 0; j < n; j++) this.w[j] /= total;
    this.largest = this.mu.reduce((a, v) => Math.max(a, v), 0);
  }

  /** log p(y): −∞ off the counts 0, 1, 2, …. */
  logPmf(y: number): number {
    if (!(Number.isInteger(y) && y >= 0)) return -Infinity;
    const { w, mu, r, terms } = this;
    for (let c = 0; c < w.length; c++) terms[c] = Math.log(w[c]) + logComponent(y, mu[c], r[c]);
    return logSumExp(terms, 0, w.length);
  }

  /** P(y ≤ q) at an integer q ≥ 0. */
  cdf(q: number): number {
    const { w, mu, r } = this;
    let F = 0;
    for (let c = 0; c < w.length; c++) F += w[c] * componentCdf(q, mu[c], r[c], this.norm);
    return F;
  }

  /**
   * The smallest count q with P(y ≤ q) ≥ p: bisection over the integers, bracketed from the
   * mixture's mean and sd and widened until it holds (p < 1); rounded from the normal
 * approximation when a component's mean reaches {@link EXACT_MEAN_BELOW}.
   */
  quantile(p: number, mean: number, sd: number): number {
    if (this.largest >= EXACT_MEAN_BELOW) return Math.max(0, Math.round(mean + sd * normalQuantileApprox(p)));
    let lo = Math.max(0, Math.floor(mean - 8 * sd)) - 1; // P(y ≤ lo) < p, with −1 standing for "below 0"
    while (lo >= 0 && this.cdf(lo) >= p) lo = lo === 0 ? -1 : Math.floor(lo / 2);
    let hi = Math.max(lo + 1, Math.ceil(mean + 8 * sd));
    while (this.cdf(hi) < p && hi < Number.MAX_SAFE_INTEGER / 2) hi = 2 * hi + 1;
    while (hi - lo > 1) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (this.cdf(mid) >= p) hi = mid;
      else lo = mid;
    }
    return hi;
  }
}
