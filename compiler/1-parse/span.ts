/**
 * Spans built from chevrotain's offsets. Chevrotain keeps token and node offsets as doubles
 * (its end-of-file token has NaN ones, so V8 boxes those fields in every token), and a span
 * built straight from them holds two heap numbers; worse, once one such span exists V8 boxes
 * the offsets of every span from then on. So every span made from chevrotain's numbers is
 * made here, with its offsets turned back into small integers.
 */
import type { Span } from "../ast.js";

/** The span `[start, end)`, offsets stored as small integers (`| 0`: offsets are far below 2³⁰). */
export function span(start: number, end: number): Span {
  return { start: start | 0, end: end | 0 };
}
