/** The analysis of a model: the rule covering each of its terms (stage 4's output). */
import type { ModelGraph } from "../3-graph/index.js";
import type { ExpertMatch, GateMatch, GatePriorMatch, Role, RuleId } from "./matches.js";

/** Which rule accounts for a graph node. */
export interface Coverage {
  node: string;
  rule: RuleId;
  role: Role;
}

/** The analysis of a model that every rule covers. */
export interface Analysis {
  graph: ModelGraph;
  experts: number;
  expert: ExpertMatch;
  /** Undefined for a single expert (no allocation). */
  gate: GateMatch | undefined;
  /** Present for the Pólya-Gamma gate. */
  gatePrior: GatePriorMatch | undefined;
  coverage: Coverage[];
  /** The model has a gate, but with one expert it routes every row to it (K = 1). */
  inertGate?: boolean;
}

