/**
 * One particle set run by particle learning with resample-move rejuvenation (spec §3.3–§3.7):
 * per row, weigh every particle by its predictive, add the evidence increment (E17), resample
 * (every step, or when the ESS falls below a threshold), propagate, and at checkpoints run
 * one rejuvenation sweep per particle. Tracks the ESS before resampling, the resampling
 * events, the running evidence and the distinct initial ancestors left (collapse shows there,
 * not in the ESS).
 */
import { Rng, type RngState } from "../rng/rng.js";
import { decodeFloat64, decodeIntegers, encodeFloat64, encodeIntegers } from "../snapshot.js";
import { logSumExp } from "../math/special.js";
import { DegenerateWeightsError, Resampler, type SchemeName } from "../smc/index.js";
import { AllocationHistory, historyFromJson, historyToJson, type HistoryJson } from "./history.js";
import { FilterError } from "./errors.js";
import type { ModelState } from "./kernel.js";
import { allocationArray, RESPONSE_KINDS, type Allocations } from "../rules/roles.js";
import type { RowStore } from "./rows.js";
import { DEFAULT_WINDOW, isCheckpoint, mostHeldRows, nextCheckpoint, type Schedule } from "./schedule.js";
import { SET_RECORD, SetRecord } from "./trace.js";
import { HealthSeries, type HealthJson } from "./health.js";
import { AUTO_FORGET, setForget, type Forget } from "./forget.js";

/** How a set resamples and rejuvenates. */
export interface SetOptions {
  /** "every" step (plain PL) or when ESS < essThreshold·N. */
  resampling: "every" | "ess";
  /** Fraction of N under which ESS-triggered resampling fires. */
  essThreshold: number;
  /** Resampling scheme. */
  scheme: SchemeName;
  /** Resample-move sweeps at checkpoints (spec §3.7); on by default. */
  rejuvenate: boolean;
  /** Rejuvenation checkpoints. */
  schedule: Schedule;
  /** Rows the sweeps revisit (spec §3.8); older rows are folded into fixed statistics. Absent in older snapshots: the default. */
  window?: number;
  /** Forgetting factor ρ, or `"auto"` (spec §3.8, ./forget.ts); absent: 1, none. */
  forget?: Forget;
}

/** The JSON form of a particle set, opaque: `poolSets` and filter snapshots restore it bit for bit. */
export interface ParticleSetJson {
  /** @internal The model state's own snapshot. */
  state: unknown;
  /** @internal */
  rng: RngState;
  /** @internal */
  logW: string;
  /** @internal */
  logEvidence: number;
  /** @internal Rows the set has processed. */
  rows: number;
  /** @internal Its pooling weight under `forget: "auto"`, the discounted log evidence (absent otherwise). */
  recent?: number;
  /** @internal ESS, evidence and resampling per row or bucket of rows (absent in older snapshots). */
  health?: HealthJson;
  /** @internal Per-row histories of older snapshots, read when `health` is absent. */
  essHistory?: string;
  /** @internal */
  evidenceHistory?: string;
  /** @internal Rows at which the set resampled, as `encodeIntegers` text. */
  resampledAt?: string;
  /** @internal Initial ancestor of each particle, as `encodeIntegers` text. */
  origin: string;
  /** @internal */
  history: HistoryJson;
}

/**
 * One particle set of a filter; `createSets` builds them. The rows are the caller's (a
 * {@link RowStore} shared by the sets of a filter), appended before each row is observed.
 */
