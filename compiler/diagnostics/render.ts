/**
 * Diagnostics for people and for programs. The text form is
 *
 *     file:line:column: error[code]: message
 *       12 |   phi[k] ~ normal(0, tau * lamda[k])
 *          |                            ^^^^^
 *          = hint: did you mean `lambda`?
 *
 * with the caret line reusing the source line's tabs so the carets line up. A span that runs
 * over several lines is underlined to the end of its first line.
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

function frame(source: SourceFile, start: number, end: number, gutter: number, note?: string): string[] {
  const from = source.position(start);
  const to = source.position(Math.max(start, end));
  const text = source.lineText(from.line);
  const chars = [...text];
  const lastColumn = to.line === from.line ? Math.max(to.column, from.column + 1) : chars.length + 1;
  const pad = chars
    .slice(0, from.column - 1)
    .map((c) => (c === "\t" ? "\t" : " "))
    .join("");
  const carets = "^".repeat(Math.max(1, lastColumn - from.column));
  const num = String(from.line).padStart(gutter);
  const blank = " ".repeat(gutter);
  return [`${num} | ${text}`, `${blank} | ${pad}${carets}${note ? ` ${note}` : ""}`];
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
