/**
 * The library API (DESIGN §4): `compile` turns model source into a {@link CompiledModel}, whose
 * `filter` streams observations through the emitted particle-learning kernel. This module is
 * the one place that joins the compiler and the runtime.
 */
import { compileModel, renderDiagnostics, type CompileResult, type Diagnostic, type KernelFormat, type KernelPlan, type SourceFile } from "./compiler/index.js";
import { loadKernel } from "./runtime/kernel-runtime.js";
import type { KernelModule } from "./runtime/pl/kernel.js";
import { Filter, type FilterOptions, type FilterSnapshot, type Separation } from "./runtime/pl/filter.js";
import { FilterError } from "./runtime/pl/errors.js";
import type { Alarm, Outliers, TraceRow } from "./runtime/pl/trace.js";
import type { ActiveExperts, CoveragePoint, CoverageRiskOptions, Forgetting, Route, RouteOptions, RouterJson } from "./runtime/pl/summaries.js";
import { validateOptions } from "./runtime/pl/options.js";

/** Thrown by {@link compile} for a model with errors; `diagnostics` holds them all. */
export class DiagnosticError extends Error {
  /**
   * @param diagnostics - every problem found, in source order
   * @param source - the model text, for positions and rendering
   * @param omitted - errors found beyond the cap, counted in the message
   */
  constructor(
    readonly diagnostics: Diagnostic[],
    readonly source: SourceFile,
    omitted = 0,
  ) {
    super(renderDiagnostics(diagnostics, source, omitted));
    this.name = "DiagnosticError";
  }
}

/** Options of {@link compile}. */
export interface CompileOptions {
  /** File name used in diagnostics and in the kernel header; default `<model>`. */
  file?: string;
}

/** A compiled model: its plan, its kernel, and filters that run it. */
export interface CompiledModel {
  /** @internal The kernel plan: every decision the emitted kernel embodies. */
  readonly plan: KernelPlan;
  /** @internal The loaded kernel. */
  readonly kernel: KernelModule;
  /** The kernel's JavaScript, as an ES module or as a function expression of the runtime. */
  kernelSource(format?: KernelFormat): string;
  /**
   * A particle filter over rows whose input vector has `D` entries (taken from the first
   * observed row when omitted).
   */
  filter(options?: FilterOptions & { D?: number }): ModelFilter;
  /** Continues a filter from {@link ModelFilter.snapshot}. */
  restore(snapshot: FilterSnapshot): ModelFilter;
}

/**
 * An input row: the inputs' values concatenated in declaration order (a plain array), or by
 * name — `{ x: [...], w: [...] }`, a number for a scalar input.
 */
export type InputRow = ArrayLike<number> | Readonly<Record<string, ArrayLike<number> | number>>;

/** A row given by name flattened in the kernel's input order, with each input's length. */
function flatten(kernel: KernelModule, x: InputRow, what: string): { row: ArrayLike<number>; sizes: number[] | undefined } {
  if (x === null || typeof x !== "object") throw new FilterError("bad_input", `${what}: x must be an array of numbers or an object of inputs by name`);
  if (typeof (x as ArrayLike<number>).length === "number") return { row: x as ArrayLike<number>, sizes: undefined };
  const named = x as Readonly<Record<string, ArrayLike<number> | number>>;
  const names = kernel.info.inputs.map((i) => i.name);
  for (const key of Object.keys(named)) if (!names.includes(key)) throw new FilterError("bad_input", `${what}: the model has no input '${key}' (inputs: ${names.join(", ")})`);
  const row: number[] = [];
  const sizes: number[] = [];
  for (const name of names) {
    const v = Object.hasOwn(named, name) ? named[name] : undefined;
    if (typeof v === "number") row.push(v);
    else if (v !== null && typeof v === "object" && typeof v.length === "number") for (let j = 0; j < v.length; j++) row.push(v[j]);
    else throw new FilterError("bad_input", `${what}: input '${name}' is missing or not numbers`);
    sizes.push(typeof v === "number" ? 1 : v.length);
  }
  return { row, sizes };
}

/** A filter that learns its inputs' lengths from the first row if they were not given. */
export class ModelFilter {
  private inner: Filter | undefined;

  private readonly options: FilterOptions;

  /** @internal Built by {@link CompiledModel.filter} and {@link CompiledModel.restore}. */
  constructor(
    private readonly kernel: KernelModule,
    options: FilterOptions & { D?: number },
    restored?: Filter,
  ) {
    if (typeof options !== "object" || options === null) throw new FilterError("bad_input", "filter options must be an object");
    validateOptions(options);
    const { D, ...filterOptions } = options;
    this.options = filterOptions;
    const rowLength = D ?? filterOptions.inputs?.reduce((a, n) => a + n, 0);
    this.inner = restored ?? (rowLength !== undefined ? new Filter(kernel, rowLength, filterOptions) : undefined);
  }

