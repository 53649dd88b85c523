/**
 * State shared by the checker's passes: the symbol table, hyperparameter values, the types
 * found so far and the diagnostics. Names live in Maps, never as object keys, so `__proto__`
 * or `constructor` are ordinary names.
 */
import type { Expr, Span } from "../ast.js";
import { diagnose, type Diagnostic, type Label, type MessageArgs } from "../diagnostics/diagnostic.js";
import type { DiagnosticCode } from "../diagnostics/catalogue.js";
import type { IndexRange, Ty } from "../lang/types.js";
import type { SymbolInfo } from "./checked.js";

/** Index variables bound by the statement being checked: name → range. */
export type Scope = ReadonlyMap<string, IndexRange>;

export class CheckContext {
  readonly diagnostics: Diagnostic[] = [];
  readonly symbols = new Map<string, SymbolInfo>();
  readonly values = new Map<string, number>();
  /** How each hyperparameter got its value, for messages: "default", "set". */
  readonly valueSources = new Map<string, "default" | "set">();
  readonly exprTypes = new Map<Expr, Ty>();
  /** Every index name bound anywhere, with where, to explain a use out of scope. */
  readonly binderNames = new Map<string, Span>();
  /** Variables whose type is being worked out (they are on a cycle if met again). */
  readonly pending = new Set<string>();

  report(code: DiagnosticCode, span: Span, args: MessageArgs = {}, extra: { hint?: string; labels?: Label[] } = {}): void {
    this.diagnostics.push(diagnose(code, span, args, extra));
  }

  /** "K = 0 (as set)" for the hyperparameters named (set with --set or given to compile), to explain a value. */
  explainValues(names: Iterable<string>): string {
    const parts: string[] = [];
    for (const n of new Set(names)) {
      const v = this.values.get(n);
      if (v === undefined) continue;
      parts.push(`${n} = ${v}${this.valueSources.get(n) === "set" ? " (as set)" : ""}`);
    }
    return parts.join(", ");
  }
}
