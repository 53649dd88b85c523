/**
 * CST → AST. Runs only on a CST from an error-free parse, so every child the grammar
 * requires is present. Parentheses vanish; spans come from chevrotain's node locations
 * (end offsets there are inclusive, ours are exclusive).
 */
import type { CstNode, IToken } from "chevrotain";
import type * as C from "../../grammar/generated/cst.js";
import type { BinaryOp, Binder, Expr, HyperParam, Ident, Model, Span, Statement, TypeExpr } from "../ast.js";

function nodeSpan(node: CstNode): Span {
  const loc = node.location!;
  return { start: loc.startOffset, end: (loc.endOffset ?? loc.startOffset) + 1 };
}

function tokenSpan(token: IToken): Span {
  return { start: token.startOffset, end: (token.endOffset ?? token.startOffset) + 1 };
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
    span: nodeSpan(m),
  };
}

function hyperParam(node: C.HyperParamCstNode): HyperParam {
  const c = node.children;
  return {
    name: ident(c.Identifier[0]),
    type: typeExpr(c.typeExpr[0]),
    default: c.expression ? expression(c.expression[0]) : undefined,
    span: nodeSpan(node),
  };
}

function typeExpr(node: C.TypeExprCstNode): TypeExpr {
  const c = node.children;
  const span = nodeSpan(node);
  if (c.Int) return { kind: "int", span };
  if (c.Real) return { kind: "real", span };
  const dims = c.expression!.map(expression);
  if (c.Vector) return { kind: "vector", length: dims[0], span };
  return { kind: "matrix", rows: dims[0], cols: dims[1], span };
}

function statement(node: C.StatementCstNode): Statement {
  const c = node.children;
  if (c.dataDecl) {
    const d = c.dataDecl[0];
    return { kind: "data", name: ident(d.children.Identifier[0]), type: typeExpr(d.children.typeExpr[0]), span: nodeSpan(d) };
  }
  if (c.paramDecl) {
    const d = c.paramDecl[0];
    return {
      kind: "param",
      name: ident(d.children.Identifier[0]),
      binders: binders(d.children.binderList),
      type: typeExpr(d.children.typeExpr[0]),
      span: nodeSpan(d),
    };
  }
  const r = c.relation![0];
  return {
    kind: "relation",
    op: r.children.Tilde ? "~" : "=",
    name: ident(r.children.Identifier[0]),
    binders: binders(r.children.binderList),
    rhs: expression(r.children.expression[0]),
    span: nodeSpan(r),
  };
}

function binders(list: C.BinderListCstNode[] | undefined): Binder[] {
  if (!list) return [];
  return list[0].children.binder.map((b) => {
    const c = b.children;
    const range = c.expression ? { lo: expression(c.expression[0]), hi: expression(c.expression[1]) } : undefined;
    return { name: ident(c.Identifier[0]), range, span: nodeSpan(b) };
  });
}

function expression(node: C.ExpressionCstNode): Expr {
  return additive(node.children.additive[0]);
}

/** Folds `operand (op operand)*` left-associatively; operators are ordered by source offset. */
function foldLeft(operands: Expr[], operators: IToken[]): Expr {
  const ops = [...operators].sort((a, b) => a.startOffset - b.startOffset);
  let acc = operands[0];
  ops.forEach((op, i) => {
    const right = operands[i + 1];
    acc = { kind: "binary", op: op.image as BinaryOp, left: acc, right, span: { start: acc.span.start, end: right.span.end } };
  });
  return acc;
}

function additive(node: C.AdditiveCstNode): Expr {
  const c = node.children;
  return foldLeft(c.multiplicative.map(multiplicative), [...(c.Plus ?? []), ...(c.Minus ?? [])]);
}

function multiplicative(node: C.MultiplicativeCstNode): Expr {
  const c = node.children;
  return foldLeft(c.unary.map(unary), [...(c.Star ?? []), ...(c.Slash ?? [])]);
}

function unary(node: C.UnaryCstNode): Expr {
  const c = node.children;
  if (c.Minus) return { kind: "negate", operand: unary(c.unary![0]), span: nodeSpan(node) };
  return power(c.power![0]);
}

function power(node: C.PowerCstNode): Expr {
  const c = node.children;
  const base = postfix(c.postfix[0]);
  if (!c.Caret) return base;
  const exponent = unary(c.unary![0]);
  return { kind: "binary", op: "^", left: base, right: exponent, span: nodeSpan(node) };
}

function postfix(node: C.PostfixCstNode): Expr {
  let acc = primary(node.children.primary[0]);
  for (const suffix of node.children.indexSuffix ?? []) {
    const indices = suffix.children.expression.map(expression);
    acc = { kind: "index", target: acc, indices, span: { start: acc.span.start, end: nodeSpan(suffix).end } };
  }
  return acc;
}

function primary(node: C.PrimaryCstNode): Expr {
  const c = node.children;
  if (c.NumberLiteral) {
    const t = c.NumberLiteral[0];
    return { kind: "number", value: Number(t.image), isInt: /^\d+$/.test(t.image), span: tokenSpan(t) };
  }
  if (c.expression) {
    // Keep the parentheses inside the span so a caret under `(a + b)` covers both.
    const inner = expression(c.expression[0]);
    return { ...inner, span: nodeSpan(node) };
  }
  const call = c.callOrName![0].children;
  const name = ident(call.Identifier[0]);
  if (!call.LParen) return { kind: "name", name: name.name, span: name.span };
  return { kind: "call", callee: name, args: (call.expression ?? []).map(expression), span: nodeSpan(c.callOrName![0]) };
}
