/**
 * The error cap, for every stage: a stage reports into a {@link DiagnosticCollector}, which
 * keeps the first `maxErrors` errors by source position and only counts the rest. A
 * diagnostic's message may be given as a function, called only for the diagnostics kept, so
 * costly wording (a did-you-mean search over every name) is not paid for the thousands a
 * broken model can produce.
 */
import type { Span } from "../ast.js";
import { catalogue, type DiagnosticCode, type Severity } from "./catalogue.js";
import { diagnose, type Diagnostic, type Label, type MessageArgs } from "./diagnostic.js";

/** Errors reported by default before the rest are only counted. */
export const DEFAULT_MAX_ERRORS = 20;

/** A diagnostic reported but not built yet. */
interface Pending {
  span: Span;
  severity: Severity;
  build: () => Diagnostic;
}

/** Index of the first entry of `list` (sorted by span start) that starts after `start`. */
function insertionPoint(list: readonly Pending[], start: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].span.start <= start) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A stage's diagnostics under the error cap. */
export class DiagnosticCollector {
  /** The errors kept, sorted by span start (ties in report order). */
  private readonly errors: Pending[] = [];
  /** Warnings and notes: few, all kept. */
  private readonly others: Pending[] = [];
  /** Errors reported beyond the cap. */
  omitted = 0;

  /** @param maxErrors - errors kept; the rest are counted in {@link omitted} */
  constructor(readonly maxErrors: number = DEFAULT_MAX_ERRORS) {}

  /** True when an error has been reported, kept or not. */
  get hasErrors(): boolean {
    return this.errors.length > 0 || this.omitted > 0;
  }

  /** Reports a diagnostic from the catalogue; `args` may be a function, called only if it is kept. */
  report(code: DiagnosticCode, span: Span, args: MessageArgs | (() => MessageArgs) = {}, extra?: { hint?: string; labels?: Label[] }): void {
    this.keep({ span, severity: catalogue[code].severity, build: () => diagnose(code, span, typeof args === "function" ? args() : args, extra) });
  }

  /** Adds diagnostics already built, counting errors against the cap as {@link report} does. */
  add(diagnostics: readonly Diagnostic[]): void {
    for (const d of diagnostics) this.keep({ span: d.span, severity: d.severity, build: () => d });
  }

  private keep(p: Pending): void {
    const span = p.span;
    if (p.severity !== "error") {
      this.others.push(p);
      return;
    }
    const at = insertionPoint(this.errors, span.start);
    if (this.errors.length < this.maxErrors) {
      this.errors.splice(at, 0, p);
      return;
    }
    this.omitted++;
    if (at < this.errors.length) {
      this.errors.splice(at, 0, p);
      this.errors.pop();
    }
  }

  /** The kept diagnostics in source order, their messages built now. */
  diagnostics(): Diagnostic[] {
    const all = [...this.errors, ...this.others].sort((a, b) => a.span.start - b.span.start);
    return all.map((p) => p.build());
  }
}
