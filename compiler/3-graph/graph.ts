/**
 * The model graph (IR): one node per declared quantity — hyperparameters, data, parameters,
 * per-row latents, deterministic values and observed responses — with its plates (the index
 * families it is declared over), its type, its defining expression, its parents and the span
 * of the statement that defines it. Later stages read only this graph (and the expressions
 * it points to), never the AST's statement list.
 */
import type { Expr, Span } from "../ast.js";
import type { IndexRange, Ty } from "../lang/types.js";

/** What a node is. */
export type NodeKind =
  /** a model argument with a value */
  | "hyper"
  /** an input read from each data row (a covariate) */
  | "input"
  /** a random quantity shared by all rows */
  | "parameter"
  /** a random quantity with one value per row (an allocation) */
  | "latent"
  /** a value computed from others */
  | "deterministic"
  /** a data column the model explains: the likelihood's left side */
  | "observed";

/** One index of a plate: `k in 1..K - 1`. */
export interface Plate {
  index: string;
  range: IndexRange;
}

/** A node of the model graph. */
export interface GraphNode {
  id: number;
  name: string;
  kind: NodeKind;
  plates: Plate[];
  /** Type of one element (of the whole node when there are no plates). */
  elem: Ty;
  /** `~` nodes: the distribution and its argument expressions. */
  distribution?: { name: string; args: Expr[] };
  /** `=` nodes: the defining expression. */
  value?: Expr;
  /** Ids of the nodes its definition uses, ascending (so in dependency order). */
  parents: number[];
  /** Ids of the nodes whose definitions use it, ascending. */
  children: number[];
  /** The defining statement (the declaration for hyperparameters and inputs). */
  span: Span;
  /** Hyperparameters: the value in force. */
  hyperValue?: number;
  /** Array hyperparameters (`int[n]`, `vector[n]`): the entries in force. */
  hyperEntries?: readonly number[];
  /** Hyperparameters: where the value came from (`set` from outside: `--set` or the API). */
  hyperSource?: "default" | "set" | "none";
}

/** The whole graph, nodes in dependency order (parents before children). */
export interface ModelGraph {
  model: string;
  nodes: GraphNode[];
  byName: ReadonlyMap<string, GraphNode>;
  /** Sizes read from the data (`D`). */
  dataSizes: string[];
  /** Hyperparameter values in force. */
  values: ReadonlyMap<string, number>;
  /** The type of every expression node, from the checker. */
  exprTypes: ReadonlyMap<Expr, Ty>;
}