export class ParticleSet {
  /** Particles. */
  readonly N: number;
  /** Experts of the model. */
  readonly K: number;
  /** Normalised log weights. */
  logW: Float64Array;
  /** Running log evidence, log Ẑ (E17). */
  logEvidence = 0;
  /** The forgetting factor this set runs (1: none). */
  readonly rho: number;
  /** Under `forget: "auto"`, the log evidence with each row's increment discounted by α per later row (./forget.ts); else unused. */
  recent = 0;
  /** ESS before resampling, running log evidence (E17's partial sums) and resamplings, per row or bucket of rows (bounded). */
  health = new HealthSeries();
  /** Initial particle each particle descends from. */
  origin: Int32Array;
  /** Time spent filtering (rows and sweeps), in seconds; not part of snapshots. */
  seconds = 0;
  /** Time spent in sweeps alone, in seconds; not part of snapshots. */
  sweepSeconds = 0;
  /** @internal Each particle's allocations of the rows, for the sweeps. */
  readonly history: AllocationHistory;
  /**
   * Whether each row's record also holds the predictive mean and second moment before the row
   * and the distinct ancestors after it (the prequential trace; O(N·K·d²) more per row).
   */
  traced = false;
  /** The last row's record, laid out as `SetRecord` in ./trace.ts (nothing per row is kept). */
  readonly record = new Float64Array(SET_RECORD);
  private moments: Float64Array | null = null;
  private mark: Int32Array | null = null;
  private stamp = 0;
  private ell: Float64Array;
  private ellSpare: Float64Array;
  private originSpare: Int32Array;
  private readonly pred: Float64Array;
  private readonly counts: Int32Array;
  /** The evidence increment worked out by {@link prepare}. */
  private increment = 0;
  /** The row's posterior mean outlier weight from {@link prepare} (robust experts; NaN otherwise). */
  private weight = NaN;
  private readonly scratchStep: { z: Allocations; ancestors: Int32Array };
  private readonly resampler: Resampler;

  /**
   * @internal
   * @param state - the particles' model state, from the kernel
   * @param rng - the set's own random stream
   * @param options - how the set resamples and rejuvenates
   * @param history - restored allocation histories; empty by default
   * @param index - the set's place in its filter (which ρ it runs under `forget: "auto"`)
   */
  constructor(
    readonly state: ModelState,
    readonly rng: Rng,
    readonly options: SetOptions,
    history?: AllocationHistory,
    index = 0,
  ) {
    const { N, K } = state;
    this.N = N;
    this.K = K;
    this.rho = setForget(options.forget, index);
    this.logW = new Float64Array(N).fill(-Math.log(N));
    this.origin = Int32Array.from({ length: N }, (_, i) => i);
    this.originSpare = new Int32Array(N);
    this.history = history ?? new AllocationHistory(N, K, mostHeldRows(this.window));
    this.ell = new Float64Array(N * K);
    this.ellSpare = new Float64Array(N * K);
    this.pred = new Float64Array(N);
    this.counts = new Int32Array(N);
    this.scratchStep = { z: allocationArray(K, N), ancestors: new Int32Array(N) };
    this.resampler = new Resampler(N);
  }

  /** JSON-safe snapshot of everything but the model state and the options. */
  toJSON(): ParticleSetJson {
    return {
      state: this.state.toJSON(),
      rng: this.rng.getState(),
      logW: encodeFloat64(this.logW),
      logEvidence: this.logEvidence,
      rows: this.health.rows,
      ...(this.options.forget === "auto" ? { recent: this.recent } : {}),
      health: this.health.toJSON(),
      origin: encodeIntegers(this.origin),
      history: historyToJson(this.history, this.options.rejuvenate),
    };
  }

