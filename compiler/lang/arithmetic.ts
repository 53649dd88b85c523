/** What each binary operator of the language computes on constants (checker and analysis alike). */
import type { BinaryOp } from "../ast.js";

/** `a op b` for each binary operator. */
export const arithmetic: Readonly<Record<BinaryOp, (a: number, b: number) => number>> = {
  "+": (a, b) => a + b,
  "-": (a, b) => a - b,
  "*": (a, b) => a * b,
  "/": (a, b) => a / b,
  "^": (a, b) => a ** b,
};
