/**
 * The filter a user drives (DESIGN §4): M independent particle sets of N/M particles each,
 * pooled by their evidence (spec §3.7: independent sets keep a seed out of a wrong mode, and
 * their spread gives the evidence's standard error). Rows are shared; each set has its own
 * split of the random stream. This module is the driver: options, rows in, snapshot and
 * restore; what the pooled sets say about the posterior is summaries.ts.
 */
import { Rng } from "../rng/rng.js";
import type { SchemeName } from "../smc/index.js";
import { FilterError } from "./errors.js";
import type { KernelInfo, KernelModule, ModelState } from "./kernel.js";
import { ParticleSet, type ParticleSetJson, type SetOptions } from "./particle-set.js";
import { decodeFloat64, encodeFloat64 } from "../snapshot.js";
import { RowStore } from "./rows.js";
import { PooledSummaries } from "./summaries.js";
import { DEFAULT_SCHEDULE, DEFAULT_WINDOW, type Schedule } from "./schedule.js";
import { MAX_INPUTS, MAX_PARTICLES, MAX_SETS, validateOptions } from "./options.js";
import type { Forget } from "./forget.js";
import { HealthSeries, type HealthJson } from "./health.js";
import { ColumnMoments, type ColumnMomentsJson } from "./columns.js";
import { ChangeDetector, OutlierRows, poolRecords, SET_RECORD, type Alarm, type AlarmState, type Outliers, type TraceRow } from "./trace.js";

/** Options of a filter (see `CompiledModel.filter`). */
export interface FilterOptions {
  /** Total particles over all sets; default 1000. */
  particles?: number;
  /** Seed of the random stream; the same seed gives the same fit. Default 1. */
  seed?: number | string;
  /** Independent particle sets pooled by evidence; default 4. */
  sets?: number;
  /**
   * Resample when the ESS falls below `essThreshold`·N (the default: spec §3.5, measured better
   * with the sweeps on every expert family) or at every row (plain particle learning, the
   * default under forgetting: carried weights would keep every row since the last resampling
   * at full weight, where the statistics discount it).
   */
  resampling?: "every" | "ess";
  /** Fraction of N under which ESS-triggered resampling fires; default 0.5. */
  essThreshold?: number;
  /** Resampling scheme; default systematic. */
  scheme?: SchemeName;
  /** Resample-move rejuvenation at checkpoints; default on (spec §3.7: required for accuracy). */
  rejuvenate?: boolean;
  /** Rejuvenation checkpoints; default every 10 rows to 100, then doubling. */
  schedule?: Schedule;
  /**
   * Rows the sweeps revisit (spec §3.8, fixed lag): older rows are folded into fixed
   * statistics, so memory stays bounded on an endless stream; default 4096.
   */
  window?: number;
  /**
   * Lengths of the model's inputs in the order a row concatenates them (the kernel's
   * `info.inputs`); default one input of length D.
   */
  inputs?: readonly number[];
  /**
   * Record the prequential trace (spec §3.8): `observe` then returns each row's
   * {@link TraceRow}, with the predictive mean and sd before the row (costs about one more
   * predictive per row). The change alarms run either way.
   */
  trace?: boolean;
  /**
   * Forgetting (spec §3.8): after each row every block keeps its prior and ρ times the data's
   * part of its statistics, so a row s rows old weighs ρ^s and the posterior follows a world
   * that changes; 1 (the default) forgets nothing. `"auto"`: the sets run factors from a grid
   * and are pooled by their recent evidence (runtime/pl/forget.ts), so ρ need not be tuned.
   */
  forget?: Forget;
}

/** The inputs' lengths the options give for rows of D entries. */
export function inputSizes(options: FilterOptions, D: number): number[] {
  const sizes = options.inputs ? Array.from(options.inputs) : [D];
  const total = sizes.reduce((a, n) => a + n, 0);
  if (total !== D) throw new FilterError("bad_input", `the inputs' lengths (${sizes.join(" + ")} = ${total}) do not add up to the row's ${D} entries`);
  return sizes;
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
  const forgets = options.forget !== undefined && options.forget !== 1;
  const setOptions: SetOptions = {
    resampling: options.resampling ?? (forgets ? "every" : "ess"),
    essThreshold: options.essThreshold ?? 0.5,
    scheme: options.scheme ?? "systematic",
    rejuvenate: options.rejuvenate ?? true,
    schedule: options.schedule ?? DEFAULT_SCHEDULE,
    window: options.window ?? DEFAULT_WINDOW,
    ...(forgets ? { forget: options.forget } : {}),
  };
  const root = Rng.fromSeed(options.seed ?? 1);
  const sizes = inputSizes(options, D);
  return indices.map((m) => {
    const rng = root.split(m);
    let state: ModelState;
    try {
      state = kernel.create(N, sizes, rng);
    } catch (e) {
      // The kernel checks the inputs' lengths against the model (and its prior against them).
      throw new FilterError("bad_input", e instanceof Error ? e.message : String(e));
    }
    const set = new ParticleSet(state, rng, setOptions, undefined, m);
    set.traced = options.trace === true;
    return set;
  });
}

