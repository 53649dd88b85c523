/**
 * Diagnostics as data: a stable code from the catalogue, a message, a primary span, optional
 * secondary labels and a hint. Stages return arrays of these; nothing in the compiler throws
 * for bad input.
 */
import type { Span } from "../ast.js";
import { catalogue, type CatalogueEntry, type DiagnosticCode, type Severity } from "./catalogue.js";

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

/**
 * Longest value substituted into a message, in UTF-16 units: a name or an expression quoted
 * from a model of a megabyte keeps its head and tail, so every message stays short.
 */
export const MAX_MESSAGE_ARG = 300;

/** `text` cut in the middle to at most {@link MAX_MESSAGE_ARG} units, with `…` where it was cut. */
function clip(text: string): string {
  if (text.length <= MAX_MESSAGE_ARG) return text;
  const tail = Math.floor(MAX_MESSAGE_ARG / 3);
  const head = MAX_MESSAGE_ARG - tail - 1;
  // Never split a surrogate pair.
  const h = /[\ud800-\udbff]$/.test(text.slice(0, head)) ? head - 1 : head;
  const t = /^[\udc00-\udfff]/.test(text.slice(-tail)) ? tail - 1 : tail;
  return `${text.slice(0, h)}…${text.slice(text.length - t)}`;
}

function fill(template: string, args: MessageArgs): string | undefined {
  let missing = false;
  const text = template.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = args[key];
    if (value === undefined) missing = true;
    return clip(String(value));
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
