/**
 * The read-only questions a filter answers (DESIGN §4) about its M particle sets, pooled by
 * their evidence (spec §3.7): set m weighs ω_m ∝ Ẑ_m and particle i within it its normalised
 * weight. Evidence and its standard error, ESS and resampling histories, the predictive, gate
 * probabilities, experts under stable labels and shrinkage. The driver that feeds the sets
 * rows, snapshots and restores them is filter.ts.
 */
import type { ModelState } from "./kernel.js";
import { logSumExp } from "../math/special.js";
import { FilterError } from "./errors.js";
import { rankRoute, type Route, type RouterJson } from "./router.js";
import { CoverageRisk, DEFAULT_COVERAGES, validateCoverages, type CoveragePoint, type ScoredRow } from "./selective.js";

export type { Route, RoutedExpert, RouterJson } from "./router.js";
export type { CoveragePoint, ScoredRow } from "./selective.js";
import type { ParticleSet } from "./particle-set.js";
import { TMixture } from "./mixture.js";
import { NbMixture } from "./count-mixture.js";
import { alignLabels, sumCounts } from "./labels.js";
import { validatePoint, validateProbabilities } from "./options.js";
import { Rng } from "../rng/rng.js";
import { systematic } from "../smc/resampling.js";
import type { Forget } from "./forget.js";
import type { ResponseKind } from "../rules/roles.js";

/** A predictive quantile. */
export interface Quantile {
  /** The probability. */
  p: number;
  /** The value below which y falls with probability p. */
  value: number;
}

/** One expert's posterior summary. */
export interface ExpertSummary {
  /** Posterior mean share of the rows allocated to the expert. */
  usage: number;
  /** Posterior mean of the coefficients, one per input. */
  coefficients: number[];
  /** Posterior mean of the noise variance; null for experts without one (binary and count experts). */
  noiseVariance: number | null;
  /** Posterior mean of the dispersion r (variance μ + μ²/r) of count experts; null for the others. */
  dispersion: number | null;
  /** Lower ends of the coefficients' central credible intervals (level as asked, default 90 %). */
  lower: number[];
  /** Upper ends of the coefficients' central credible intervals. */
  upper: number[];
  /**
   * Posterior mean shrinkage κ = 1/(1 + v) of each coefficient, v its prior variance in noise
   * units (1 = switched off, 0 = left alone), when a shrinkage prior governs the experts'
   * coefficients (spec §2.8); null otherwise.
   */
  shrinkage: number[] | null;
}

/** Posterior predictive summary at one input. */
export interface Prediction {
  /** Predictive mean. */
  mean: number;
  /** Predictive standard deviation. */
  sd: number;
  /** Quantiles at the requested probabilities. */
  quantiles: Quantile[];
  /** log p(y | x, data) */
  logDensity(y: number): number;
  /** p(y | x, data) */
  density(y: number): number;
  /**
   * Binary experts only: the posterior of the success probability P(y = 1 | x) over the
   * particles — its mean (equal to {@link mean}) and its quantiles at the same probabilities as
   * {@link quantiles}, a credible interval of the probability rather than of y (whose quantiles
   * are 0 or 1).
   */
  probability?: {
    /** Posterior mean of P(y = 1 | x). */
    mean: number;
    /** Its quantiles, at the probabilities asked for. */
    quantiles: Quantile[];
  };
  /**
   * Count experts only: the posterior of the expected count E[y | x, θ] over the particles — its
   * mean (equal to {@link mean}) and its quantiles at the same probabilities as
   * {@link quantiles}, a credible interval of the rate rather than of y.
   */
  expected?: {
    /** Posterior mean of E[y | x, θ]. */
    mean: number;
    /** Its quantiles, at the probabilities asked for. */
    quantiles: Quantile[];
  };
}

/** What {@link PooledSummaries.forgetting} reports. */
export interface Forgetting {
  /** The option: a factor in (0, 1] (1: no forgetting) or "auto". */
  rho: Forget;
  /** The factors' mean under the sets' pooling weights (the factor itself when there is one). */
  inForce: number;
  /** Each factor the sets run and the pooling weight of the sets that run it. */
  factors: {
    /** A factor. */
    rho: number;
    /** The pooling weight of the sets that run it. */
    weight: number;
  }[];
}

/**
 * Standard error of log((1/M) Σ Ẑ_m) from M independent log estimates log Ẑ_m: the larger of the
 * delta-method error of the pooled mean, sd(Ẑ_m)/(√M·mean Ẑ), and the standard error of the log
 * estimates, sd(log Ẑ_m)/√M. The delta method alone can never exceed 1 (it saturates when one
 * estimate dominates), while the log estimates may lie many nats apart: then their spread is the
 * honest measure. NaN for fewer than two estimates.
 */
