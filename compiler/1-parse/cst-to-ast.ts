/**
 * CST → AST. Runs only on a CST from an error-free parse, so every child the grammar
 * requires is present. Parentheses vanish. A node's span runs from its first token to its
 * last token, or to the end of its last sub-node, whose span ends at its own last token (the
 * parser keeps no node locations: they cost time and memory for every CST node). Chevrotain's
 * token end offsets are inclusive; ours are exclusive.
 */
import type { IToken } from "chevrotain";
import type * as C from "../../grammar/generated/cst.js";
import type { ArrayLiteral, BinaryOp, Binder, Expr, HyperParam, Ident, Model, Span, Statement, TypeExpr } from "../ast.js";
import { span } from "./span.js";

/** The exclusive end offset of a token. */
function endOf(token: IToken): number {
  return (token.endOffset ?? token.startOffset) + 1;
}

function tokenSpan(token: IToken): Span {
  return span(token.startOffset, endOf(token));
}

function ident(token: IToken): Ident {
  return { name: token.image, span: tokenSpan(token) };
}

/** Builds the AST of a `program` CST node. */
export function programToAst(program: C.ProgramCstNode): Model {
  const m = program.children.modelDecl[0];
  const c = m.children;
  return {
    name: ident(c.Identifier[0]),
    hypers: (c.hyperParam ?? []).map(hyperParam),
    statements: (c.statement ?? []).map(statement),
    span: span(c.Model[0].startOffset, endOf(c.RCurly[0])),
  };
}

function hyperParam(node: C.HyperParamCstNode): HyperParam {
  const c = node.children;
  const name = ident(c.Identifier[0]);
  const type = typeExpr(c.typeExpr[0]);
  const dflt = c.arrayLiteral ? arrayLiteral(c.arrayLiteral[0]) : c.expression ? expression(c.expression[0]) : undefined;
  return { name, type, default: dflt, span: span(name.span.start, (dflt ?? type).span.end) };
}

function arrayLiteral(node: C.ArrayLiteralCstNode): ArrayLiteral {
  const c = node.children;
  return { kind: "array", items: c.expression.map(expression), span: span(c.LBracket[0].startOffset, endOf(c.RBracket[0])) };
}

function typeExpr(node: C.TypeExprCstNode): TypeExpr {
  const c = node.children;
  if (c.Int) {
    if (!c.expression) return { kind: "int", span: tokenSpan(c.Int[0]) };
    return { kind: "int", length: expression(c.expression[0]), span: span(c.Int[0].startOffset, endOf(c.RBracket![0])) };
  }
  if (c.Real) return { kind: "real", span: tokenSpan(c.Real[0]) };
  const dims = c.expression!.map(expression);
  const whole = span((c.Vector ?? c.Matrix)![0].startOffset, endOf(c.RBracket![0]));
  if (c.Vector) return { kind: "vector", length: dims[0], span: whole };
  return { kind: "matrix", rows: dims[0], cols: dims[1], span: whole };
}

function statement(node: C.StatementCstNode): Statement {
  const c = node.children;
  if (c.dataDecl) {
    const d = c.dataDecl[0].children;
    const type = typeExpr(d.typeExpr[0]);
    return { kind: "data", name: ident(d.Identifier[0]), type, span: span(d.Data[0].startOffset, type.span.end) };
  }
  if (c.paramDecl) {
    const d = c.paramDecl[0].children;
    const name = ident(d.Identifier[0]);
    const list = binders(d.binderList);
    const type = typeExpr(d.typeExpr[0]);
    return { kind: "param", name, binders: list, type, span: span(d.Param[0].startOffset, type.span.end) };
  }
  const r = c.relation![0].children;
  const name = ident(r.Identifier[0]);
  const list = binders(r.binderList);
  const rhs = expression(r.expression[0]);
  return { kind: "relation", op: r.Tilde ? "~" : "=", name, binders: list, rhs, span: span(name.span.start, rhs.span.end) };
}