  /**
   * @internal Restores a set from {@link toJSON}; `state` is the model state restored by the kernel.
   * @throws Error naming the field when the JSON is malformed or inconsistent.
   */
  static fromJSON(state: ModelState, options: SetOptions, j: ParticleSetJson, index = 0): ParticleSet {
    const rows = j.rows;
    if (!(Number.isSafeInteger(rows) && rows >= 0)) throw new Error("set.rows is not a row count");
    if (typeof j.logEvidence !== "number" || Number.isNaN(j.logEvidence)) throw new Error("set.logEvidence is not a number");
    if (options.forget === "auto" && (typeof j.recent !== "number" || Number.isNaN(j.recent))) throw new Error("set.recent is not a number");
    const history = historyFromJson(state.N, state.K, j.history, options.rejuvenate ? rows : 0, mostHeldRows(options.window ?? DEFAULT_WINDOW));
    const set = new ParticleSet(state, Rng.fromState(j.rng), options, history, index);
    const kept = state.keptRows;
    if (kept > 0 && !(options.rejuvenate && set.rho === 1 && kept <= history.settled)) {
      throw new Error(`set.state keeps the statistics of ${kept} rows for a fold that this set (${history.settled} rows settled) would not make`);
    }
    set.logW = decodeFloat64(j.logW, state.N);
    set.logEvidence = j.logEvidence;
    if (options.forget === "auto") set.recent = j.recent as number;
    // loops, not spreads: these grow with the stream
    if (j.health !== undefined) set.health = HealthSeries.fromJSON(j.health, rows);
    else {
      // An older snapshot kept every row: replay it into the bounded series.
      const ess = decodeFloat64(String(j.essHistory), rows);
      const evidence = decodeFloat64(String(j.evidenceHistory), rows);
      const at = new Set(decodeIntegers(String(j.resampledAt), undefined, rows + 1));
      for (let t = 0; t < rows; t++) set.health.push(ess[t], evidence[t], at.has(t + 1));
    }
    set.origin = decodeIntegers(j.origin, state.N, state.N);
    return set;
  }

  /**
   * Phase 1 of a row: weighs every particle and works out the evidence increment, changing
   * nothing the set keeps. Throws FilterError("all_weights_zero") when every particle gives the
   * row zero probability, so a bad row leaves the filter exactly as it was.
   */
  prepare(x: Float64Array, y: number, row: number): void {
    const response = RESPONSE_KINDS[this.state.response];
    if (!response.accepts(y)) throw new FilterError("bad_input", `row ${row}: the response is ${y}; this model's experts take ${response.takes}`, row);
    const problem = this.state.rowProblem(x, y);
    if (problem !== null) throw new FilterError("bad_input", `row ${row}: ${problem}`, row);
    const t0 = performance.now();
    const { N, K, ell, pred, logW } = this;
    if (this.traced) this.recordPredictive(x);
    this.state.weigh(x, y, ell);
    for (let i = 0; i < N; i++) pred[i] = logW[i] + logSumExp(ell, i * K, (i + 1) * K);
    const inc = logSumExp(pred, 0, N);
    if (!(inc > -Infinity) || Number.isNaN(inc)) {
      throw new FilterError("all_weights_zero", `every particle gives row ${row} zero probability (all predictive densities underflowed); check the row for outliers or rescale y`, row);
    }
    this.increment = inc;
    this.weight = this.state.weighsRows ? this.rowWeight(inc) : NaN;
    this.seconds += (performance.now() - t0) / 1000;
  }

  /**
   * After weighing a row: the posterior mean of its outlier weight given it, Σ_{i,k}
   * W_i p(z = k, y | particle i)/p(y) · weight(y | particle i's expert k), the particles weighted by
   * their share of the row's evidence increment `inc`.
   */
  private rowWeight(inc: number): number {
    const { N, K, ell, logW } = this;
    let weight = 0;
    for (let i = 0; i < N; i++) {
      for (let k = 0; k < K; k++) {
        const p = Math.exp(logW[i] + ell[i * K + k] - inc);
        if (p > 0) weight += p * this.state.precisionWeight(i, k);
      }
    }
    return weight;
  }

  /** The predictive mean and E[y²] of the row before it is seen, into {@link record} (spec §3.8 trace). */
  private recordPredictive(x: Float64Array): void {
    const { N, K, logW } = this;
    const out = (this.moments ??= new Float64Array(N * K * 5));
    this.state.predictive(x, out);
    let mean = 0;
    let second = 0;
    for (let i = 0; i < N; i++) {
      const w = Math.exp(logW[i]);
      for (let k = 0; k < K; k++) {
        const o = (i * K + k) * 5;
        const g = w * out[o];
        if (g === 0) continue;
        mean += g * out[o + 1];
        second += g * (out[o + 4] + out[o + 1] * out[o + 1]);
      }
    }
    this.record[SetRecord.mean] = mean;
    this.record[SetRecord.second] = second;
  }