export function logEvidenceStandardError(logZ: readonly number[]): number {
  const M = logZ.length;
  if (M < 2) return NaN;
  const top = logZ.reduce((a, b) => Math.max(a, b), -Infinity);
  const w = logZ.map((v) => Math.exp(v - top));
  const mean = w.reduce((a, b) => a + b, 0) / M;
  const variance = w.reduce((a, b) => a + (b - mean) ** 2, 0) / (M - 1);
  const logMean = logZ.reduce((a, b) => a + b, 0) / M;
  const logVariance = logZ.reduce((a, b) => a + (b - logMean) ** 2, 0) / (M - 1);
  return Math.max(Math.sqrt(variance / M) / mean, Math.sqrt(logVariance / M));
}

/** A gate probability with a credible interval over the posterior. */
export interface GateProbability {
  /** Expert number, from 1. */
  expert: number;
  /** Posterior mean of the gate probability. */
  mean: number;
  /** Lower end of the credible interval. */
  lower: number;
  /** Upper end of the credible interval. */
  upper: number;
}

/** The posterior number of active experts ({@link PooledSummaries.activeExperts}). */
export interface ActiveExperts {
  /** Posterior mean of the count. */
  mean: number;
  /** Central credible interval of the count (integers). */
  interval: [number, number];
  /** The share of the rows an expert must hold in a particle to count as active. */
  threshold: number;
  /** Posterior probability of each count, `probabilities[c]` for c = 0 … K. */
  probabilities: number[];
  /** Experts (stable labels, from 1) whose posterior usage is below the threshold: nobody uses them. */
  unused: number[];
  /**
   * Pairs of used experts (stable labels, from 1) that collapse into one: every coefficient's
   * credible interval (at `level`) of the one overlaps the other's, so the data do not tell
   * their lines apart.
   */
  collapsed: [number, number][];
}

/** Options of {@link PooledSummaries.coverageRisk}. */
export interface CoverageRiskOptions {
  /** The route's α: a row's confidence is its first-ranked expert's mean − α·sd (default 1). */
  alpha?: number;
  /** Shares of the rows to keep, the most confident first (default 0.1, 0.2, …, 1). */
  coverages?: readonly number[];
}

/** Options of {@link PooledSummaries.route}. */
export interface RouteOptions {
  /** Experts to route to (default 1). */
  k?: number;
  /** Weight of the sd in the lower bound mean − α·sd (default 1; 0 ranks by the mean). */
  alpha?: number;
  /** Level of the credible intervals (default 0.9). */
  level?: number;
}

const DEFAULT_QUANTILES = [0.05, 0.25, 0.5, 0.75, 0.95];

/**
 * The read-only half of a filter: summaries of its particle sets pooled by evidence. The
 * filter (filter.ts) extends it with the rows and the steps.
 */
export abstract class PooledSummaries {
  /** Counts the changes of state, so derived summaries know when to recompute. */
  protected version = 0;
  private labelCache: { version: number; orders: Int32Array[]; usage: Float64Array } | null = null;
  private readonly scratch: Float64Array;

  /**
   * @param sets - the particle sets, all with the same particle count
   * @param K - experts of the model
   * @param D - inputs per row
   */
  constructor(
    readonly sets: ParticleSet[],
    readonly K: number,
    readonly D: number,
  ) {
    this.scratch = new Float64Array(sets[0].N * K * 5);
  }

  /** Particles per set. */
  get N(): number {
    return this.sets[0].N;
  }

  /** Share of the filtering time spent in rejuvenation sweeps (over all sets). */
  get sweepShare(): number {
    const total = this.sets.reduce((a, s) => a + s.seconds, 0);
    return total > 0 ? this.sets.reduce((a, s) => a + s.sweepSeconds, 0) / total : 0;
  }

  /** Log evidence of each set. */
  get setLogEvidence(): number[] {
    return this.sets.map((s) => s.logEvidence);
  }

  /** Pooled log evidence: log of the mean of the sets' evidence estimates (E17 per set). */
  get logEvidence(): number {
    const z = Float64Array.from(this.setLogEvidence);
    return logSumExp(z, 0, z.length) - Math.log(z.length);
  }

  /**
   * Monte Carlo standard error of {@link logEvidence}, from the spread of the sets
   * ({@link logEvidenceStandardError}); NaN under `forget: "auto"`, whose sets run different
   * factors and are no replicates (the pooled evidence is then that of ρ drawn once from the
   * grid, uniformly).
   */
  get logEvidenceSE(): number {
    return this.sets[0].options.forget === "auto" ? NaN : logEvidenceStandardError(this.setLogEvidence);
  }

  /**
   * The forgetting in force (spec §3.8): the option (a factor, or "auto"), each factor the sets
   * run with its pooling weight, and their weighted mean.
   */
  forgetting(): Forgetting {
    const omega = this.setWeights();
    const byRho = new Map<number, number>();
    this.sets.forEach((s, m) => byRho.set(s.rho, (byRho.get(s.rho) ?? 0) + omega[m]));
    const factors = [...byRho].map(([rho, weight]) => ({ rho, weight }));
    const inForce = factors.length === 1 ? factors[0].rho : factors.reduce((a, f) => a + f.rho * f.weight, 0);
    return { rho: this.sets[0].options.forget ?? 1, inForce, factors };
  }

