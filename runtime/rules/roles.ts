/**
 * The role interfaces every runtime block implements. A compiled model is a composition of
 * blocks, one per rule the compiler matched: an {@link ExpertBlock} for the experts' likelihood
 * and priors, a {@link GateBlock} for the allocation's distribution (which owns the
 * {@link GatePrior} of its coefficients, when it has coefficients). The driver
 * (`../pl/composite.ts`) runs the particle-learning step and the resample-move sweep through
 * these methods only, so a new rule is a new block and never a change to the driver or the
 * emitter.
 *
 * Conventions: N particles, K experts, particle i, 0-based expert k. A block's "design row" is
 * the row of regressors its coefficients multiply, at `h[hOff …]` (d entries), built from the
 * data row by the emitted kernel. Methods that can fail numerically return `false`; nothing in
 * the per-row methods allocates.
 */
import type { Rng } from "../rng/index.js";

/**
 * Allocations (0-based expert indices) of a particle's rows: the narrowest unsigned array that
 * holds K experts ({@link allocationArray}), since the sweeps keep one per particle and row.
 */
export type Allocations = Uint8Array | Uint16Array | Int32Array;

/** An {@link Allocations} array of `n` entries for K experts: 1 byte each up to 256 experts, 2 up to 65,536. */
export function allocationArray(K: number, n: number): Allocations {
  return K <= 0x100 ? new Uint8Array(n) : K <= 0x10000 ? new Uint16Array(n) : new Int32Array(n);
}

/** What an expert's response is: a real number, 0/1 (binary experts) or a count (count experts). */
export type ResponseKind = "real" | "binary" | "count";

/** What each kind of response accepts, and how a refusal says what it takes. */
export const RESPONSE_KINDS: Readonly<Record<ResponseKind, { readonly accepts: (y: number) => boolean; readonly takes: string }>> = {
  real: { accepts: () => true, takes: "a real number" },
  binary: { accepts: (y) => y === 0 || y === 1, takes: "0 or 1" },
  count: { accepts: (y) => Number.isInteger(y) && y >= 0, takes: "a count: 0, 1, 2, …" },
};

/** What every block has: sizes, resampling and a snapshot. */
export interface Block {
  /** Number of particles. */
  readonly N: number;
  /**
   * Resampling in place: particle i becomes a copy of particle `ancestors[i]`. Precondition:
   * survivors keep their slots, `ancestors[ancestors[i]] === ancestors[i]` for every i.
   */
  gather(ancestors: Int32Array): void;
  /** JSON-safe snapshot restored bit for bit by the class's `fromJSON`; null for a block without state. */
  toJSON(): Record<string, unknown> | null;
}

/** K experts per particle, each with conjugate (or conditionally conjugate) statistics. */
export interface ExpertBlock extends Block {
  /** Experts per particle. */
  readonly K: number;
  /** Length of the experts' design row: their coefficients per expert. */
  readonly d: number;
  /**
   * Length of the row the block reads: the design row, then any per-row constants of the
   * likelihood (a binomial expert's trials); d for most blocks. Rows of a sweep are this far apart.
   */
  readonly width: number;
  /** Why the row (h, y) cannot be weighed (a response its constants rule out), or null when it can. */
  rowProblem(h: Float64Array, hOff: number, y: number): string | null;
  /** What the response is; the driver refuses a row whose response is not of this kind. */
  readonly response: ResponseKind;
  /**
   * Whether the statistics condition on per-row auxiliaries (Pólya-Gamma draws) that the sweeps
   * redraw: such experts are swept even when there is one of them.
   */
  readonly augmented: boolean;
  /**
   * Whether the prior has parameters of its own that only the sweeps move (a random prior scale,
   * a shrinkage prior's scales): such experts are swept even when there is one of them.
   */
  readonly movesPrior: boolean;
  /**
   * Whether a row's likelihood is a scale mixture with a per-row precision weight λ (robust
   * experts), so {@link precisionWeight} is defined and a small λ marks an outlier.
   */
  readonly weighsRows: boolean;
  /** Rows allocated to each expert, `count[i·K + k]`. */
  readonly count: Float64Array;
  /** Sets every expert of particle i to its prior (drawing what the prior leaves random). */
  init(i: number, rng: Rng): void;
  /**
   * Step 1 of the PL step: `out[outOff + k] = log p_k(y | h, statistics)` for k < K, and stashes
   * what {@link updateStashed} needs.
   */
  predictive(i: number, h: Float64Array, hOff: number, y: number, out: Float64Array, outOff: number): void;
  /**
   * After {@link predictive} and before the update: the stashed row's outlier weight under the
   * particle's draw of expert k — E[λ | y, the draw] for Student-t experts, the relative precision
   * 2/(1 + |r|/σ) for Laplace experts (spec §2.5) — (NaN unless {@link weighsRows}).
   */
  precisionWeight(i: number, k: number): number;
  /** Step 5: the streaming update of expert k of particle i with the row (h, y), from the stash. */
  updateStashed(i: number, k: number, h: Float64Array, hOff: number, y: number, rng: Rng): boolean;
  /** Sweep step 1: draws every expert's parameters of particle i from their full conditionals, kept until the next call. */
  drawParameters(rng: Rng, i: number): void;
  /** Sweep step 2: adds `log p(y | h, drawn parameters of expert k)` to `out[outOff + k]` for k < K. */
  addLogLikelihoods(h: Float64Array, hOff: number, y: number, out: Float64Array, outOff: number): void;
  /**
   * Folds the row (h, y), allocated to expert k of particle i, into fixed statistics that the
   * sweeps' rebuilds start from (spec §3.8, fixed lag) with its weight w (forgetting; 1 without):
   * the sweeps no longer revisit it.
   */
  fold(i: number, k: number, h: Float64Array, hOff: number, y: number, w: number, rng: Rng): void;
  /**
   * Forgetting (spec §3.8) after each row: particle i's statistics, folded ones included, keep
   * the prior and ρ times the data's part. Returns false on numerical failure.
   */
  discount(i: number, rho: number): boolean;
  /**
   * Sweep step 4: every expert k of particle i rebuilt from the rows of (H, Y) allocated to it,
   * `byExpert[k·n …]`, the first `counts[k]`, row s weighted by `weights[s]` (forgetting) or 1,
   * and the rows folded before.
   */
  rebuildAll(i: number, H: Float64Array, Y: Float64Array, byExpert: Int32Array, counts: Int32Array, n: number, weights: Float64Array | null, rng: Rng): boolean;
  /** Predictive of y at h for expert k: `[mean, squared scale, dof, variance]` at `out[outOff …]` (dof ∞: Gaussian; {@link LAPLACE_DOF}: Laplace). */
  predictiveMoments(i: number, k: number, h: Float64Array, hOff: number, out: Float64Array, outOff: number): void;
  /** Posterior mean of expert k's noise variance in particle i (NaN where it has none). */
  noiseVariance(i: number, k: number): number;
  /** Posterior mean of expert k's dispersion in particle i (count experts; NaN where it has none). */
  dispersion(i: number, k: number): number;
  /** Marginal posterior of each coefficient of expert k: `[location, squared scale, dof]` at `out[off + 3j …]`. */
  coefficientMarginals(i: number, k: number, out: Float64Array, off: number): void;
  /** Whether a shrinkage prior governs the coefficients (a horseshoe): {@link coefficientShrinkage} is then defined. */
  readonly shrinks: boolean;
  /** The shrinkage κ = 1/(1 + v) of each coefficient of expert k, v its prior variance in noise units, at `out[off + j]`. */
  coefficientShrinkage(i: number, k: number, out: Float64Array, off: number): void;
}

