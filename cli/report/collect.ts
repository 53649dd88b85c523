/**
 * The numbers a report shows, taken from a finished fit: the predictive and the gate along the
 * input (1-D) or per row (d > 1), expert usage and coefficients with intervals, shrinkage, and
 * the particle system's health over time. Plain data, so the charts and the page are pure
 * functions of it and can be tested without a fit.
 */
import type { ModelFilter } from "../../api.js";
import type { DataTable } from "../data/csv.js";
import type { CoveragePoint } from "../../runtime/pl/summaries.js";

/** Predictive probabilities of the bands: the 90 % and 50 % central intervals. */
const BAND_PROBS = [0.05, 0.25, 0.75, 0.95];
/** Grid points along the chosen input (each costs a few passes over all N·K components). */
const GRID = 60;
/** Rows shown in the per-row views (evenly spaced when the data have more). */
const MAX_ROWS = 200;

/** Predictive summary at one input: mean and the quantiles of {@link BAND_PROBS}. */
export interface BandPoint {
  /** Value of the chosen input feature. */
  at: number;
  mean: number;
  q05: number;
  q25: number;
  q75: number;
  q95: number;
}

/** Gate probability of one expert at one input: mean and 90 % credible interval. */
export interface GatePoint {
  at: number;
  /** Expert label: 1 is the most used. */
  expert: number;
  mean: number;
  lower: number;
  upper: number;
}

/** One observed row beside its predictive (the d > 1 view). */
export interface RowPoint {
  /** Row number in its file (1-based, header excluded). */
  row: number;
  /** Value of the chosen feature. */
  at: number;
  observed: number;
  mean: number;
  lower: number;
  upper: number;
}

/** Everything a report shows. */
export interface ReportData {
  title: string;
  /** Model file and its text. */
  file: string;
  source: string;
  /** The inference plan as `hsmoe check` prints it. */
  planText: string;
  /** Fit facts: rows, particles, seconds, evidence and its standard error, held-out scores. */
  facts: { label: string; value: string }[];
  /** Input feature names (CSV header) and the feature the plots run along. */
  features: string[];
  feature: string;
  /** True when every other input is constant in the data (an intercept): the plots are 1-D. */
  oneD: boolean;
  /** True for binary experts: the bands are of P(y = 1), and {@link calibration} replaces {@link rows}' chart. */
  binary: boolean;
  /**
   * Binary experts: the held-out (or training) rows in ten bins of their predicted P(y = 1),
   * each bin's mean prediction, the share of its rows with y = 1, and its size; empty otherwise.
   */
  calibration: { predicted: number; observed: number; n: number }[];
  /** Training rows (chosen feature, response), at most {@link MAX_ROWS} for d > 1. */
  points: { at: number; y: number }[];
  /** Predictive along the chosen feature, other inputs at their training means (whole-number inputs rounded). */
  band: BandPoint[];
  /** Gate probabilities along the chosen feature (same inputs as {@link band}). */
  gate: GatePoint[];
  /** d > 1: held-out (or training) rows beside their 90 % predictive intervals. */
  rows: RowPoint[];
  /** Which data the rows are from. */
  rowsFrom: "test" | "train";
  /** d > 1: gate probabilities at those rows. */
  rowGate: GatePoint[];
  /** Held-out rows' coverage–risk curve (spec §3.9), empty without held-out rows or routes that depend on the input. */
  selective: CoveragePoint[];
  /** Posterior probability of each number of active experts (holding ≥ 5 % of a particle's rows), from 0 to K. */
  activeCounts: { count: number; probability: number }[];
  /** Expert usage and coefficients (with 90 % intervals), most used first. */
  experts: { expert: number; usage: number; noiseVariance: number | null; dispersion: number | null; coefficients: { feature: string; mean: number; lower: number; upper: number }[] }[];
  /**
   * Posterior mean κ per stick and feature, or null without a horseshoe; `column` is the
   * feature's index in {@link features}, the heat map's order.
   */
  shrinkage: ({ feature: string; column: number; kappa: number } & Partial<Record<"stick" | "expert", number>>)[] | null;
  /** What the rows of {@link shrinkage} are: sticks, or a softmax gate's experts. */
  gateRows: "stick" | "expert";
  /** Posterior mean κ per expert and coefficient under a shrinkage prior on the experts' coefficients (spec §2.8), or null without one; `column` orders the heat map. */
  expertShrinkage: { expert: number; feature: string; column: number; kappa: number }[] | null;
  /** When a set resampled (spec §3.5): below half its particles' ESS, or at every row. */
  resampling: "ess" | "every";
  /** Per row (or bucket of rows on long streams): ESS summed over the sets, resamplings, running log evidence. */
  health: { row: number; ess: number; resampled: number; logEvidence: number }[];
  /**
   * The prequential score (mean log predictive density of the rows, each before it was seen)
   * over consecutive windows of about `scoreWindow` rows, at the window's last row.
   */
  score: { row: number; score: number }[];
  scoreWindow: number;
  /** Change alarms on the score: the row and strength of each. */
  alarms: { row: number; strength: number }[];
  /**
   * Robust experts: the training rows weighed least (posterior mean precision weight given the
   * rows up to each, smallest first: row, chosen feature, response, weight) and how many fell
   * below the threshold; null for experts that weigh no rows.
   */
  outliers: { threshold: number; count: number; rows: { row: number; at: number; y: number; weight: number }[] } | null;
  /** Total particles (the ESS scale). */
  particles: number;
}

