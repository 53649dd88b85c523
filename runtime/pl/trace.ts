/**
 * The prequential trace (spec §3.8): per row, what the filter predicted before it saw the row
 * and how it scored, pooled over the particle sets, and a change alarm on that score.
 *
 * Each set records its last row in a fixed {@link SET_RECORD}-entry slot (nothing grows with
 * the stream); {@link poolRecords} combines the sets as the pooled filter does (spec §3.7: sets
 * weighted by their evidence), so a trace written from worker threads equals the one a single
 * thread would write.
 */

/** Entries of one set's record of one row; see {@link SetRecord} for their order. */
export const SET_RECORD = 12;

/** The order of a set's record: offsets into its {@link SET_RECORD} entries. */
export const SetRecord = {
  /** log Ẑ of the set before the row (for the pool's weights). */
  evidenceBefore: 0,
  /** log p̂(y_t | y_{1:t−1}) of the set: its evidence increment (E17). */
  logPredictive: 1,
  /** The set's predictive mean of y_t before it saw the row (NaN when not traced). */
  mean: 2,
  /** The set's predictive E[y_t²] before it saw the row (NaN when not traced). */
  second: 3,
  /** ESS before resampling. */
  ess: 4,
  /** 1 when the set resampled at this row. */
  resampled: 5,
  /** Distinct initial ancestors after the row (NaN when not traced). */
  ancestors: 6,
  /** log Ẑ of the set after the row. */
  evidenceAfter: 7,
  /** The set's log pooling weight before the row (its evidence, or its recent evidence under `forget: "auto"`). */
  weightBefore: 8,
  /** The same after the row. */
  weightAfter: 9,
  /** The forgetting factor the set runs. */
  rho: 10,
  /** The set's posterior mean of the row's precision weight λ after it saw the row (robust experts; NaN otherwise). */
  weight: 11,
} as const;

/** One line of the prequential trace (DESIGN §3, `fit --trace`), pooled over the sets. */
export interface TraceRow {
  /** 1-based row number. */
  t: number;
  /** log density of the row under the predictive before it was observed. */
  logPredictive: number;
  /** Predictive mean of y before the row was observed. */
  mean: number;
  /** Predictive sd of y before the row was observed (∞ when the predictive has no finite variance). */
  sd: number;
  /** ESS before resampling, summed over the sets. */
  ess: number;
  /** Sets that resampled at this row. */
  resampled: number;
  /** Distinct initial ancestors left, summed over the sets. */
  ancestors: number;
  /** Running log evidence (the pooled estimate after this row). */
  logEvidence: number;
  /** The forgetting factor in force (1: none): under `forget: "auto"`, the sets' factors averaged with their pooling weights. */
  forget: number;
  /** Change-alarm strength when an alarm fires at this row, else 0. */
  alarm: number;
  /**
   * Robust experts: the posterior mean of the row's outlier weight given the rows up to it (E[λ]
   * for Student-t experts, 2/(1 + |r|/σ) for Laplace experts; about 1 for a typical row, near 0
   * for an outlier); NaN for other experts.
   */
  weight: number;
}

/** The trace's CSV columns, in order. */
export const TRACE_COLUMNS: readonly (keyof TraceRow)[] = ["t", "logPredictive", "mean", "sd", "ess", "resampled", "ancestors", "logEvidence", "forget", "alarm"];

/** The trace's columns for a model whose experts weigh rows (robust experts): each row's outlier weight last. */
export function traceColumns(weighsRows: boolean): readonly (keyof TraceRow)[] {
  return weighsRows ? [...TRACE_COLUMNS, "weight"] : TRACE_COLUMNS;
}

/** log of the mean of exp(v[m·stride + at]) over m < M, computed without overflow. */
function logMeanExp(v: Float64Array, M: number, at: number): number {
  let top = -Infinity;
  for (let m = 0; m < M; m++) top = Math.max(top, v[m * SET_RECORD + at]);
  if (!(top > -Infinity)) return top;
  let s = 0;
  for (let m = 0; m < M; m++) s += Math.exp(v[m * SET_RECORD + at] - top);
  return top + Math.log(s / M);
}

/**
 * Pools the records of M sets for row t (`records[m·SET_RECORD …]`): the pool is the mixture of
 * the sets with weights ∝ their pooling weights before the row (their evidence, or their recent
 * evidence under `forget: "auto"`), so its log predictive is the change in the pooled weight,
 * and its moments and forgetting factor the weighted ones. The running evidence pools the sets'
 * evidence. `alarm` is left 0.
 */