  /** Phase 2: processes row `rows.n − 1` (already appended to `rows`) after {@link prepare}. */
  commit(rows: RowStore, x: Float64Array, y: number): void {
    const t0 = performance.now();
    this.step(rows, x, y);
    this.seconds += (performance.now() - t0) / 1000;
  }

  /** Both phases for a row already appended to `rows`. */
  observe(rows: RowStore, x: Float64Array, y: number): void {
    this.prepare(x, y, rows.n);
    this.commit(rows, x, y);
  }

  private step(rows: RowStore, x: Float64Array, y: number): void {
    const { N, pred, logW } = this;
    const row = rows.n;
    const inc = this.increment;
    const record = this.record;
    record[SetRecord.evidenceBefore] = this.logEvidence;
    record[SetRecord.logPredictive] = inc;
    if (!this.traced) record[SetRecord.mean] = record[SetRecord.second] = NaN;
    record[SetRecord.rho] = this.rho;
    record[SetRecord.weight] = this.weight;
    record[SetRecord.weightBefore] = this.poolWeight;
    this.logEvidence += inc;
    // Under "auto" the past's weight decays by α before the row is added (./forget.ts).
    if (this.options.forget === "auto") this.recent = AUTO_FORGET.alpha * this.recent + inc;
    record[SetRecord.weightAfter] = this.options.forget === "auto" ? this.recent : this.logEvidence;
    let s2 = 0;
    for (let i = 0; i < N; i++) {
      logW[i] = pred[i] - inc;
      const w = Math.exp(logW[i]);
      s2 += w * w;
    }
    const ess = 1 / s2;
    // Allocations are kept only for the sweeps; without them one buffer is reused.
    const step = this.options.rejuvenate ? this.history.nextStep() : this.scratchStep;
    record[SetRecord.ess] = ess;
    record[SetRecord.evidenceAfter] = this.logEvidence;
    record[SetRecord.resampled] = 0;
    const resampling = this.options.resampling === "every" || ess < this.options.essThreshold * N;
    if (resampling) {
      this.resample(step.ancestors);
      record[SetRecord.resampled] = 1;
    } else {
      for (let i = 0; i < N; i++) step.ancestors[i] = i;
    }
    this.health.push(ess, this.logEvidence, resampling);
    if (!this.state.propagate(this.rng, x, y, this.ell, step.z, row - 1, this.rho)) {
      throw new FilterError("cholesky_failed", `a precision matrix lost positive definiteness at row ${row}`, row);
    }
    if (this.options.rejuvenate && isCheckpoint(row, this.options.schedule, this.window)) this.rejuvenate(rows);
    record[SetRecord.ancestors] = this.traced ? this.distinctAncestors() : NaN;
  }

  /** Distinct initial particles that still have descendants (a stamp per initial particle: nothing allocated per row). */
  distinctAncestors(): number {
    const N = this.N;
    const mark = (this.mark ??= new Int32Array(N));
    if (++this.stamp === 0x7fffffff) {
      mark.fill(0);
      this.stamp = 1;
    }
    let n = 0;
    for (let i = 0; i < N; i++) {
      const o = this.origin[i];
      if (mark[o] !== this.stamp) {
        mark[o] = this.stamp;
        n++;
      }
    }
    return n;
  }

  /** The end-of-data sweep (spec §3.7 schedule), when rows arrived since the last one. */
  finish(rows: RowStore): void {
    if (!this.options.rejuvenate || this.history.pendingSteps().length === 0) return;
    const t0 = performance.now();
    this.rejuvenate(rows);
    this.seconds += (performance.now() - t0) / 1000;
  }

