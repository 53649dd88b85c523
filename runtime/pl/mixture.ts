/**
 * A weighted mixture of Student-t (or Gaussian, infinite dof, or Laplace, dof {@link
 * LAPLACE_DOF}) components: the form of every
 * posterior predictive and coefficient marginal the filter reports. Each component's
 * normalisers are computed once (the CDF's only when a CDF is asked for), not at every
 * evaluation: a quantile search evaluates the mixture a few times over.
 */
import { lgammaHalfRatio, logSumExp, normalCdf } from "../math/special.js";
import { regularizedBetaFront } from "../math/cdf.js";
import { LAPLACE_DOF } from "../rules/roles.js";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
const LOG_PI = Math.log(Math.PI);
/** Below this dof the quantile search's first stage keeps the exact Student-t CDF. */
const APPROX_MIN_DOF = 30;
/** lgamma(½) = ½ log π. */
const LGAMMA_HALF = 0.5 * LOG_PI;

/** Merged components with their precomputed constants. */
export class TMixture {
  /** Number of distinct components. */
  readonly size: number;
  private readonly w: Float64Array;
  private readonly loc: Float64Array;
  private readonly scale: Float64Array;
  private readonly dof: Float64Array;
  /** log of the density's normaliser: lgamma((ν+1)/2) − lgamma(ν/2) − ½log(νπs²), −log s − ½log 2π, or −log 2s. */
  private readonly logNorm: Float64Array;
  /** −log B(ν/2, ½) for the incomplete beta in the CDF; filled on the first CDF. */
  private negLogBeta: Float64Array | null = null;
  private readonly terms: Float64Array;

  /**
   * @param parts - flat `[weight, location, squared scale, dof]` quadruples; weights ≥ 0 summing
   *   to 1 (zero-weight components are dropped)
   */
  constructor(parts: ArrayLike<number>) {
    let n = 0;
    for (let c = 0; c < parts.length; c += 4) if (parts[c] > 0) n++;
    this.size = n;
    this.w = new Float64Array(n);
    this.loc = new Float64Array(n);
    this.scale = new Float64Array(n);
    this.dof = new Float64Array(n);
    this.logNorm = new Float64Array(n);
    this.terms = new Float64Array(n);
    for (let c = 0, j = 0; c < parts.length; c += 4) {
      if (!(parts[c] > 0)) continue;
      const nu = parts[c + 3];
      this.w[j] = parts[c];
      this.loc[j] = parts[c + 1];
      this.scale[j] = Math.sqrt(parts[c + 2]);
      this.dof[j] = nu;
      this.logNorm[j] = nu === Infinity ? -Math.log(this.scale[j]) - HALF_LOG_2PI : nu === LAPLACE_DOF ? -Math.LN2 - Math.log(this.scale[j]) : lgammaHalfRatio(nu / 2) - 0.5 * (Math.log(nu * parts[c + 2]) + LOG_PI);
      j++;
    }
  }

  /** Mixture mean Σ w·loc. */
  mean(): number {
    let m = 0;
    for (let j = 0; j < this.size; j++) m += this.w[j] * this.loc[j];
    return m;
  }

  /** log density at y. */
  logPdf(y: number): number {
    for (let j = 0; j < this.size; j++) {
      const z = (y - this.loc[j]) / this.scale[j];
      const nu = this.dof[j];
      const log = nu === Infinity ? -0.5 * z * z : nu === LAPLACE_DOF ? -Math.abs(z) : -((nu + 1) / 2) * Math.log1p((z * z) / nu);
      this.terms[j] = Math.log(this.w[j]) + this.logNorm[j] + log;
    }
    return logSumExp(this.terms, 0, this.size);
  }

  /** CDF at y. */
  cdf(y: number): number {
    const negLogBeta = this.negLogBeta ?? this.betaNormalisers();
    let p = 0;
    for (let j = 0; j < this.size; j++) {
      const t = (y - this.loc[j]) / this.scale[j];
      const nu = this.dof[j];
      let c: number;
      if (nu === Infinity) c = normalCdf(t);
      else if (nu === LAPLACE_DOF) c = laplaceCdf(t);
      else {
        const tail = 0.5 * regularizedBetaFront(nu / (nu + t * t), nu / 2, 0.5, negLogBeta[j]);
        c = t > 0 ? 1 - tail : tail;
      }
      p += this.w[j] * c;
    }
    return p;
  }