export function poolRecords(records: Float64Array, M: number, t: number): TraceRow {
  const R = SetRecord;
  const before = logMeanExp(records, M, R.weightBefore);
  const after = logMeanExp(records, M, R.weightAfter);
  let mean = 0;
  let second = 0;
  let ess = 0;
  let resampled = 0;
  let ancestors = 0;
  let forget = 0;
  let weight = 0;
  let same = true;
  for (let m = 0; m < M; m++) {
    const o = m * SET_RECORD;
    const w = M === 1 ? 1 : Math.exp(records[o + R.weightBefore] - before) / M;
    mean += w * records[o + R.mean];
    second += w * records[o + R.second];
    forget += w * records[o + R.rho];
    same &&= records[o + R.rho] === records[R.rho];
    ess += records[o + R.ess];
    resampled += records[o + R.resampled];
    ancestors += records[o + R.ancestors];
    // a posterior quantity given the row: the sets weighted as they are after it
    weight += (M === 1 ? 1 : Math.exp(records[o + R.weightAfter] - after) / M) * records[o + R.weight];
  }
  const variance = second - mean * mean;
  return {
    t,
    logPredictive: after - before,
    mean,
    sd: Number.isFinite(second) ? Math.sqrt(Math.max(0, variance)) : second,
    ess,
    resampled,
    ancestors,
    logEvidence: logMeanExp(records, M, R.evidenceAfter),
    // one factor in every set is that factor, not a sum rounded near it
    forget: same ? records[R.rho] : forget,
    alarm: 0,
    weight,
  };
}

/** The detector's settings; {@link DEFAULT_ALARM} is what `fit` uses. */
export interface AlarmSettings {
  /** Rows whose mean and sd start the running level and spread, before (and after each alarm) it may fire. */
  warmup: number;
  /** A score joins the running level only this many rows later, so a change is detected before it becomes the new normal. */
  lag: number;
  /** Weight of each score in the running level and spread (EWMAs). */
  rate: number;
  /** Allowance k: drops smaller than k running sds are not evidence of a change. */
  allowance: number;
  /** A standardised drop is capped here, so one outlying row cannot raise an alarm on its own. */
  cap: number;
  /** Threshold h on the CUSUM statistic, in running sds. */
  threshold: number;
}

/** Default alarm settings (false-alarm rate and delay measured in test/pl/trace.test.ts and bench/alarms.ts; docs/spec.md §3.8). */
export const DEFAULT_ALARM: AlarmSettings = { warmup: 50, lag: 50, rate: 0.02, allowance: 0.5, cap: 3, threshold: 14 };

/** An alarm: the row where the detector fired and its strength (the CUSUM statistic, in running sds). */
export interface Alarm {
  /** The 1-based row at which it fired. */
  row: number;
  /** The CUSUM statistic then, in running sds of the score. */
  strength: number;
}

/** The detector's state, JSON-safe (a filter snapshot carries it). */
export interface AlarmState {
  /** Scores seen since the start or the last alarm. */
  seen: number;
  /** Running level of the score. */
  level: number;
  /** Σ squared deviations while warming up, then the running sd. */
  spread: number;
  /** The CUSUM statistic. */
  cusum: number;
  /** The last `lag` scores, oldest first, not yet in the level. */
  pending: number[];
  /** Alarms so far. */
  alarms: Alarm[];
}

/**
 * A one-sided CUSUM on the prequential score (spec §3.8): against a running level μ̂ and
 * spread σ̂ of ℓ_t (EWMAs of the scores `lag` rows old, so a change is not taken for the new
 * normal before it is detected), `C_t = max(0, C_{t−1} + min(cap, (μ̂ − ℓ_t)/σ̂) − k)`, alarm
 * when `C_t > h`; then everything restarts, since the filter adapts to the new regime (or
 * does not) either way. Memory: the `lag` pending scores and the alarms.
 */
export class ChangeDetector {
  private state: AlarmState = { seen: 0, level: 0, spread: 0, cusum: 0, pending: [], alarms: [] };

  /** @param settings - the detector's settings; {@link DEFAULT_ALARM} by default */
  constructor(readonly settings: AlarmSettings = DEFAULT_ALARM) {}

  /** Alarms so far (row 1-based, strength). */
  get alarms(): readonly Alarm[] {
    return this.state.alarms;
  }

  /** Feeds row t's score; returns the alarm strength when one fires, else 0. Non-finite scores are skipped. */
  push(t: number, score: number): number {
    const s = this.state;
    const { warmup, lag, rate, allowance, cap, threshold } = this.settings;
    if (!Number.isFinite(score)) return 0;
    s.seen++;
    if (s.seen <= warmup) {
      // Welford's mean and sum of squares, then the running sd.
      const delta = score - s.level;
      s.level += delta / s.seen;
      s.spread += delta * (score - s.level);
      if (s.seen === warmup) s.spread = Math.sqrt(s.spread / Math.max(1, warmup - 1));
      return 0;
    }
    const z = Math.min(cap, (s.level - score) / Math.max(s.spread, 1e-9));
    s.cusum = Math.max(0, s.cusum + z - allowance);
    if (s.cusum > threshold) {
      const strength = s.cusum;
      s.alarms.push({ row: t, strength });
      Object.assign(s, { seen: 0, level: 0, spread: 0, cusum: 0, pending: [] });
      return strength;
    }
    s.pending.push(score);
    if (s.pending.length > lag) {
      const old = s.pending.shift()!;
      const dev = old - s.level;
      s.level += rate * dev;
      s.spread = Math.sqrt((1 - rate) * (s.spread * s.spread + rate * dev * dev));
    }
    return 0;
  }

