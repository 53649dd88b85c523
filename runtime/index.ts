/**
 * The hsmoe runtime: everything an emitted kernel needs to run, and nothing from the
 * compiler. Numerics are grouped by area; each area's module header states its conventions
 * (buffer layouts, parameterisations, error reporting).
 *
 * A kernel written by `hsmoe compile MODEL.moe -o kernel.js` runs with this module alone: its
 * default export, called with {@link kernelRuntime}, is the kernel a {@link Filter} drives
 * (kernel source in the "function" format goes to {@link loadKernel}).
 *
 * ```ts
 * import { Filter, kernelRuntime } from "hsmoe/runtime";
 * import createKernel from "./kernel.js";
 * const filter = new Filter(createKernel(kernelRuntime), 2, { particles: 400, seed: 1 });
 * for (const row of rows) filter.observe(row.x, row.y);
 * filter.predict([1, 0.5]);
 * ```
 *
 * Particle sets may also run apart (in worker threads) and be pooled into one filter:
 * {@link createSets} builds any subset of a filter's sets, {@link poolSets} joins them.
 *
 * @packageDocumentation
 */
import { kernelRuntime as runtimeObject } from "./kernel-runtime.js";

export * from "./rng/index.js";
export * from "./math/index.js";
export * from "./linalg/index.js";
export * from "./smc/index.js";
export { loadKernel } from "./kernel-runtime.js";

/**
 * What an emitted kernel is built from: a file written by `hsmoe compile` exports
 * `createKernel(rt)` by default, and `createKernel(kernelRuntime)` is the kernel a
 * {@link Filter} runs. Opaque here: what it holds is a contract between the compiler and the
 * runtime, not an API.
 */
export const kernelRuntime: object = runtimeObject;
export { Filter, createSets, setCount, SEPARATION_LOG_ODDS, type FilterOptions, type FilterSnapshot, type Separation } from "./pl/filter.js";
export { ColumnMoments, type ColumnMomentsJson } from "./pl/columns.js";
export { logEvidenceStandardError, PooledSummaries, type ExpertSummary, type Forgetting, type GateProbability, type Prediction, type Quantile, type Route, type RoutedExpert, type RouteOptions, type ActiveExperts, type RouterJson, type CoveragePoint, type CoverageRiskOptions } from "./pl/summaries.js";
export { CoverageRisk, DEFAULT_COVERAGES, type ScoredRow } from "./pl/selective.js";
export { rankRoute, routeWith, routerFrom, type GateSummary, type RouteFn } from "./pl/router.js";
export { AUTO_FORGET, setForget, type Forget } from "./pl/forget.js";
export { poolSets, type SetTimings } from "./pl/pool.js";
export { ParticleSet, type ParticleSetJson, type SetOptions } from "./pl/particle-set.js";
export { RowStore } from "./pl/rows.js";
export { HealthSeries, HEALTH_CAPACITY, type HealthJson } from "./pl/health.js";
export { FilterError, type FilterErrorCode } from "./pl/errors.js";
export type { Schedule } from "./pl/schedule.js";
export { ChangeDetector, DEFAULT_ALARM, OutlierRows, poolRecords, TRACE_COLUMNS, traceColumns, type Alarm, type AlarmSettings, type AlarmState, type Outliers, type TraceRow } from "./pl/trace.js";
export type { ResponseKind } from "./rules/roles.js";
