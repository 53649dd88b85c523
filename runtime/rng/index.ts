/** Random number generation: the seeded {@link Rng} stream and the samplers built on it. */
export * from "./rng.js";
export * from "./samplers.js";
export * from "./polya-gamma.js";
