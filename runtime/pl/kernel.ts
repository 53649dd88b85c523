/**
 * The contract between an emitted kernel and the particle-learning driver. The compiler emits
 * a function `createKernel(rt)` that returns a {@link KernelModule}; the driver
 * (particle-set.ts, filter.ts) runs the SMC algorithm — weights, resampling, evidence,
 * ancestry, checkpoints — and calls the model-specific parts through {@link ModelState}.
 * This is the `particles` split of model (what a step does to one particle) and algorithm.
 *
 * Conventions: N particles, K experts, D inputs; `ell` is an N·K array of per-expert
 * log-weights `log g_k(x; φ_i) + log p_k(y | x, s_i)`; allocations are 0-based expert indices.
 */
import type { Rng } from "../rng/rng.js";
import type { RowStore } from "./rows.js";
import type { Allocations, ResponseKind } from "../rules/roles.js";

/** Model-specific state of one particle set, built by an emitted kernel. */
export interface ModelState {
  readonly N: number;
  readonly K: number;
  readonly D: number;
  /** What the response is: a real number, or 0/1 (binary experts); rows of another kind are refused. */
  readonly response: ResponseKind;
  /** Coefficients per expert: the length of the experts' design row (D when they read the data row itself). */
  readonly P: number;
  /**
   * A name for each expert coefficient (`alpha`, `b[1]`, …) when the experts' design row is
   * assembled from the data; null when it is the data row itself (the inputs name them).
   */
  readonly coefficientNames: readonly string[] | null;
  /** The same for the gate's coefficients per stick (the columns of {@link shrinkage}). */
  readonly gateCoefficientNames: readonly string[] | null;
  /**
   * Step 1 of the PL step (spec §3.3): fills `ell[i·K + k]` for every particle and expert and
   * stashes what {@link propagate} needs. Must be finite or −∞; NaN is a bug.
   */
  weigh(x: Float64Array, y: number, ell: Float64Array): void;
  /** Why the data row (x, y) cannot be weighed (a response its other columns rule out, such as more successes than trials), or null. */
  rowProblem(x: Float64Array, y: number): string | null;
  /**
   * After resampling: particle i takes the state of particle `ancestors[i]` (stash included).
   * The driver arranges the ancestors so survivors keep their slots (`ancestors[i] === i` or
   * `ancestors[ancestors[i]] === ancestors[i]`), so blocks may copy in place.
   */
  gather(ancestors: Int32Array): void;
  /**
   * Steps 4–7: for every particle draw the allocation from `ell` (already gathered), update
   * the chosen expert and the visited sticks, refresh what the schedule says, then discount by
   * the forgetting factor ρ (spec §3.8; 1: none); writes the allocations to `z`. Returns false
   * on numerical failure (a Cholesky factor lost).
   */
  propagate(rng: Rng, x: Float64Array, y: number, ell: Float64Array, z: Allocations, t: number, rho: number): boolean;
  /**
   * One resample-move sweep (spec §3.7) for every particle over the window of rows `from …
   * from + n − 1` (absolute; held by `rows`), with particle i's allocation of row from + s at
   * `history[i·stride + s]` (updated in place), the rows folded before held fixed; under
   * forgetting ρ < 1 row s weighs ρ^{rows.n − s}. The first `keep` rows (0 when omitted) are
   * the ones the next {@link fold} will take, which the blocks may prepare for. Returns false
   * on numerical failure.
   */
  sweep(rng: Rng, rows: RowStore, from: number, history: Allocations, stride: number, n: number, rho: number, keep?: number): boolean;
  /**
   * Folds rows `from … from + count − 1` (absolute; held by `rows`), allocated as
   * `history[i·stride + c]` says, into every particle's fixed statistics (spec §3.8, fixed lag):
   * the sweeps no longer revisit them, each with its weight under forgetting ρ. Returns false
   * on numerical failure.
   */
  fold(rng: Rng, rows: RowStore, from: number, history: Allocations, stride: number, count: number, rho: number): boolean;
  /**
   * Posterior predictive of y at x for particle i: writes, for each expert k, the gate weight
   * `out[(i·K + k)·5]` and the expert's `[mean, squared scale, dof, variance]` after it.
   */
  predictive(x: Float64Array, out: Float64Array): void;
  /** Gate probabilities g_k(x; φ_i) into `out[i·K + k]` (constant gates included). */
  gateProbabilities(x: Float64Array, out: Float64Array): void;
  /** Mean shrinkage κ per gate coefficient `[stick][feature]` under particle `weights`, or null without a horseshoe. */
  shrinkage(weights: Float64Array): number[][] | null;
  /** Mean gate coefficient `[stick][feature]` under particle `weights`, or null for constant stops. */
  gateCoefficients(weights: Float64Array): number[][] | null;
  /** Whether the gate's prior bounds every coefficient's variance (a fixed Normal, a slab, constant stops). */
  readonly gateBounded: boolean;
  /** Rows at the start of the window whose statistics the last sweep kept for the next fold (0: none; spec §3.8). */
  readonly keptRows: number;
  /** What the gate is (sticks, a softmax, constant weights) and the shape of a particle's coefficients. */
  readonly gate: { readonly kind: "stickbreaking" | "softmax" | "fixed"; readonly rows: number; readonly d: number };
  /** Writes particle i's gate coefficients, row by row, at `out[0 …]` (rows·d entries). */
  gateDraw(i: number, out: Float64Array): void;
  /** Rows allocated to each expert of each particle, `out[i·K + k]`. */
  expertCounts(out: Float64Array): void;
  /** Whether the experts weigh rows by a precision λ (robust experts): {@link precisionWeight} is then defined. */
  readonly weighsRows: boolean;
  /** After {@link weigh}: the row's outlier weight under particle i's draw of expert k, E[λ | the row, the draw] for Student-t experts (NaN unless {@link weighsRows}). */
  precisionWeight(i: number, k: number): number;
  /** Posterior mean of expert k's noise variance in every particle, `out[i]` (NaN where undefined). */
  noiseVariances(k: number, out: Float64Array): void;
  /** Posterior mean of expert k's dispersion in every particle, `out[i]` (NaN where undefined: not a count expert). */
  dispersions(k: number, out: Float64Array): void;
  /**
   * Marginal posterior of each coefficient of expert k in every particle: writes `[location,
   * squared scale, dof]` at `out[(i·P + j)·3 …]` (a Student-t, or a Gaussian when dof is ∞).
   */
  coefficientMarginals(k: number, out: Float64Array): void;
  /** Whether a shrinkage prior governs the experts' coefficients (a horseshoe): {@link expertShrinkage} is then defined. */
  readonly expertsShrink: boolean;
  /** The shrinkage κ of each coefficient of expert k in every particle, `out[i·P + j]`. */
  expertShrinkage(k: number, out: Float64Array): void;
  /** JSON-safe snapshot of every block; {@link KernelModule.restore} restores it bit for bit. */
  toJSON(): unknown;
}

