/**
 * The AST printer: a model back to canonical source text that parses to the same AST (up to
 * spans and comments). Parentheses are inserted only where precedence needs them.
 */
import type { BinaryExpr, Binder, Expr, HyperParam, Model, Statement, TypeExpr } from "./ast.js";
import { foldLeftSpine } from "./walk.js";

/** Binding strength: 1 `+ -`, 2 `* /`, 3 unary `-`, 4 `^`, 5 postfix and atoms. */
function precedence(e: Expr): number {
  switch (e.kind) {
    case "binary":
      return e.op === "+" || e.op === "-" ? 1 : e.op === "^" ? 4 : 2;
    case "negate":
      return 3;
    default:
      return 5;
  }
}

function printNumber(value: number, isInt: boolean): string {
  const text = isInt && Math.abs(value) < 1e21 ? value.toFixed(0) : String(value);
  return isInt || /[.e]/.test(text) ? text : `${text}.0`;
}

/** The least binding strength each operand of a binary node must have to print without parentheses. */
function operandMins(e: BinaryExpr): { left: number; right: number } {
  const p = precedence(e);
  return e.op === "^" ? { left: 5, right: 3 } : { left: p, right: p + 1 };
}

/** Prints an expression, parenthesised if it binds less tightly than `min`. */
export function printExpr(e: Expr, min = 0): string {
  let text: string;
  switch (e.kind) {
    case "number":
      text = printNumber(e.value, e.isInt);
      break;
    case "name":
      text = e.name;
      break;
    case "call":
      text = `${e.callee.name}(${e.args.map((a) => printExpr(a)).join(", ")})`;
      break;
    case "index":
      text = `${printExpr(e.target, 5)}[${e.indices.map((i) => printExpr(i)).join(", ")}]`;
      break;
    case "negate":
      text = `-${printExpr(e.operand, 3)}`;
      break;
    case "binary":
      // Down the left spine in a loop: a sum of 50,000 terms is a tree 50,000 deep.
      text = foldLeftSpine(
        e,
        (x) => x,
        (left: Expr | string, b): string => {
          const mins = operandMins(b);
          const l = typeof left === "string" ? (precedence(b.left) < mins.left ? `(${left})` : left) : printExpr(left, mins.left);
          const r = printExpr(b.right, mins.right);
          return b.op === "^" ? `${l}^${r}` : `${l} ${b.op} ${r}`;
        },
      ) as string;
      break;
  }
  return precedence(e) < min ? `(${text})` : text;
}

/** `int`, `real`, `vector[D]`, `matrix[K, D]` */
export function printType(t: TypeExpr): string {
  switch (t.kind) {
    case "int":
      return t.length ? `int[${printExpr(t.length)}]` : "int";
    case "real":
      return t.kind;
    case "vector":
      return `vector[${printExpr(t.length)}]`;
    case "matrix":
      return `matrix[${printExpr(t.rows)}, ${printExpr(t.cols)}]`;
  }
}

/** `[k in 1..K - 1, j in 1..D]`, or nothing for no binders. */
export function printBinders(binders: Binder[]): string {
  if (binders.length === 0) return "";
  const parts = binders.map((b) => (b.range ? `${b.name.name} in ${printExpr(b.range.lo)}..${printExpr(b.range.hi)}` : b.name.name));
  return `[${parts.join(", ")}]`;
}

function printHyper(h: HyperParam): string {
  const d = h.default?.kind === "array" ? `[${h.default.items.map(printExpr).join(", ")}]` : h.default && printExpr(h.default);
  return `${h.name.name}: ${printType(h.type)}${d ? ` = ${d}` : ""}`;
}

/** One statement, without indentation. */
export function printStatement(s: Statement): string {
  switch (s.kind) {
    case "data":
      return `data ${s.name.name}: ${printType(s.type)}`;
    case "param":
      return `param ${s.name.name}${printBinders(s.binders)}: ${printType(s.type)}`;
    case "relation":
      return `${s.name.name}${printBinders(s.binders)} ${s.op} ${printExpr(s.rhs)}`;
  }
}

/** The whole model as canonical source. */
export function printModel(m: Model): string {
  const body = m.statements.map((s) => `  ${printStatement(s)}\n`).join("");
  return `model ${m.name.name}(${m.hypers.map(printHyper).join(", ")}) {\n${body}}\n`;
}
