/**
 * Walking expressions without running out of stack. A chain of binary operators such as
 * `a + b + … + z` parses to a tree that leans left, as deep as the chain is long; every walk
 * over expressions goes down that left spine in a loop and recurses only into right operands
 * and other children, whose depth the parser bounds (compiler/1-parse/nesting.ts).
 */
import type { BinaryExpr, Expr } from "./ast.js";

/**
 * Folds `e` along its left spine: `operand` is applied to the expression at the bottom of the
 * spine (not a binary node), then `combine` to each binary node from the innermost out, with
 * the result so far for its left operand. The same order as a recursive post-order walk.
 */
export function foldLeftSpine<T>(e: Expr, operand: (x: Expr) => T, combine: (left: T, node: BinaryExpr) => T): T {
  const spine: BinaryExpr[] = [];
  let x = e;
  while (x.kind === "binary") {
    spine.push(x);
    x = x.left;
  }
  let acc = operand(x);
  for (let i = spine.length - 1; i >= 0; i--) acc = combine(acc, spine[i]);
  return acc;
}

/** The direct children of an expression, in source order. */
export function children(e: Expr): readonly Expr[] {
  switch (e.kind) {
    case "call":
      return e.args;
    case "index":
      return [e.target, ...e.indices];
    case "binary":
      return [e.left, e.right];
    case "negate":
      return [e.operand];
    default:
      return [];
  }
}