  private betaNormalisers(): Float64Array {
    const out = new Float64Array(this.size);
    for (let j = 0; j < this.size; j++) {
      const nu = this.dof[j];
      if (nu !== Infinity && nu !== LAPLACE_DOF) out[j] = lgammaHalfRatio(nu / 2) - LGAMMA_HALF;
    }
    this.negLogBeta = out;
    return out;
  }

  /**
   * The p-quantile, to 1e-12 in probability or in y: Newton steps on the CDF with the density,
   * safeguarded by the bracket the evaluated points make (a step leaving it bisects, or doubles
   * outwards while one side is still open). The search first runs on {@link approxCdf} (a tenth
   * of the cost) from the normal approximation with the mixture's `mean` and `sd`, so the exact
   * CDF is needed for the last two or three steps only.
   */
  quantile(p: number, mean: number, sd: number): number {
    const scale = Number.isFinite(sd) && sd > 0 ? sd : 1;
    const guess = mean + scale * normalQuantileApprox(p);
    const start = this.solve((y) => this.approxCdf(y), p, guess, scale, 1e-6);
    const good = Math.abs(this.approxCdf(start) - p) < 1e-6;
    return this.solve((y) => this.cdf(y), p, good ? start : guess, scale, 1e-12);
  }

  /** Safeguarded Newton on cdf(y) = p from y, to `tol` in probability (1e-12 relative in y). */
  private solve(cdf: (y: number) => number, p: number, y: number, scale: number, tol: number): number {
    let lo = -Infinity;
    let hi = Infinity;
    let reach = scale;
    for (let i = 0; i < 200; i++) {
      const f = cdf(y) - p;
      if (Math.abs(f) < tol) break;
      if (f < 0) lo = y;
      else hi = y;
      const step = f / Math.exp(this.logPdf(y));
      let next = y - step;
      const newton = next > lo && next < hi && Number.isFinite(next);
      if (!newton) {
        if (Number.isFinite(lo) && Number.isFinite(hi)) next = 0.5 * (lo + hi);
        else {
          next = f < 0 ? y + reach : y - reach;
          reach *= 2;
        }
      }
      const tiny = 1e-12 * Math.max(1, Math.abs(y));
      if ((newton && Math.abs(next - y) < tiny) || hi - lo < tiny) return next;
      y = next;
    }
    return y;
  }

  /**
   * The CDF with each Student-t of ν ≥ {@link APPROX_MIN_DOF} replaced by a normal through
   * z = t(1 − 1/(4ν))/√(1 + t²/(2ν)) (within about 1e−4 there; its tail floor Φ(−√(2ν)) is below
   * 1e−14), the others exact: a start for the exact search.
   */
  private approxCdf(y: number): number {
    const negLogBeta = this.negLogBeta ?? this.betaNormalisers();
    let p = 0;
    for (let j = 0; j < this.size; j++) {
      const t = (y - this.loc[j]) / this.scale[j];
      const nu = this.dof[j];
      if (nu >= APPROX_MIN_DOF) p += this.w[j] * normalCdf(nu === Infinity ? t : (t * (1 - 1 / (4 * nu))) / Math.sqrt(1 + (t * t) / (2 * nu)));
      else if (nu === LAPLACE_DOF) p += this.w[j] * laplaceCdf(t);
      else {
        const tail = 0.5 * regularizedBetaFront(nu / (nu + t * t), nu / 2, 0.5, negLogBeta[j]);
        p += this.w[j] * (t > 0 ? 1 - tail : tail);
      }
    }
    return p;
  }
}

/** The standard Laplace CDF at t: ½e^t below 0, 1 − ½e^{−t} above. */
function laplaceCdf(t: number): number {
  return t < 0 ? 0.5 * Math.exp(t) : 1 - 0.5 * Math.exp(-t);
}

/**
 * A starting point for quantile searches: the standard normal p-quantile by Abramowitz and
 * Stegun 26.2.23 (absolute error below 4.5e−4).
 */
export function normalQuantileApprox(p: number): number {
  if (!(p > 0)) return -40;
  if (!(p < 1)) return 40;
  const q = p < 0.5 ? p : 1 - p;
  const t = Math.sqrt(-2 * Math.log(q));
  const z = t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t);
  return p < 0.5 ? -z : z;
}
