/**
 * Spans built from chevrotain's numbers. Offsets read from chevrotain's own objects can be
 * doubles (its end-of-file token and the tokens its recovery inserts have NaN offsets, so V8
 * keeps those fields boxed), and a span built straight from one holds a heap number; worse,
 * once one such span exists V8 boxes the offsets of every span from then on. So every span
 * made from chevrotain's numbers is made here, with its offsets as small integers.
 */
import type { Span } from "../ast.js";

/** The span `[start, end)`, offsets stored as small integers (`| 0`: offsets are far below 2³⁰). */
export function span(start: number, end: number): Span {
  return { start: start | 0, end: end | 0 };
}
