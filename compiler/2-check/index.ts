/**
 * Stage 2: AST → checked model, or diagnostics. The passes run in order — hyperparameters,
 * data, variable declarations, dependency order and cycles, then the type of every right
 * side — and each reports what it finds without stopping the others. An expression already
 * reported has type `error`, which silences the diagnostics that would follow from it.
 */
import type { Model, Relation } from "../ast.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { distributions } from "../lang/distributions.js";
import { functions } from "../lang/functions.js";
import { ERROR, formatTy, typesAgree, type Ty } from "../lang/types.js";
import { checkCall } from "./calls.js";
import type { CheckedModel, DataInfo, HyperValue } from "./checked.js";
import { CheckContext, type Definition } from "./context.js";
import { declareData, declareHypers, declareVariables, sizeHyperArrays } from "./declarations.js";
import { orderDefinitions } from "./dependencies.js";
import { didYouMean } from "./suggest.js";
import { typeOf } from "./typer.js";

export type { CheckedModel, DataInfo, DimInfo, HyperInfo, HyperValue, SymbolInfo, VariableInfo } from "./checked.js";

/** Options of {@link check}. */
export interface CheckOptions {
  /** Hyperparameter values that replace the defaults (from `--set` or the API). */
  hypers?: ReadonlyMap<string, HyperValue>;
  /** At most this many errors are kept (the first by position); default 20. */
  maxErrors?: number;
}

/** The result of {@link check}. */
export interface CheckResult {
  /** Present when there were no errors. */
  checked: CheckedModel | undefined;
  /** Errors (capped) and warnings, in source order. */
  diagnostics: Diagnostic[];
  /** Errors found beyond the cap. */
  omitted: number;
}

/** The element type a `~` statement draws, or `error` after reporting. */
function distributionType(ctx: CheckContext, relation: Relation, scope: Definition["scope"] & object): { ty: Ty; dist?: string } {
  const rhs = relation.rhs;
  if (rhs.kind !== "call") {
    typeOf(ctx, rhs, scope);
    ctx.report("argument_kind", rhs.span, {
      detail: "the right side of `~` must be a distribution",
      fix: "write a distribution call such as `normal(0, 1)`; use `=` to define a value",
    });
    return { ty: ERROR };
  }
  const spec = distributions.get(rhs.callee.name);
  if (!spec) {
    rhs.args.forEach((a) => typeOf(ctx, a, scope));
    if (functions.has(rhs.callee.name)) {
      ctx.report("argument_kind", rhs.callee.span, {
        detail: `\`${rhs.callee.name}\` is a function, but the right side of \`~\` must be a distribution`,
        fix: "use `=` to define a value from a function",
      });
    } else {
      ctx.report("unknown_distribution", rhs.callee.span, didYouMean(rhs.callee.name, () => distributions.keys()));
    }
    return { ty: ERROR };
  }
  const argTypes = rhs.args.map((a) => typeOf(ctx, a, scope));
  const ty = checkCall(ctx, spec, rhs, argTypes, scope);
  ctx.exprTypes.set(rhs, ty);
  return { ty, dist: spec.name };
}

function typeDefinition(ctx: CheckContext, d: Definition): void {
  const scope = d.scope;
  if (!scope) return;
  const { relation, target } = d;
  const { ty, dist } = relation.op === "~" ? distributionType(ctx, relation, scope) : { ty: typeOf(ctx, relation.rhs, scope), dist: undefined };
  if (ty.kind === "error") return;
  const declared = target.kind === "data" ? target.ty : target.paramDecl ? target.elem : undefined;
  if (declared && !typesAgree(declared, ty, ctx.values)) {
    ctx.report("shape_mismatch", relation.rhs.span, {
      detail: `\`${target.name}\` is declared ${formatTy(declared)}, but this gives ${formatTy(ty)}`,
      fix: "make the declaration and the definition agree",
    });
    if (target.kind === "variable") target.elem = ERROR;
    return;
  }
  if (target.kind === "variable") {
    // A declared type keeps its own sizes; a drawn integer keeps the range it can take.
    target.elem = declared && declared.kind !== "int" ? declared : ty;
    target.distribution = dist;
  }
}

/** True when a definition uses data or a per-row variable (those before it in order are marked). */
function usesRowData(ctx: CheckContext, d: Definition): boolean {
  for (const n of d.uses) {
    const s = ctx.symbols.get(n);
    if (s?.kind === "data" || (s?.kind === "variable" && s.perRow)) return true;
  }
  return false;
}

function markPerRow(ctx: CheckContext, order: Definition[]): void {
  for (const d of order) {
    if (d.target.kind !== "variable") continue;
    d.target.perRow = usesRowData(ctx, d);
  }
}

function checkRoles(ctx: CheckContext, model: Model, data: DataInfo[], definitions: Definition[]): void {
  const inputs = new Set<string>();
  for (const d of definitions) for (const n of d.uses) inputs.add(n);
  for (const d of definitions) {
    if (d.target.kind === "data" && inputs.has(d.target.name)) ctx.report("data_given_prior", d.relation.span, { name: d.target.name });
  }
  for (const sym of ctx.symbols.values()) {
    if (sym.kind === "variable" && !sym.relation && sym.paramDecl) {
      ctx.report("parameter_without_prior", sym.paramDecl.span, { name: sym.name, example: `${sym.name} ~ normal(0, 1)` });
    }
  }
  if (!data.some((d) => d.observed)) ctx.report("no_observation", model.name.span);
}

/** Checks a parsed model. */
export function check(model: Model, options: CheckOptions = {}): CheckResult {
  const ctx = new CheckContext(options.maxErrors);
  const hypers = declareHypers(ctx, model, options.hypers ?? new Map());
  const data = declareData(ctx, model);
  sizeHyperArrays(ctx, hypers);
  const definitions = declareVariables(ctx, model);
  const { order, onCycle } = orderDefinitions(ctx, definitions);
  for (const n of onCycle) ctx.pending.add(n);
  for (const d of order) typeDefinition(ctx, d);
  markPerRow(ctx, order);
  checkRoles(ctx, model, data, definitions);

  const diagnostics = ctx.diagnostics.diagnostics();
  const omitted = ctx.diagnostics.omitted;
  if (ctx.diagnostics.hasErrors) return { checked: undefined, diagnostics, omitted };

  const checked: CheckedModel = {
    ast: model,
    name: model.name.name,
    symbols: ctx.symbols,
    hypers,
    dims: [...ctx.symbols.values()].filter((s) => s.kind === "dim"),
    data,
    variables: order.map((d) => d.target).filter((t) => t.kind === "variable"),
    values: ctx.values,
    exprTypes: ctx.exprTypes,
  };
  return { checked, diagnostics, omitted };
}
