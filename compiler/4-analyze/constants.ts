/**
 * The constants a rule passes to the runtime, checked against what the runtime's update
 * needs. Each rule row lists the constants of a match ({@link ConstantCheck}): what the
 * constant is, its value, the expressions it comes from, and the {@link constraints} entry it
 * must satisfy. A constant outside its constraint (a covariance scale `g = -1` set from the
 * command line) is reported where the model uses it, naming the hyperparameters behind it,
 * so a bad value stops `check` and `compile` instead of the runtime.
 */
import type { ModelGraph } from "../3-graph/index.js";
import type { Expr, Span } from "../ast.js";
import { namesUsed } from "../2-check/dependencies.js";
import type { DiagnosticCollector } from "../diagnostics/collector.js";

/** What a constant may be, with the words for messages. */
export const constraints = {
  finite: { holds: (v: number) => Number.isFinite(v), text: "a finite number" },
  positive: { holds: (v: number) => v > 0 && v < Infinity, text: "positive and finite" },
} as const satisfies Record<string, { holds: (v: number) => boolean; text: string }>;

/** A key of {@link constraints}. */
export type Constraint = keyof typeof constraints;

/**
 * One constant a rule passes to the runtime, as a rule row lists it for a match: what it is,
 * its value, the expressions it is computed from (where a diagnostic points) under keys that
 * identify them, and the constraint it must satisfy.
 */
export interface ConstantCheck {
  /** What it is, for messages: "the prior covariance scale of `beta`". */
  what: string;
  value: number;
  /** Keys of the quantities it is computed from: a constant computed from one already reported is not reported again. */
  keys: readonly string[];
  /** The expressions behind those keys. */
  from: readonly Expr[];
  constraint: Constraint;
  /** The rewrite to offer, given the hyperparameters behind the value, when the generic one would not help. */
  fix?: (hypers: readonly string[]) => string;
}

/** The hyperparameters an expression's value comes from, through constant `=` definitions. */
function hypersBehind(g: ModelGraph, exprs: readonly Expr[]): string[] {
  const hypers: string[] = [];
  const seen = new Set<string>();
  const work = [...exprs];
  while (work.length > 0) {
    for (const name of namesUsed(work.pop()!, new Map())) {
      if (seen.has(name)) continue;
      seen.add(name);
      const n = g.byName.get(name);
      if (n?.kind === "hyper") hypers.push(name);
      else if (n?.kind === "deterministic" && n.value) work.push(n.value);
    }
  }
  return hypers.sort();
}

/** The span from the first of `exprs` to the last, or `fallback` when there are none. */
function cover(exprs: readonly Expr[], fallback: Span): Span {
  if (exprs.length === 0) return fallback;
  let start = Infinity;
  let end = -Infinity;
  for (const e of exprs) {
    start = Math.min(start, e.span.start);
    end = Math.max(end, e.span.end);
  }
  return { start, end };
}

/**
 * Reports every constant outside its constraint, once per source: a constant computed from one
 * already reported (a precision 1/g after g) is not reported again.
 */
export function checkConstants(g: ModelGraph, checks: readonly ConstantCheck[], fallback: Span, out: DiagnosticCollector): void {
  const reported = new Set<string>();
  for (const check of checks) {
    const c = constraints[check.constraint];
    if (c.holds(check.value) || check.keys.some((f) => reported.has(f))) continue;
    for (const f of check.keys) reported.add(f);
    const hypers = hypersBehind(g, check.from);
    const values = hypers.map((h) => {
      const n = g.byName.get(h)!;
      return `${h} = ${n.hyperValue}${n.hyperSource === "set" ? " (as set)" : ""}`;
    });
    out.report("invalid_prior_constant", cover(check.from, fallback), {
      what: check.what,
      constraint: c.text,
      value: values.length > 0 ? `${check.value}, with ${values.join(", ")}` : String(check.value),
      fix: check.fix ? check.fix(hypers) : hypers.length > 0 ? `give ${hypers.map((h) => `\`${h}\``).join(", ")} a value that makes it ${c.text}` : `use a value that is ${c.text}`,
    });
  }
}