/** What {@link collectReport} needs besides the filter. */
export interface ReportInput {
  file: string;
  source: string;
  planText: string;
  train: DataTable;
  test?: DataTable;
  /** Feature to plot along; default the first input that varies. */
  feature?: string;
  facts: { label: string; value: string }[];
  /** The held-out coverage–risk curve, when the fit scored held-out rows. */
  selective?: CoveragePoint[];
}

/** Raised when the chosen feature is not an input column. */
export class ReportFeatureError extends Error {}

/** A column's range and the value the plots hold it at: its mean, rounded when every value is a whole number (trials, counts, dummies). */
function columnStats(t: DataTable, j: number): { min: number; max: number; mean: number } {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let whole = true;
  for (let s = 0; s < t.n; s++) {
    const v = t.x[s * t.D + j];
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    whole &&= Number.isInteger(v);
  }
  const mean = sum / Math.max(1, t.n);
  return { min, max, mean: whole ? Math.round(mean) : mean };
}

function spacedRows(n: number): number[] {
  if (n <= MAX_ROWS) return Array.from({ length: n }, (_, s) => s);
  return Array.from({ length: MAX_ROWS }, (_, r) => Math.round((r * (n - 1)) / (MAX_ROWS - 1)));
}

/** Rows that {@link calibrate} predicts at most (evenly spaced through the file). */
const CALIBRATION_ROWS = 5000;

/** Bins of predicted P(y = 1) over the rows of `t` (at most {@link CALIBRATION_ROWS}): mean prediction, share of ones, count (empty bins left out). */
function calibrate(f: ModelFilter, t: DataTable): ReportData["calibration"] {
  const BINS = 10;
  const sums = Array.from({ length: BINS }, () => ({ predicted: 0, observed: 0, n: 0 }));
  const shown = t.n <= CALIBRATION_ROWS ? Array.from({ length: t.n }, (_, s) => s) : Array.from({ length: CALIBRATION_ROWS }, (_, r) => Math.round((r * (t.n - 1)) / (CALIBRATION_ROWS - 1)));
  for (const s of shown) {
    const p = f.predict(t.x.subarray(s * t.D, (s + 1) * t.D), []).mean;
    const b = sums[Math.min(BINS - 1, Math.floor(p * BINS))];
    b.predicted += p;
    b.observed += t.y![s];
    b.n++;
  }
  return sums.filter((b) => b.n > 0).map((b) => ({ predicted: b.predicted / b.n, observed: b.observed / b.n, n: b.n }));
}

/** The rows robust experts weighed least, with their feature and response, or null without robust experts. */
function outlierRows(f: ModelFilter, train: DataTable, j0: number): ReportData["outliers"] {
  const o = f.filter.outliers;
  if (!o) return null;
  const rows = o.rows.map((r) => ({ row: r.row, at: train.x[(r.row - 1) * train.D + j0], y: train.y![r.row - 1], weight: r.weight }));
  return { threshold: o.threshold, count: o.count, rows };
}

