/**
 * Diagnostics as data: a stable code from the catalogue, a message, a primary span, optional
 * secondary labels and a hint. Stages return arrays of these; nothing in the compiler throws
 * for bad input.
 */
import type { Span } from "../ast.js";
import { catalogue, type CatalogueEntry, type DiagnosticCode } from "./catalogue.js";

/** How serious a diagnostic is: errors stop compilation, warnings and notes do not. */
export type Severity = "error" | "warning" | "note";

/** A secondary location with its own short message ("first declared here"). */
export interface Label {
  /** Where. */
  span: Span;
  /** What is there. */
  message: string;
}

/** One problem found in a model, located by a span of its source. */
export interface Diagnostic {
  /** Stable code from the catalogue. */
  code: DiagnosticCode;
  /** Whether it stops compilation. */
  severity: Severity;
  /** What is wrong. */
  message: string;
  /** Where: offsets into the source. */
  span: Span;
  /** How to fix it, when the catalogue has a hint. */
  hint?: string;
  /** Other places involved ("first declared here"). */
  labels?: Label[];
}

/** Values substituted into a catalogue template's `{placeholders}`. */
export type MessageArgs = Record<string, string | number>;

function fill(template: string, args: MessageArgs): string | undefined {
  let missing = false;
  const text = template.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = args[key];
    if (value === undefined) missing = true;
    return String(value);
  });
  return missing ? undefined : text;
}

/**
 * Builds a diagnostic from the catalogue. The hint template is used only when every
 * placeholder it names is supplied (a did-you-mean hint needs a suggestion); an explicit
 * `hint` overrides it.
 */
export function diagnose(
  code: DiagnosticCode,
  span: Span,
  args: MessageArgs = {},
  extra: { hint?: string; labels?: Label[] } = {},
): Diagnostic {
  const entry: CatalogueEntry = catalogue[code];
  const message = fill(entry.message, args) ?? entry.message;
  const hint = extra.hint ?? (entry.hint ? fill(entry.hint, args) : undefined);
  const d: Diagnostic = { code, severity: entry.severity, message, span };
  if (hint !== undefined) d.hint = hint;
  if (extra.labels && extra.labels.length > 0) d.labels = extra.labels;
  return d;
}

/** True when any diagnostic is an error. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}
