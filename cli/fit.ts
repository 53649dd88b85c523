/**
 * `hsmoe compile`, `hsmoe fit` and `hsmoe predict`: the model is compiled, the data checked
 * cell by cell in a first pass and streamed through the filter in a second (memory does not grow
 * with the file, apart from the rows the sweeps keep), and the results printed as a summary or as
 * the JSON object of DESIGN §3 — before any file is written, so a failed write loses nothing but
 * that file. A saved state (state.ts) holds the model source, the hyperparameters, the columns
 * each input reads and the filter snapshot, so `predict` needs nothing else.
 */
import { SingleBar, Presets } from "cli-progress";
import { compile, compiledModel, DiagnosticError, ModelFilter, type CompiledModel } from "../api.js";
import { describeModel, renderDiagnostics, type CompileResult, type HyperValue } from "../compiler/index.js";
import { fitParallel, threadCount } from "./parallel/fit-parallel.js";
import { FilterError } from "../runtime/pl/errors.js";
import { MAX_INPUTS, validateOptions } from "../runtime/pl/options.js";
import { traceColumns, type Outliers, type TraceRow } from "../runtime/pl/trace.js";
import type { Forget } from "../runtime/pl/forget.js";
import type { Schedule } from "../runtime/pl/schedule.js";
import type { CoveragePoint, Forgetting } from "../runtime/pl/summaries.js";
import { CoverageRisk, type ScoredRow } from "../runtime/pl/selective.js";
import { checkInputSizes, ColumnMappingError, csvInputs, readDataTable, TableScanner, type DataTable, type InputColumns, type InputSpec, type ReadDataOptions, type TableShape } from "./data/csv.js";
import { DataError } from "./data/errors.js";
import { AtomicFile, checkOutputs, type FileIdentity, type Io, MAX_STATE_BYTES, readModelFile, readTextFile, readTextPieces, UsageError, WriteError, writeFileAtomic } from "./io.js";
import { parseState, sha256, StateError, statePieces, type StatePayload } from "./state.js";
import { compileWithSets } from "./set-values.js";
import { reportPage } from "./report/index.js";

/** A problem already explained to the user (exit 1). */
export class ReportedError extends Error {}

/** A model compiled from its file for `fit` and `compile`, with what the state and the report need of it. */
interface CompiledFile {
  model: CompiledModel;
  compiled: CompileResult;
  source: string;
  /** The `--set` values. */
  hypers: Record<string, HyperValue>;
}

function compileFile(file: string, sets: readonly string[], io: Io, json: boolean): CompiledFile {
  const source = readModelFile(file);
  const { compiled, hypers } = compileWithSets(source, file, sets);
  if (!compiled.plan) {
    io.stderr(renderDiagnostics(compiled.diagnostics, compiled.source, compiled.omitted) + "\n");
    if (json) io.stdout("null\n");
    throw new ReportedError();
  }
  return { model: compiledModel(compiled), compiled, source, hypers: Object.fromEntries(hypers) };
}

/**
 * Streams a data file's rows: each row that passes the checks goes to `onRow`, and `afterPiece`
 * is awaited after each piece of the file (the parallel fit waits there for its workers).
 * @throws DataError with every problem, UsageError when the file cannot be read.
 */
export async function streamData(
  path: string,
  options: Omit<ReadDataOptions, "file">,
  onRow?: (x: Float64Array, y: number, line: number) => void,
  afterPiece?: () => Promise<void>,
  expected?: Checked,
): Promise<Checked> {
  const scanner = new TableScanner({ file: path, ...options }, onRow);
  let identity: FileIdentity;
  try {
    identity = await readTextPieces(
      path,
      "data file",
      async (text) => {
        scanner.push(text);
        if (afterPiece) await afterPiece();
      },
      expected?.identity,
    );
  } catch (e) {
    if (e instanceof ColumnMappingError) throw new UsageError(e.message);
    throw e;
  }
  const shape = scanner.end();
  if (expected && shape.n !== expected.n) throw new UsageError(`${path} changed while it was being read (${shape.n} rows now, ${expected.n} before); fit again once it is complete`);
  return { ...shape, identity };
}

