/**
 * The declaring passes: hyperparameters (types, defaults, values given from outside), data
 * and the sizes they bind, and the variables defined by `param`, `~` and `=` with their
 * index families. Nothing here types a right-hand side; that waits for dependency order.
 */
import type { Binder, DataDecl, Expr, HyperParam, Ident, Model, Relation, Span, TypeExpr } from "../ast.js";
import { constant, difference, formatAffine } from "../lang/affine.js";
import { reservedNames } from "../lang/reserved.js";
import { printType } from "../print.js";
import { formatRange, type IndexRange, type Ty } from "../lang/types.js";
import type { DataInfo, HyperInfo, HyperValue, VariableInfo } from "./checked.js";
import type { CheckContext, Definition, Scope } from "./context.js";
import { namesUsed } from "./dependencies.js";
import { constantOf, sizeOf } from "./sizes.js";
import { suggest } from "./suggest.js";

const noScope: Scope = new Map();

/**
 * Reports a reserved name (the declaration still stands, so its uses resolve) or a repeat of
 * an earlier declaration (the first one wins); true when the name may be declared.
 */
function claim(ctx: CheckContext, id: Ident, firstSpan?: { start: number; end: number }): boolean {
  const what = reservedNames.get(id.name);
  if (what) ctx.report("reserved_name", id.span, { name: id.name, what });
  if (firstSpan) {
    ctx.report("duplicate_declaration", id.span, { name: id.name }, { labels: [{ span: firstSpan, message: "first declared here" }] });
    return false;
  }
  return true;
}

function declSpan(ctx: CheckContext, name: string): { start: number; end: number } | undefined {
  const sym = ctx.symbols.get(name);
  if (!sym) return undefined;
  if (sym.kind === "dim") return sym.span;
  if (sym.kind === "variable") return (sym.paramDecl ?? sym.relation)!.name.span;
  return sym.decl.name.span;
}

/** Names used in an arithmetic expression (calls and indices aside) that are not yet declared as anything earlier, in source order. */
function undeclaredNames(ctx: CheckContext, e: Expr): string[] {
  const out: string[] = [];
  const stack: Expr[] = [e];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (x.kind === "name" && !ctx.symbols.has(x.name)) out.push(x.name);
    if (x.kind === "negate") stack.push(x.operand);
    if (x.kind === "binary") stack.push(x.right, x.left);
  }
  return out;
}

/** The value of a default (or one entry of an array's default), or undefined after reporting. */
function constantDefault(ctx: CheckContext, h: HyperParam, e: Expr): number | undefined {
  const c = constantOf(ctx, e);
  if (c) return c.value;
  const names = undeclaredNames(ctx, e);
  const detail = names.length > 0 ? `\`${names[0]}\` is not a hyperparameter declared before \`${h.name.name}\`` : "it uses a value that is not a constant";
  ctx.report("hyper_not_constant", e.span, { name: h.name.name, detail });
  return undefined;
}

/**
 * Resolves each array hyperparameter's declared length, which may name a size the data bind
 * (`group: int[D]`), and checks its entries against it when the length is known now; a length
 * that depends on the data is checked where the kernel first uses the array.
 */
export function sizeHyperArrays(ctx: CheckContext, hypers: readonly HyperInfo[]): void {
  for (const h of hypers) {
    if (!h.array) continue;
    const t = h.decl.type;
    const e = t.kind === "vector" ? t.length : t.kind === "int" ? t.length! : undefined;
    if (!e) continue;
    const length = sizeOf(ctx, e, noScope);
    h.array.length = length;
    const n = length && difference(length, constant(0), ctx.values);
    const entries = h.array.entries;
    if (n !== undefined && entries && entries.length !== n) {
      const at = h.source === "set" ? h.decl.name.span : h.decl.default!.span;
      ctx.report("hyper_type", at, {
        name: h.name,
        type: `${h.type === "int" ? "int" : "vector"}[${formatAffine(length!)}]`,
        value: `a list of ${entries.length} entr${entries.length === 1 ? "y" : "ies"}${h.source === "set" ? " (as set)" : ""}`,
        fix: `give ${n} entr${n === 1 ? "y" : "ies"}`,
      });
      h.array.entries = undefined;
    }
  }
}

