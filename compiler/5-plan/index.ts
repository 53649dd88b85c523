/**
 * Stage 5: analysis → kernel plan. Decides the blocks, their constants and the schedule; the
 * emitter (stage 6) prints the plan mechanically.
 */
import { ruleById, type Analysis, type MatchBase, type RuleId } from "../4-analyze/index.js";
import type { GraphNode } from "../3-graph/index.js";
import { printExpr } from "../print.js";
import { provenance, type BlockPlan, type KernelPlan, type Provenance } from "./plan.js";

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

/** Builds the kernel plan of an analysed model: one block per matched rule, priors first. */
export function planKernel(a: Analysis, options: PlanOptions): KernelPlan {
  const g = a.graph;
  const from = (names: string[]): Provenance => {
    const nodes = names.map((n) => g.byName.get(n)!);
    return provenance(options.text, nodes.map((n) => n.span), nodes.map(statement));
  };
  const blockOf = (slot: BlockPlan["slot"], match: MatchBase & { rule: RuleId }): BlockPlan => {
    const rule = ruleById(match.rule);
    return { slot, rule: rule.id, block: rule.block, constants: rule.build(match), moves: rule.moves, from: from(match.covers) };
  };
  const blocks: BlockPlan[] = [];
  if (a.gatePrior) blocks.push(blockOf("prior", a.gatePrior));
  // One expert takes every row: its gate is the constant log weight 0.
  const gate: BlockPlan = a.gate ? blockOf("gate", a.gate) : { slot: "gate", rule: "single_expert", block: "FixedGate", constants: { logProbs: [0] }, moves: [] };
  if (a.gatePrior) gate.uses = "prior";
  blocks.push(gate, blockOf("expert", a.expert));
  const observed = g.nodes.find((n) => n.kind === "observed")!;
  const input = g.nodes.find((n) => n.kind === "input")!;
  const inputSize = input.elem.kind === "vector" && input.elem.n?.terms.length === 1 ? input.elem.n.terms[0][0] : "D";
  return {
    model: g.model,
    source: options.source,
    compiler: COMPILER_VERSION,
    experts: a.experts,
    input: input.name,
    inputSize,
    response: observed.name,
    hypers: Object.fromEntries(g.values),
    coverage: a.coverage,
    blocks,
  };
}
