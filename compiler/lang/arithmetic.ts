/** What each binary operator of the language computes on constants (checker and analysis alike). */
import type { BinaryOp, Expr } from "../ast.js";
import { foldLeftSpine } from "../walk.js";

/** `a op b` for each binary operator. */
export const arithmetic: Readonly<Record<BinaryOp, (a: number, b: number) => number>> = {
  "+": (a, b) => a + b,
  "-": (a, b) => a - b,
  "*": (a, b) => a * b,
  "/": (a, b) => a / b,
  "^": (a, b) => a ** b,
};

/**
 * The value of a constant expression: numbers, names given a value by `name`, negation, the
 * binary operators and, when `call` is given, calls it evaluates; undefined when any part has
 * no value. Long operator chains are folded along their spine, not recursed into.
 */
export function foldConstant(
  e: Expr,
  name: (id: string) => number | undefined,
  call?: (callee: string, args: number[]) => number | undefined,
): number | undefined {
  const fold = (x: Expr): number | undefined => foldConstant(x, name, call);
  switch (e.kind) {
    case "number":
      return e.value;
    case "name":
      return name(e.name);
    case "negate": {
      const v = fold(e.operand);
      return v === undefined ? undefined : -v;
    }
    case "binary":
      return foldLeftSpine<number | undefined>(e, fold, (l, b) => {
        const r = fold(b.right);
        return l === undefined || r === undefined ? undefined : arithmetic[b.op](l, r);
      });
    case "call": {
      if (!call) return undefined;
      const args = e.args.map(fold);
      return args.some((a) => a === undefined) ? undefined : call(e.callee.name, args as number[]);
    }
    default:
      return undefined;
  }
}
