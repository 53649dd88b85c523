/**
 * Runs the particle sets of a fit on worker threads (spec §3.7: independent sets pooled by
 * their evidence; one set or more per core). Every set draws from its own split of the seed's
 * stream and is returned as a bit-exact snapshot, pooled by the runtime (runtime/pl/pool.ts)
 * into the filter a single thread would build, whatever the number of threads. This module is
 * the thread plumbing: starting workers, feeding them rows, collecting their sets.
 */
import { ColumnMoments } from "../../runtime/pl/columns.js";
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { CompiledModel } from "../../api.js";
import { inputSizes, pushPooled, setCount, type Filter, type FilterOptions } from "../../runtime/pl/filter.js";
import { HealthSeries } from "../../runtime/pl/health.js";
import { FilterError } from "../../runtime/pl/errors.js";
import type { ParticleSetJson, SetOptions } from "../../runtime/pl/particle-set.js";
import { poolSets, type SetTimings } from "../../runtime/pl/pool.js";
import { RowStore } from "../../runtime/pl/rows.js";
import type { MainMessage, WorkerMessage, WorkerSetup } from "./protocol.js";
import { ChangeDetector, OutlierRows, poolRecords, SET_RECORD, type TraceRow } from "../../runtime/pl/trace.js";

/** The worker script: beside this module when compiled, in dist/ when running from sources. */
function workerUrl(): URL {
  for (const candidate of ["./worker.js", "../../dist/cli/parallel/worker.js"]) {
    const url = new URL(candidate, import.meta.url);
    if (existsSync(fileURLToPath(url))) return url;
  }
  throw new Error("the worker script is missing: run `npm run build`");
}

/** Threads to use for M sets on this machine. */
export function threadCount(sets: number): number {
  return Math.max(1, Math.min(sets, availableParallelism()));
}

/** Rows a worker may lag behind the reader before reading pauses (bounds the queued batches). */
const MAX_LAG = 1 << 15;

/** Supplies the rows: calls `onRow` for each, awaiting `afterPiece` between pieces of the file. */
export type RowFeed = (onRow: (x: Float64Array, y: number) => void, afterPiece: () => Promise<void>) => Promise<unknown>;

/** Fits `x` (n·D, row-major) and `y` held in memory; see {@link fitParallel}. */
export function fitParallelArrays(model: CompiledModel, D: number, x: Float64Array, y: Float64Array, options: FilterOptions, onProgress?: (rows: number) => void, onTrace?: (row: TraceRow) => void): Promise<Filter> {
  return fitParallel(model, D, async (onRow) => {
    for (let s = 0; s < y.length; s++) onRow(x.subarray(s * D, (s + 1) * D), y[s]);
  }, options, onProgress, undefined, onTrace);
}

/**
 * Pools the workers' per-row set records in row order, as rows become complete (every worker
 * has sent them): the pooled trace row, with the alarm of the filter's change detector.
 */
class TraceMerger {
  readonly monitor = new ChangeDetector();
  /** The rows robust experts weigh least, as the single-threaded filter keeps them. */
  readonly outlierRows = new OutlierRows();
  /** The pooled health series, as the single-threaded filter keeps it. */
  readonly pooled = new HealthSeries();
  private readonly queues: { chunks: Float64Array[]; at: number }[];
  private readonly row: Float64Array;
  private t = 0;

  constructor(
    private readonly shares: readonly number[][],
    private readonly onTrace: ((row: TraceRow) => void) | undefined,
  ) {
    this.queues = shares.map(() => ({ chunks: [], at: 0 }));
    this.row = new Float64Array(shares.reduce((a, s) => a + s.length, 0) * SET_RECORD);
  }

  /** Takes worker w's records and emits every row now complete. */
  add(w: number, records: Float64Array): void {
    if (records.length > 0) this.queues[w].chunks.push(records);
    while (this.queues.every((q) => q.chunks.length > 0)) {
      this.shares.forEach((indices, w2) => {
        const q = this.queues[w2];
        const chunk = q.chunks[0];
        indices.forEach((m, j) => this.row.set(chunk.subarray(q.at + j * SET_RECORD, q.at + (j + 1) * SET_RECORD), m * SET_RECORD));
        q.at += indices.length * SET_RECORD;
        if (q.at === chunk.length) {
          q.chunks.shift();
          q.at = 0;
        }
      });
      const pooled = poolRecords(this.row, this.row.length / SET_RECORD, ++this.t);
      pooled.alarm = this.monitor.push(pooled.t, pooled.logPredictive);
      this.outlierRows.push(pooled.t, pooled.weight);
      pushPooled(this.pooled, pooled);
      this.onTrace?.(pooled);
    }
  }
}