  /** JSON-safe state. */
  toJSON(): AlarmState {
    return { ...this.state, pending: [...this.state.pending], alarms: this.state.alarms.map((a) => ({ ...a })) };
  }

  /**
   * Restores a state written by {@link toJSON}.
   * @throws Error naming the field when it is malformed.
   */
  static fromJSON(j: unknown, settings: AlarmSettings = DEFAULT_ALARM): ChangeDetector {
    const o = j as Partial<AlarmState> | null;
    const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
    if (!o || typeof o !== "object" || !finite(o.seen) || !finite(o.level) || !finite(o.spread) || !finite(o.cusum)) throw new Error("monitor is not a change detector's state");
    if (!Array.isArray(o.pending) || o.pending.length > settings.lag || !o.pending.every(finite)) throw new Error("monitor.pending is not a list of scores");
    if (!Array.isArray(o.alarms) || !o.alarms.every((a) => a && finite(a.row) && finite(a.strength))) throw new Error("monitor.alarms is not a list of alarms");
    const d = new ChangeDetector(settings);
    d.state = { seen: o.seen, level: o.level, spread: o.spread, cusum: o.cusum, pending: [...o.pending], alarms: o.alarms.map((a) => ({ row: a.row, strength: a.strength })) };
    return d;
  }
}

/** What {@link OutlierRows} reports, and its JSON state. */
export interface Outliers {
  /** A row is counted when its weight is below this. */
  threshold: number;
  /** Rows seen with a weight below the threshold. */
  count: number;
  /** The rows with the smallest weights below the threshold (at most {@link OutlierRows.keep}), smallest first. */
  rows: {
    /** The 1-based row of the stream. */
    row: number;
    /** Its outlier weight. */
    weight: number;
  }[];
}

/**
 * The rows robust experts weigh least (spec §2.5): each row's posterior mean outlier weight
 * given the rows up to it (about 1 for a typical row; an outlier's is near 0), pooled over the sets.
 * Keeps the count of rows below the threshold and the {@link OutlierRows.keep} smallest, so
 * memory does not grow with the stream.
 */
export class OutlierRows {
  /** Rows kept in the list. */
  static readonly keep = 20;
  private state: Outliers;

  /** @param threshold - weights below it count as outliers (0.5: less than half a typical row's weight) */
  constructor(threshold = 0.5) {
    this.state = { threshold, count: 0, rows: [] };
  }

  /** What has been seen so far. */
  get outliers(): Outliers {
    return this.toJSON();
  }

  /** Feeds row t's weight (NaN, for experts without weights, is skipped). */
  push(t: number, weight: number): void {
    const s = this.state;
    if (!(weight < s.threshold)) return;
    s.count++;
    const rows = s.rows;
    if (rows.length === OutlierRows.keep && weight >= rows[rows.length - 1].weight) return;
    let at = rows.length;
    while (at > 0 && rows[at - 1].weight > weight) at--;
    rows.splice(at, 0, { row: t, weight });
    if (rows.length > OutlierRows.keep) rows.pop();
  }

  /** JSON-safe state. */
  toJSON(): Outliers {
    return { ...this.state, rows: this.state.rows.map((r) => ({ ...r })) };
  }

  /**
   * Restores a state written by {@link toJSON}, of a stream of `rows` rows.
   * @throws Error naming the field when it is malformed.
   */
  static fromJSON(j: unknown, rows = Number.MAX_SAFE_INTEGER): OutlierRows {
    const o = j as Partial<Outliers> | null;
    const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
    if (!o || typeof o !== "object" || !finite(o.threshold) || !(o.threshold > 0) || !Number.isSafeInteger(o.count) || !Array.isArray(o.rows)) throw new Error("outliers is not a list of outlying rows");
    const listed = o.rows;
    const ok = listed.length <= Math.min(OutlierRows.keep, o.count!) && o.count! <= rows;
    if (!ok || !listed.every((r, q) => r && Number.isSafeInteger(r.row) && r.row >= 1 && r.row <= rows && finite(r.weight) && r.weight < o.threshold! && (q === 0 || listed[q - 1].weight <= r.weight))) {
      throw new Error("outliers.rows is not a list of rows and weights below the threshold, smallest first");
    }
    const list = new OutlierRows(o.threshold);
    list.state = { threshold: o.threshold, count: o.count!, rows: o.rows.map((r) => ({ row: r.row, weight: r.weight })) };
    return list;
  }
}