/** A data file's shape after the checking pass, and the file it was read from. */
interface Checked extends TableShape {
  identity: FileIdentity;
}

/** The columns each input read, as the options of a later pass that must read them again. */
export function sameColumns(inputs: readonly InputColumns[]): InputSpec[] {
  return inputs.map((x) => ({ name: x.name, columns: x.columns }));
}

/**
 * The `--input NAME=COL,COL,…` options, checked against the model before any data is read:
 * every name an input of the model and given once, every column named once and not the
 * response, and a fixed-size input given as many columns as it has.
 * @throws UsageError saying which option is wrong.
 */
function inputMapping(options: readonly string[], plan: CompiledModel["plan"]): Map<string, string[]> {
  const mapping = new Map<string, string[]>();
  const owner = new Map<string, string>();
  const names = plan.inputs.map((x) => x.name);
  for (const option of options) {
    const eq = option.indexOf("=");
    const name = option.slice(0, Math.max(0, eq));
    const columns = option.slice(eq + 1).split(",");
    if (eq <= 0 || columns.some((c) => c === "")) throw new UsageError(`--input takes NAME=COL,COL,… (column names, no empty ones), not '${option}'`);
    const input = plan.inputs.find((x) => x.name === name);
    if (input === undefined) throw new UsageError(`--input ${name}: the model has no input '${name}' (its inputs: ${names.join(", ")})`);
    if (mapping.has(name)) throw new UsageError(`--input ${name} is given twice; give each input's columns once`);
    for (const column of columns) {
      if (column === plan.response) throw new UsageError(`--input ${name}: '${column}' is the response, not an input`);
      const other = owner.get(column);
      if (other === name) throw new UsageError(`--input ${name}: column '${column}' is named twice`);
      if (other !== undefined) throw new UsageError(`--input ${name}: column '${column}' is already an input of ${other}; a column feeds one input`);
      owner.set(column, name);
    }
    if (/^[0-9]+$/.test(input.size) && columns.length !== Number(input.size)) {
      throw new UsageError(`--input ${name}: ${columns.length} column${columns.length === 1 ? "" : "s"} given, but the model says ${name} has ${input.size}`);
    }
    mapping.set(name, columns);
  }
  return mapping;
}

/** Reads a whole data file into memory (only for the report, which plots every row). */
async function readData(path: string, options: Omit<ReadDataOptions, "file">, expected: Checked): Promise<DataTable> {
  let text = "";
  await readTextPieces(path, "data file", (piece) => void (text += piece), expected.identity);
  return readDataTable(text, { file: path, ...options });
}

/** The predictive at a data row; a row it cannot score is an error that names where the row is. */
function predictAt(f: ModelFilter, x: Float64Array, probabilities: number[], where: string, row?: number): ReturnType<ModelFilter["predict"]> {
  try {
    return f.predict(x, probabilities);
  } catch (e) {
    if (e instanceof FilterError) throw new FilterError(e.code, `${where}: ${e.message}`, row);
    throw e;
  }
}

/** Held-out scores: mean log predictive density, RMSE of the predictive mean, and the coverage–risk curve when routes depend on the input (spec §3.9). */
export interface Heldout {
  n: number;
  lpd: number;
  rmse: number;
  /** The most confidently routed rows' scores at coverages 10 %, 20 %, …, 100 %. */
  selective?: CoveragePoint[];
}

/** Held-out scores, streamed over the file. */
async function heldout(f: ModelFilter, path: string, options: Omit<ReadDataOptions, "file">, expected: Checked): Promise<Heldout> {
  let lpd = 0;
  let se = 0;
  const routes = f.filter.routesByInput;
  const curve = new CoverageRisk();
  const shape = await streamData(path, options, (x, y, line) => {
    let s: ScoredRow;
    try {
      s = routes ? f.filter.selectiveScore(x, y) : { confidence: 1, ...f.filter.scoreRow(x, y) };
    } catch (e) {
      if (e instanceof FilterError) throw new FilterError(e.code, `${path}:${line}: ${e.message}`);
      throw e;
    }
    if (routes) curve.add(s.confidence, s.logDensity, s.squaredError);
    lpd += s.logDensity;
    se += s.squaredError;
  }, undefined, expected);
  return { n: shape.n, lpd: lpd / shape.n, rmse: Math.sqrt(se / shape.n), ...(routes ? { selective: curve.curve() } : {}) };
}

