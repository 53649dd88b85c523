/**
 * The runtime object `rt` every emitted kernel receives, and the loader that turns kernel
 * source into a {@link KernelModule}. Kernels import nothing, so the same text runs in Node
 * and in a browser; this object is the whole of what they may call.
 */
import { categoricalLog } from "./rng/samplers.js";
import { dot } from "./linalg/index.js";
import { NigLinearState } from "./rules/nig-linear.js";
import { KnownVarianceLinearState } from "./rules/known-variance-linear.js";
import { StickGateState } from "./rules/stick-gate.js";
import { HorseshoeState } from "./rules/horseshoe.js";
import { FixedNormalPrior } from "./rules/fixed-normal.js";
import { jointScaleMove } from "./rules/joint-scale-move.js";
import type { KernelModule } from "./pl/kernel.js";

/** Everything an emitted kernel may use. */
export const kernelRuntime = Object.freeze({
  rules: Object.freeze({ NigLinearState, KnownVarianceLinearState, StickGateState, HorseshoeState, FixedNormalPrior, jointScaleMove }),
  categoricalLog,
  dot,
});

/** The type of {@link kernelRuntime}. */
export type KernelRuntime = typeof kernelRuntime;

/**
 * Instantiates a kernel from its source in the "function" format (a function expression of
 * `rt`). The text must come from the hsmoe compiler, which never splices model text into code.
 */
export function loadKernel(source: string): KernelModule {
  // The parentheses matter: the source starts with comment lines, and a bare `return` before a
  // line break would return undefined.
  const factory = new Function(`"use strict"; return (\n${source}\n);`)() as (rt: KernelRuntime) => KernelModule;
  return factory(kernelRuntime);
}
