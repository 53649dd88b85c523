/**
 * The AST of a `.moe` model. Every node carries a {@link Span}: offsets into the source
 * string, start inclusive and end exclusive. Offsets are JavaScript string indices (UTF-16
 * code units); lines and columns are worked out only when a diagnostic is printed.
 */

/** A half-open range `[start, end)` of source offsets. */
export interface Span {
  /** Offset of the first character. */
  start: number;
  /** Offset just past the last character. */
  end: number;
}

/** A name as written, with where it was written. */
export interface Ident {
  name: string;
  span: Span;
}

export type BinaryOp = "+" | "-" | "*" | "/" | "^";

/** An expression. Parentheses leave no node: the tree shape records the grouping. */
export type Expr = NumberExpr | NameExpr | CallExpr | IndexExpr | BinaryExpr | NegateExpr;

export interface NumberExpr {
  kind: "number";
  value: number;
  /** True when written without a decimal point or exponent (`2`, not `2.0` or `2e0`). */
  isInt: boolean;
  span: Span;
}

export interface NameExpr {
  kind: "name";
  name: string;
  span: Span;
}

export interface CallExpr {
  kind: "call";
  callee: Ident;
  args: Expr[];
  span: Span;
}

export interface IndexExpr {
  kind: "index";
  target: Expr;
  indices: Expr[];
  span: Span;
}

export interface BinaryExpr {
  kind: "binary";
  op: BinaryOp;
  left: Expr;
  right: Expr;
  span: Span;
}

export interface NegateExpr {
  kind: "negate";
  operand: Expr;
  span: Span;
}

/** `int`, `int[n]` (an integer array, for hyperparameters), `real`, `vector[n]` or `matrix[r, c]`. */
export type TypeExpr =
  | { kind: "int"; length?: Expr; span: Span }
  | { kind: "real"; span: Span }
  | { kind: "vector"; length: Expr; span: Span }
  | { kind: "matrix"; rows: Expr; cols: Expr; span: Span };

/** `[1, 1, 2]`: the default of an array hyperparameter. */
export interface ArrayLiteral {
  kind: "array";
  items: Expr[];
  span: Span;
}

/** A model argument: `K: int = 4`, `group: int[D] = [1, 1, 2]`. */
export interface HyperParam {
  name: Ident;
  type: TypeExpr;
  default: Expr | ArrayLiteral | undefined;
  span: Span;
}

/** `k in 1..K`; `range` is absent when the index was written bare (an error the checker reports). */
export interface Binder {
  name: Ident;
  range: { lo: Expr; hi: Expr } | undefined;
  span: Span;
}

export type Statement = DataDecl | ParamDecl | Relation;

/** `data x: vector[D]`: one row's value, supplied by the data. */
export interface DataDecl {
  kind: "data";
  name: Ident;
  type: TypeExpr;
  span: Span;
}

/** `param phi[k in 1..K]: vector[D]`: an optional explicit type for a parameter. */
export interface ParamDecl {
  kind: "param";
  name: Ident;
  binders: Binder[];
  type: TypeExpr;
  span: Span;
}

/** `name[binders] ~ dist(args)` (stochastic) or `name[binders] = expr` (deterministic). */
export interface Relation {
  kind: "relation";
  op: "~" | "=";
  name: Ident;
  binders: Binder[];
  rhs: Expr;
  span: Span;
}

/** A whole `.moe` file: one model. */
export interface Model {
  name: Ident;
  hypers: HyperParam[];
  statements: Statement[];
  span: Span;
}
