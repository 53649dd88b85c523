/**
 * The filter a user drives (DESIGN §4): M independent particle sets of N/M particles each,
 * pooled by their evidence (spec §3.7: independent sets keep a seed out of a wrong mode, and
 * their spread gives the evidence's standard error). Rows are shared; each set has its own
 * split of the random stream. Summaries weight set m by ω_m ∝ Ẑ_m and particle i within it by
 * its normalised weight.
 */
import { Rng } from "../rng/rng.js";
import { logSumExp } from "../math/special.js";
import type { SchemeName } from "../smc/index.js";
import { FilterError } from "./errors.js";
import type { KernelInfo, KernelModule } from "./kernel.js";
import { ParticleSet, type ParticleSetJson, type SetOptions } from "./particle-set.js";
import { decodeFloat64, encodeFloat64 } from "../rules/snapshot.js";
import { RowStore } from "./rows.js";
import { TMixture } from "./mixture.js";
import { alignLabels } from "./labels.js";
import { DEFAULT_SCHEDULE, type Schedule } from "./schedule.js";
import { MAX_INPUTS, MAX_PARTICLES, MAX_SETS, validateOptions, validatePoint, validateProbabilities } from "./options.js";

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
  /** Posterior mean of the noise variance. */
  noiseVariance: number;
  /** Lower ends of the coefficients' central credible intervals (level as asked, default 90 %). */
  lower: number[];
  /** Upper ends of the coefficients' central credible intervals. */
  upper: number[];
}

