/**
 * The runtime object `rt` every emitted kernel receives, and the loader that turns kernel
 * source into a {@link KernelModule}. Kernels import nothing, so the same text runs in Node
 * and in a browser; this object is the whole of what they may call.
 */
import { NigLinearState } from "./rules/nig-linear.js";
import { KnownVarianceLinearState } from "./rules/known-variance-linear.js";
import { LogisticExpertState } from "./rules/logistic-expert.js";
import { StudentLinearState } from "./rules/student-linear.js";
import { LaplaceLinearState } from "./rules/laplace-linear.js";
import { NegBinomialExpertState } from "./rules/negbinomial-expert.js";
import { BinomialExpertState } from "./rules/binomial-expert.js";
import { FixedGate, PolyaGammaGate, SoftmaxGate } from "./rules/gates.js";
import { HorseshoeState } from "./rules/horseshoe.js";
import { FixedNormalPrior } from "./rules/fixed-normal.js";
import { ScalePrior } from "./rules/scale-prior.js";
import { composeState } from "./pl/composite.js";
import type { KernelModule } from "./pl/kernel.js";

/**
 * The runtime blocks a kernel may build, by the class name the compiler's rule table gives
 * (each with a static `create(N, K, d, constants, prior?)` and `restore(json, constants, prior?, N)`).
 */
export const kernelBlocks = Object.freeze({ NigLinearState, KnownVarianceLinearState, LogisticExpertState, BinomialExpertState, NegBinomialExpertState, StudentLinearState, LaplaceLinearState, PolyaGammaGate, SoftmaxGate, FixedGate, HorseshoeState, FixedNormalPrior, ScalePrior });

/** The name of a runtime block class. */
export type KernelBlockName = keyof typeof kernelBlocks;

/** Everything an emitted kernel may use. */
export const kernelRuntime = Object.freeze({ blocks: kernelBlocks, composeState });

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
