/**
 * The kernel plan: every decision the emitted kernel embodies, as data. The emitter only
 * prints it. Numbers here are final (hyperparameter values substituted); names are the
 * model's, kept for comments and reports, never emitted as code.
 */
import type { Span } from "../ast.js";
import type { KernelInfo } from "../../runtime/pl/kernel.js";
import type { KernelBlockName } from "../../runtime/kernel-runtime.js";
import type { BlockConstants, DataExpr, PriorMeanVector } from "../4-analyze/index.js";
import type { Affine } from "../lang/affine.js";

/** Where a piece of the kernel comes from in the model file, for comments. */
export interface Provenance {
  /** 1-based lines of the statements implemented. */
  lines: number[];
  /** The statements, printed canonically. */
  statements: string[];
}

/**
 * One block of the kernel: the runtime class that implements a rule and the constants its
 * `create` takes. Blocks are listed so that a block comes after the one it is built on.
 */
export interface BlockPlan {
  /** Its name in the kernel and in snapshots: `expert`, `gate` or `prior`. */
  slot: "expert" | "gate" | "prior";
  /** The rule it implements (`single_expert` for the gate of a one-expert model). */
  rule: string;
  /** The runtime class (a key of the kernel runtime's `blocks`). */
  block: KernelBlockName;
  constants: BlockConstants;
  /** The slot of the block it is built on (the gate on its prior). */
  uses?: "prior";
  /** The slot whose coefficients it is the prior of: its size is that block's design row's (the prior of the gate). */
  sizeOf?: "gate";
  /** Its moves in a resample-move sweep. */
  moves: readonly string[];
  /** How its design row is assembled from the data row; absent when it is the data row itself. */
  design?: DesignPlan;
  /** The statements it implements; absent for the implicit gate of a one-expert model. */
  from?: Provenance;
}

/**
 * A design row: coefficient groups in order, each with its length (1, or a size of the data),
 * its regressor and (for a block that holds its own prior, the experts) its prior mean and
 * variance, and the offset. The block's prior mean and variance vectors are laid out the same way.
 */
export interface DesignPlan {
  groups: { name: string; length: Affine | undefined; regressor: DataExpr; prior?: { mean: number | PriorMeanVector; scale: number; random: boolean; shrink: boolean } }[];
  offset: DataExpr | undefined;
  /** A binomial expert's trials, written after the design row (the block's row is then one longer). */
  trials?: DataExpr;
}

/**
 * Everything the emitter needs: the facts the kernel reports about itself (the runtime's
 * KernelInfo, with the inference plan as `coverage`) and the blocks it composes.
 */
export interface KernelPlan extends Omit<KernelInfo, "plan"> {
  coverage: KernelInfo["plan"];
  blocks: BlockPlan[];
}

/** Spans to provenance, given the source text. */
export function provenance(text: string, spans: Span[], printed: string[]): Provenance {
  const lineOf = (offset: number) => text.slice(0, offset).split("\n").length;
  return { lines: spans.map((s) => lineOf(s.start)), statements: printed };
}
