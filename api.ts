/**
 * The library API (DESIGN §4): `compile` turns model source into a {@link CompiledModel}, whose
 * `filter` streams observations through the emitted particle-learning kernel. This module is
 * the one place that joins the compiler and the runtime.
 */
import { compileModel, renderDiagnostics, type CompileResult, type Diagnostic, type KernelFormat, type KernelPlan, type SourceFile } from "./compiler/index.js";
import { loadKernel } from "./runtime/kernel-runtime.js";
import type { KernelModule } from "./runtime/pl/kernel.js";
import { Filter, type FilterOptions, type FilterSnapshot } from "./runtime/pl/filter.js";
import { FilterError } from "./runtime/pl/errors.js";
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

/** A filter that learns its input size from the first row if it was not given. */
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
    this.inner = restored ?? (D !== undefined ? new Filter(kernel, D, filterOptions) : undefined);
  }

  /** @internal The underlying filter; throws before the first row when D was not given. */
  get filter(): Filter {
    if (!this.inner) throw new FilterError("bad_input", "no row has been observed yet, so the input size is unknown (pass D to filter())");
    return this.inner;
  }

  /** Feeds one row (x, y). */
  observe(x: ArrayLike<number>, y: number): void {
    if (!this.inner) {
      if (x === null || typeof x !== "object" || !(x.length >= 1)) throw new FilterError("bad_input", "observe: x must be a non-empty array of numbers", 1);
      this.inner = new Filter(this.kernel, x.length, this.options);
    }
    this.inner.observe(x, y);
  }

  /** Posterior predictive at x: mean, sd, quantiles, density. */
  predict(x: ArrayLike<number>, probabilities?: number[]): ReturnType<Filter["predict"]> {
    return this.filter.predict(x, probabilities);
  }

  /** Gate probability of each expert at x with a credible interval. */
  gateProbabilities(x: ArrayLike<number>, level?: number): ReturnType<Filter["gateProbabilities"]> {
    return this.filter.gateProbabilities(x, level);
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

  /** ESS before resampling at every row, summed over the sets. */
  get essHistory(): number[] {
    return this.filter.essHistory;
  }

  /** Running log evidence after every row, pooled over the sets like {@link logEvidence}. */
  get evidenceHistory(): number[] {
    return this.filter.evidenceHistory;
  }

  /** For every row, how many particle sets resampled at it. */
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

  /** Posterior mean shrinkage κ per gate coefficient `[stick][coefficient]`. */
  shrinkage(): number[][] | null {
    return this.filter.shrinkage();
  }

  /**
   * Names of the experts' coefficients (`alpha`, `b[1]`, …) when the model builds their
   * regressors from the inputs; null when they are the inputs, in order.
   */
  get coefficientNames(): readonly string[] | null {
    return this.filter.coefficientNames;
  }

  /** Names of each stick's gate coefficients (the columns of {@link shrinkage}), or null when they are the inputs. */
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
 * @param hypers - hyperparameter values replacing the defaults
 * @throws {@link DiagnosticError} when the model has errors or a term no rule covers.
 */
export function compile(source: string, hypers: Record<string, number> = {}, options: CompileOptions = {}): CompiledModel {
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
