/**
 * `hsmoe compile`, `hsmoe fit` and `hsmoe predict`: the model is compiled, the data read and
 * checked cell by cell, the filter run over the rows in order, and the results printed as a
 * summary or as the JSON object of DESIGN §3. A saved state holds the model source, the
 * hyperparameters, the input columns and the filter snapshot, so `predict` needs nothing else.
 */
import { writeFileSync } from "node:fs";
import { SingleBar, Presets } from "cli-progress";
import { compile, DiagnosticError, ModelFilter, type CompiledModel } from "../api.js";
import { fitParallel, threadCount } from "./parallel/fit-parallel.js";
import { parse } from "../compiler/1-parse/index.js";
import type { FilterSnapshot } from "../runtime/pl/filter.js";
import { FilterError } from "../runtime/pl/errors.js";
import { readDataTable, type DataTable } from "./data/csv.js";
import { DataError } from "./data/errors.js";
import { MAX_DATA_BYTES, readModelFile, readTextFile, UsageError } from "./io.js";
import type { Io } from "./main.js";
import { parseSetValues } from "./set-values.js";
import { reportPage } from "./report/index.js";

/** What `--save` writes. */
interface SavedState {
  format: "hsmoe-state/1";
  file: string;
  source: string;
  hypers: Record<string, number>;
  inputColumns: string[];
  snapshot: FilterSnapshot;
}

/** A problem already explained to the user (exit 1). */
export class ReportedError extends Error {}

function compileFile(file: string, sets: readonly string[], io: Io, json: boolean): { model: CompiledModel; source: string; hypers: Record<string, number> } {
  const source = readModelFile(file);
  const parsed = parse(source);
  const hypers = parsed.model ? Object.fromEntries(parseSetValues(sets, parsed.model)) : {};
  try {
    return { model: compile(source, hypers, { file }), source, hypers };
  } catch (e) {
    if (!(e instanceof DiagnosticError)) throw e;
    io.stderr(e.message + "\n");
    if (json) io.stdout("null\n");
    throw new ReportedError();
  }
}

function readData(path: string, model: CompiledModel, withResponse: boolean, inputColumns?: string[]): DataTable {
  const text = readTextFile(path, "data file", MAX_DATA_BYTES);
  const { input, response } = model.plan;
  return readDataTable(text, { file: path, input, response: withResponse ? response : undefined, inputColumns });
}

/** Held-out mean log predictive density and RMSE of the predictive mean. */
function heldout(f: ModelFilter, t: DataTable): { n: number; lpd: number; rmse: number } {
  let lpd = 0;
  let se = 0;
  for (let s = 0; s < t.n; s++) {
    const x = t.x.subarray(s * t.D, (s + 1) * t.D);
    const p = f.predict(x, []);
    lpd += p.logDensity(t.y![s]);
    se += (p.mean - t.y![s]) ** 2;
  }
  return { n: t.n, lpd: lpd / t.n, rmse: Math.sqrt(se / t.n) };
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
}

/** Runs `hsmoe fit`: on worker threads when there are several sets and cores, else inline. */
export async function fitCommand(a: FitArgs, io: Io & { isTTY?: boolean }): Promise<number> {
  const { model, source, hypers } = compileFile(a.model, a.set, io, a.json);
  const train = readData(a.data, model, true);
  const test = a.test ? readData(a.test, model, true, train.inputColumns) : undefined;
  if (a.feature !== undefined && !train.inputColumns.includes(a.feature)) {
    throw new UsageError(`--feature '${a.feature}' is not an input column (inputs: ${train.inputColumns.join(", ")})`);
  }
  const options = { particles: a.particles, sets: a.sets, seed: a.seed, D: train.D, rejuvenate: a.rejuvenate };
  const bar = progressBar(io, train.n);
  const t0 = performance.now();
  let f: ModelFilter;
  try {
    if (Math.min(a.threads ?? threadCount(a.sets), a.sets) > 1) {
      f = new ModelFilter(model.kernel, options, await fitParallel(model, train.D, train.x, train.y!, options, (rows) => bar.update(rows)));
    } else {
      f = model.filter(options);
      for (let s = 0; s < train.n; s++) {
        f.observe(train.x.subarray(s * train.D, (s + 1) * train.D), train.y![s]);
        bar.update(s + 1);
      }
      f.finish();
    }
  } finally {
    bar.stop();
  }
  const seconds = (performance.now() - t0) / 1000;
  const experts = f.experts();
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
    logEvidence: f.logEvidence,
    logEvidenceSE: f.logEvidenceSE,
    essMin: Math.min(...f.essHistory),
    ancestors: f.ancestors,
    ...(test ? { heldout: heldout(f, test) } : {}),
    experts: experts.map((e) => ({ usage: e.usage, coefficients: e.coefficients, noiseVariance: e.noiseVariance })),
    gate: { shrinkage: f.shrinkage() },
    inputColumns: train.inputColumns,
    plan: model.plan.coverage,
  };
  if (a.report) {
    if (!a.json) io.stderr(`summarising the posterior for ${a.report} (predictive quantiles over all ${result.particles} particles)…\n`);
    writeFileSync(a.report, reportPage(f, { file: a.model, source, hypers, train, test, feature: a.feature, result }));
    if (!a.json) io.stderr(`wrote ${a.report}\n`);
  }
  if (a.save) {
    const saved: SavedState = { format: "hsmoe-state/1", file: a.model, source, hypers, inputColumns: train.inputColumns, snapshot: f.snapshot() };
    writeFileSync(a.save, JSON.stringify(saved));
  }
  io.stdout(a.json ? JSON.stringify(result, null, 2) + "\n" : fitSummary(result) + "\n");
  return 0;
}