  /** @internal The underlying filter; throws before the first row when D was not given. */
  get filter(): Filter {
    if (!this.inner) throw new FilterError("bad_input", "no row has been observed yet, so the input size is unknown (pass D or inputs to filter())");
    return this.inner;
  }

  /**
   * Feeds one row (x, y); x as a plain array of every input in order, or by name
   * (`{ x: [...], w: [...] }`). Without D or inputs in the options the first row sets them.
   * With the `trace` option, returns the row's prequential record (see {@link TraceRow}).
   */
  observe(x: InputRow, y: number): TraceRow | undefined {
    const { row, sizes } = flatten(this.kernel, x, `row ${this.inner ? this.inner.rows.n + 1 : 1}`);
    if (!this.inner) {
      if (!(row.length >= 1)) throw new FilterError("bad_input", "observe: x must be a non-empty array of numbers", 1);
      this.inner = new Filter(this.kernel, row.length, { ...this.options, ...(sizes && !this.options.inputs ? { inputs: sizes } : {}) });
    } else if (sizes && sizes.some((n, q) => n !== this.inner!.inputs[q])) {
      throw new FilterError("bad_input", `row ${this.inner.rows.n + 1}: the inputs have lengths ${sizes.join(", ")}; the filter's are ${this.inner.inputs.join(", ")}`, this.inner.rows.n + 1);
    }
    return this.inner.observe(row, y);
  }

  /** Change alarms on the prequential score so far (spec §3.8): row (1-based) and strength. */
  get alarms(): readonly Alarm[] {
    return this.inner ? this.inner.alarms : [];
  }

  /**
   * Robust experts (spec §2.5): the rows weighed least so far by their outlier weight (the
   * posterior mean of the row's precision, relative to a typical row's for Laplace experts, given
   * the rows up to it), with the count below the
   * threshold; null for experts that weigh no rows (and before the first row).
   */
  get outliers(): Outliers | null {
    return this.inner ? this.inner.outliers : null;
  }

  /** The forgetting in force (spec §3.8): the option, each factor the sets run with its pooling weight, and their weighted mean. */
  forgetting(): Forgetting {
    return this.filter.forgetting();
  }

  /** Posterior predictive at x (an array or inputs by name): mean, sd, quantiles, density. */
  predict(x: InputRow, probabilities?: number[]): ReturnType<Filter["predict"]> {
    return this.filter.predict(flatten(this.kernel, x, "predict").row, probabilities);
  }

  /** Gate probability of each expert at x (an array or inputs by name) with a credible interval. */
  gateProbabilities(x: InputRow, level?: number): ReturnType<Filter["gateProbabilities"]> {
    return this.filter.gateProbabilities(flatten(this.kernel, x, "gateProbabilities").row, level);
  }

  /**
   * The route of x (an array or inputs by name): the k experts of highest lower bound mean −
   * α·sd of their gate probability (default k = 1, α = 1), each with mean, sd and a credible
   * interval, the routing entropy, and whether the k-th and (k + 1)-th experts' intervals
   * overlap (an uncertain route). Spec §3.9.
   */
  route(x: InputRow, options?: RouteOptions | null): Route {
    return this.filter.route(flatten(this.kernel, x, "route").row, options);
  }

  /**
   * Selective prediction (spec §3.9): the coverage–risk curve of scored rows (inputs as an array
   * or by name, and the response). A row's confidence is the lower bound mean − α·sd of the
   * expert its route ranks first; each point gives the mean log predictive density and RMSE of
   * the given share of rows routed with most confidence (default 10 %, 20 %, …, 100 %), so a
   * user can see what abstaining on uncertain routes buys.
   */
  coverageRisk(rows: Iterable<{ x: InputRow; y: number }>, options?: CoverageRiskOptions | null): CoveragePoint[] {
    const kernel = this.kernel;
    function* flat() {
      // a row that is no object goes on as it is, for the filter to refuse by its number
      for (const r of rows) yield typeof r === "object" && r !== null ? { x: flatten(kernel, r.x, "coverageRisk").row, y: r.y } : (r as never);
    }
    return this.filter.coverageRisk(flat(), options);
  }

  /**
   * The posterior number of active experts: per particle, the experts holding at least
   * `threshold` of its rows (default 0.05), its mean and credible interval over the particles,
   * and the experts (stable labels) nobody uses. Spec §3.9.
   */
  activeExperts(threshold?: number, level?: number): ActiveExperts {
    return this.filter.activeExperts(threshold, level);
  }

  /**
   * A router as JSON: `draws` (default 256) posterior draws of the gate's coefficients with their
   * stable labels, from which `routeWith(router, x, options)` routes a data row without the
   * particles, as {@link route} does up to the draws' Monte Carlo error.
   */
  exportRouter(draws?: number, seed?: number): RouterJson {
    return this.filter.exportRouter(draws, seed);
  }

