/**
 * The playground's fit worker: compiles the model, reads the CSV with the CLI's reader, streams
 * the rows through the particle filter and, every few dozen rows, posts the posterior predictive
 * on a grid of the plotted input. Running here keeps the page responsive however long the fit
 * takes; the page stops a fit by terminating the worker, so the loop never needs to yield.
 */
import { compile, type ModelFilter, type RouterJson } from "../../index.js";
import { checkInputSizes, csvInputs, readDataTable, type DataTable } from "../../cli/data/csv.js";
import type { BandPoint, FitRequest, WorkerMessage } from "./protocol.js";

/**
 * The worker's global scope, typed by hand: the project compiles with the DOM library, whose
 * `self` is a Window, and that library cannot be mixed with the WebWorker one.
 */
const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<FitRequest>) => void) | null;
  postMessage(message: WorkerMessage): void;
};

/** The quantiles that bound the 90 % and 50 % bands. */
const PROBABILITIES = [0.05, 0.25, 0.75, 0.95];
/** Posterior draws of the gate the page routes picked points with. */
const ROUTER_DRAWS = 256;

scope.onmessage = (event) => {
  try {
    fit(event.data);
  } catch (error) {
    // DiagnosticError and DataError render every problem into their message.
    scope.postMessage({ type: "error", message: error instanceof Error ? error.message : String(error) });
  }
};

function fit(request: FitRequest): void {
  const started = performance.now();
  const model = compile(request.source, request.hypers, { file: "model.moe" });
  const { response } = model.plan;
  // each input reads its own columns (x1..xD, w1..wP, s); a row is them concatenated in order
  const table = readDataTable(request.csv, { file: request.file, inputs: csvInputs(model.plan.inputs), response });
  checkInputSizes(model.plan.inputs, table.inputs, request.file);
  const y = table.y!; // present: a response name was given
  const { n, D, x } = table;

  // The horizontal axis is the first input that varies: with `x1 = 1, x2` the plot is against
  // x2. Every other input sits at its mean on the grid; only the varying ones need saying.
  const varying = varyingColumns(table);
  const column = varying[0] ?? 0;
  const means = columnMeans(table);
  const xs = Array.from({ length: n }, (_, i) => x[i * D + column]);
  scope.postMessage({
    type: "start",
    n,
    column: table.inputColumns[column],
    heldAtMean: varying.slice(1).map((j) => table.inputColumns[j]),
    response,
    xs,
    ys: Array.from(y),
    means: Array.from(means),
    at: column,
  });

  // Not Math.min(...xs): spreading a long column into arguments overflows the call stack.
  const lo = xs.reduce((a, b) => Math.min(a, b), Infinity);
  const hi = xs.reduce((a, b) => Math.max(a, b), -Infinity);
  const grid = gridInputs(lo, hi, request.gridSize, column, means);
  const filter = model.filter({ particles: request.particles, seed: request.seed, D, inputs: table.inputs.map((i) => i.columns.length) });
  const report = (rows: number) =>
    scope.postMessage({ type: "progress", rows, logEvidence: filter.logEvidence, logEvidenceSE: filter.logEvidenceSE, ess: filter.ess, band: band(filter, grid, column) });

  for (let i = 0; i < n; i++) {
    filter.observe(x.subarray(i * D, (i + 1) * D), y[i]);
    if ((i + 1) % request.every === 0 && i + 1 < n) report(i + 1);
  }
  filter.finish();
  report(n);
  // The page routes picked points from posterior draws of the gate: no round trip to the worker.
  let router: RouterJson | null = null;
  let routerProblem: string | undefined;
  try {
    router = filter.exportRouter(ROUTER_DRAWS, request.seed);
  } catch (error) {
    routerProblem = error instanceof Error ? error.message : String(error);
  }
  scope.postMessage({ type: "done", seconds: (performance.now() - started) / 1000, router, routerProblem });
}

/** The input columns that are not constant (an intercept column of ones is), in order. */
function varyingColumns({ n, D, x }: DataTable): number[] {
  const varying: number[] = [];
  for (let j = 0; j < D; j++) {
    for (let i = 1; i < n; i++) {
      if (x[i * D + j] !== x[j]) {
        varying.push(j);
        break;
      }
    }
  }
  return varying;
}

/** Mean of every input column: the grid holds the inputs that are not plotted there. */
function columnMeans({ n, D, x }: DataTable): Float64Array {
  const means = new Float64Array(D);
  for (let i = 0; i < n; i++) for (let j = 0; j < D; j++) means[j] += x[i * D + j] / n;
  return means;
}

/** `size` input vectors spanning [lo, hi] in the plotted column, the others at their mean. */
function gridInputs(lo: number, hi: number, size: number, column: number, means: Float64Array): Float64Array[] {
  return Array.from({ length: size }, (_, g) => {
    const v = Float64Array.from(means);
    v[column] = size > 1 ? lo + ((hi - lo) * g) / (size - 1) : lo;
    return v;
  });
}

/** The posterior predictive mean and quantiles at every grid input. */
function band(filter: ModelFilter, grid: Float64Array[], column: number): BandPoint[] {
  return grid.map((v) => {
    const p = filter.predict(v, PROBABILITIES);
    // binary experts: the band of P(y = 1), not the 0/1 quantiles of y
    const [q05, q25, q75, q95] = (p.probability?.quantiles ?? p.quantiles).map((q) => q.value);
    return { x: v[column], mean: p.mean, q05, q25, q75, q95 };
  });
}