/** Options of a filter (see `CompiledModel.filter`). */
export interface FilterOptions {
  /** Total particles over all sets; default 1000. */
  particles?: number;
  /** Seed of the random stream; the same seed gives the same fit. Default 1. */
  seed?: number | string;
  /** Independent particle sets pooled by evidence; default 4. */
  sets?: number;
  /** Resample at every row (plain particle learning, the default) or when the ESS falls below `essThreshold`·N. */
  resampling?: "every" | "ess";
  /** Fraction of N under which ESS-triggered resampling fires; default 0.5. */
  essThreshold?: number;
  /** Resampling scheme; default systematic. */
  scheme?: SchemeName;
  /** Resample-move rejuvenation at checkpoints; default on (spec §3.7: required for accuracy). */
  rejuvenate?: boolean;
  /** Rejuvenation checkpoints; default every 10 rows to 100, then doubling. */
  schedule?: Schedule;
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

/** The number of particle sets the options ask for (default 4). */
export function setCount(options: FilterOptions): number {
  return options.sets ?? 4;
}

/**
 * Creates particle sets `indices` of the filter these options describe. Set m draws from the
 * m-th split of the seed's stream, so any subset can be built anywhere (a worker thread) and
 * behaves exactly as it would in a single-threaded filter.
 */
export function createSets(kernel: KernelModule, D: number, options: FilterOptions, indices: number[]): ParticleSet[] {
  validateOptions(options);
  const total = options.particles ?? 1000;
  const M = setCount(options);
  const N = Math.floor(total / M);
  const setOptions: SetOptions = {
    resampling: options.resampling ?? "every",
    essThreshold: options.essThreshold ?? 0.5,
    scheme: options.scheme ?? "systematic",
    rejuvenate: options.rejuvenate ?? true,
    schedule: options.schedule ?? DEFAULT_SCHEDULE,
  };
  const root = Rng.fromSeed(options.seed ?? 1);
  return indices.map((m) => {
    const rng = root.split(m);
    return new ParticleSet(kernel.create(N, D, rng), rng, setOptions);
  });
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

const DEFAULT_QUANTILES = [0.05, 0.25, 0.5, 0.75, 0.95];

const SNAPSHOT_FORMAT = "hsmoe-filter/1";

/** The JSON form of a filter (DESIGN §4: JSON-safe; restore continues bit for bit). */
export interface FilterSnapshot {
  /** Marks the object as a filter snapshot of this version. */
  format: typeof SNAPSHOT_FORMAT;
  /** @internal */
  info: KernelInfo;
  /** @internal */
  D: number;
  /** @internal */
  options: SetOptions;
  /** @internal */
  rows: { n: number; x: string; y: string };
  /** @internal */
  sets: ParticleSetJson[];
}

export class Filter {
  readonly sets: ParticleSet[];
  readonly rows: RowStore;
  readonly K: number;
  private readonly x: Float64Array;
  private readonly scratch: Float64Array;
  /** Counts the changes of state, so derived summaries know when to recompute. */
  private version = 0;
  private labelCache: { version: number; orders: Int32Array[]; usage: Float64Array } | null = null;

  constructor(
    readonly kernel: KernelModule,
    readonly D: number,
    options: FilterOptions = {},
    sets?: ParticleSet[],
    rows?: RowStore,
  ) {
    if (!(Number.isInteger(D) && D >= 1 && D <= MAX_INPUTS)) throw new FilterError("bad_input", `the input size must be an integer from 1 to ${MAX_INPUTS}, not ${D}`);
    this.sets = sets ?? createSets(kernel, D, options, Array.from({ length: setCount(options) }, (_, m) => m));
    this.K = kernel.info.experts;
    this.rows = rows ?? new RowStore(D, 256, this.sets[0].options.rejuvenate);
    this.x = new Float64Array(D);
    this.scratch = new Float64Array(this.sets[0].N * this.K * 5);
  }

  /** A JSON-safe snapshot; {@link Filter.restore} continues from it bit for bit. */
  snapshot(): FilterSnapshot {
    return {
      format: SNAPSHOT_FORMAT,
      info: this.kernel.info,
      D: this.D,
      options: this.sets[0].options,
      rows: { n: this.rows.n, x: encodeFloat64(this.rows.x.subarray(0, this.rows.held * this.D)), y: encodeFloat64(this.rows.y.subarray(0, this.rows.held)) },
      sets: this.sets.map((s) => s.toJSON()),
    };
  }

  /**
   * Rebuilds a filter from {@link snapshot} with the kernel of the same model. Everything is
   * checked before use: the structure, every field's type and size, and that the model, its
   * hyperparameters and its prior constants are the kernel's.
   * @throws FilterError("bad_snapshot") saying what is corrupt, or what differs from this model.
   */
  static restore(kernel: KernelModule, snap: FilterSnapshot): Filter {
    try {
      return restoreChecked(kernel, snap);
    } catch (e) {
      if (e instanceof FilterError) throw e;
      throw new FilterError("bad_snapshot", `corrupt snapshot: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Particles per set. */
  get N(): number {
    return this.sets[0].N;
  }

  /** Feeds one row. */
  observe(x: ArrayLike<number>, y: number): void {
    if (x === null || typeof x !== "object") throw new FilterError("bad_input", `row ${this.rows.n + 1}: x must be an array of ${this.D} numbers`, this.rows.n + 1);
    if (x.length !== this.D) throw new FilterError("bad_input", `row ${this.rows.n + 1} has ${x.length} inputs; the filter expects ${this.D}`, this.rows.n + 1);
    for (let j = 0; j < this.D; j++) {
      if (typeof x[j] !== "number" || !Number.isFinite(x[j])) throw new FilterError("bad_input", `row ${this.rows.n + 1}: input ${j + 1} is ${x[j]}`, this.rows.n + 1);
      this.x[j] = x[j];
    }
    if (typeof y !== "number" || !Number.isFinite(y)) throw new FilterError("bad_input", `row ${this.rows.n + 1}: the response is ${y}`, this.rows.n + 1);
    // Every set weighs the row before any set changes: a row no particle can explain is
    // reported and leaves the filter as it was.
    for (const s of this.sets) s.prepare(this.x, y, this.rows.n + 1);
    this.rows.push(this.x, y);
    this.version++;
    for (const s of this.sets) s.commit(this.rows, this.x, y);
  }

  /** Runs the end-of-data rejuvenation sweep (spec §3.7 schedule: "and at the end of the data"). */
  finish(): void {
    this.version++;
    for (const s of this.sets) s.finish(this.rows);
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

  /** Monte Carlo standard error of {@link logEvidence}, from the spread of the sets ({@link logEvidenceStandardError}). */
  get logEvidenceSE(): number {
    return logEvidenceStandardError(this.setLogEvidence);
  }

  /** Pooling weights of the sets, ω_m ∝ Ẑ_m. */
  setWeights(): number[] {
    const z = Float64Array.from(this.setLogEvidence);
    const lse = logSumExp(z, 0, z.length);
    return Array.from(z, (v) => Math.exp(v - lse));
  }

  /** ESS summed over the sets, per row. */
  get essHistory(): number[] {
    return this.sets[0].essHistory.map((_, t) => this.essAt(t));
  }

  /** ESS summed over the sets at row t (0-based). */
  private essAt(t: number): number {
    return this.sets.reduce((a, s) => a + s.essHistory[t], 0);
  }

  /** Smallest summed ESS over the rows (the number of particles before any row). */
  get essMin(): number {
    const n = this.sets[0].essHistory.length;
    let min = n ? Infinity : this.sets.length * this.N;
    for (let t = 0; t < n; t++) min = Math.min(min, this.essAt(t));
    return min;
  }

  /** Pooled running log evidence after each row: log of the mean of the sets' estimates (E17). */
  get evidenceHistory(): number[] {
    const M = this.sets.length;
    return this.sets[0].evidenceHistory.map((_, t) => {
      let top = -Infinity;
      for (const s of this.sets) top = Math.max(top, s.evidenceHistory[t]);
      return top + Math.log(this.sets.reduce((a, s) => a + Math.exp(s.evidenceHistory[t] - top), 0) / M);
    });
  }

  /** For each row, how many of the sets resampled at it. */
  get resampleCounts(): number[] {
    const counts = new Array<number>(this.sets[0].essHistory.length).fill(0);
    for (const s of this.sets) for (const row of s.resampledAt) counts[row - 1]++;
    return counts;
  }

  /** Current ESS summed over the sets. */
  get ess(): number {
    const n = this.sets[0].essHistory.length;
    return n ? this.essAt(n - 1) : this.sets.length * this.N;
  }

  /** Distinct initial ancestors left, summed over the sets. */
  get ancestors(): number {
    return this.sets.reduce((a, s) => a + s.distinctAncestors(), 0);
  }


  /** Posterior predictive of y at x: a weighted mixture of Student-t experts over all particles. */
  predict(x: ArrayLike<number>, probabilities: number[] = DEFAULT_QUANTILES): Prediction {
    validatePoint(x, this.D, "predict");
    validateProbabilities(probabilities, "predict: quantile probabilities");
    const comps: number[] = []; // weight, loc, scaleSq, dof, variance
    const omega = this.setWeights();
    const xs = Float64Array.from(x);
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
    const logDensity = (y: number) => {
      if (typeof y !== "number" || Number.isNaN(y)) throw new FilterError("bad_input", `predict: the density is asked at ${y}, not a number`);
      return mixture.logPdf(y);
    };
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
    return Array.from({ length: this.K }, (_, k) => {
      const pts = values.map((v) => ({ w: v.w, v: v.g[k] })).sort((a, b) => a.v - b.v);
      const mean = pts.reduce((a, p) => a + p.w * p.v, 0);
      if (!Number.isFinite(mean)) throw new FilterError("bad_input", "gateProbabilities: the gate at this x overflows; rescale the inputs");
      return { expert: k + 1, mean, lower: weightedQuantile(pts, (1 - level) / 2), upper: weightedQuantile(pts, (1 + level) / 2) };
    });
  }

  /** Pooled particle weights of set m (ω_m times the normalised particle weights). */
  private pooledWeights(m: number): Float64Array {
    const omega = this.setWeights()[m];
    return Float64Array.from(this.sets[m].logW, (lw) => omega * Math.exp(lw));
  }

  /** Posterior mean shrinkage κ per gate coefficient `[stick][feature]`, or null without a horseshoe. */
  shrinkage(): number[][] | null {
    let total: number[][] | null = null;
    this.sets.forEach((s, m) => {
      const part = s.state.shrinkage(this.pooledWeights(m));
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
    const { K, D } = this;
    const { orders, usage } = this.labels();
    const out = Array.from({ length: K }, (_, r) => ({
      usage: usage[r],
      coefficients: new Array<number>(D).fill(0),
      noiseVariance: 0,
      lower: new Array<number>(D).fill(0),
      upper: new Array<number>(D).fill(0),
    }));
    // mixture components per reported expert and feature: weight, location, squared scale, dof
    const comps = Array.from({ length: K * D }, () => [] as number[]);
    this.sets.forEach((s, m) => {
      const marginals = Array.from({ length: K }, (_, k) => {
        const buf = new Float64Array(s.N * D * 3);
        s.state.coefficientMarginals(k, buf);
        return buf;
      });
      const noise = Array.from({ length: K }, (_, k) => {
        const buf = new Float64Array(s.N);
        s.state.noiseVariances(k, buf);
        return buf;
      });
      for (let i = 0; i < s.N; i++) {
        const w = omega[m] * Math.exp(s.logW[i]);
        if (w === 0) continue;
        for (let r = 0; r < K; r++) {
          const k = orders[m][i * K + r];
          out[r].noiseVariance += w * noise[k][i];
          for (let j = 0; j < D; j++) {
            const c = (i * D + j) * 3;
            out[r].coefficients[j] += w * marginals[k][c];
            comps[r * D + j].push(w, marginals[k][c], marginals[k][c + 1], marginals[k][c + 2]);
          }
        }
      }
    });
    out.forEach((o, r) => {
      for (let j = 0; j < D; j++) {
        const c = comps[r * D + j];
        let spread = 0;
        for (let t = 0; t < c.length; t += 4) spread += c[t] * (c[t + 2] + (c[t + 1] - o.coefficients[j]) ** 2);
        const mixture = new TMixture(c);
        o.lower[j] = mixture.quantile((1 - level) / 2, o.coefficients[j], Math.sqrt(spread));
        o.upper[j] = mixture.quantile((1 + level) / 2, o.coefficients[j], Math.sqrt(spread));
      }
    });
    return out;
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
        stride: s.history.stride,
      };
    });
    this.labelCache = { version: this.version, ...alignLabels(sources, this.K, rows) };
    return this.labelCache;
  }

}

/** The snapshot, checked field by field (see {@link Filter.restore}); throws plain Errors on corrupt fields. */
function restoreChecked(kernel: KernelModule, snap: FilterSnapshot): Filter {
  if (typeof snap !== "object" || snap === null || snap.format !== SNAPSHOT_FORMAT) throw new FilterError("bad_snapshot", "not an hsmoe filter snapshot");
  const otherModel = infoDifference(snap.info, kernel.info);
  if (otherModel) throw new FilterError("bad_snapshot", `the snapshot is of another model: ${otherModel}; compile the same model with the same hyperparameters`);
  const { D, rows, sets } = snap;
  if (!(Number.isInteger(D) && D >= 1 && D <= MAX_INPUTS)) throw new Error("D is not an input size");
  if (typeof snap.options !== "object" || snap.options === null) throw new Error("options is not an object");
  const { resampling, essThreshold, scheme, rejuvenate, schedule } = snap.options;
  try {
    validateOptions({ resampling, essThreshold, scheme, rejuvenate, schedule });
  } catch (e) {
    throw new Error((e as Error).message);
  }
  const options: SetOptions = { resampling, essThreshold, scheme, rejuvenate, schedule: { denseEvery: schedule.denseEvery, denseUntil: schedule.denseUntil } };
  if (!Array.isArray(sets) || sets.length < 1 || sets.length > MAX_SETS) throw new Error("sets is not a list of particle sets");
  if (typeof rows !== "object" || rows === null || !(Number.isSafeInteger(rows.n) && rows.n >= 0)) throw new Error("rows is not a row store");
  const fresh = kernel.create(1, D, Rng.fromSeed(0)).toJSON();
  let N = 0;
  const restored = sets.map((j, m) => {
    if (typeof j !== "object" || j === null) throw new Error(`set ${m + 1} is not an object`);
    if (j.rows !== rows.n) throw new Error(`set ${m + 1} has seen ${j.rows} rows, the filter ${rows.n}`);
    const n = sameConstants(fresh, j.state, `set ${m + 1}`);
    if (m > 0 && n !== N) throw new Error(`set ${m + 1} has ${n} particles, set 1 ${N}`);
    N = n;
    if (N * sets.length > MAX_PARTICLES) throw new Error(`${N * sets.length} particles is more than ${MAX_PARTICLES}`);
    return ParticleSet.fromJSON(kernel.restore(j.state), options, j);
  });
  const held = options.rejuvenate ? rows.n : 0;
  const store = new RowStore(D, Math.max(1, held), options.rejuvenate);
  const x = decodeFloat64(rows.x, held * D);
  const y = decodeFloat64(rows.y, held);
  for (let s = 0; s < held; s++) store.push(x.subarray(s * D, (s + 1) * D), y[s]);
  if (!options.rejuvenate) store.n = rows.n;
  return new Filter(kernel, D, { particles: restored.length * N, sets: restored.length }, restored, store);
}

/** What differs between a snapshot's model facts and the kernel's, or "" when nothing does. */
function infoDifference(theirs: KernelInfo | undefined, ours: KernelInfo): string {
  if (typeof theirs !== "object" || theirs === null) return "it names no model";
  const out: string[] = [];
  if (theirs.model !== ours.model) out.push(`model ${JSON.stringify(theirs.model)}, not ${JSON.stringify(ours.model)}`);
  if (theirs.experts !== ours.experts) out.push(`K = ${theirs.experts}, not ${ours.experts}`);
  const names = new Set([...Object.keys(theirs.hypers ?? {}), ...Object.keys(ours.hypers)]);
  for (const h of names) {
    const a = theirs.hypers?.[h];
    const b = ours.hypers[h];
    if (a !== b) out.push(`${h} = ${a ?? "(none)"}, not ${b ?? "(none)"}`);
  }
  if (out.length === 0 && JSON.stringify(theirs) !== JSON.stringify(ours)) out.push("its inference plan or data names differ");
  return out.join(", ");
}

/**
 * Checks a snapshot's model state against a fresh one-particle state of the kernel: the same
 * fields, the same kinds and prior constants (numbers, flags, constant vectors), text where the
 * kernel keeps encoded arrays. Returns the snapshot's particle count. A model compiled from
 * other source text with the same name and hyperparameters shows up here, by its constants.
 */
function sameConstants(fresh: unknown, theirs: unknown, path: string): number {
  let N = -1;
  const walk = (a: unknown, b: unknown, at: string): void => {
    if (typeof a === "string") {
      if (typeof b !== "string") throw new Error(`${at} is not text`);
      if (at.endsWith(".kind") && a !== b) throw new FilterError("bad_snapshot", `the snapshot is of another model: ${at} is ${JSON.stringify(b)}, this model's is ${JSON.stringify(a)}`);
      return;
    }
    if (typeof a === "object" && a !== null && !Array.isArray(a)) {
      if (typeof b !== "object" || b === null || Array.isArray(b)) throw new Error(`${at} is not an object`);
      for (const key of Object.keys(a)) walk((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${at}.${key}`);
      return;
    }
    if (at.endsWith(".N")) {
      if (!(Number.isInteger(b) && (b as number) >= 1 && (b as number) <= MAX_PARTICLES)) throw new Error(`${at} is not a particle count`);
      if (N >= 0 && b !== N) throw new Error(`${at} is ${b}, another block has ${N}`);
      N = b as number;
      return;
    }
    if (JSON.stringify(a) !== JSON.stringify(b)) {
      throw new FilterError("bad_snapshot", `the snapshot is of another model: ${at} is ${JSON.stringify(b)?.slice(0, 60)}, this model's is ${JSON.stringify(a)?.slice(0, 60)}`);
    }
  };
  walk(fresh, theirs, path);
  if (N < 0) throw new Error(`${path} has no particle count`);
  return N;
}

function weightedQuantile(sorted: { w: number; v: number }[], p: number): number {
  let acc = 0;
  for (const s of sorted) {
    acc += s.w;
    if (acc >= p) return s.v;
  }
  return sorted[sorted.length - 1]?.v ?? NaN;
}