  /**
   * The set's log pooling weight for the next row (up to a constant shared by the sets): its log
   * evidence, or under `forget: "auto"` its recent evidence decayed once more by α
   * (./forget.ts), the weight the pool gives its predictive of the next row.
   */
  get poolWeight(): number {
    return this.options.forget === "auto" ? AUTO_FORGET.alpha * this.recent : this.logEvidence;
  }

  /** Rows the sweeps revisit (the option, or the default). */
  get window(): number {
    return this.options.window ?? DEFAULT_WINDOW;
  }

  /** The first row the set still needs (the rows before it are folded): its owner may drop them. */
  get heldFrom(): number {
    return this.history.base;
  }

  /**
   * One sweep for every particle over the window of the last {@link window} rows (spec §3.7,
   * §3.8): the rows that left the window are first folded into fixed statistics.
   */
  rejuvenate(rows: RowStore): void {
    const t0 = performance.now();
    const h = this.history;
    h.settle();
    const fold = h.settled - this.window;
    let ok = true;
    if (fold > 0) {
      ok = this.state.fold(this.rng, rows, h.base, h.full, h.stride, fold, this.rho);
      h.drop(fold);
    }
    ok = ok && this.state.sweep(this.rng, rows, h.base, h.full, h.stride, h.settled, this.rho, this.keptForFold(rows.n));
    this.sweepSeconds += (performance.now() - t0) / 1000;
    if (!ok) {
      throw new FilterError("cholesky_failed", `a precision matrix lost positive definiteness in the rejuvenation sweep after row ${rows.n}`, rows.n);
    }
  }

  /**
   * Rows at the start of the window that the fold at the next checkpoint will take, if the rows
   * arrive as the schedule foresees: the sweep after `n` rows keeps their part of its statistics
   * for that fold (spec §3.8). None under forgetting, where a row's weight when folded differs
   * from its weight now, or without a window.
   */
  private keptForFold(n: number): number {
    if (this.rho !== 1 || !(this.window < Infinity)) return 0;
    const fold = this.history.settled + nextCheckpoint(n, this.options.schedule, this.window) - n - this.window;
    // a fold of more rows than the window holds now could not use them
    return fold > 0 && fold <= this.history.settled ? fold : 0;
  }

  private resample(ancestors: Int32Array): void {
    const { N, K } = this;
    try {
      this.resampler.resample(this.rng, this.options.scheme, this.logW, N, ancestors);
    } catch (e) {
      if (e instanceof DegenerateWeightsError) throw new FilterError("all_weights_zero", `the particle weights cannot be normalised (${e.reason})`);
      throw e;
    }
    keepSurvivorsInPlace(ancestors, this.counts, N);
    this.state.gather(ancestors);
    for (let i = 0; i < N; i++) {
      const a = ancestors[i];
      for (let k = 0; k < K; k++) this.ellSpare[i * K + k] = this.ell[a * K + k];
      this.originSpare[i] = this.origin[a];
    }
    [this.ell, this.ellSpare] = [this.ellSpare, this.ell];
    [this.origin, this.originSpare] = [this.originSpare, this.origin];
    this.logW.fill(-Math.log(N));
  }

}

/**
 * Rearranges resampled ancestors (a multiset: only the number of copies of each particle
 * matters) so that every surviving particle keeps its own slot and the extra copies fill the
 * slots of the particles that died. Then `ancestors[i] === i` or `ancestors[ancestors[i]] ===
 * ancestors[i]`, which lets the model blocks gather in place, copying only the dead slots.
 */
export function keepSurvivorsInPlace(ancestors: Int32Array, counts: Int32Array, N: number): void {
  counts.fill(0, 0, N);
  for (let i = 0; i < N; i++) counts[ancestors[i]]++;
  let source = 0; // next particle with a copy to spare
  for (let i = 0; i < N; i++) {
    if (counts[i] > 0) {
      ancestors[i] = i;
      continue;
    }
    while (counts[source] <= 1) source++;
    ancestors[i] = source;
    counts[source]--;
  }
}