  /** Runs the end-of-data rejuvenation sweep. */
  finish(): void {
    this.inner?.finish();
  }

  /** Estimate of log p(y₁..ₙ | x₁..ₙ), pooled over the particle sets (spec E17). */
  get logEvidence(): number {
    return this.filter.logEvidence;
  }

  /** Monte Carlo standard error of {@link logEvidence}, from the spread of the sets. */
  get logEvidenceSE(): number {
    return this.filter.logEvidenceSE;
  }

  /** Effective sample size after the last row, summed over the sets. */
  get ess(): number {
    return this.filter.ess;
  }

  /**
   * The row each entry of the histories below ends at: every row for the first 4,096, then
   * buckets of 2, 4, … rows, so the histories stay bounded on an endless stream.
   */
  get historyRows(): number[] {
    return this.filter.historyRows;
  }

  /** ESS before resampling per entry of {@link historyRows} (a bucket's minimum), summed over the sets. */
  get essHistory(): number[] {
    return this.filter.essHistory;
  }

  /** Running log evidence after each entry of {@link historyRows}, pooled over the sets like {@link logEvidence}. */
  get evidenceHistory(): number[] {
    return this.filter.evidenceHistory;
  }

  /** Per entry of {@link historyRows}, how many resamplings the sets made. */
  get resampleCounts(): number[] {
    return this.filter.resampleCounts;
  }

  /** Distinct initial particles that still have descendants (collapse shows here, not in the ESS). */
  get ancestors(): number {
    return this.filter.ancestors;
  }

  /**
   * Experts under stable labels (particles' experts matched by their allocations, then ranked
   * by usage): usage, posterior mean coefficients with central `level` credible intervals
   * (default 0.9), and the posterior mean noise variance.
   */
  experts(level?: number): ReturnType<Filter["experts"]> {
    return this.filter.experts(level);
  }

  /** What the rows of the gate's coefficients are ({@link shrinkage}, {@link gateCoefficients}, {@link separation}): sticks, or a softmax gate's experts. */
  get gateRows(): "stick" | "expert" {
    return this.filter.gateRows;
  }

  /** Posterior mean shrinkage κ per gate coefficient `[row][coefficient]`, a row per stick or softmax category ({@link gateRows}). */
  shrinkage(): number[][] | null {
    return this.filter.shrinkage();
  }

  /** Posterior mean of each gate coefficient `[row][coefficient]` (the particles' draws), a row per stick or softmax category, or null for constant stops. */
  gateCoefficients(): number[][] | null {
    return this.filter.gateCoefficients();
  }

  /**
   * Gate coefficients that run away because the rows reaching their stick (or a softmax
   * category's rows, against the others') separate along their input (spec §8.4), under a gate prior that bounds no variance: the regularised horseshoe's
   * slab would bound them. Empty when none does, or when the filter cannot judge it (see
   * {@link Filter.separation}).
   */
  separation(): Separation[] {
    return this.filter.separation();
  }

  /**
   * Names of the experts' coefficients (`alpha`, `b[1]`, …) when the model builds their
   * regressors from the inputs; null when they are the inputs, in order.
   */
  get coefficientNames(): readonly string[] | null {
    return this.filter.coefficientNames;
  }

  /** Names of each gate row's coefficients (the columns of {@link shrinkage}), or null when they are the inputs. */
  get gateCoefficientNames(): readonly string[] | null {
    return this.filter.gateCoefficientNames;
  }

  /** A JSON-safe snapshot; restoring it continues bit for bit. */
  snapshot(): FilterSnapshot {
    return this.filter.snapshot();
  }
}

/**
 * Compiles a model.
 * @param hypers - hyperparameter values replacing the defaults; an array hyperparameter
 *   (`group: int[D]`, `m0: vector[D]`) takes an array
 * @throws {@link DiagnosticError} when the model has errors or a term no rule covers.
 */
export function compile(source: string, hypers: Record<string, number | readonly number[]> = {}, options: CompileOptions = {}): CompiledModel {
  const r = compileModel(source, { file: options.file ?? "<model>", hypers: new Map(Object.entries(hypers)) });
  if (!r.plan) throw new DiagnosticError(r.diagnostics, r.source, r.omitted);
  return compiledModel(r);
}

/**
 * @internal The compiled model of a compile result that has a plan (the CLI compiles with
 * {@link compileModel} itself, to check its `--set` values against the parsed model first).
 */
export function compiledModel(r: CompileResult): CompiledModel {
  const { plan, kernelSource } = r;
  if (!plan || !kernelSource) throw new Error("compiledModel: the compile result has no plan");
  const kernel = loadKernel(kernelSource("function"));
  return {
    plan,
    kernel,
    kernelSource,
    filter: (opts = {}) => new ModelFilter(kernel, opts),
    restore: (snapshot) => new ModelFilter(kernel, {}, Filter.restore(kernel, snapshot)),
  };
}