/** Declares the hyperparameters in order; defaults may use the ones before. */
export function declareHypers(ctx: CheckContext, model: Model, given: ReadonlyMap<string, HyperValue>): HyperInfo[] {
  const hypers: HyperInfo[] = [];
  for (const h of model.hypers) {
    if (!claim(ctx, h.name, declSpan(ctx, h.name.name))) continue;
    if (h.type.kind === "matrix") {
      ctx.report("hyper_not_scalar", h.type.span, { name: h.name.name });
      continue;
    }
    const array = h.type.kind === "vector" || (h.type.kind === "int" && h.type.length !== undefined);
    const type = h.type.kind === "vector" ? "real" : h.type.kind;
    const declared = printType(h.type);
    const info: HyperInfo = { kind: "hyper", name: h.name.name, type, value: undefined, source: "none", decl: h };
    const wrong = (span: Span, value: string, fix: string) => ctx.report("hyper_type", span, { name: h.name.name, type: declared, value, fix });
    const set = given.get(h.name.name);
    if (set !== undefined) info.source = "set";
    else if (h.default) info.source = "default";
    const at = info.source === "set" ? h.name.span : (h.default?.span ?? h.name.span);
    let entries: number[] | undefined;
    if (set !== undefined) {
      if (array) entries = typeof set === "number" ? [set] : [...set];
      else if (typeof set === "number") info.value = set;
      else wrong(at, `a list of ${set.length} numbers (as set)`, `give one number, or declare \`${h.name.name}: ${type === "int" ? "int[n]" : "vector[n]"}\``);
    } else if (h.default?.kind === "array") {
      if (!array) wrong(at, `a list of ${h.default.items.length} numbers`, `give one number, or declare \`${h.name.name}: ${type === "int" ? "int[n]" : "vector[n]"}\``);
      else entries = h.default.items.map((e) => constantDefault(ctx, h, e) ?? NaN);
      if (entries?.some(Number.isNaN)) entries = undefined; // reported per entry
    } else if (h.default) {
      const c = constantDefault(ctx, h, h.default);
      if (!array) info.value = c;
      else if (c !== undefined) wrong(at, String(c), `list the entries, as in \`[${c}, ${c}, …]\``);
    }
    const fits = (v: number) => Number.isFinite(v) && (type === "real" || Number.isInteger(v));
    const shown = info.source === "set" ? " (as set)" : "";
    if (info.value !== undefined && !fits(info.value)) {
      wrong(at, `${info.value}${shown}`, !Number.isFinite(info.value) ? "a hyperparameter must be a finite number" : `write an integer, or declare \`${h.name.name}: real\``);
      info.value = undefined;
    }
    if (entries && !entries.every(fits)) {
      const bad = entries.find((v) => !fits(v))!;
      wrong(at, `[${entries.join(", ")}]${shown}`, !Number.isFinite(bad) ? "every entry must be a finite number" : `every entry must be an integer (${bad} is not), or declare \`${h.name.name}: vector[…]\``);
      entries = undefined;
    }
    if (array) info.array = { entries, length: undefined };
    ctx.symbols.set(info.name, info);
    if (info.value !== undefined) {
      ctx.values.set(info.name, info.value);
      ctx.valueSources.set(info.name, info.source === "set" ? "set" : "default");
    }
    hypers.push(info);
  }
  for (const name of given.keys()) {
    if (hypers.some((h) => h.name === name)) continue;
    const known = model.hypers.map((h) => h.name.name);
    const suggestion = suggest(name, known);
    ctx.report("unknown_hyperparameter", model.name.span, {
      name,
      model: model.name.name,
      known: known.length > 0 ? known.join(", ") + (suggestion ? ` (did you mean \`${suggestion}\`?)` : "") : "none",
    });
  }
  return hypers;
}

/** The type a type expression denotes; sizes are checked (`vector[0]` is an error). */
export function typeFromExpr(ctx: CheckContext, t: TypeExpr, scope: Scope): Ty | undefined {
  const size = (e: Expr) => {
    const s = sizeOf(ctx, e, scope);
    if (!s) return undefined;
    const d = difference(s, constant(1), ctx.values);
    if (d !== undefined && d < 0) {
      const via = ctx.explainValues(s.terms.map(([n]) => n));
      ctx.report("invalid_dimension", e.span, { detail: `the size ${formatAffine(s)} is less than 1${via ? ` with ${via}` : ""}` });
      return undefined;
    }
    return s;
  };
  switch (t.kind) {
    case "int":
      if (t.length) {
        ctx.report("integer_array_type", t.span, {});
        return undefined;
      }
      return { kind: "int" };
    case "real":
      return { kind: "real" };
    case "vector": {
      const n = size(t.length);
      return n && { kind: "vector", n };
    }
    case "matrix": {
      const rows = size(t.rows);
      const cols = size(t.cols);
      return rows && cols && { kind: "matrix", rows, cols };
    }
  }
}

function bindDataSizes(ctx: CheckContext, d: DataDecl): void {
  const sizes = d.type.kind === "vector" ? [d.type.length] : d.type.kind === "matrix" ? [d.type.rows, d.type.cols] : [];
  for (const e of sizes) {
    if (e.kind === "name" && !ctx.symbols.has(e.name) && claim(ctx, { name: e.name, span: e.span })) {
      ctx.symbols.set(e.name, { kind: "dim", name: e.name, span: e.span });
    }
  }
}

/** Declares every `data` variable and the sizes its type names for the first time. */
export function declareData(ctx: CheckContext, model: Model): DataInfo[] {
  const data: DataInfo[] = [];
  for (const s of model.statements) {
    if (s.kind !== "data") continue;
    if (!claim(ctx, s.name, declSpan(ctx, s.name.name))) continue;
    bindDataSizes(ctx, s);
    const ty = typeFromExpr(ctx, s.type, noScope) ?? { kind: "error" };
    const info: DataInfo = { kind: "data", name: s.name.name, ty, observed: false, decl: s, observation: undefined };
    ctx.symbols.set(info.name, info);
    data.push(info);
  }
  return data;
}

