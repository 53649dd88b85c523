/** Scalar numerics: special functions and log densities (see each module's conventions). */
export * from "./special.js";
export * from "./log-density.js";
export * from "./cdf.js";
