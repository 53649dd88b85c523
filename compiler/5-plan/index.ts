/**
 * Stage 5: analysis → kernel plan. Decides the blocks, their constants and the schedule; the
 * emitter (stage 6) prints the plan mechanically.
 */
import { inputSize, ruleById, type Analysis, type CoefficientGroup, type DataExpr, type MatchBase, type RuleId } from "../4-analyze/index.js";
import { difference, substitute } from "../lang/affine.js";
import type { GraphNode } from "../3-graph/index.js";
import { printExpr } from "../print.js";
import { provenance, type BlockPlan, type KernelPlan, type Provenance } from "./plan.js";
import { kernelBlocks } from "../../runtime/kernel-runtime.js";

export type * from "./plan.js";
export { dumpPlan } from "./dump.js";

/** The hsmoe compiler version written into every kernel. */
export const COMPILER_VERSION = "0.1.0";

/** Options of {@link planKernel}. */
export interface PlanOptions {
  /** Source file name, for the kernel header. */
  source: string;
  /** Source text, for line numbers in comments. */
  text: string;
}

function statement(n: GraphNode): string {
  const plates = n.plates.length ? `[${n.plates.map((p) => p.index).join(", ")}]` : "";
  if (n.distribution) return `${n.name}${plates} ~ ${n.distribution.name}(${n.distribution.args.map((a) => printExpr(a)).join(", ")})`;
  return `${n.name}${plates} = ${n.value ? printExpr(n.value) : ""}`;
}

/** Whether a group is a vector of coefficients times the whole input vector, entry by entry. */
function isWholeInput(c: Pick<CoefficientGroup, "length" | "regressor">, input: GraphNode | undefined, values: ReadonlyMap<string, number>): boolean {
  const r = c.regressor;
  if (!input) return false;
  const n = input.elem.kind === "vector" ? input.elem.n : undefined;
  return r.kind === "input" && r.input === input.name && r.index === "j" && c.length !== undefined && n !== undefined && difference(c.length, n, values) === 0;
}

/** What the response of a model is, as the runtime block of its expert rule declares. */
function responseKindOf(rule: RuleId): KernelPlan["responseKind"] {
  const block = kernelBlocks[ruleById(rule).block];
  if (!("response" in block)) throw new Error(`internal: the expert block ${ruleById(rule).block} declares no response kind`);
  return block.response;
}

/** Whether the runtime block of a model's expert rule weighs rows by a precision (robust experts). */
function weighsRowsOf(rule: RuleId): boolean {
  const block = kernelBlocks[ruleById(rule).block];
  return "weighsRows" in block && block.weighsRows === true;
}

/** "expert" when the rows of the gate's coefficients are the experts' (a softmax gate), as its runtime block declares. */
function gateRowsOf(a: Analysis): "expert" | undefined {
  const block = a.gate ? kernelBlocks[ruleById(a.gate.rule).block] : undefined;
  return block && "rows" in block && block.rows === "expert" ? "expert" : undefined;
}

/** Builds the kernel plan of an analysed model: one block per matched rule, priors first. */
export function planKernel(a: Analysis, options: PlanOptions): KernelPlan {
  const g = a.graph;
  const from = (names: string[]): Provenance => {
    const nodes = names.map((n) => g.byName.get(n)!);
    return provenance(options.text, nodes.map((n) => n.span), nodes.map(statement));
  };
  const inputs = g.nodes.filter((n) => n.kind === "input");
  // The data row is the first input alone only when there is one.
  const input = inputs.length === 1 ? inputs[0] : undefined;
  type Groups = Pick<CoefficientGroup, "name" | "length" | "regressor"> & { mean?: CoefficientGroup["mean"]; scale?: number; random?: string; shrink?: true };
  const blockOf = (slot: BlockPlan["slot"], match: MatchBase & { rule: RuleId }, groups?: readonly Groups[], offset?: DataExpr, trials?: DataExpr): BlockPlan => {
    const rule = ruleById(match.rule);
    const plan: BlockPlan = { slot, rule: rule.id, block: rule.block, constants: rule.build(match), moves: rule.moves, from: from(match.covers) };
    if (groups) {
      const [only] = groups;
      // `dot(beta[z], x)` or `phi * x` alone reads the data row as it is; a prior mean vector
      // is laid out (and its length checked) by a design row.
      if (groups.length === 1 && offset === undefined && trials === undefined && isWholeInput(only, input, g.values) && typeof only.mean !== "object") {
        if (only.mean !== undefined) plan.constants = { ...plan.constants, m0: only.mean, g: only.scale! };
      } else {
        plan.design = {
          groups: groups.map((c) => ({ name: c.name, length: c.length && substitute(c.length, g.values), regressor: c.regressor, ...(c.mean !== undefined ? { prior: { mean: c.mean, scale: c.scale!, random: c.random !== undefined, shrink: c.shrink === true } } : {}) })),
          offset,
          ...(trials ? { trials } : {}),
        };
      }
    }
    return plan;
  };
  const blocks: BlockPlan[] = [];
  if (a.gatePrior) {
    const prior: BlockPlan = { ...blockOf("prior", a.gatePrior), sizeOf: "gate" };
    // A prior governs the K − 1 sticks unless told otherwise (a softmax gate with no category pinned).
    const rows = a.gate?.rule === "polya_gamma_softmax" ? a.gate.categories : a.experts - 1;
    if (rows !== a.experts - 1) prior.constants = { ...prior.constants, rows };
    blocks.push(prior);
  }
  // One expert takes every row: its gate is the constant log weight 0.
  // A gate with coefficients has a design row (its families' regressors and an offset).
  const linear = a.gate && "design" in a.gate ? a.gate : undefined;
  const gate: BlockPlan = a.gate ? blockOf("gate", a.gate, linear?.design, linear?.offset) : { slot: "gate", rule: "single_expert", block: "FixedGate", constants: { logProbs: [0] }, moves: [] };
  if (a.gatePrior) gate.uses = "prior";
  blocks.push(gate, blockOf("expert", a.expert, a.expert.groups, a.expert.offset, "trials" in a.expert ? a.expert.trials : undefined));
  const observed = g.nodes.find((n) => n.kind === "observed")!;
  const gateRows = gateRowsOf(a);
  return {
    model: g.model,
    source: options.source,
    compiler: COMPILER_VERSION,
    experts: a.experts,
    inputs: inputs.map((n) => ({ name: n.name, size: inputSize(n, g.values)! })),
    response: observed.name,
    responseKind: responseKindOf(a.expert.rule),
    weighsRows: weighsRowsOf(a.expert.rule),
    ...(gateRows ? { gateRows } : {}),
    hypers: Object.fromEntries(g.nodes.filter((n) => n.kind === "hyper" && (n.hyperValue !== undefined || n.hyperEntries)).map((n) => [n.name, n.hyperEntries ?? n.hyperValue!])),
    coverage: a.coverage,
    blocks,
  };
}
