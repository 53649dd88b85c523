/**
 * The kernel plan: every decision the emitted kernel embodies, as data. The emitter only
 * prints it. Numbers here are final (hyperparameter values substituted); names are the
 * model's, kept for comments and reports, never emitted as code.
 */
import type { Span } from "../ast.js";
import type { KernelInfo } from "../../runtime/pl/kernel.js";

/** Where a piece of the kernel comes from in the model file, for comments. */
export interface Provenance {
  /** 1-based lines of the statements implemented. */
  lines: number[];
  /** The statements, printed canonically. */
  statements: string[];
}

/** The experts' block. */
export type ExpertPlan =
  | { rule: "normal_inverse_gamma_linear"; g: number; m0: number; a0: number; b0: number; from: Provenance }
  | { rule: "normal_known_variance_linear"; g: number; m0: number; s: number; from: Provenance };

/** The gate. */
export type GatePlan =
  | { rule: "single_expert" }
  | { rule: "fixed_stickbreaking"; logProbs: number[]; from: Provenance }
  | { rule: "polya_gamma_stickbreaking"; sticks: number; from: Provenance };

/** The gate coefficients' prior (present with the Pólya-Gamma gate). */
export type GatePriorPlan =
  | { rule: "horseshoe_makalic_schmidt"; grouped: boolean; globalScale: number; localScale: number; from: Provenance }
  | { rule: "normal_fixed_scale"; sd: number; from: Provenance };

/** How often the costly refreshes run (spec §3.6) and what the sweep does (spec §3.7). */
export interface SchedulePlan {
  /**
   * Gate coefficients φ (and, under the horseshoe, its scales and the O(d³) refactorisations):
   * redrawn every max(this, D) rows. Between refreshes the rows only add ω to the sticks'
   * statistics; a per-row φ redraw is a valid but optional move that cost a fifth of the
   * stream's time without measurably changing the fit (spec §3.7: the staleness that matters is
   * in the frozen ω, which the sweeps revisit).
   */
  gateRefreshEvery: number;
  /** Scale moves per stick per sweep. */
  scaleMoves: number;
  /** Joint (τ, φ) move once per sweep (horseshoe only). */
  jointScaleMove: boolean;
}

/**
 * Everything the emitter needs: the facts the kernel reports about itself (the runtime's
 * KernelInfo, with the inference plan as `coverage`), and the blocks and schedule it runs.
 */
export interface KernelPlan extends Omit<KernelInfo, "plan"> {
  coverage: KernelInfo["plan"];
  expert: ExpertPlan;
  gate: GatePlan;
  gatePrior: GatePriorPlan | undefined;
  schedule: SchedulePlan;
}

/** Spans to provenance, given the source text. */
export function provenance(text: string, spans: Span[], printed: string[]): Provenance {
  const lineOf = (offset: number) => text.slice(0, offset).split("\n").length;
  return { lines: spans.map((s) => lineOf(s.start)), statements: printed };
}
