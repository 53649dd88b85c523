/**
 * Stage 5: analysis → kernel plan. Decides the blocks, their constants and the schedule; the
 * emitter (stage 6) prints the plan mechanically.
 */
import type { Analysis } from "../4-analyze/index.js";
import type { GraphNode } from "../3-graph/index.js";
import { printExpr } from "../print.js";
import { provenance, type ExpertPlan, type GatePlan, type GatePriorPlan, type KernelPlan, type Provenance } from "./plan.js";

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

/** Builds the kernel plan of an analysed model. */
export function planKernel(a: Analysis, options: PlanOptions): KernelPlan {
  const g = a.graph;
  const from = (names: string[]): Provenance => {
    const nodes = names.map((n) => g.byName.get(n)!);
    return provenance(options.text, nodes.map((n) => n.span), nodes.map(statement));
  };
  const e = a.expert;
  const expert: ExpertPlan =
    e.rule === "normal_inverse_gamma_linear"
      ? { rule: e.rule, g: e.priorScale, m0: e.priorMean, a0: e.a0, b0: e.b0, from: from(e.covers) }
      : { rule: e.rule, g: e.priorScale, m0: e.priorMean, s: e.sd, from: from(e.covers) };
  let gate: GatePlan = { rule: "single_expert" };
  if (a.gate?.rule === "fixed_stickbreaking") {
    let rest = 0; // log of the probability of passing every stick so far
    const logProbs = a.gate.stops.map((p) => {
      const v = rest + Math.log(p);
      rest += Math.log1p(-p);
      return v;
    });
    logProbs.push(rest);
    gate = { rule: a.gate.rule, logProbs, from: from(a.gate.covers) };
  } else if (a.gate?.rule === "polya_gamma_stickbreaking") {
    gate = { rule: a.gate.rule, sticks: a.gate.sticks, from: from(a.gate.covers) };
  }
  const p = a.gatePrior;
  const gatePrior: GatePriorPlan | undefined =
    p === undefined
      ? undefined
      : p.rule === "horseshoe_makalic_schmidt"
        ? { rule: p.rule, grouped: p.grouped, globalScale: p.globalScale, localScale: p.localScale, from: from(p.covers) }
        : { rule: p.rule, sd: p.sd, from: from(p.covers) };
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
    expert,
    gate,
    gatePrior,
    schedule: { gateRefreshEvery: 10, scaleMoves: 5, jointScaleMove: p?.rule === "horseshoe_makalic_schmidt" },
  };
}
