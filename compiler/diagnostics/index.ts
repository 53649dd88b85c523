/** Diagnostics: the catalogue, the data type, source positions and rendering. */
export * from "./catalogue.js";
export * from "./diagnostic.js";
export * from "./source.js";
export * from "./render.js";
export * from "./collector.js";