  /** Pooling weights of the sets, ω_m ∝ Ẑ_m (under `forget: "auto"`, ∝ their recent evidence: runtime/pl/forget.ts). */
  setWeights(): number[] {
    const z = Float64Array.from(this.sets, (s) => s.poolWeight);
    const lse = logSumExp(z, 0, z.length);
    return Array.from(z, (v) => Math.exp(v - lse));
  }

  /**
   * The row each entry of {@link essHistory}, {@link evidenceHistory} and {@link resampleCounts}
   * ends at: every row for the first 4,096 rows; then the entries cover buckets of 2, 4, … rows,
   * so the histories stay bounded on an endless stream (runtime/pl/health.ts).
   */
  get historyRows(): number[] {
    const h = this.sets[0].health;
    return Array.from({ length: h.length }, (_, e) => h.rowOf(e));
  }

  /** ESS summed over the sets, per entry of {@link historyRows} (a bucket's minimum, summed over the sets). */
  get essHistory(): number[] {
    return Array.from({ length: this.sets[0].health.length }, (_, e) => this.essAt(e));
  }

  /** ESS summed over the sets at entry e. */
  private essAt(e: number): number {
    return this.sets.reduce((a, s) => a + s.health.ess[e], 0);
  }

  /** Smallest summed ESS over the rows (the number of particles before any row; over buckets once the rows are many). */
  get essMin(): number {
    const n = this.sets[0].health.length;
    let min = n ? Infinity : this.sets.length * this.N;
    for (let e = 0; e < n; e++) min = Math.min(min, this.essAt(e));
    return min;
  }

  /** Pooled running log evidence after the last row of each entry of {@link historyRows}: log of the mean of the sets' estimates (E17). */
  get evidenceHistory(): number[] {
    const M = this.sets.length;
    return Array.from({ length: this.sets[0].health.length }, (_, e) => {
      let top = -Infinity;
      for (const s of this.sets) top = Math.max(top, s.health.evidence[e]);
      return top + Math.log(this.sets.reduce((a, s) => a + Math.exp(s.health.evidence[e] - top), 0) / M);
    });
  }

  /** For each entry of {@link historyRows}, how many resamplings the sets made in its rows. */
  get resampleCounts(): number[] {
    return Array.from({ length: this.sets[0].health.length }, (_, e) => this.sets.reduce((a, s) => a + s.health.resampled[e], 0));
  }

  /** Current ESS summed over the sets. */
  get ess(): number {
    return this.sets[0].health.rows ? this.sets.reduce((a, s) => a + s.health.lastEss, 0) : this.sets.length * this.N;
  }

  /** Distinct initial ancestors left, summed over the sets. */
  get ancestors(): number {
    return this.sets.reduce((a, s) => a + s.distinctAncestors(), 0);
  }

  /** Posterior predictive of y at x: a weighted mixture over all particles of each expert's predictive (Student-t, Gaussian or Laplace; binomials and negative binomials for counts). */
  predict(x: ArrayLike<number>, probabilities: number[] = DEFAULT_QUANTILES): Prediction {
    validatePoint(x, this.D, "predict");
    validateProbabilities(probabilities, "predict: quantile probabilities");
    const comps: number[] = []; // weight, loc, scaleSq, dof, variance
    const omega = this.setWeights();
    const xs = Float64Array.from(x);
    // a query row's own constants (a binomial's trials) must be possible for some response
    const problem = this.sets[0].state.rowProblem(xs, 0);
    if (problem !== null) throw new FilterError("bad_input", `predict: ${problem}`);
    this.sets.forEach((s, m) => {
      s.state.predictive(xs, this.scratch);
      for (let i = 0; i < s.N; i++) {
        const wi = omega[m] * Math.exp(s.logW[i]);
        for (let k = 0; k < this.K; k++) {
          const o = (i * this.K + k) * 5;
          comps.push(wi * this.scratch[o], this.scratch[o + 1], this.scratch[o + 2], this.scratch[o + 3], this.scratch[o + 4]);
        }
      }
    });
    if (this.sets[0].state.response === "binary") return binaryPrediction(comps, this.K, probabilities);
    if (this.sets[0].state.response === "count") return countPrediction(comps, this.K, probabilities);
    let mean = 0;
    for (let c = 0; c < comps.length; c += 5) mean += comps[c] * comps[c + 1];
    let second = 0;
    for (let c = 0; c < comps.length; c += 5) second += comps[c] * (comps[c + 4] + (comps[c + 1] - mean) ** 2);
    const parts = new Float64Array((comps.length / 5) * 4);
    for (let c = 0, j = 0; c < comps.length; c += 5, j += 4) {
      parts[j] = comps[c];
      parts[j + 1] = comps[c + 1];
      parts[j + 2] = comps[c + 2];
      parts[j + 3] = comps[c + 3];
    }
    if (!Number.isFinite(mean) || !Number.isFinite(second)) {
      throw new FilterError("bad_input", "predict: the predictive at this x overflows (its mean or variance is not finite); rescale the inputs");
    }
    const mixture = new TMixture(parts);
    const logDensity = checkedLogDensity((y) => mixture.logPdf(y));
    const sd = Math.sqrt(second);
    const quantiles = probabilities.map((p) => ({ p, value: mixture.quantile(p, mean, sd) }));
    return { mean, sd, quantiles, logDensity, density: (y) => Math.exp(logDensity(y)) };
  }

