/** Messages between the parallel fit and its worker threads. */
import type { FilterOptions } from "../../runtime/pl/filter.js";
import type { ParticleSetJson, SetOptions } from "../../runtime/pl/particle-set.js";
import type { FilterErrorCode } from "../../runtime/pl/errors.js";
import type { SetTimings } from "../../runtime/pl/pool.js";

/** What a worker is started with. */
export interface WorkerSetup {
  /** Kernel source in the "function" format. */
  kernel: string;
  D: number;
  options: FilterOptions;
  /** The particle sets this worker runs. */
  indices: number[];
}

/**
 * Main → worker: the next rows to filter (row s of x at `x[s·D …]`), sent as the data file is
 * read; then `end`, after which the worker runs the final sweep and returns its sets.
 */
export type MainMessage = { type: "rows"; x: Float64Array; y: Float64Array } | { type: "end" };

/** Worker → main. */
export type WorkerMessage =
  /**
   * Rows filtered so far, the first row the worker's sets still need (older ones are folded),
   * and each new row's record from each of the worker's sets (row r, set
   * j at `records[(r·sets + j)·SET_RECORD …]`, runtime/pl/trace.ts), for the trace and the alarms.
   */
  | { type: "progress"; rows: number; held: number; records: Float64Array }
  | { type: "done"; sets: ParticleSetJson[]; options: SetOptions; timings: SetTimings[] }
  | { type: "error"; code: FilterErrorCode | "internal"; message: string; row?: number };