function progressBar(io: Io & { isTTY?: boolean }, total: number): { update(rows: number): void; stop(): void } {
  if (!io.isTTY) return { update() {}, stop() {} };
  const bar = new SingleBar({ format: "fitting [{bar}] {value}/{total} rows | {eta_formatted} left", stream: process.stderr }, Presets.shades_classic);
  bar.start(total, 0);
  return { update: (rows) => bar.update(rows), stop: () => bar.stop() };
}

/** Options of `hsmoe fit`, parsed. */
export interface FitArgs {
  model: string;
  data: string;
  test?: string;
  particles: number;
  sets: number;
  seed: number;
  set: string[];
  save?: string;
  json: boolean;
  rejuvenate: boolean;
  /** Worker threads; default one per set up to the number of cores. */
  threads?: number;
  /** Write the HTML report here. */
  report?: string;
  /** Input feature the report plots along. */
  feature?: string;
  /** `--input NAME=COL,COL,…` options: the columns of an input, instead of its prefix. */
  input: string[];
  /** Write the prequential trace (one line per row) here. */
  trace?: string;
  /** Rows the sweeps revisit (spec §3.8); default the runtime's. */
  window?: number;
  /** Forgetting factor or "auto" (spec §3.8); default none. */
  forget?: Forget;
  /** When the sweeps come (spec §3.7): every `denseEvery` rows up to `denseUntil`, then doubling; default the runtime's. */
  schedule?: Schedule;
  /** When a set resamples (spec §3.5): below half its particles' ESS, or at every row; default the runtime's. */
  resampling?: "ess" | "every";
}

/**
 * The trace file, written as the fit runs (atomically: renamed into place when it ends). A
 * failed write stops the trace, not the fit; it is reported with the other failed writes.
 */
class TraceWriter {
  private file: AtomicFile | undefined;
  private buffer: string[] = [];
  error: WriteError | undefined;

  constructor(
    path: string,
    private readonly columns: readonly (keyof TraceRow)[],
  ) {
    this.file = new AtomicFile(path);
    this.buffer.push(columns.join(",") + "\n");
  }

  /** Appends one row's line. */
  row(r: TraceRow): void {
    if (!this.file) return;
    this.buffer.push(this.columns.map((c) => String(r[c])).join(",") + "\n");
    if (this.buffer.length >= 4096) this.flush();
  }

  /** Writes what is buffered and renames the file into place. */
  commit(): void {
    this.flush();
    this.guard(() => this.file?.commit());
    this.file = undefined;
  }

  /** Drops the file (the fit failed). */
  abort(): void {
    this.file?.abort();
    this.file = undefined;
  }

  private flush(): void {
    const text = this.buffer.join("");
    this.buffer = [];
    this.guard(() => this.file?.write(text));
  }

  private guard(body: () => void): void {
    try {
      body();
    } catch (e) {
      if (!(e instanceof WriteError)) throw e;
      this.error = e;
      this.file = undefined;
    }
  }
}

/**
 * Runs `hsmoe fit`: on worker threads when there are several sets and cores, else inline. The
 * summary is printed first; then the report and the state are written, each atomically, and a
 * failed write is reported (exit 1) without touching what was there.
 */