  /**
   * Gate probabilities of each expert at x: posterior mean and a central credible interval
   * (default 90 %), under the stable labels of {@link experts}.
   */
  gateProbabilities(x: ArrayLike<number>, level = 0.9): GateProbability[] {
    validatePoint(x, this.D, "gateProbabilities");
    validateProbabilities([level], "gateProbabilities: credible level");
    return this.gateSummaries(x, level, "gateProbabilities").map(({ expert, mean, lower, upper }) => ({ expert, mean, lower, upper }));
  }

  /**
   * The route of input x (spec §3.9): every expert's gate probability summarised over the
   * particles (mean, sd, credible interval), the experts ranked by the lower bound mean − α·sd,
   * the first k kept, the entropy of the mean probabilities, and whether the k-th and
   * (k + 1)-th experts' intervals overlap. The bound is the paper's rule; unlike a quantile it
   * has a closed form from the posterior's first two moments, which a router exported without
   * the particles can compute.
   */
  route(x: ArrayLike<number>, options?: RouteOptions | null): Route {
    const { k = 1, alpha = 1, level = 0.9 } = options ?? {};
    validatePoint(x, this.D, "route");
    if (!(Number.isInteger(k) && k >= 1 && k <= this.K)) throw new FilterError("bad_input", `route: k must be an integer from 1 to the number of experts (${this.K}), not ${k}`);
    if (!(Number.isFinite(alpha) && alpha >= 0)) throw new FilterError("bad_input", `route: alpha must be a finite number ≥ 0, not ${alpha}`);
    validateProbabilities([level], "route: credible level");
    return rankRoute(this.gateSummaries(x, level, "route"), k, alpha);
  }

  /** Whether routes depend on the input: more than one expert, and a gate whose weights are not constants. */
  get routesByInput(): boolean {
    return this.K > 1 && this.sets[0].state.gate.kind !== "fixed";
  }

  /**
   * Selective prediction (spec §3.9): the coverage–risk curve of scored rows. Each row's
   * confidence is the lower bound mean − α·sd of the expert its route ranks first; for each
   * coverage c the c·n most confident rows' mean log predictive density and RMSE, so a user sees
   * what abstaining on (or escalating) the least confident routes buys.
   * @throws FilterError naming the row (from 1) that cannot be routed or scored.
   */
  coverageRisk(rows: Iterable<{ x: ArrayLike<number>; y: number }>, options?: CoverageRiskOptions | null): CoveragePoint[] {
    const { alpha = 1, coverages = DEFAULT_COVERAGES } = options ?? {};
    validateCoverages(coverages, "coverageRisk");
    if (!(Number.isFinite(alpha) && alpha >= 0)) throw new FilterError("bad_input", `coverageRisk: alpha must be a finite number ≥ 0, not ${alpha}`);
    const curve = new CoverageRisk();
    const it = rows[Symbol.iterator]();
    // the iterator inside the try: a row the caller's iterable cannot give is named too
    for (let t = 1; ; t++) {
      try {
        const next = it.next();
        if (next.done) break;
        const row: unknown = next.value;
        if (typeof row !== "object" || row === null) throw new FilterError("bad_input", "expected { x, y }");
        const s = this.selectiveScore(next.value.x, next.value.y, alpha);
        curve.add(s.confidence, s.logDensity, s.squaredError);
      } catch (e) {
        if (e instanceof FilterError) throw new FilterError(e.code, `coverageRisk: row ${t}: ${e.message}`, t);
        throw e;
      }
    }
    return curve.curve(coverages);
  }

  /** A scored row's routing confidence (its first-ranked expert's mean − α·sd), log predictive density and squared error of the predictive mean. */
  selectiveScore(x: ArrayLike<number>, y: number, alpha = 1): ScoredRow {
    const scored = this.scoreRow(x, y);
    return { confidence: this.topBound(x, alpha), ...scored };
  }

  /**
   * The bound mean − α·sd of the expert a route ranks first, which is the largest bound whatever
   * the ties: `route(x, { alpha }).top[0].bound` up to rounding, from the gate's first two
   * moments over the particles without the intervals' sorts (half the cost of a route).
   */
  private topBound(x: ArrayLike<number>, alpha: number): number {
    validatePoint(x, this.D, "route");
    const xs = Float64Array.from(x);
    const omega = this.setWeights();
    const { orders } = this.labels();
    const K = this.K;
    const outs = this.sets.map((s) => {
      const out = new Float64Array(s.N * K);
      s.state.gateProbabilities(xs, out);
      return out;
    });
    let mass = 0;
    const mean = new Float64Array(K);
    this.sets.forEach((s, m) => {
      for (let i = 0; i < s.N; i++) {
        const w = omega[m] * Math.exp(s.logW[i]);
        mass += w;
        for (let r = 0; r < K; r++) mean[r] += w * outs[m][i * K + orders[m][i * K + r]];
      }
    });
    const variance = new Float64Array(K);
    for (let r = 0; r < K; r++) mean[r] = Math.min(1, mean[r] / mass);
    this.sets.forEach((s, m) => {
      for (let i = 0; i < s.N; i++) {
        const w = omega[m] * Math.exp(s.logW[i]) / mass;
        for (let r = 0; r < K; r++) variance[r] += w * (outs[m][i * K + orders[m][i * K + r]] - mean[r]) ** 2;
      }
    });
    let best = -Infinity;
    for (let r = 0; r < K; r++) best = Math.max(best, mean[r] - alpha * Math.sqrt(variance[r]));
    if (!Number.isFinite(best)) throw new FilterError("bad_input", "route: the gate at this x overflows; rescale the inputs");
    return best;
  }

