/**
 * A worker thread of the parallel fit: builds its share of the particle sets from the kernel
 * source, filters the rows as they arrive in batches, and at the end sends the sets back as
 * snapshots.
 */
import { parentPort, workerData } from "node:worker_threads";
import { loadKernel } from "../../runtime/kernel-runtime.js";
import { createSets } from "../../runtime/pl/filter.js";
import { FilterError } from "../../runtime/pl/errors.js";
import { RowStore } from "../../runtime/pl/rows.js";
import type { ParticleSet } from "../../runtime/pl/particle-set.js";
import type { MainMessage, WorkerMessage, WorkerSetup } from "./protocol.js";
import { SET_RECORD } from "../../runtime/pl/trace.js";

const setup = workerData as WorkerSetup;
const post = (m: WorkerMessage) => parentPort!.postMessage(m);
let failed = false;

function run(body: () => void): void {
  if (failed) return;
  try {
    body();
  } catch (e) {
    failed = true;
    if (e instanceof FilterError) post({ type: "error", code: e.code, message: e.message, row: e.row });
    else post({ type: "error", code: "internal", message: (e as Error).message });
  }
}

let sets: ParticleSet[] = [];
let rows: RowStore;
run(() => {
  sets = createSets(loadKernel(setup.kernel), setup.D, setup.options, setup.indices);
  rows = new RowStore(setup.D, 256, sets[0].options.rejuvenate);
});

parentPort!.on("message", (m: MainMessage) => {
  if (m.type === "rows") {
    run(() => {
      const { x, y } = m;
      const records = new Float64Array(y.length * sets.length * SET_RECORD);
      for (let s = 0; s < y.length; s++) {
        const xs = x.subarray(s * setup.D, (s + 1) * setup.D);
        rows.push(xs, y[s]);
        sets.forEach((set, j) => {
          set.observe(rows, xs, y[s]);
          records.set(set.record, (s * sets.length + j) * SET_RECORD);
        });
      }
      // Rows every set has folded out of its window are dropped here and, from `held`, by the main thread.
      const held = sets.reduce((a, set) => Math.min(a, set.heldFrom), Infinity);
      rows.dropBefore(held);
      post({ type: "progress", rows: rows.n, held, records });
    });
  } else {
    run(() => {
      for (const set of sets) set.finish(rows);
      rows.dropBefore(sets.reduce((a, set) => Math.min(a, set.heldFrom), Infinity));
      post({ type: "done", sets: sets.map((s) => s.toJSON()), options: sets[0].options, timings: sets.map((s) => ({ seconds: s.seconds, sweepSeconds: s.sweepSeconds })) });
    });
  }
});