/** The `format` of every filter snapshot of this version. */
export const SNAPSHOT_FORMAT = "hsmoe-filter/2";

/** The JSON form of a filter (DESIGN §4: JSON-safe; restore continues bit for bit). */
export interface FilterSnapshot {
  /** Marks the object as a filter snapshot of this version. */
  format: typeof SNAPSHOT_FORMAT;
  /** @internal */
  info: KernelInfo;
  /** @internal */
  D: number;
  /** Lengths of the inputs that make up a row (absent in a one-input snapshot: [D]). */
  inputs?: readonly number[];
  /** @internal */
  options: SetOptions;
  /** @internal The rows seen, the first one held (absent before windows: 0), and the held rows. */
  rows: { n: number; start?: number; x: string; y: string };
  /** @internal */
  sets: ParticleSetJson[];
  /** @internal The change detector on the prequential score (absent in older snapshots: a fresh one). */
  monitor?: AlarmState;
  /** @internal The rows robust experts weigh least (absent in older snapshots and for other experts). */
  outliers?: Outliers;
  /** @internal The pooled series (absent in older snapshots). */
  pooled?: HealthJson;
  /** @internal Each input column's running mean and variance (absent in older snapshots). */
  columns?: ColumnMomentsJson;
}

/**
 * A gate coefficient that runs away (spec §8.4): the rows that reach its stick (or a softmax
 * category's rows against the rest) separate along its input, and under a prior that bounds no
 * variance (the horseshoe's Cauchy tails) nothing stops it.
 */
export interface Separation {
  /** The row of gate coefficients, from 1: a stick, or a softmax category (see {@link Filter.gateRows}). */
  row: number;
  /** The input column, from 0. */
  coefficient: number;
  /** |E[φ]| times the column's sd: how far one sd of the input moves the row's log-odds. */
  logOddsPerSd: number;
}

/**
 * Above this change of a stick's log-odds per sd of an input (e^−10: a probability of 0.99995 one
 * sd away from an even split) a coefficient is reported as running away.
 */
export const SEPARATION_LOG_ODDS = 10;

/**
 * A particle-learning filter over a stream of rows: the driver (rows in, snapshots out) on top
 * of the summaries of {@link PooledSummaries}.
 */
export class Filter extends PooledSummaries {
  /** The rows seen (their values too when the sets rejuvenate: the sweeps revisit them). */
  readonly rows: RowStore;
  /** Lengths of the model's inputs, in the order a row holds them. */
  readonly inputs: readonly number[];
  private readonly x: Float64Array;
  /** The change detector on the pooled prequential score (spec §3.8); its alarms are {@link alarms}. */
  monitor = new ChangeDetector();
  /** The rows robust experts weigh least (spec §2.5), or null when the experts weigh no rows; see {@link outliers}. */
  outlierRows: OutlierRows | null;
  /**
   * The pooled filter's health per row or bucket of rows (bounded): ESS summed over the sets,
   * the running sum of the pooled prequential scores (under `forget: "auto"` not the pooled
   * evidence) and the sets that resampled; null when restored from a snapshot that had none.
   */
  pooled: HealthSeries | null = new HealthSeries();
  /** Each input column's moments over the stream; null when restored from a snapshot that had none. */
  columns: ColumnMoments | null;
  private readonly records: Float64Array;

  /**
   * @param kernel - the loaded kernel of the model
   * @param D - inputs per row
   * @param options - ignored when `sets` is given
   * @param sets - particle sets to continue (from {@link Filter.restore}); new ones by default
   * @param rows - the rows those sets have seen
   * @throws FilterError("bad_input") for an input size or an option out of range.
   */
  constructor(
    readonly kernel: KernelModule,
    D: number,
    options: FilterOptions = {},
    sets?: ParticleSet[],
    rows?: RowStore,
  ) {
    if (!(Number.isInteger(D) && D >= 1 && D <= MAX_INPUTS)) throw new FilterError("bad_input", `the input size must be an integer from 1 to ${MAX_INPUTS}, not ${D}`);
    super(sets ?? createSets(kernel, D, options, Array.from({ length: setCount(options) }, (_, m) => m)), kernel.info.experts, D);
    this.inputs = inputSizes(options, D);
    this.rows = rows ?? new RowStore(D, 256, this.sets[0].options.rejuvenate);
    this.x = new Float64Array(D);
    this.records = new Float64Array(this.sets.length * SET_RECORD);
    this.outlierRows = kernel.info.weighsRows ? new OutlierRows() : null;
    this.columns = new ColumnMoments(D);
  }

