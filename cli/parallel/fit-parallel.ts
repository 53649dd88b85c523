/**
 * Runs the particle sets of a fit on worker threads (spec §3.7: independent sets pooled by
 * their evidence; one set or more per core). Every set draws from its own split of the seed's
 * stream and is returned as a bit-exact snapshot, so the pooled filter is identical to the one
 * a single thread would build, whatever the number of threads.
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { CompiledModel } from "../../api.js";
import { encodeFloat64 } from "../../runtime/rules/snapshot.js";
import { Filter, setCount, type FilterOptions } from "../../runtime/pl/filter.js";
import { FilterError } from "../../runtime/pl/errors.js";
import type { ParticleSetJson, SetOptions } from "../../runtime/pl/particle-set.js";
import type { WorkerMessage, WorkerSetup } from "./protocol.js";

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

/**
 * Fits rows `x` (n·D, row-major) and `y` with the sets spread over worker threads, reporting
 * progress as the slowest worker's row count. Resolves to the pooled filter.
 */
export async function fitParallel(
  model: CompiledModel,
  D: number,
  x: Float64Array,
  y: Float64Array,
  options: FilterOptions,
  onProgress: (rows: number) => void = () => {},
): Promise<Filter> {
  const M = setCount(options);
  const T = threadCount(M);
  const shares = Array.from({ length: T }, (_, w) => Array.from({ length: M }, (_, m) => m).filter((m) => m % T === w));
  const kernel = model.kernelSource("function");
  const progress = new Array<number>(T).fill(0);
  const results = await Promise.all(
    shares.map(
      (indices, w) =>
        new Promise<{ sets: ParticleSetJson[]; options: SetOptions; indices: number[]; timings: { seconds: number; sweepSeconds: number }[] }>((resolve, reject) => {
          const setup: WorkerSetup = { kernel, D, options, indices };
          const worker = new Worker(workerUrl(), { workerData: setup });
          worker.on("message", (m: WorkerMessage) => {
            if (m.type === "progress") {
              progress[w] = m.rows;
              onProgress(Math.min(...progress));
            } else if (m.type === "done") {
              void worker.terminate();
              resolve({ sets: m.sets, options: m.options, indices, timings: m.timings });
            } else {
              void worker.terminate();
              reject(m.code === "internal" ? new Error(m.message) : new FilterError(m.code, m.message, m.row));
            }
          });
          worker.on("error", reject);
          worker.postMessage({ x, y });
        }),
    ),
  );
  const sets = new Array<ParticleSetJson>(M);
  for (const r of results) r.indices.forEach((m, j) => (sets[m] = r.sets[j]));
  onProgress(y.length);
  const filter = Filter.restore(model.kernel, {
    format: "hsmoe-filter/1",
    info: model.kernel.info,
    D,
    options: results[0].options,
    rows: { n: y.length, x: encodeFloat64(x.subarray(0, y.length * D)), y: encodeFloat64(y) },
    sets,
  });
  // timings are not state, so they travel beside the snapshots
  for (const r of results) r.indices.forEach((m, j) => Object.assign(filter.sets[m], r.timings[j]));
  return filter;
}