export async function fitCommand(a: FitArgs, io: Io & { isTTY?: boolean }): Promise<number> {
  checkOutputs({ "model": a.model, "--data": a.data, "--test": a.test }, { "--save": a.save, "--report": a.report, "--trace": a.trace });
  const { model, compiled, source, hypers } = compileFile(a.model, a.set, io, a.json);
  const { response } = model.plan;
  const responseKind = model.plan.responseKind;
  const train = await streamData(a.data, { inputs: csvInputs(model.plan.inputs, inputMapping(a.input, model.plan)), response, responseKind });
  // every later pass reads the columns the first one chose
  const readOptions = { inputs: sameColumns(train.inputs), response, responseKind };
  const test = a.test ? await streamData(a.test, readOptions) : undefined;
  if (a.feature !== undefined && !train.inputColumns.includes(a.feature)) {
    throw new UsageError(`--feature '${a.feature}' is not an input column (inputs: ${train.inputColumns.join(", ")})`);
  }
  const options = { particles: a.particles, sets: a.sets, seed: a.seed, D: train.D, inputs: train.inputs.map((x) => x.columns.length), rejuvenate: a.rejuvenate, trace: a.trace !== undefined, ...(a.window !== undefined ? { window: a.window } : {}), ...(a.forget !== undefined ? { forget: a.forget } : {}), ...(a.schedule !== undefined ? { schedule: a.schedule } : {}), ...(a.resampling !== undefined ? { resampling: a.resampling } : {}) };
  if (train.D > MAX_INPUTS) throw new FilterError("bad_input", `${a.data} has ${train.D} input columns; a model takes at most ${MAX_INPUTS}`);
  checkInputSizes(model.plan.inputs, train.inputs, a.data);
  validateOptions(options);
  const failed: WriteError[] = [];
  let trace: TraceWriter | undefined;
  try {
    trace = a.trace === undefined ? undefined : new TraceWriter(a.trace, traceColumns(model.plan.weighsRows === true));
  } catch (e) {
    if (!(e instanceof WriteError)) throw e;
    failed.push(e);
  }
  const bar = progressBar(io, train.n);
  const t0 = performance.now();
  let f: ModelFilter;
  try {
    if (Math.min(a.threads ?? threadCount(a.sets), a.sets) > 1) {
      const filter = await fitParallel(model, train.D, (onRow, afterPiece) => streamData(a.data, readOptions, onRow, afterPiece, train), options, (rows) => bar.update(rows), a.threads, trace && ((r) => trace.row(r)));
      f = new ModelFilter(model.kernel, {}, filter);
    } else {
      f = model.filter(options);
      let rows = 0;
      await streamData(a.data, readOptions, (x, y) => {
        const r = f.observe(x, y);
        if (r) trace?.row(r);
        if (++rows % 64 === 0) bar.update(rows);
      }, undefined, train);
      f.finish();
    }
  } catch (e) {
    trace?.abort();
    throw e;
  } finally {
    bar.stop();
  }
  if (trace) {
    trace.commit();
    if (trace.error) failed.push(trace.error);
  }
  const seconds = (performance.now() - t0) / 1000;
  const experts = f.experts();
  // a held-out row the posterior cannot score is reported after the fit is printed and saved
  let heldoutError: FilterError | undefined;
  let held: Heldout | undefined;
  if (a.test && test) {
    try {
      held = await heldout(f, a.test, readOptions, test);
    } catch (e) {
      if (!(e instanceof FilterError)) throw e;
      heldoutError = e;
    }
  }
  const result = {
    model: model.plan.model,
    particles: f.filter.N * f.filter.sets.length,
    sets: f.filter.sets.length,
    seed: a.seed,
    n: train.n,
    D: train.D,
    K: model.plan.experts,
    seconds,
    sweepShare: f.filter.sweepShare,
    // When the sweeps came (spec §3.7): every `every` rows up to `until`, then at doubling counts; null without sweeps.
    sweeps: a.rejuvenate ? { every: f.filter.sets[0].options.schedule.denseEvery, until: f.filter.sets[0].options.schedule.denseUntil } : null,
    // When a set resampled (spec §3.5): "ess" below half its particles' ESS, "every" at every row.
    resampling: f.filter.sets[0].options.resampling,
    // Rows the sweeps revisit (spec §3.8); older rows were folded into fixed statistics.
    window: f.filter.sets[0].window,
    // Forgetting (spec §3.8): the option, the factor in force and each factor's pooling weight.
    forget: f.filter.forgetting(),
    logEvidence: f.logEvidence,
    logEvidenceSE: f.logEvidenceSE,
    essMin: f.filter.essMin,
    ancestors: f.ancestors,
    ...(held ? { heldout: held } : {}),
    // Experts holding at least 5 % of a particle's rows, over the particles; those nobody uses.
    activeExperts: (({ mean, interval, threshold, unused, collapsed }) => ({ mean, interval, threshold, unused, collapsed }))(f.filter.activeExperts()),
    // count experts add their dispersion, experts under a shrinkage prior each coefficient's κ
    experts: experts.map((e) => ({ usage: e.usage, coefficients: e.coefficients, noiseVariance: e.noiseVariance, ...(e.dispersion !== null ? { dispersion: e.dispersion } : {}), ...(e.shrinkage ? { shrinkage: e.shrinkage } : {}) })),
    // What the gate's coefficient rows are (sticks, or a softmax gate's experts); the rows whose
    // coefficients run away (spec §8.4), named by their input column.
    gate: { rows: f.filter.gateRows, shrinkage: f.shrinkage(), separation: f.separation().map((x) => ({ [f.filter.gateRows]: x.row, coefficient: train.inputColumns[x.coefficient], logOddsPerSd: x.logOddsPerSd })) },
    inputColumns: train.inputColumns,
    // The columns of each of the model's inputs, in row order.
    inputs: train.inputs,
    // The experts' coefficients, named when the model builds its regressors from the inputs.
    coefficientNames: f.filter.coefficientNames ?? train.inputColumns,
    gateCoefficientNames: f.filter.gateCoefficientNames ?? train.inputColumns,
    plan: model.plan.coverage,
    // Change alarms on the prequential score: the row where each fired and its strength.
    alarms: f.alarms,
    // Robust experts: the rows weighed least (posterior mean precision weight below the threshold).
    ...(f.filter.outliers ? { outliers: f.filter.outliers } : {}),
  };
  io.stdout(a.json ? JSON.stringify(result, null, 2) + "\n" : fitSummary(result) + "\n");
  const attempt = (write: () => void) => {
    try {
      write();
    } catch (e) {
      if (!(e instanceof WriteError)) throw e;
      failed.push(e);
    }
  };
  // the state first: a report that cannot be built must not cost the fit
  if (a.save) {
    const save = a.save;
    const payload: StatePayload = { file: a.model, source, sourceHash: sha256(source), hypers, inputColumns: train.inputColumns, inputs: train.inputs, snapshot: f.snapshot() };
    attempt(() => writeFileAtomic(save, statePieces(payload), MAX_STATE_BYTES));
  }
  if (a.report) {
    const report = a.report;
    if (!a.json) io.stderr(`summarising the posterior for ${report} (predictive quantiles over all ${result.particles} particles)…\n`);
    const trainTable = await readData(a.data, readOptions, train);
    const testTable = a.test && test ? await readData(a.test, readOptions, test) : undefined;
    const wrote = failed.length;
    attempt(() => {
      let page: string;
      try {
        page = reportPage(f, { file: a.model, source, planText: describeModel(compiled) ?? "", train: trainTable, test: testTable, feature: a.feature, result });
      } catch (e) {
        if (e instanceof FilterError || e instanceof RangeError) throw new WriteError(report, `the report could not be built: ${e.message}`);
        throw e;
      }
      writeFileAtomic(report, [page]);
    });
    if (!a.json && failed.length === wrote) io.stderr(`wrote ${report}\n`);
  }
  for (const e of failed) io.stderr(`hsmoe: ${e.message}\n`);
  if (heldoutError) io.stderr(`hsmoe: no held-out score: ${heldoutError.message}\n`);
  return failed.length || heldoutError ? 1 : 0;
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;
export const fmt = (v: number, digits = 3) => (Number.isFinite(v) ? v.toFixed(digits) : String(v));

function fitSummary(r: {
  model: string; n: number; D: number; K: number; particles: number; sets: number; seconds: number; logEvidence: number; logEvidenceSE: number;
  essMin: number; ancestors: number; heldout?: Heldout; activeExperts: { mean: number; interval: [number, number]; threshold: number; unused: number[]; collapsed: [number, number][] }; experts: { usage: number; coefficients: number[]; noiseVariance: number | null; dispersion?: number; shrinkage?: number[] }[];
  gate: { rows: "stick" | "expert"; shrinkage: number[][] | null; separation: readonly ({ coefficient: string; logOddsPerSd: number } & Partial<Record<"stick" | "expert", number>>)[] }; inputs: InputColumns[]; coefficientNames: readonly string[]; gateCoefficientNames: readonly string[];
  alarms: readonly { row: number; strength: number }[]; forget: Forgetting; outliers?: Outliers;
}): string {
  // one set gives no spread to estimate the evidence's error from, nor do sets that run different factors
  const se = Number.isFinite(r.logEvidenceSE) ? `± ${fmt(r.logEvidenceSE, 2)}` : r.forget.rho === "auto" ? "(no standard error: the sets run different factors)" : "(no standard error from one set)";
  const out = [
    `model ${r.model}: ${r.n} rows, ${r.inputs.length > 1 ? `${plural(r.inputs.length, "input")} (${plural(r.D, "column")})` : plural(r.D, "input")}, ${plural(r.K, "expert")}, ${plural(r.particles, "particle")} in ${plural(r.sets, "set")}, ${fmt(r.seconds, 2)} s`,
    `log evidence ${fmt(r.logEvidence, 2)} ${se}   min ESS ${fmt(r.essMin, 0)}   distinct ancestors ${r.ancestors}`,
    `input columns: ${r.inputs.map((x) => `${x.name} ← ${x.columns.join(", ")}`).join("; ")}`,
  ];
  if (r.heldout) out.push(`held-out: ${r.heldout.n} rows, mean log predictive density ${fmt(r.heldout.lpd, 4)}, RMSE ${fmt(r.heldout.rmse, 4)}`);
  const curve = r.heldout?.selective;
  if (curve) {
    const at = curve.filter((p) => p.coverage === 0.2 || p.coverage === 0.5 || p.coverage === 0.8);
    out.push(`  the most confidently routed rows: ${at.map((p) => `${Math.round(100 * p.coverage)} %: lpd ${fmt(p.lpd, 4)}, RMSE ${fmt(p.rmse, 4)}`).join("; ")}`);
  }
  if (r.forget.rho === "auto") out.push(`forgetting: auto, ρ in force ${fmt(r.forget.inForce, 4)} (${r.forget.factors.map((x) => `ρ = ${x.rho}: ${fmt(x.weight, 2)}`).join(", ")})`);
  else if (r.forget.rho !== 1) out.push(`forgetting: ρ = ${r.forget.rho} (a row s rows old weighs ρ^s)`);
  // The prequential score's change alarms, the first few in full.
  const shown = r.alarms.slice(0, 8).map((x) => `row ${x.row} (${fmt(x.strength, 1)})`);
  out.push(`change alarms: ${r.alarms.length === 0 ? "none" : shown.join(", ") + (r.alarms.length > shown.length ? `, and ${r.alarms.length - shown.length} more` : "")}`);
  if (r.outliers) {
    const least = r.outliers.rows.slice(0, 8).map((x) => `row ${x.row} (${fmt(x.weight, 2)})`);
    out.push(`outlying rows (weight below ${r.outliers.threshold}): ${r.outliers.count === 0 ? "none" : `${r.outliers.count}; least weighed ${least.join(", ")}`}`);
  }
  // count experts have a dispersion where the others have a noise variance (or neither: binary);
  // robust experts (the ones that weigh rows) a squared scale, σ² of t_ν(μ, σ) or Laplace(μ, σ)
  const counts = r.experts.some((e) => e.dispersion !== undefined);
  const spreadName = counts ? "dispersion" : r.outliers ? "    scale²" : " noise var";
  const active = r.activeExperts;
  out.push(`active experts (holding ≥ ${fmt(100 * active.threshold, 0)} % of the rows): ${fmt(active.mean, 2)} [${active.interval[0]}, ${active.interval[1]}]${active.unused.length ? `; unused: ${active.unused.join(", ")}` : ""}`);
  if (active.collapsed.length) out.push(`warning: experts whose coefficients the data do not tell apart (every 90 % interval overlaps): ${active.collapsed.map(([a, b]) => `${a} and ${b}`).join(", ")}; fewer experts may do.`);
  out.push("", "experts by usage", `  rank  usage  ${spreadName}  coefficients (${r.coefficientNames.join(", ")})`);
  r.experts.forEach((e, i) => {
    const spread = counts ? e.dispersion : e.noiseVariance;
    out.push(`  ${String(i + 1).padStart(4)}  ${fmt(e.usage).padStart(5)}  ${(spread === null || spread === undefined ? "—" : fmt(spread)).padStart(10)}  ${e.coefficients.map((c) => fmt(c)).join("  ")}`);
  });
  if (r.experts.some((e) => e.shrinkage)) {
    out.push("", `expert shrinkage κ (1 = switched off), by expert and coefficient (${r.coefficientNames.join(", ")})`);
    r.experts.forEach((e, i) => e.shrinkage && out.push(`  expert ${i + 1}: ${e.shrinkage.map((v) => fmt(v, 2)).join("  ")}`));
  }
  if (r.gate.separation.length > 0) {
    const word = r.gate.rows;
    const shown = r.gate.separation.map((x) => `${word} ${x[word]} on ${x.coefficient} (${fmt(x.logOddsPerSd, 1)} per sd)`);
    out.push(
      "",
      `warning: ${word === "stick" ? "the rows reaching a stick separate" : "an expert's rows separate from the others'"}, and its coefficient runs away under the horseshoe: ${shown.join(", ")} (the log-odds each moves per sd of its input).`,
      "  A regularised horseshoe bounds it: write the gate prior's sd `s` as `sqrt(c2 * s^2 / (c2 + s^2))` with `c2 ~ invgamma(2, 8)`, e.g. `sqrt(c2 * tau^2 * lambda[k, j]^2 / (c2 + tau^2 * lambda[k, j]^2))` (docs/spec.md §1.5).",
    );
  }
  if (r.gate.shrinkage) {
    // A softmax gate's rows are its logits, numbered as in the model (not by usage, as above).
    const numbering = r.gate.rows === "expert" ? "; experts numbered as in the model, not by usage" : "";
    out.push("", `gate shrinkage κ (1 = switched off), by ${r.gate.rows} and coefficient (${r.gateCoefficientNames.join(", ")}${numbering})`);
    r.gate.shrinkage.forEach((row, l) => out.push(`  ${r.gate.rows} ${l + 1}: ${row.map((v) => fmt(v, 2)).join("  ")}`));
  }
  return out.join("\n");
}

/**
 * Loads a saved state, the filter it holds and the columns each input reads (a state saved before
 * states listed them has one input, reading all its columns).
 * @throws StateError when the file is corrupt or does not fit its own model.
 */
export function loadState(path: string, payload = parseState(readTextFile(path, "saved state", MAX_STATE_BYTES), path)): { payload: StatePayload; model: CompiledModel; filter: ModelFilter; inputs: InputColumns[] } {
  let model: CompiledModel;
  try {
    model = compile(payload.source, payload.hypers, { file: payload.file });
  } catch (e) {
    if (e instanceof DiagnosticError) throw new StateError(`${path}: the saved model no longer compiles:\n${e.message}`);
    throw e;
  }
  const names = model.plan.inputs.map((x) => x.name);
  const inputs = payload.inputs ?? (names.length === 1 ? [{ name: names[0], columns: payload.inputColumns }] : undefined);
  if (inputs === undefined) throw new StateError(`corrupt state ${path}: its model reads ${names.length} inputs (${names.join(", ")}) but it does not say which columns feed which`);
  if (inputs.length !== names.length || inputs.some((x, q) => x.name !== names[q])) {
    throw new StateError(`corrupt state ${path}: its columns feed the inputs ${inputs.map((x) => x.name).join(", ").slice(0, 200)} but its model reads ${names.join(", ")}`);
  }
  try {
    return { payload, model, filter: model.restore(payload.snapshot), inputs };
  } catch (e) {
    if (!(e instanceof FilterError)) throw e;
    const another = e.message.startsWith("the snapshot is of another model");
    throw new StateError(another ? `state from another model in ${path}: ${e.message}` : `corrupt state ${path}: ${e.message.replace(/^corrupt snapshot: /, "")}`);
  }
}

/** Runs `hsmoe predict`: the data are checked in one pass and predicted row by row in a second. */
export async function predictCommand(statePath: string, dataPath: string, json: boolean, io: Io): Promise<number> {
  const { model, filter: f, inputs } = loadState(statePath);
  const options = { inputs: sameColumns(inputs), response: model.plan.response, responseOptional: true, responseKind: model.plan.responseKind };
  const shape = await streamData(dataPath, options);
  const hasY = shape.hasResponse;
  const head = ["row", "mean", "sd", "q05", "q50", "q95", ...(hasY ? ["log density"] : [])];
  let lpd = 0;
  let se = 0;
  let n = 0;
  // rows are printed as they are predicted, in JSON too, so the output never has to be one string
  io.stdout(json ? `{\n  "model": ${JSON.stringify(model.plan.model)},\n  "rows": [` : head.join("\t") + "\n");
  await streamData(dataPath, options, (x, y, line) => {
    const p = predictAt(f, x, [0.05, 0.5, 0.95], `${dataPath}:${line}: row ${n + 1}`, n + 1);
    // binary experts: the quantiles of P(y = 1 | x), since those of a 0/1 response are 0 or 1
    const q = p.probability?.quantiles ?? p.quantiles;
    const row: Record<string, number> = { mean: p.mean, sd: p.sd, q05: q[0].value, q50: q[1].value, q95: q[2].value };
    if (hasY) {
      row.logDensity = p.logDensity(y);
      lpd += row.logDensity;
      se += (p.mean - y) ** 2;
    }
    n++;
    if (json) io.stdout(`${n > 1 ? "," : ""}\n    ${JSON.stringify(row)}`);
    else io.stdout([n, ...Object.values(row).map((v) => fmt(v, 4))].join("\t") + "\n");
  }, undefined, shape);
  if (json) {
    const summary = hasY ? { n, lpd: lpd / n, rmse: Math.sqrt(se / n) } : { n };
    const fields = Object.entries(summary).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
    io.stdout(`\n  ],\n${fields.join(",\n")}\n}\n`);
  }
  return 0;
}

/** Runs `hsmoe compile`: the kernel as an ES module, to a file (atomically) or stdout. */
export function compileCommand(file: string, sets: string[], out: string | undefined, io: Io): number {
  checkOutputs({ model: file }, { "-o": out });
  const { model } = compileFile(file, sets, io, false);
  const js = model.kernelSource("module");
  if (!out) {
    io.stdout(js);
    return 0;
  }
  try {
    writeFileAtomic(out, [js]);
  } catch (e) {
    if (!(e instanceof WriteError)) throw e;
    io.stderr(`hsmoe: ${e.message}\n`);
    return 1;
  }
  return 0;
}

/** Turns the errors fit and predict can meet into an exit code with an explanation. */
export function explainRunError(e: unknown, io: Io): number | undefined {
  if (e instanceof ReportedError) return 1;
  if (e instanceof DataError) {
    io.stderr(e.render() + "\n");
    return 1;
  }
  if (e instanceof FilterError || e instanceof StateError || e instanceof WriteError) {
    io.stderr(`hsmoe: ${e.message}\n`);
    return 1;
  }
  return undefined;
}
