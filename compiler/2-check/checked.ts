/**
 * The checked model: the output of stage 2. It carries the AST together with everything the
 * checker established: hyperparameter values, data-bound sizes, the shape and index ranges
 * of every variable, the type of every expression and the dependency order.
 */
import type { DataDecl, Expr, HyperParam, Model, ParamDecl, Relation, Span } from "../ast.js";
import type { Affine } from "../lang/affine.js";
import type { IndexRange, Ty } from "../lang/types.js";

/** A hyperparameter's value from outside (`--set`, the API): a number, or an array's entries. */
export type HyperValue = number | readonly number[];

/** A model argument and the value in force. */
export interface HyperInfo {
  kind: "hyper";
  name: string;
  /** Its type, or its entries' type for an array (`int[n]`, `vector[n]`). */
  type: "int" | "real";
  /** Undefined when there is neither a default nor a `--set` value, and for an array. */
  value: number | undefined;
  /** An array's entries and declared length (known once the data have bound their sizes); absent for a scalar. */
  array?: { entries: readonly number[] | undefined; length: Affine | undefined };
  source: "default" | "set" | "none";
  decl: HyperParam;
}

/** A size bound by the data, such as `D` in `data x: vector[D]`. */
export interface DimInfo {
  kind: "dim";
  name: string;
  /** Where the size is first named. */
  span: Span;
}

/** A `data` declaration; `observed` when it is the left side of a `~` (a response). */
export interface DataInfo {
  kind: "data";
  name: string;
  ty: Ty;
  observed: boolean;
  decl: DataDecl;
  /** The `~` statement that observes it (its likelihood), if any. */
  observation: Relation | undefined;
}

/**
 * A variable defined by `~` or `=`: a family over `family` index ranges (none for a single
 * value) whose every element has type `elem`.
 */
export interface VariableInfo {
  kind: "variable";
  name: string;
  family: IndexRange[];
  elem: Ty;
  /** The defining statement; undefined for a `param` declaration with no definition (an error). */
  relation: Relation | undefined;
  paramDecl: ParamDecl | undefined;
  /** Distribution name for `~` statements. */
  distribution: string | undefined;
  /** True when it depends on the data (one value per row, like an allocation `z`). */
  perRow: boolean;
}

/** Anything a name can refer to at model scope. */
export type SymbolInfo = HyperInfo | DimInfo | DataInfo | VariableInfo;

/** The result of a successful check. */
export interface CheckedModel {
  ast: Model;
  name: string;
  /** Every model-scope symbol by name (a Map: names such as `__proto__` are just names). */
  symbols: ReadonlyMap<string, SymbolInfo>;
  hypers: HyperInfo[];
  dims: DimInfo[];
  data: DataInfo[];
  /** Variables in dependency order: each after everything its definition uses. */
  variables: VariableInfo[];
  /** Values of the hyperparameters that have one. */
  values: ReadonlyMap<string, number>;
  /** The type of every expression node. */
  exprTypes: ReadonlyMap<Expr, Ty>;
}