function binders(list: C.BinderListCstNode[] | undefined): Binder[] {
  if (!list) return [];
  return list[0].children.binder.map((b) => {
    const c = b.children;
    const name = ident(c.Identifier[0]);
    const range = c.expression ? { lo: expression(c.expression[0]), hi: expression(c.expression[1]) } : undefined;
    return { name, range, span: span(name.span.start, (range ? range.hi : name).span.end) };
  });
}

/** Binary operators: binding power and whether they associate to the right. */
const binaryOps: Readonly<Record<BinaryOp, { prec: number; right: boolean }>> = {
  "+": { prec: 1, right: false },
  "-": { prec: 1, right: false },
  "*": { prec: 2, right: false },
  "/": { prec: 2, right: false },
  "^": { prec: 4, right: true },
};
/** Prefix minus binds between `*` and `^`: `-a^2` is `-(a^2)`, `-a * b` is `(-a) * b`. */
const NEGATE_PREC = 3;

/**
 * Resolves the flat `operand (op operand)*` chain of the CST by precedence climbing. The
 * stream alternates operands and operators (in source order: the grammar labels every binary
 * operator `operator`); an operand's prefix minus signs are handled at their own binding power.
 */
class Climber {
  /** Index of the next operand; operator i sits between operands i and i + 1. */
  private i = 0;
  constructor(
    private readonly operands: C.OperandCstNode[],
    private readonly ops: IToken[],
  ) {}

  /** Parses an expression whose operators all bind at least as tightly as `min`. */
  parse(min: number): Expr {
    return this.extend(this.prefix(this.operands[this.i]), min);
  }

  /** Applies the following operators of binding power ≥ `min` to `left`. */
  private extend(left: Expr, min: number): Expr {
    while (this.i < this.ops.length) {
      const op = this.ops[this.i].image as BinaryOp;
      const { prec, right } = binaryOps[op];
      if (prec < min) break;
      this.i++;
      const rhs = this.parse(right ? prec : prec + 1);
      left = { kind: "binary", op, left, right: rhs, span: { start: left.span.start, end: rhs.span.end } };
    }
    return left;
  }

  /** An operand with `minus` of its prefix signs still to apply; each takes what binds tighter than it. */
  private prefix(node: C.OperandCstNode, minus = node.children.Minus?.length ?? 0): Expr {
    if (minus === 0) return operand(node);
    const sign = node.children.Minus![node.children.Minus!.length - minus];
    const inner = minus > 1 ? this.prefix(node, minus - 1) : this.extend(operand(node), NEGATE_PREC + 1);
    return { kind: "negate", operand: inner, span: span(sign.startOffset, inner.span.end) };
  }
}

function expression(node: C.ExpressionCstNode): Expr {
  const c = node.children;
  // Most expressions are a single operand with no sign: skip the climber.
  if (c.operand.length === 1 && !c.operand[0].children.Minus) return operand(c.operand[0]);
  return new Climber(c.operand, c.operator ?? []).parse(0);
}

/** An operand without its prefix signs: the atom and its index suffixes. */
function operand(node: C.OperandCstNode): Expr {
  let acc = atom(node.children.atom[0]);
  for (const suffix of node.children.indexSuffix ?? []) {
    const indices = suffix.children.expression.map(expression);
    acc = { kind: "index", target: acc, indices, span: span(acc.span.start, endOf(suffix.children.RBracket[0])) };
  }
  return acc;
}

function atom(node: C.AtomCstNode): Expr {
  const c = node.children;
  if (c.NumberLiteral) {
    const t = c.NumberLiteral[0];
    return { kind: "number", value: Number(t.image), isInt: /^\d+$/.test(t.image), span: tokenSpan(t) };
  }
  if (c.Identifier) {
    const name = ident(c.Identifier[0]);
    if (!c.LParen) return { kind: "name", name: name.name, span: name.span };
    return { kind: "call", callee: name, args: (c.expression ?? []).map(expression), span: span(name.span.start, endOf(c.RParen![0])) };
  }
  // Keep the parentheses inside the span so a caret under `(a + b)` covers both.
  const inner = expression(c.expression![0]);
  return { ...inner, span: span(c.LParen![0].startOffset, endOf(c.RParen![0])) };
}