  /**
   * A held-out row's log predictive density and the squared error of the predictive mean.
   * @throws FilterError for a response the model cannot produce (a count above its trials, a
   *   value off the response's support): a score of −∞ would sink every mean it enters.
   */
  scoreRow(x: ArrayLike<number>, y: number): Omit<ScoredRow, "confidence"> {
    const p = this.predict(x, []);
    const logDensity = p.logDensity(y);
    const problem = Number.isFinite(y) ? this.sets[0].state.rowProblem(Float64Array.from(x), y) : null;
    if (problem !== null) throw new FilterError("bad_input", problem);
    if (!Number.isFinite(logDensity)) throw new FilterError("bad_input", `the response ${y} has predictive density ${Math.exp(logDensity)} (off the response's support, or beyond floating point)`);
    return { logDensity, squaredError: (p.mean - y) ** 2 };
  }

  /**
   * A router that routes without the particles (issue 14 item 4): `draws` draws of the gate's
   * coefficients, resampled from the pooled particles by weight (systematic, seeded), each with
   * its particle's stable labels, as JSON; `routeWith` (./router.ts) routes a data row from it
   * as {@link route} does from the particles, up to the Monte Carlo error of the draws.
   * @throws FilterError for a gate of constant weights (no router needed) or a gate that reads
   *   a row the model builds from the inputs (the router takes the data row as it is).
   */
  exportRouter(draws = 256, seed = 1): RouterJson {
    if (!(Number.isInteger(draws) && draws >= 1 && draws <= 100_000)) throw new FilterError("bad_input", `exportRouter: draws must be an integer from 1 to 100000, not ${draws}`);
    const state = this.sets[0].state;
    const { kind, rows: S, d } = state.gate;
    if (kind === "fixed") throw new FilterError("bad_input", "exportRouter: the gate's weights are constants, the same at every input: there is nothing to route by");
    if (state.gateCoefficientNames !== null || d !== this.D) throw new FilterError("bad_input", "exportRouter: the gate reads a row the model builds from its inputs (transforms, several coefficient families or inputs, offsets); a router routes by the data row itself only");
    const omega = this.setWeights();
    const { orders } = this.labels();
    const n = this.sets.reduce((a, s) => a + s.N, 0);
    const W = new Float64Array(n);
    let at = 0;
    this.sets.forEach((s, m) => {
      for (let i = 0; i < s.N; i++) W[at++] = omega[m] * Math.exp(s.logW[i]);
    });
    const total = W.reduce((a, b) => a + b, 0);
    for (let p = 0; p < n; p++) W[p] /= total;
    const picks = new Int32Array(draws);
    systematic(Rng.fromSeed(seed), W, n, picks, draws, new Float64Array(n + draws));
    const phi = new Array<number>(draws * S * d);
    const order = new Array<number>(draws * this.K);
    const buf = new Float64Array(S * d);
    picks.forEach((p, q) => {
      let m = 0;
      while (p >= this.sets[m].N) p -= this.sets[m++].N;
      this.sets[m].state.gateDraw(p, buf);
      for (let c = 0; c < S * d; c++) phi[q * S * d + c] = buf[c];
      for (let r = 0; r < this.K; r++) order[q * this.K + r] = orders[m][p * this.K + r];
    });
    return { kind: "hsmoe-router", gate: kind, K: this.K, S, d, phi, order };
  }

  /** Every expert's gate probability at x over the particles, under the stable labels: mean, sd and a central interval. */
  private gateSummaries(x: ArrayLike<number>, level: number, what: string): (GateProbability & { sd: number })[] {
    const xs = Float64Array.from(x);
    const values: { w: number; g: Float64Array }[] = [];
    const omega = this.setWeights();
    const { orders } = this.labels();
    this.sets.forEach((s, m) => {
      const out = new Float64Array(s.N * this.K);
      s.state.gateProbabilities(xs, out);
      const order = orders[m];
      for (let i = 0; i < s.N; i++) {
        const g = new Float64Array(this.K);
        for (let r = 0; r < this.K; r++) g[r] = out[i * this.K + order[i * this.K + r]];
        values.push({ w: omega[m] * Math.exp(s.logW[i]), g });
      }
    });
    const mass = values.reduce((a, v) => a + v.w, 0);
    return Array.from({ length: this.K }, (_, k) => {
      // the pooled weights sum to 1 up to rounding: a mean of 1 + 2e−16 would be no probability
      const pts = values.map((v) => ({ w: v.w / mass, v: v.g[k] })).sort((a, b) => a.v - b.v);
      const mean = Math.min(1, pts.reduce((a, p) => a + p.w * p.v, 0));
      if (!Number.isFinite(mean)) throw new FilterError("bad_input", `${what}: the gate at this x overflows; rescale the inputs`);
      const variance = pts.reduce((a, p) => a + p.w * (p.v - mean) ** 2, 0);
      return { expert: k + 1, mean, sd: Math.sqrt(variance), lower: weightedQuantile(pts, (1 - level) / 2), upper: weightedQuantile(pts, (1 + level) / 2) };
    });
  }

