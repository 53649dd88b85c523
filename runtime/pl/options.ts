/**
 * Validation of what a user hands the filter: its options, input rows and query points. A value
 * out of range is a {@link FilterError} naming the option and its range, never a silent default,
 * a hang (a schedule that never advances) or NaN further on (DESIGN §5). The ranges live in one
 * table so the API, the CLI and the docs agree.
 */
import { SCHEME_NAMES } from "../smc/resampling.js";
import { FilterError } from "./errors.js";

/** Most particles a filter takes over all its sets (memory is O(N·K·d²) plus histories). */
export const MAX_PARTICLES = 1_000_000;
/** Most independent particle sets. */
export const MAX_SETS = 256;
/** Most inputs per row: each expert keeps a d×d factor per particle. */
export const MAX_INPUTS = 1024;

type Check = (v: unknown) => string | undefined;

const integerIn = (lo: number, hi: number): Check => (v) =>
  typeof v === "number" && Number.isInteger(v) && v >= lo && v <= hi ? undefined : `an integer from ${lo} to ${hi}`;
const oneOf = (names: readonly string[]): Check => (v) => (typeof v === "string" && names.includes(v) ? undefined : `one of ${names.map((n) => `"${n}"`).join(", ")}`);

/** Every filter option with what it accepts. */
const OPTION_CHECKS: Readonly<Record<string, Check>> = {
  particles: integerIn(1, MAX_PARTICLES),
  sets: integerIn(1, MAX_SETS),
  seed: (v) => ((typeof v === "number" && Number.isFinite(v)) || (typeof v === "string" && v.length <= 1000) ? undefined : "a finite number or a string"),
  resampling: oneOf(["every", "ess"]),
  essThreshold: (v) => (typeof v === "number" && v > 0 && v <= 1 ? undefined : "a number in (0, 1]"),
  scheme: oneOf(SCHEME_NAMES),
  rejuvenate: (v) => (typeof v === "boolean" ? undefined : "true or false"),
  trace: (v) => (typeof v === "boolean" ? undefined : "true or false"),
  window: integerIn(2, 1e9),
  forget: (v) => (v === "auto" || (typeof v === "number" && v > 0 && v <= 1) ? undefined : 'a number in (0, 1] or "auto"'),
  schedule: (v) => {
    const s = v as { denseEvery?: unknown; denseUntil?: unknown } | null;
    if (typeof s !== "object" || s === null) return "an object { denseEvery, denseUntil }";
    const every = integerIn(1, 1e9)(s.denseEvery);
    if (every) return `an object whose denseEvery is ${every}`;
    const until = integerIn(1, 1e9)(s.denseUntil);
    if (until) return `an object whose denseUntil is ${until}`;
    return undefined;
  },
  D: integerIn(1, MAX_INPUTS),
  inputs: (v) =>
    Array.isArray(v) && v.length >= 1 && v.length <= MAX_INPUTS && v.every((n) => integerIn(1, MAX_INPUTS)(n) === undefined) && v.reduce((a: number, n: number) => a + n, 0) <= MAX_INPUTS
      ? undefined
      : `a list of the inputs' lengths (positive integers, ${MAX_INPUTS} entries in all at most)`,
};

/**
 * Checks filter options: unknown names, wrong types and values out of range are refused.
 * @throws FilterError("bad_input") naming the first bad option and what it accepts.
 */
export function validateOptions(options: object): void {
  for (const [name, value] of Object.entries(options)) {
    if (value === undefined) continue;
    const check = Object.hasOwn(OPTION_CHECKS, name) ? OPTION_CHECKS[name] : undefined;
    if (!check) throw new FilterError("bad_input", `unknown filter option '${name}' (options: ${Object.keys(OPTION_CHECKS).join(", ")})`);
    const wanted = check(value);
    if (wanted) throw new FilterError("bad_input", `filter option ${name} must be ${wanted}, not ${shown(value)}`);
  }
  const o = options as { particles?: number; sets?: number; forget?: unknown };
  if ((o.sets ?? 4) > (o.particles ?? 1000)) throw new FilterError("bad_input", `filter option sets (${o.sets ?? 4}) is more than particles (${o.particles ?? 1000})`);
  if (o.forget === "auto" && (o.sets ?? 4) < 2) throw new FilterError("bad_input", `filter option forget "auto" runs one factor per set and needs at least 2 sets, not ${o.sets}`);
}

/**
 * Checks a query point: `D` finite numbers.
 * @throws FilterError("bad_input") saying which entry is wrong.
 */
export function validatePoint(x: ArrayLike<number>, D: number, what: string): void {
  if (x === null || typeof x !== "object" || typeof x.length !== "number") throw new FilterError("bad_input", `${what}: x must be an array of ${D} numbers`);
  if (x.length !== D) throw new FilterError("bad_input", `${what}: x has ${x.length} entries; the filter's inputs have ${D}`);
  for (let j = 0; j < D; j++) {
    if (typeof x[j] !== "number" || !Number.isFinite(x[j])) throw new FilterError("bad_input", `${what}: x[${j}] is ${shown(x[j])}, not a finite number`);
  }
}

/**
 * Checks probabilities (quantile levels, credible levels): numbers in the open interval (0, 1).
 * @throws FilterError("bad_input") naming the bad one.
 */
export function validateProbabilities(ps: readonly number[], what: string): void {
  if (!Array.isArray(ps)) throw new FilterError("bad_input", `${what} must be an array of probabilities`);
  for (const p of ps) if (typeof p !== "number" || !(p > 0 && p < 1)) throw new FilterError("bad_input", `${what}: ${shown(p)} is not a probability in (0, 1)`);
}

function shown(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? v.slice(0, 39) + "…" : v);
  if (typeof v === "number" || typeof v === "boolean" || v === null || v === undefined) return String(v);
  return Array.isArray(v) ? "an array" : typeof v;
}
