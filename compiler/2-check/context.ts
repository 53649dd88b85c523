/**
 * State shared by the checker's passes: the symbol table, hyperparameter values, the types
 * found so far and the diagnostics. Names live in Maps, never as object keys, so `__proto__`
 * or `constructor` are ordinary names.
 */
import type { Expr, Relation, Span } from "../ast.js";
import type { Label, MessageArgs } from "../diagnostics/diagnostic.js";
import type { DiagnosticCode } from "../diagnostics/catalogue.js";
import { DiagnosticCollector } from "../diagnostics/collector.js";
import type { IndexRange, Ty } from "../lang/types.js";
import type { DataInfo, SymbolInfo, VariableInfo } from "./checked.js";

/** Index variables bound by the statement being checked: name → range. */
export type Scope = ReadonlyMap<string, IndexRange>;

/** A `~` or `=` statement to type: it defines a variable or observes a data variable. */
export interface Definition {
  relation: Relation;
  target: VariableInfo | DataInfo;
  /** Index scope of the statement (undefined when its binders were bad). */
  scope: Map<string, IndexRange> | undefined;
  /**
   * Names the right side uses, other than the statement's own indices, in first-use order;
   * found once, when the statement is declared, for the passes that need them (dependency
   * order, per-row data, roles).
   */
  uses: ReadonlySet<string>;
}

export class CheckContext {
  /** The diagnostics, under the error cap. */
  readonly diagnostics: DiagnosticCollector;
  readonly symbols = new Map<string, SymbolInfo>();
  readonly values = new Map<string, number>();
  /** How each hyperparameter got its value, for messages: "default", "set". */
  readonly valueSources = new Map<string, "default" | "set">();
  readonly exprTypes = new Map<Expr, Ty>();
  /** Every index name bound anywhere, with where, to explain a use out of scope. */
  readonly binderNames = new Map<string, Span>();
  /** Variables whose type is being worked out (they are on a cycle if met again). */
  readonly pending = new Set<string>();

  /** @param maxErrors - errors kept; the rest are only counted */
  constructor(maxErrors?: number) {
    this.diagnostics = new DiagnosticCollector(maxErrors);
  }

  /** Reports a problem; `args` may be a function, called only if the diagnostic is kept under the cap. */
  report(code: DiagnosticCode, span: Span, args: MessageArgs | (() => MessageArgs) = {}, extra: { hint?: string; labels?: Label[] } = {}): void {
    this.diagnostics.report(code, span, args, extra);
  }

  /**
   * The names declared so far, as a function for a deferred did-you-mean: symbols are only
   * ever added, so the first `size` of them are the names in scope now.
   */
  namesSoFar(): () => string[] {
    const size = this.symbols.size;
    return () => [...this.symbols.keys()].slice(0, size);
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