  /** Pooled particle weights of set m (ω_m times the normalised particle weights). */
  private pooledWeights(m: number): Float64Array {
    const omega = this.setWeights()[m];
    return Float64Array.from(this.sets[m].logW, (lw) => omega * Math.exp(lw));
  }

  /**
   * A name for each expert coefficient (`alpha`, `b[1]`, …) when the model assembles the experts'
   * regressors from the data; null when they are the inputs themselves, in order.
   */
  get coefficientNames(): readonly string[] | null {
    return this.sets[0].state.coefficientNames;
  }

  /** What the response is: a real number, or 0/1 (binary experts, whose predictive mean is P(y = 1)). */
  get responseKind(): ResponseKind {
    return this.sets[0].state.response;
  }

  /** The gate's coefficients per stick, named as {@link coefficientNames} names the experts'. */
  get gateCoefficientNames(): readonly string[] | null {
    return this.sets[0].state.gateCoefficientNames;
  }

  /** Posterior mean of each gate coefficient `[stick][feature]` (the particles' draws), or null for constant stops. */
  gateCoefficients(): number[][] | null {
    return this.pooledPerStick((state, w) => state.gateCoefficients(w));
  }

  /** Posterior mean shrinkage κ per gate coefficient `[stick][feature]`, or null without a horseshoe. */
  shrinkage(): number[][] | null {
    return this.pooledPerStick((state, w) => state.shrinkage(w));
  }

  /** A `[stick][feature]` mean each set gives under its pooled particle weights, summed over the sets; null when the sets give none. */
  private pooledPerStick(read: (state: ModelState, weights: Float64Array) => number[][] | null): number[][] | null {
    let total: number[][] | null = null;
    this.sets.forEach((s, m) => {
      const part = read(s.state, this.pooledWeights(m));
      if (!part) return;
      total = total ? total.map((row, l) => row.map((v, j) => v + part[l][j])) : part;
    });
    return total;
  }

  /**
   * Per-expert summaries under stable labels (spec §8.2; see labels.ts): every particle's experts
   * are matched to the heaviest particle's by their allocations of the rows, then numbered by
   * usage, most used first. Usage is the posterior mean share of the rows allocated to the
   * expert. A coefficient's interval is the central `level` interval of its exact marginal
   * posterior, a mixture over particles of Student-t's (NIG) or Gaussians (known variance).
   */
  experts(level = 0.9): ExpertSummary[] {
    validateProbabilities([level], "experts: credible level");
    const omega = this.setWeights();
    const { K } = this;
    // Coefficients per expert: the experts' design row, the inputs themselves by default.
    const D = this.sets[0].state.P;
    const { orders, usage } = this.labels();
    const out: ExpertSummary[] = Array.from({ length: K }, (_, r) => ({
      usage: usage[r],
      coefficients: new Array<number>(D).fill(0),
      noiseVariance: 0,
      dispersion: 0,
      lower: new Array<number>(D).fill(0),
      upper: new Array<number>(D).fill(0),
      shrinkage: this.sets[0].state.expertsShrink ? new Array<number>(D).fill(0) : null,
    }));
    // mixture components per reported expert and feature: weight, location, squared scale, dof
    const comps = Array.from({ length: K * D }, () => [] as number[]);
    this.sets.forEach((s, m) => {
      const marginals = Array.from({ length: K }, (_, k) => {
        const buf = new Float64Array(s.N * D * 3);
        s.state.coefficientMarginals(k, buf);
        return buf;
      });
      const perParticle = (read: (k: number, out: Float64Array) => void) =>
        Array.from({ length: K }, (_, k) => {
          const buf = new Float64Array(s.N);
          read(k, buf);
          return buf;
        });
      const noise = perParticle((k, out) => s.state.noiseVariances(k, out));
      const dispersion = perParticle((k, out) => s.state.dispersions(k, out));
      const kappa = s.state.expertsShrink
        ? Array.from({ length: K }, (_, k) => {
            const buf = new Float64Array(s.N * D);
            s.state.expertShrinkage(k, buf);
            return buf;
          })
        : null;
      for (let i = 0; i < s.N; i++) {
        const w = omega[m] * Math.exp(s.logW[i]);
        if (w === 0) continue;
        for (let r = 0; r < K; r++) {
          const k = orders[m][i * K + r];
          out[r].noiseVariance! += w * noise[k][i];
          out[r].dispersion! += w * dispersion[k][i];
          const shrunk = out[r].shrinkage;
          if (kappa && shrunk) for (let j = 0; j < D; j++) shrunk[j] += w * kappa[k][i * D + j];
          for (let j = 0; j < D; j++) {
            const c = (i * D + j) * 3;
            out[r].coefficients[j] += w * marginals[k][c];
            comps[r * D + j].push(w, marginals[k][c], marginals[k][c + 1], marginals[k][c + 2]);
          }
        }
      }
    });
    out.forEach((o, r) => {
      if (Number.isNaN(o.noiseVariance)) o.noiseVariance = null;
      if (Number.isNaN(o.dispersion)) o.dispersion = null;
      for (let j = 0; j < D; j++) {
        const c = comps[r * D + j];
        if (pointsOnly(c)) {
          // the particles' draws (augmented experts under forgetting): their weighted quantiles
          const pts: { w: number; v: number }[] = [];
          for (let t = 0; t < c.length; t += 4) pts.push({ w: c[t], v: c[t + 1] });
          pts.sort((a, b) => a.v - b.v);
          o.lower[j] = weightedQuantile(pts, (1 - level) / 2);
          o.upper[j] = weightedQuantile(pts, (1 + level) / 2);
          continue;
        }
        let spread = 0;
        for (let t = 0; t < c.length; t += 4) spread += c[t] * (c[t + 2] + (c[t + 1] - o.coefficients[j]) ** 2);
        const mixture = new TMixture(c);
        o.lower[j] = mixture.quantile((1 - level) / 2, o.coefficients[j], Math.sqrt(spread));
        o.upper[j] = mixture.quantile((1 + level) / 2, o.coefficients[j], Math.sqrt(spread));
      }
    });
    return out;
  }

