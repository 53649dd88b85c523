/**
 * Diagnostics for people and for programs. The text form is
 *
 *     file:line:column: error[code]: message
 *       12 |   phi[k] ~ normal(0, tau * lamda[k])
 *          |                            ^^^^^
 *          = hint: did you mean `lambda`?
 *
 * with the caret line reusing the source line's tabs so the carets line up. A span that runs
 * over several lines is underlined to the end of its first line; a line longer than
 * {@link FRAME_WIDTH} code points is shown as a window around the caret.
 */
import type { Diagnostic } from "./diagnostic.js";
import type { SourceFile } from "./source.js";

/** The `--json` form of a diagnostic: positions are 1-based; `end` is exclusive. */
export interface DiagnosticJson {
  /** Stable code from the catalogue. */
  code: string;
  /** "error", "warning" or "note". */
  severity: string;
  /** What is wrong. */
  message: string;
  /** The file name given to the compiler. */
  file: string;
  /** Where the span starts. */
  startLine: number;
  /** Column where the span starts. */
  startColumn: number;
  /** Where the span ends (exclusive). */
  endLine: number;
  /** Column where the span ends (exclusive). */
  endColumn: number;
  /** How to fix it, or null. */
  hint: string | null;
  /** Other places involved, each with its message and span. */
  labels: LabelJson[];
}

/** The `--json` form of a secondary label. */
export interface LabelJson {
  /** What is there. */
  message: string;
  /** Where the span starts. */
  startLine: number;
  /** Column where the span starts. */
  startColumn: number;
  /** Where the span ends (exclusive). */
  endLine: number;
  /** Column where the span ends (exclusive). */
  endColumn: number;
}

/** Code points of a source line shown in a frame: a longer line is shown as a window around the caret. */
export const FRAME_WIDTH = 120;
/** Code points shown before the caret when the line is cut. */
const FRAME_LEAD = 40;

/** The offset `n` code points before `offset`, but not before `floor`. */
function back(text: string, offset: number, n: number, floor: number): number {
  let at = offset;
  for (let k = 0; k < n && at > floor; k++) {
    at--;
    const c = text.charCodeAt(at);
    if (c >= 0xdc00 && c <= 0xdfff && at > floor && text.charCodeAt(at - 1) >= 0xd800 && text.charCodeAt(at - 1) <= 0xdbff) at--;
  }
  return at;
}

/** The offset `n` code points after `offset`, but not after `ceiling`. */
function forward(text: string, offset: number, n: number, ceiling: number): number {
  let at = offset;
  for (let k = 0; k < n && at < ceiling; k++) {
    const c = text.charCodeAt(at);
    at += c >= 0xd800 && c <= 0xdbff && at + 1 < ceiling ? 2 : 1;
  }
  return at;
}

/**
 * The source line of `start` and the carets under `[start, end)`. A line longer than
 * {@link FRAME_WIDTH} code points is cut to a window around the caret, with `…` where it was
 * cut, so a diagnostic on a one-line model of a megabyte prints two short lines.
 */
function frame(source: SourceFile, start: number, end: number, gutter: number, note?: string): string[] {
  const text = source.text;
  const { line } = source.position(start);
  const { start: ls, end: le } = source.lineRange(line);
  const s = Math.max(ls, Math.min(start, le));
  const e = end > s && end <= le ? end : end > le ? le : s;
  let ws = ls;
  let we = le;
  if (source.codePoints(ls, le) > FRAME_WIDTH) {
    we = forward(text, back(text, s, FRAME_LEAD, ls), FRAME_WIDTH, le);
    ws = back(text, we, FRAME_WIDTH, ls);
  }
  let pad = ws > ls ? " " : "";
  for (let i = ws; i < s; i = forward(text, i, 1, s)) pad += text.charCodeAt(i) === 9 ? "\t" : " ";
  const carets = "^".repeat(Math.max(1, source.codePoints(s, Math.min(e, we))));
  const shown = `${ws > ls ? "…" : ""}${text.slice(ws, we)}${we < le ? "…" : ""}`;
  const num = String(line).padStart(gutter);
  const blank = " ".repeat(gutter);
  return [`${num} | ${shown}`, `${blank} | ${pad}${carets}${note ? ` ${note}` : ""}`];
}

/** Renders one diagnostic with its code frame, labels and hint. */
export function renderDiagnostic(d: Diagnostic, source: SourceFile): string {
  const at = source.position(d.span.start);
  const lines = [`${source.name}:${at.line}:${at.column}: ${d.severity}[${d.code}]: ${d.message}`];
  const spans = [d.span, ...(d.labels ?? []).map((l) => l.span)];
  const gutter = Math.max(...spans.map((s) => String(source.position(s.start).line).length)) + 1;
  lines.push(...frame(source, d.span.start, d.span.end, gutter));
  for (const label of d.labels ?? []) lines.push(...frame(source, label.span.start, label.span.end, gutter, label.message));
  if (d.hint) lines.push(`${" ".repeat(gutter)} = hint: ${d.hint}`);
  return lines.join("\n");
}

/** Renders a list of diagnostics separated by blank lines, with a count of those left out. */
export function renderDiagnostics(diagnostics: readonly Diagnostic[], source: SourceFile, omitted = 0): string {
  const parts = diagnostics.map((d) => renderDiagnostic(d, source));
  if (omitted > 0) parts.push(`… and ${omitted} more error${omitted === 1 ? "" : "s"} not shown`);
  return parts.join("\n\n");
}

/** The JSON form of one diagnostic. */
export function diagnosticToJson(d: Diagnostic, source: SourceFile): DiagnosticJson {
  const s = source.position(d.span.start);
  const e = source.position(d.span.end);
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    file: source.name,
    startLine: s.line,
    startColumn: s.column,
    endLine: e.line,
    endColumn: e.column,
    hint: d.hint ?? null,
    labels: (d.labels ?? []).map((l) => {
      const ls = source.position(l.span.start);
      const le = source.position(l.span.end);
      return { message: l.message, startLine: ls.line, startColumn: ls.column, endLine: le.line, endColumn: le.column };
    }),
  };
}
