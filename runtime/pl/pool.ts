/**
 * Pooling particle sets that ran apart (worker threads, other processes) into one filter. Set m
 * of a filter draws from the m-th split of the seed's stream wherever `createSets` builds it,
 * so sets that saw the same rows pool into exactly the filter one thread would have built,
 * whatever the number of threads.
 */
import { encodeRows, Filter, SNAPSHOT_FORMAT } from "./filter.js";
import type { KernelModule } from "./kernel.js";
import type { ParticleSetJson, SetOptions } from "./particle-set.js";
import type { RowStore } from "./rows.js";

/** Time a set spent filtering and in sweeps alone, in seconds (not state, so not in its snapshot). */
export interface SetTimings {
  /** Filtering, rows and sweeps. */
  seconds: number;
  /** Sweeps alone. */
  sweepSeconds: number;
}

/**
 * One filter from the particle sets of a filter that ran apart, each checked as a snapshot is.
 * @param kernel - the kernel the sets ran
 * @param rows - the rows every set has seen, in order (their values when the sets rejuvenate)
 * @param sets - snapshots of sets 1…M (`ParticleSet.toJSON`), in order
 * @param options - the options every set ran with
 * @param inputs - the lengths of the model's inputs that make up a row
 * @param timings - per set, carried over for `sweepShare`
 * @throws FilterError("bad_snapshot") when a set is corrupt or of another model.
 */
export function poolSets(kernel: KernelModule, rows: RowStore, sets: ParticleSetJson[], options: SetOptions, inputs: readonly number[], timings?: readonly SetTimings[]): Filter {
  const filter = Filter.restore(kernel, { format: SNAPSHOT_FORMAT, info: kernel.info, D: rows.D, inputs, options, rows: encodeRows(rows), sets });
  timings?.forEach((t, m) => {
    filter.sets[m].seconds = t.seconds;
    filter.sets[m].sweepSeconds = t.sweepSeconds;
  });
  return filter;
}