/** Each worker thread's young generation, in MB (V8's default is several times this). */
const WORKER_YOUNG_MB = 4;

/**
 * Fits the rows `feed` supplies with the sets spread over worker threads, sending them in
 * batches as they are read and pausing the reader while the slowest worker lags by more than
 * {@link MAX_LAG} rows, so memory does not grow with the stream beyond what the sweeps keep.
 * Reports progress as the slowest worker's row count. Resolves to the pooled filter.
 */
export async function fitParallel(
  model: CompiledModel,
  D: number,
  feed: RowFeed,
  options: FilterOptions,
  onProgress: (rows: number) => void = () => {},
  threads?: number,
  onTrace?: (row: TraceRow) => void,
): Promise<Filter> {
  const M = setCount(options);
  const T = Math.max(1, Math.min(threads ?? threadCount(M), M));
  const shares = Array.from({ length: T }, (_, w) => Array.from({ length: M }, (_, m) => m).filter((m) => m % T === w));
  const kernel = model.kernelSource("function");
  const merger = new TraceMerger(shares, onTrace);
  // The rows the pooled filter needs: those some worker's sets still hold (spec §3.8 window).
  const kept = new RowStore(D, 256, options.rejuvenate ?? true);
  const heldBy = new Array<number>(T).fill(0);
  const progress = new Array<number>(T).fill(0);
  const slowest = () => progress.reduce((a, b) => Math.min(a, b));
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const fail = (e: Error) => {
    failure ??= e;
    notify();
  };
  // The kernels allocate nothing per row, so a small young generation costs no time and keeps
  // each thread's resident memory down (measured: 349 → 311 MB for N = 1000 at K = 4).
  const workers = shares.map((indices) => new Worker(workerUrl(), { workerData: { kernel, D, options, indices } satisfies WorkerSetup, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB } }));
  const results = workers.map(
    (worker, w) =>
      new Promise<{ sets: ParticleSetJson[]; options: SetOptions; indices: number[]; timings: SetTimings[] }>((resolve, reject) => {
        worker.on("message", (m: WorkerMessage) => {
          if (m.type === "progress") {
            progress[w] = m.rows;
            heldBy[w] = m.held;
            kept.dropBefore(heldBy.reduce((a, b) => Math.min(a, b)));
            merger.add(w, m.records);
            onProgress(slowest());
            notify();
          } else if (m.type === "done") {
            resolve({ sets: m.sets, options: m.options, indices: shares[w], timings: m.timings });
          } else {
            const e = m.code === "internal" ? new Error(m.message) : new FilterError(m.code, m.message, m.row);
            fail(e);
            reject(e);
          }
        });
        worker.on("error", (e) => (fail(e), reject(e)));
        worker.on("exit", (code) => {
          const e = new Error(`a worker thread stopped (exit code ${code})`);
          fail(e);
          reject(e);
        });
      }),
  );
  results.forEach((r) => r.catch(() => {})); // each failure is also recorded in `failure`
  try {
    let batch = new RowStore(D, 1024);
    let sent = 0;
    // The input columns' moments, as the single-threaded filter keeps them (every row passes here).
    const columns = new ColumnMoments(D);
    const send = () => {
      if (batch.n === 0) return;
      const x = batch.x.slice(0, batch.n * D);
      const y = batch.y.slice(0, batch.n);
      for (const worker of workers) worker.postMessage({ type: "rows", x, y } satisfies MainMessage);
      sent += batch.n;
      batch = new RowStore(D, 1024);
    };
    await feed(
      (x, y) => {
        columns.push(x);
        kept.push(x, y);
        batch.push(x, y);
        if (batch.n >= 4096) send();
      },
      async () => {
        send();
        while (!failure && sent - slowest() > MAX_LAG) await new Promise<void>((r) => (wake = r));
        if (failure) throw failure;
      },
    );
    send();
    if (failure) throw failure;
    for (const worker of workers) worker.postMessage({ type: "end" } satisfies MainMessage);
    const done = await Promise.all(results);
    const sets = new Array<ParticleSetJson>(M);
    const timings = new Array<SetTimings>(M);
    for (const r of done) {
      r.indices.forEach((m, j) => {
        sets[m] = r.sets[j];
        timings[m] = r.timings[j];
      });
    }
    onProgress(kept.n);
    const filter = poolSets(model.kernel, kept, sets, done[0].options, inputSizes(options, D), timings);
    filter.monitor = merger.monitor;
    if (filter.outlierRows) filter.outlierRows = merger.outlierRows;
    filter.pooled = merger.pooled;
    filter.columns = columns;
    return filter;
  } finally {
    for (const worker of workers) {
      worker.removeAllListeners("exit");
      void worker.terminate();
    }
  }
}