  /**
   * The posterior number of active experts (spec §3.9): in each particle, the experts holding
   * at least `threshold` of its rows (default 5 %: an expert below that explains fewer rows than
   * a twentieth of the data); the distribution of that count over the pooled particles, its mean
   * and central `level` interval, and the experts whose pooled usage is below the threshold.
   */
  activeExperts(threshold = 0.05, level = 0.9): ActiveExperts {
    if (!(threshold > 0 && threshold < 1)) throw new FilterError("bad_input", `activeExperts: the threshold must lie strictly between 0 and 1, not ${threshold}`);
    validateProbabilities([level], "activeExperts: credible level");
    const { K } = this;
    const omega = this.setWeights();
    const probabilities = new Array<number>(K + 1).fill(0);
    this.sets.forEach((s, m) => {
      const counts = new Float64Array(s.N * K);
      s.state.expertCounts(counts);
      for (let i = 0; i < s.N; i++) {
        const total = sumCounts(counts, i, K);
        let active = 0;
        // before any row nothing is active
        if (total > 0) for (let k = 0; k < K; k++) if (counts[i * K + k] >= threshold * total) active++;
        probabilities[active] += omega[m] * Math.exp(s.logW[i]);
      }
    });
    const mass = probabilities.reduce((a, b) => a + b, 0);
    for (let c = 0; c <= K; c++) probabilities[c] /= mass;
    const mean = probabilities.reduce((a, p, c) => a + p * c, 0);
    const points = probabilities.map((w, v) => ({ w, v }));
    const experts = this.experts(level);
    const unused = experts.flatMap((e, r) => (e.usage < threshold ? [r + 1] : []));
    const collapsed: [number, number][] = [];
    for (let r = 0; r < K; r++) {
      for (let s = r + 1; s < K; s++) {
        const [a, b] = [experts[r], experts[s]];
        if (a.usage < threshold || b.usage < threshold) continue;
        if (a.lower.every((lo, j) => lo <= b.upper[j] && b.lower[j] <= a.upper[j])) collapsed.push([r + 1, s + 1]);
      }
    }
    return { mean, interval: [weightedQuantile(points, (1 - level) / 2), weightedQuantile(points, (1 + level) / 2)], threshold, probabilities, unused, collapsed };
  }

  /** Posterior usage of each expert under the stable labels of {@link experts}. */
  usage(): number[] {
    return Array.from(this.labels().usage);
  }

  /** The label alignment of the current state, recomputed after the state changes. */
  private labels(): { orders: Int32Array[]; usage: Float64Array } {
    if (this.labelCache?.version === this.version) return this.labelCache;
    const omega = this.setWeights();
    const rows = this.sets.reduce((a, s) => Math.min(a, s.history.settled), Infinity);
    const sources = this.sets.map((s, m) => {
      const counts = new Float64Array(s.N * this.K);
      s.state.expertCounts(counts);
      return {
        N: s.N,
        counts,
        weights: Float64Array.from(s.logW, (lw) => omega[m] * Math.exp(lw)),
        history: s.options.rejuvenate ? s.history.full : null,
        slots: s.options.rejuvenate ? s.history.lineageSlots() : null,
        stride: s.history.stride,
      };
    });
    this.labelCache = { version: this.version, ...alignLabels(sources, this.K, rows) };
    return this.labelCache;
  }
}

