/**
 * Spans built from chevrotain's offsets. Chevrotain keeps CST node offsets as doubles (a
 * node's end starts as NaN, as do the offsets of its end-of-file token), and a span built
 * straight from them holds two heap numbers; worse, once one such span exists V8 boxes the
 * offsets of every span from then on. So every span made from chevrotain's numbers is made
 * here, with its offsets turned back into small integers.
 */
import type { Span } from "../ast.js";

/** The span `[start, end)`, offsets stored as small integers (`| 0`: offsets are far below 2³⁰). */
export function span(start: number, end: number): Span {
  return { start: start | 0, end: end | 0 };
}