/**
 * The index ranges bound by `[k in a..b, …]`, as a scope for the statement; undefined
 * after reporting when a binder is bad.
 */
export function bindIndices(ctx: CheckContext, binders: Binder[]): Map<string, IndexRange> | undefined {
  const scope = new Map<string, IndexRange>();
  const spans = new Map<string, Binder["span"]>();
  let ok = true;
  for (const b of binders) {
    if (!ctx.binderNames.has(b.name.name)) ctx.binderNames.set(b.name.name, b.name.span);
    if (!claim(ctx, b.name, spans.get(b.name.name) ?? declSpan(ctx, b.name.name))) {
      ok = false;
      continue;
    }
    spans.set(b.name.name, b.name.span);
    if (!b.range) {
      ctx.report("unbound_index", b.span, { name: b.name.name });
      ok = false;
      continue;
    }
    const lo = sizeOf(ctx, b.range.lo, noScope);
    const hi = sizeOf(ctx, b.range.hi, noScope);
    if (!lo || !hi) {
      ok = false;
      continue;
    }
    const gap = difference(hi, lo, ctx.values);
    // `a..a-1` is an empty family (the sticks of a one-expert gate, `1..K-1` at K = 1); a range
    // that ends further below its start is a mistake
    if (gap !== undefined && gap < -1) {
      const via = ctx.explainValues([...lo.terms, ...hi.terms].map(([n]) => n));
      ctx.report("empty_range", b.span, {
        range: formatRange({ lo, hi }),
        lo: formatAffine(lo) + (lo.terms.length ? ` = ${difference(lo, constant(0), ctx.values)}` : ""),
        hi: formatAffine(hi) + (hi.terms.length ? ` = ${difference(hi, constant(0), ctx.values)}` : ""),
        fix: via ? `the values in force are ${via}` : "swap the bounds",
      });
      ok = false;
      continue;
    }
    scope.set(b.name.name, { lo, hi });
  }
  return ok ? scope : undefined;
}

function definition(relation: Relation, target: VariableInfo | DataInfo, scope: Map<string, IndexRange> | undefined): Definition {
  return { relation, target, scope, uses: namesUsed(relation.rhs, scope ?? noScope) };
}

function sameFamily(a: IndexRange[], b: IndexRange[], values: ReadonlyMap<string, number>): boolean {
  return (
    a.length === b.length &&
    a.every((r, i) => difference(r.lo, b[i].lo, values) === 0 && difference(r.hi, b[i].hi, values) === 0)
  );
}

/**
 * Declares the variables of `param`, `~` and `=` statements, marks observed data, and
 * returns the statements to type. `param` declarations left without a definition stay in
 * the symbol table with no relation.
 */
export function declareVariables(ctx: CheckContext, model: Model): Definition[] {
  const definitions: Definition[] = [];
  for (const s of model.statements) {
    if (s.kind !== "param") continue;
    if (!claim(ctx, s.name, declSpan(ctx, s.name.name))) continue;
    const scope = bindIndices(ctx, s.binders);
    const elem = typeFromExpr(ctx, s.type, noScope) ?? { kind: "error" };
    const info: VariableInfo = {
      kind: "variable", name: s.name.name, family: scope ? [...scope.values()] : [], elem,
      relation: undefined, paramDecl: s, distribution: undefined, perRow: false,
    };
    ctx.symbols.set(info.name, info);
  }
  for (const s of model.statements) {
    if (s.kind !== "relation") continue;
    const existing = ctx.symbols.get(s.name.name);
    if (existing?.kind === "data" && s.op === "~" && !existing.observed) {
      existing.observed = true;
      existing.observation = s;
      if (s.binders.length > 0) {
        ctx.report("index_count", s.binders[0].span, { name: s.name.name, expected: 0, found: `${s.binders.length} were` });
      }
      definitions.push(definition(s, existing, new Map()));
      continue;
    }
    if (existing?.kind === "variable" && existing.paramDecl && !existing.relation) {
      const scope = bindIndices(ctx, s.binders);
      existing.relation = s;
      if (scope && !sameFamily(existing.family, [...scope.values()], ctx.values)) {
        ctx.report("shape_mismatch", s.name.span, {
          detail: `\`${s.name.name}\` is declared over [${existing.family.map(formatRange).join(", ")}] but defined over [${[...scope.values()].map(formatRange).join(", ")}]`,
          fix: "use the same index ranges in the `param` declaration and the definition",
        }, { labels: [{ span: existing.paramDecl.span, message: "declared here" }] });
      }
      definitions.push(definition(s, existing, scope));
      continue;
    }
    if (!claim(ctx, s.name, declSpan(ctx, s.name.name))) continue;
    const scope = bindIndices(ctx, s.binders);
    const info: VariableInfo = {
      kind: "variable", name: s.name.name, family: scope ? [...scope.values()] : [], elem: { kind: "error" },
      relation: s, paramDecl: undefined, distribution: undefined, perRow: false,
    };
    ctx.symbols.set(info.name, info);
    definitions.push(definition(s, info, scope));
  }
  return definitions;
}