/** Static facts about a compiled model, written into the emitted kernel by the compiler. */
export interface KernelInfo {
  model: string;
  source: string;
  compiler: string;
  /** Number of experts. */
  experts: number;
  /**
   * The inputs, in the order their columns make up a data row: each one's name (`x`) and the
   * name of its length (`D`), or the length itself ("3"; "1" for a single number).
   */
  inputs: { name: string; size: string }[];
  /** Name of the response (`y`). */
  response: string;
  /** What the response is: a real number, or 0/1 for binary experts (data readers check it). */
  responseKind: ResponseKind;
  /** Whether the experts weigh each row by a precision λ (robust experts): the trace then has each row's outlier weight. Absent in kernels from before it: false. */
  weighsRows?: boolean;
  /**
   * What each row of the gate's coefficients belongs to: "expert" for a softmax gate (row l is
   * expert l's category); absent for the sticks of a stick-breaking gate.
   */
  gateRows?: "expert";
  /** Hyperparameter values in force (an array hyperparameter's entries as a list). */
  hypers: Record<string, number | readonly number[]>;
  /** Which rule covers each node: the inference plan. */
  plan: { node: string; rule: string; role: string }[];
}

/** What an emitted kernel returns. */
export interface KernelModule {
  info: KernelInfo;
  /**
   * Builds the state of N particles for data rows made of inputs of lengths `sizes` (in the
   * order of {@link KernelInfo.inputs}), every particle drawn from the prior.
   */
  create(N: number, sizes: readonly number[], rng: Rng): ModelState;
  /** Rebuilds a state from {@link ModelState.toJSON}. */
  restore(json: unknown): ModelState;
}