/** Collects the report's numbers from a finished filter. */
export function collectReport(f: ModelFilter, input: ReportInput): ReportData {
  const { train, test } = input;
  const D = train.D;
  const names = train.inputColumns;
  // The experts' coefficients: the inputs, or the regressors the model builds from them.
  const coefficientNames = f.filter.coefficientNames ?? names;
  const stats = names.map((_, j) => columnStats(train, j));
  const varying = stats.map((s, j) => (s.max > s.min ? j : -1)).filter((j) => j >= 0);
  let j0: number;
  if (input.feature !== undefined) {
    j0 = names.indexOf(input.feature);
    if (j0 < 0) throw new ReportFeatureError(`--feature '${input.feature}' is not an input column (inputs: ${names.join(", ")})`);
  } else {
    j0 = varying[0] ?? 0;
  }
  const oneD = varying.every((j) => j === j0);

  const base = Float64Array.from(stats, (s) => s.mean);
  const band: BandPoint[] = [];
  const gate: GatePoint[] = [];
  const { min, max } = stats[j0];
  const steps = max > min ? GRID : 1;
  for (let g = 0; g < steps; g++) {
    const at = steps === 1 ? min : min + ((max - min) * g) / (steps - 1);
    const x = Float64Array.from(base);
    x[j0] = at;
    const p = f.predict(x, BAND_PROBS);
    // binary experts: a band of P(y = 1 | x), whose mean the band's mean is
    const [q05, q25, q75, q95] = (p.probability?.quantiles ?? p.quantiles).map((q) => q.value);
    band.push({ at, mean: p.mean, q05, q25, q75, q95 });
    for (const e of f.gateProbabilities(x, 0.9)) gate.push({ at, expert: e.expert, mean: e.mean, lower: e.lower, upper: e.upper });
  }

  const shown = spacedRows(train.n);
  const points = (oneD ? Array.from({ length: train.n }, (_, s) => s) : shown).map((s) => ({ at: train.x[s * D + j0], y: train.y![s] }));

  const rows: RowPoint[] = [];
  const rowGate: GatePoint[] = [];
  const from = test ?? train;
  const binary = f.filter.responseKind === "binary";
  const calibration = binary ? calibrate(f, from) : [];
  if (!oneD) {
    for (const s of spacedRows(from.n)) {
      const x = from.x.subarray(s * D, (s + 1) * D);
      const p = f.predict(x, [0.05, 0.95]);
      const [lower, upper] = (p.probability?.quantiles ?? p.quantiles).map((q) => q.value);
      rows.push({ row: s + 1, at: x[j0], observed: from.y![s], mean: p.mean, lower, upper });
      for (const e of f.gateProbabilities(x, 0.9)) rowGate.push({ at: x[j0], expert: e.expert, mean: e.mean, lower: e.lower, upper: e.upper });
    }
  }

  const summaries = f.experts(0.9);
  const experts = summaries.map((e, r) => ({
    expert: r + 1,
    usage: e.usage,
    noiseVariance: e.noiseVariance,
    dispersion: e.dispersion,
    coefficients: e.coefficients.map((mean, j) => ({ feature: coefficientNames[j], mean, lower: e.lower[j], upper: e.upper[j] })),
  }));
  const expertShrinkage = summaries[0]?.shrinkage ? summaries.flatMap((e, r) => e.shrinkage!.map((v, j) => ({ expert: r + 1, feature: coefficientNames[j], column: j, kappa: v }))) : null;
  const kappa = f.shrinkage();
  const gateNames = f.filter.gateCoefficientNames ?? names;
  const gateRows = f.filter.gateRows;
  const shrinkage = kappa ? kappa.flatMap((row, l) => row.map((v, j) => ({ [gateRows]: l + 1, feature: gateNames[j], column: j, kappa: v }))) : null;

  const ess = f.essHistory;
  const resampled = f.resampleCounts;
  const evidence = f.evidenceHistory;
  const at = f.filter.historyRows;
  const health = ess.map((v, t) => ({ row: at[t], ess: v, resampled: resampled[t], logEvidence: evidence[t] }));
  // The score over windows of about n/150 rows: the rise of the running sum of the pooled
  // prequential scores over a window, per row (without forgetting "auto" that sum is the pooled
  // evidence, which an older saved fit falls back on).
  const pooled = f.filter.pooled;
  const sums = pooled ? Array.from(pooled.evidence.subarray(0, pooled.length)) : evidence;
  const sumAt = pooled ? sums.map((_, e) => pooled.rowOf(e)) : at;
  const step = Math.max(1, Math.round(sums.length / 150));
  const score: { row: number; score: number }[] = [];
  for (let e = step - 1; e < sums.length; e += step) {
    const from = e - step;
    const rows = sumAt[e] - (from >= 0 ? sumAt[from] : 0);
    score.push({ row: sumAt[e], score: (sums[e] - (from >= 0 ? sums[from] : 0)) / rows });
  }
  const scoreWindow = sums.length ? Math.round(sumAt[sums.length - 1] / sums.length) * step : 1;

  return {
    title: `${input.file}: ${train.n} rows`,
    file: input.file,
    source: input.source,
    planText: input.planText,
    facts: input.facts,
    features: names,
    feature: names[j0],
    oneD,
    binary,
    calibration,
    points,
    band,
    gate,
    rows,
    rowsFrom: test ? "test" : "train",
    rowGate,
    selective: input.selective ?? [],
    activeCounts: f.activeExperts().probabilities.map((probability, count) => ({ count, probability })),
    experts,
    shrinkage,
    gateRows,
    expertShrinkage,
    health,
    score,
    scoreWindow,
    alarms: f.alarms.map((a) => ({ row: a.row, strength: a.strength })),
    outliers: outlierRows(f, train, j0),
    particles: f.filter.N * f.filter.sets.length,
    resampling: f.filter.sets[0].options.resampling,
  };
}
