/**
 * The hsmoe runtime: everything an emitted kernel needs to run, and nothing from the
 * compiler. Numerics are grouped by area; each area's module header states its conventions
 * (buffer layouts, parameterisations, error reporting).
 *
 * @packageDocumentation
 */
export * from "./rng/index.js";
export * from "./math/index.js";
export * from "./linalg/index.js";
export * from "./smc/index.js";