/** The dof marker of a Laplace predictive component (squared scale b², density e^{−|y − μ|/b}/(2b)): no Student-t has it. */
export const LAPLACE_DOF = -1;

/** The gate: log g_k(x) for every expert, and whatever statistics its coefficients have. */
export interface GateBlock extends Block {
  /** Experts the gate chooses among. */
  readonly K: number;
  /** Rows between the refreshes of {@link refresh} (0: it never needs one). */
  readonly refreshEvery: number;
  /** Draws particle i's gate (and its prior's state) from the prior. */
  init(rng: Rng, i: number): boolean;
  /** `out[outOff + k] = log g_k(h)` for k < K, the logits shifted by the row's `offset`. */
  logGate(i: number, h: Float64Array, hOff: number, out: Float64Array, outOff: number, offset: number): void;
  /** Step 6: the streaming update after particle i allocated the row (h, offset) to expert k. */
  update(rng: Rng, i: number, k: number, h: Float64Array, hOff: number, offset: number): boolean;
  /** Steps 7–8, every {@link refreshEvery} rows: coefficients and prior scales of every particle. */
  refresh(rng: Rng): boolean;
  /**
   * The gate's part of one resample-move sweep of particle i over the rows `0 … n)` of H (their
   * logit offsets in `offsets`, or null; their weights in `weights` under forgetting, or null),
   * with its allocations at `z[zOff …]`: its moves, its statistics rebuilt and its coefficients
   * drawn. The first `keep` rows are the ones the next fold will take: a gate that draws
   * auxiliaries for its rows keeps their part of the statistics for {@link foldKept}.
   */
  sweep(rng: Rng, i: number, H: Float64Array, offsets: Float64Array | null, z: Allocations, zOff: number, n: number, weights: Float64Array | null, keep: number): boolean;
  /**
   * Folds the first `count` rows of the window for every particle from what the last sweep kept
   * for them (spec §3.8), when it kept exactly those rows; otherwise returns false, the fixed
   * statistics unchanged, and the rows are folded one by one with {@link fold}. Either way
   * nothing stays kept.
   */
  foldKept(count: number): boolean;
  /** Rows whose statistics the last sweep kept for the next fold (0: none). */
  readonly keptRows: number;
  /**
   * Folds the row (h, offset), allocated to expert k of particle i, into fixed statistics that
   * the sweeps start from (spec §3.8, fixed lag), with its weight w (forgetting; 1 without).
   * Returns false on numerical failure.
   */
  fold(rng: Rng, i: number, k: number, h: Float64Array, hOff: number, offset: number, w: number): boolean;
  /** Forgetting (spec §3.8) after each row: particle i's statistics times ρ. Returns false on numerical failure. */
  discount(i: number, rho: number): boolean;
  /** Mean shrinkage κ per coefficient `[stick][feature]` under particle `weights`, or null without shrinkage. */
  shrinkage(weights: Float64Array): number[][] | null;
  /** Mean coefficient `[stick][feature]` under particle `weights`, or null for constant stops. */
  coefficientMeans(weights: Float64Array): number[][] | null;
  /** Whether the prior bounds every coefficient's variance (constant stops do too). */
  readonly bounded: boolean;
  /** What the gate is: sticks, a softmax, or constant weights. */
  readonly kind: "stickbreaking" | "softmax" | "fixed";
  /** Rows of coefficients per particle (0 for constant weights) and coefficients per row. */
  readonly coefficientShape: { readonly rows: number; readonly d: number };
  /** Writes particle i's current coefficients, row by row, at `out[0 …]` (rows·d entries). */
  coefficientsOf(i: number, out: Float64Array): void;
}