const fmt = (v: number, digits = 3) => (Number.isFinite(v) ? v.toFixed(digits) : String(v));

function fitSummary(r: {
  model: string; n: number; D: number; K: number; particles: number; sets: number; seconds: number; logEvidence: number; logEvidenceSE: number;
  essMin: number; ancestors: number; heldout?: { n: number; lpd: number; rmse: number }; experts: { usage: number; coefficients: number[]; noiseVariance: number }[];
  gate: { shrinkage: number[][] | null }; inputColumns: string[];
}): string {
  const out = [
    `model ${r.model}: ${r.n} rows, ${r.D} inputs, ${r.K} experts, ${r.particles} particles in ${r.sets} sets, ${fmt(r.seconds, 2)} s`,
    `log evidence ${fmt(r.logEvidence, 2)} ± ${fmt(r.logEvidenceSE, 2)}   min ESS ${fmt(r.essMin, 0)}   distinct ancestors ${r.ancestors}`,
  ];
  if (r.heldout) out.push(`held-out: ${r.heldout.n} rows, mean log predictive density ${fmt(r.heldout.lpd, 4)}, RMSE ${fmt(r.heldout.rmse, 4)}`);
  out.push("", "experts by usage", `  rank  usage   noise var  coefficients (${r.inputColumns.join(", ")})`);
  r.experts.forEach((e, i) => out.push(`  ${String(i + 1).padStart(4)}  ${fmt(e.usage).padStart(5)}  ${fmt(e.noiseVariance).padStart(10)}  ${e.coefficients.map((c) => fmt(c)).join("  ")}`));
  if (r.gate.shrinkage) {
    out.push("", `gate shrinkage κ (1 = switched off), by stick and input (${r.inputColumns.join(", ")})`);
    r.gate.shrinkage.forEach((row, l) => out.push(`  stick ${l + 1}: ${row.map((v) => fmt(v, 2)).join("  ")}`));
  }
  return out.join("\n");
}

/** Runs `hsmoe predict`. */
export function predictCommand(statePath: string, dataPath: string, json: boolean, io: Io): number {
  const text = readTextFile(statePath, "saved state", MAX_DATA_BYTES);
  let saved: SavedState;
  try {
    saved = JSON.parse(text) as SavedState;
  } catch {
    throw new UsageError(`${statePath} is not JSON`);
  }
  if (saved?.format !== "hsmoe-state/1") throw new UsageError(`${statePath} is not a state saved by hsmoe fit --save`);
  let model: CompiledModel;
  try {
    model = compile(saved.source, saved.hypers, { file: saved.file });
  } catch (e) {
    if (e instanceof DiagnosticError) throw new UsageError(`${statePath}: the saved model no longer compiles`);
    throw e;
  }
  const f = model.restore(saved.snapshot);
  const probe = readTextFile(dataPath, "data file", MAX_DATA_BYTES);
  const hasResponse = probe.split(/\r?\n/, 1)[0].split(",").map((c) => c.trim().replace(/^"|"$/g, "")).includes(model.plan.response);
  const table = readDataTable(probe, { file: dataPath, input: model.plan.input, response: hasResponse ? model.plan.response : undefined, inputColumns: saved.inputColumns });
  const rows = Array.from({ length: table.n }, (_, s) => {
    const p = f.predict(table.x.subarray(s * table.D, (s + 1) * table.D), [0.05, 0.5, 0.95]);
    const row: Record<string, number> = { mean: p.mean, sd: p.sd, q05: p.quantiles[0].value, q50: p.quantiles[1].value, q95: p.quantiles[2].value };
    if (table.y) row.logDensity = p.logDensity(table.y[s]);
    return row;
  });
  if (json) {
    const summary = table.y ? { n: table.n, lpd: rows.reduce((a, r) => a + r.logDensity, 0) / table.n, rmse: Math.sqrt(rows.reduce((a, r, s) => a + (r.mean - table.y![s]) ** 2, 0) / table.n) } : { n: table.n };
    io.stdout(JSON.stringify({ model: model.plan.model, ...summary, rows }, null, 2) + "\n");
  } else {
    const head = ["row", "mean", "sd", "q05", "q50", "q95", ...(table.y ? ["log density"] : [])];
    const lines = rows.map((r, s) => [s + 1, ...Object.values(r).map((v) => fmt(v, 4))].join("\t"));
    io.stdout([head.join("\t"), ...lines].join("\n") + "\n");
  }
  return 0;
}

/** Runs `hsmoe compile`: the kernel as an ES module, to a file or stdout. */
export function compileCommand(file: string, sets: string[], out: string | undefined, io: Io): number {
  const { model } = compileFile(file, sets, io, false);
  const js = model.kernelSource("module");
  if (out) writeFileSync(out, js);
  else io.stdout(js);
  return 0;
}

/** Turns the errors fit and predict can meet into an exit code with an explanation. */
export function explainRunError(e: unknown, io: Io): number | undefined {
  if (e instanceof ReportedError) return 1;
  if (e instanceof DataError) {
    io.stderr(e.render() + "\n");
    return 1;
  }
  if (e instanceof FilterError) {
    io.stderr(`hsmoe: ${e.message}\n`);
    return 1;
  }
  return undefined;
}