  /** What each row of the gate's coefficients ({@link shrinkage}, {@link separation}) is: a stick, or an expert's softmax category. */
  get gateRows(): "stick" | "expert" {
    return this.kernel.info.gateRows ?? "stick";
  }

  /**
   * Gate coefficients that run away (spec §8.4): every stick coefficient whose posterior mean
   * moves the log-odds by more than {@link SEPARATION_LOG_ODDS} per sd of its input, under a
   * gate prior that bounds no variance. Empty for a bounded prior (a fixed Normal, a slab),
   * constant stops, a gate on a designed row (transforms, several coefficient families) and a
   * filter restored from a snapshot without column moments.
   */
  separation(): Separation[] {
    const s0 = this.sets[0].state;
    if (s0.gateBounded || !this.columns || s0.gateCoefficientNames !== null) return [];
    const phi = this.gateCoefficients();
    const out: Separation[] = [];
    phi?.forEach((row, l) =>
      row.forEach((v, j) => {
        const logOddsPerSd = Math.abs(v) * this.columns!.sd(j);
        if (logOddsPerSd > SEPARATION_LOG_ODDS) out.push({ row: l + 1, coefficient: j, logOddsPerSd });
      }),
    );
    return out;
  }

  /**
   * Robust experts: the rows weighed least so far, by their posterior mean outlier weight
   * given the rows up to them (the count below the threshold and the smallest few); null for
   * experts that weigh no rows.
   */
  get outliers(): Outliers | null {
    return this.outlierRows?.outliers ?? null;
  }

  /** Change alarms on the prequential score so far: the row where each fired and its strength. */
  get alarms(): readonly Alarm[] {
    return this.monitor.alarms;
  }