/**
 * The predictive of a binary y from the components of {@link PooledSummaries.predict} (per
 * particle and expert: weight × gate probability, then P(y = 1) under the expert, K per
 * particle): Bernoulli(p̄), whose quantile at q is 0 when q ≤ 1 − p̄ and 1 otherwise, and the
 * particles' P(y = 1 | x) with its quantiles.
 */
function binaryPrediction(comps: readonly number[], K: number, probabilities: readonly number[]): Prediction {
  const { points: pts, total } = particleMeans(comps, K);
  let mean = total;
  if (Number.isNaN(mean)) throw new FilterError("bad_input", "predict: the success probability at this x is not a number; rescale the inputs");
  // the weights and gate probabilities sum to 1 only up to rounding
  mean = Math.min(1, Math.max(0, mean));
  const logDensity = checkedLogDensity((y) => (y === 1 ? Math.log(mean) : y === 0 ? Math.log1p(-mean) : -Infinity));
  return {
    mean,
    sd: Math.sqrt(mean * (1 - mean)),
    quantiles: probabilities.map((p) => ({ p, value: p <= 1 - mean ? 0 : 1 })),
    logDensity,
    density: (y) => Math.exp(logDensity(y)),
    probability: { mean, quantiles: probabilities.map((p) => ({ p, value: weightedQuantile(pts, p) })) },
  };
}

/**
 * Each particle's mean of y, Σ_k g_k·mean_k over its K components of {@link PooledSummaries.predict}
 * divided by its weight, as weighted points ascending by value (a posterior draw of E[y | x, θ]
 * each), and the sum of the weighted means over all particles.
 */
function particleMeans(comps: readonly number[], K: number): { points: { w: number; v: number }[]; total: number } {
  const points: { w: number; v: number }[] = [];
  let total = 0;
  for (let c = 0; c < comps.length; c += 5 * K) {
    let w = 0;
    let mean = 0;
    for (let k = 0; k < K; k++) {
      w += comps[c + 5 * k];
      mean += comps[c + 5 * k] * comps[c + 5 * k + 1];
    }
    total += mean;
    if (w > 0) points.push({ w, v: mean / w });
  }
  points.sort((a, b) => a.v - b.v);
  return { points, total };
}

/** A predictive's log density that refuses a query that is not a number. */
function checkedLogDensity(logPdf: (y: number) => number): (y: number) => number {
  return (y) => {
    if (typeof y !== "number" || Number.isNaN(y)) throw new FilterError("bad_input", `predict: the density is asked at ${y}, not a number`);
    return logPdf(y);
  };
}

/**
 * The predictive of a count y from the components of {@link PooledSummaries.predict} (per
 * particle and expert: weight × gate probability, then the expert's mean μ, dispersion r and
 * variance): a mixture of negative binomials ({@link NbMixture}), and the particles' expected
 * count Σ_k g_k μ_k with its quantiles.
 */
function countPrediction(comps: readonly number[], K: number, probabilities: readonly number[]): Prediction {
  const parts = new Float64Array((comps.length / 5) * 3);
  let mean = 0;
  for (let c = 0, j = 0; c < comps.length; c += 5, j += 3) {
    parts[j] = comps[c];
    parts[j + 1] = comps[c + 1];
    parts[j + 2] = comps[c + 2];
    mean += comps[c] * comps[c + 1];
  }
  let second = 0;
  for (let c = 0; c < comps.length; c += 5) second += comps[c] * (comps[c + 4] + (comps[c + 1] - mean) ** 2);
  if (!Number.isFinite(mean) || !Number.isFinite(second)) {
    throw new FilterError("bad_input", "predict: the predictive at this x overflows (its mean or variance is not finite); rescale the inputs");
  }
  const pts = particleMeans(comps, K).points;
  const mixture = new NbMixture(parts);
  const logDensity = checkedLogDensity((y) => mixture.logPmf(y));
  const sd = Math.sqrt(second);
  return {
    mean,
    sd,
    quantiles: probabilities.map((p) => ({ p, value: mixture.quantile(p, mean, sd) })),
    logDensity,
    density: (y) => Math.exp(logDensity(y)),
    expected: { mean, quantiles: probabilities.map((p) => ({ p, value: weightedQuantile(pts, p) })) },
  };
}

/** Whether every component of flat `[weight, location, squared scale, dof]` quadruples is a point (squared scale 0). */
function pointsOnly(c: readonly number[]): boolean {
  for (let t = 2; t < c.length; t += 4) if (c[t] !== 0) return false;
  return c.length > 0;
}

/** The value at which the cumulative weight of `sorted` (ascending by value) reaches p. */

function weightedQuantile(sorted: { w: number; v: number }[], p: number): number {
  let acc = 0;
  for (const s of sorted) {
    acc += s.w;
    if (acc >= p) return s.v;
  }
  return sorted[sorted.length - 1]?.v ?? NaN;
}