  /** A JSON-safe snapshot; {@link Filter.restore} continues from it bit for bit. */
  snapshot(): FilterSnapshot {
    return {
      format: SNAPSHOT_FORMAT,
      info: this.kernel.info,
      D: this.D,
      inputs: this.inputs,
      options: this.sets[0].options,
      rows: encodeRows(this.rows),
      sets: this.sets.map((s) => s.toJSON()),
      monitor: this.monitor.toJSON(),
      ...(this.outlierRows ? { outliers: this.outlierRows.toJSON() } : {}),
      ...(this.pooled ? { pooled: this.pooled.toJSON() } : {}),
      ...(this.columns ? { columns: this.columns.toJSON() } : {}),
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

  /**
   * Feeds one row. With the `trace` option, returns the row's prequential record (what the
   * filter predicted before seeing it, its score, ESS, ancestors, evidence, alarm).
   */
  observe(x: ArrayLike<number>, y: number): TraceRow | undefined {
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
    this.dropFolded();
    this.sets.forEach((s, m) => this.records.set(s.record, m * SET_RECORD));
    const row = poolRecords(this.records, this.sets.length, this.rows.n);
    row.alarm = this.monitor.push(row.t, row.logPredictive);
    this.outlierRows?.push(row.t, row.weight);
    this.columns?.push(this.x);
    if (this.pooled) pushPooled(this.pooled, row);
    return this.sets[0].traced ? row : undefined;
  }

  /** Runs the end-of-data rejuvenation sweep (spec §3.7 schedule: "and at the end of the data"). */
  finish(): void {
    this.version++;
    for (const s of this.sets) s.finish(this.rows);
    this.dropFolded();
  }

  /** Drops the rows every set has folded out of its window (spec §3.8): memory stays bounded. */
  private dropFolded(): void {
    this.rows.dropBefore(this.sets.reduce((a, s) => Math.min(a, s.heldFrom), Infinity));
  }
}

/** Records a pooled trace row in the pooled health series (its score added to the running sum). */
export function pushPooled(series: HealthSeries, row: TraceRow): void {
  const sum = series.rows === 0 ? 0 : series.evidence[series.length - 1];
  series.push(row.ess, sum + row.logPredictive, row.resampled > 0);
}

/** The rows as a snapshot holds them: their count, the first held, and the held rows' values when they are kept. */
export function encodeRows(rows: RowStore): FilterSnapshot["rows"] {
  return { n: rows.n, start: rows.start, x: encodeFloat64(rows.x.subarray(0, rows.held * rows.D)), y: encodeFloat64(rows.y.subarray(0, rows.held)) };
}

/** The snapshot, checked field by field (see {@link Filter.restore}); throws plain Errors on corrupt fields. */
function restoreChecked(kernel: KernelModule, snap: FilterSnapshot): Filter {
  if (typeof snap !== "object" || snap === null || snap.format !== SNAPSHOT_FORMAT) throw new FilterError("bad_snapshot", "not an hsmoe filter snapshot");
  const otherModel = infoDifference(snap.info, kernel.info);
  if (otherModel) throw new FilterError("bad_snapshot", `the snapshot is of another model: ${otherModel}; compile the same model with the same hyperparameters`);
  const { D, rows, sets } = snap;
  if (!(Number.isInteger(D) && D >= 1 && D <= MAX_INPUTS)) throw new Error("D is not an input size");
  if (typeof snap.options !== "object" || snap.options === null) throw new Error("options is not an object");
  const { resampling, essThreshold, scheme, rejuvenate, schedule, forget } = snap.options;
  const window = snap.options.window ?? DEFAULT_WINDOW;
  try {
    validateOptions({ resampling, essThreshold, scheme, rejuvenate, schedule, window, forget, sets: Array.isArray(sets) ? sets.length : undefined, particles: MAX_PARTICLES });
  } catch (e) {
    throw new Error((e as Error).message);
  }
  const options: SetOptions = { resampling, essThreshold, scheme, rejuvenate, schedule: { denseEvery: schedule.denseEvery, denseUntil: schedule.denseUntil }, window, ...(forget !== undefined ? { forget } : {}) };
  if (!Array.isArray(sets) || sets.length < 1 || sets.length > MAX_SETS) throw new Error("sets is not a list of particle sets");
  if (typeof rows !== "object" || rows === null || !(Number.isSafeInteger(rows.n) && rows.n >= 0)) throw new Error("rows is not a row store");
  const sizes = snap.inputs === undefined ? [D] : snap.inputs;
  try {
    validateOptions({ inputs: sizes });
    inputSizes({ inputs: sizes }, D);
  } catch (e) {
    throw new Error(`inputs: ${(e as Error).message}`);
  }
  const fresh = kernel.create(1, sizes, Rng.fromSeed(0)).toJSON();
  let N = 0;
  const restored = sets.map((j, m) => {
    if (typeof j !== "object" || j === null) throw new Error(`set ${m + 1} is not an object`);
    if (j.rows !== rows.n) throw new Error(`set ${m + 1} has seen ${j.rows} rows, the filter ${rows.n}`);
    const n = sameConstants(fresh, j.state, `set ${m + 1}`);
    if (m > 0 && n !== N) throw new Error(`set ${m + 1} has ${n} particles, set 1 ${N}`);
    N = n;
    if (N * sets.length > MAX_PARTICLES) throw new Error(`${N * sets.length} particles is more than ${MAX_PARTICLES}`);
    return ParticleSet.fromJSON(kernel.restore(j.state), options, j, m);
  });
  const start = rows.start ?? 0;
  if (!(Number.isSafeInteger(start) && start >= 0 && start <= rows.n)) throw new Error("rows.start is not a row of the stream");
  const needed = restored.reduce((a, s) => Math.min(a, s.heldFrom), Infinity);
  if (needed < start) throw new Error(`rows.start is ${start}, but a set still needs rows from ${needed}`);
  const held = options.rejuvenate ? rows.n - start : 0;
  const store = new RowStore(D, Math.max(1, held), options.rejuvenate);
  const x = decodeFloat64(rows.x, held * D);
  const y = decodeFloat64(rows.y, held);
  store.start = store.n = options.rejuvenate ? start : 0;
  for (let s = 0; s < held; s++) store.push(x.subarray(s * D, (s + 1) * D), y[s]);
  if (!options.rejuvenate) store.n = rows.n;
  const filter = new Filter(kernel, D, { particles: restored.length * N, sets: restored.length, inputs: sizes }, restored, store);
  if (snap.monitor !== undefined) filter.monitor = ChangeDetector.fromJSON(snap.monitor);
  if (snap.outliers !== undefined && filter.outlierRows) filter.outlierRows = OutlierRows.fromJSON(snap.outliers, rows.n);
  filter.pooled = snap.pooled === undefined ? null : HealthSeries.fromJSON(snap.pooled, rows.n, "pooled");
  filter.columns = snap.columns === undefined ? null : ColumnMoments.fromJSON(snap.columns, D, rows.n);
  return filter;
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
    const shown = (v: number | readonly number[] | undefined) => (v === undefined ? "(none)" : typeof v === "number" ? String(v) : `[${v.join(", ")}]`);
    if (shown(a) !== shown(b)) out.push(`${h} = ${shown(a)}, not ${shown(b)}`);
  }
  // a snapshot from before `weighsRows` was recorded lacks it: its kernel weighed no rows
  const rest = (i: KernelInfo) => JSON.stringify({ ...i, weighsRows: undefined });
  const same = rest(theirs) === rest(ours) && (theirs.weighsRows === true) === (ours.weighsRows === true);
  if (out.length === 0 && !same) out.push("its inference plan or data names differ");
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
