/**
 * The gate blocks ({@link GateBlock}): the Pólya-Gamma gates, which run the logistic
 * regressions of their sticks (`./stick-gate.ts`) or categories (`./softmax-gate.ts`) with the
 * prior of their coefficients on the refresh schedule and in the sweeps, and the fixed gate,
 * whose log weights are constants (constant stop probabilities, or one expert taking every row).
 */
import type { Rng } from "../rng/index.js";
import type { GatePrior } from "./gate-prior.js";
import type { LogitRegressions } from "./logit-regressions.js";
import type { Allocations, GateBlock } from "./roles.js";
import { SoftmaxGateState } from "./softmax-gate.js";
import { StickGateState } from "./stick-gate.js";
import type { Statistic } from "./statistics.js";

/** Schedule of the Pólya-Gamma gate (spec §3.6–3.7). */
export interface StickGateOptions {
  /** Rows between refreshes of φ and the prior scales (the kernel passes max(R, d)). */
  readonly refreshEvery: number;
  /** Scale moves per stick per sweep. */
  readonly scaleMoves: number;
}

/**
 * Rule `polya_gamma_stickbreaking` as a {@link GateBlock}: stick statistics plus the prior of φ;
 * and the block of any gate whose coefficients are Pólya-Gamma logistic regressions
 * ({@link SoftmaxGate}), which only brings its own statistics.
 */
export class PolyaGammaGate implements GateBlock {
  /** The stick statistics it runs on (its prior is a block of its own). */
  static readonly statistics: readonly Statistic[] = StickGateState.statistics;
  /** What each row of the gate's coefficients belongs to, for summaries: a stick. */
  static readonly rows: "stick" | "expert" = "stick";
  readonly N: number;
  readonly K: number;
  readonly refreshEvery: number;
  /** Scale moves per stick per sweep. */
  readonly scaleMoves: number;
  /** κ per coefficient, summed over particles by {@link shrinkage}. */
  private readonly kappa: Float64Array;

  constructor(
    /** The regressions' statistics and coefficients. */
    readonly state: LogitRegressions,
    /** The prior of the coefficients. */
    readonly prior: GatePrior,
    options: StickGateOptions,
  ) {
    if (prior.sticks !== state.S || prior.d !== state.d || prior.N !== state.N) throw new Error("Pólya-Gamma gate: gate and prior sizes differ");
    if (!(Number.isInteger(options.refreshEvery) && options.refreshEvery >= 1)) throw new Error("Pólya-Gamma gate: refreshEvery must be a positive integer");
    if (!(Number.isInteger(options.scaleMoves) && options.scaleMoves >= 0)) throw new Error("Pólya-Gamma gate: scaleMoves must be a non-negative integer");
    this.N = state.N;
    this.K = state.K;
    this.refreshEvery = options.refreshEvery;
    this.scaleMoves = options.scaleMoves;
    this.kappa = new Float64Array(state.d);
  }

  /**
   * The compiler's constructor: K experts, d coefficients per stick, the prior built first. The
   * refresh runs every max(R, d) rows, so its O(d³) refactorisations cost O(d²) per row.
   */
  static create(N: number, K: number, d: number, options: StickGateOptions, prior: GatePrior): PolyaGammaGate {
    return new PolyaGammaGate(new StickGateState(N, K, d), prior, { ...options, refreshEvery: Math.max(options.refreshEvery, d) });
  }

  /** Restores a gate written by {@link toJSON}, with its prior restored first. */
  static restore(json: unknown, options: StickGateOptions, prior: GatePrior): PolyaGammaGate {
    const state = StickGateState.fromJSON(json);
    return new PolyaGammaGate(state, prior, { ...options, refreshEvery: Math.max(options.refreshEvery, state.d) });
  }

  /** Prior scales, then empty statistics and φ from the prior. */
  init(rng: Rng, i: number): boolean {
    this.prior.init(rng, i);
    return this.state.init(rng, i, this.prior);
  }

  logGate(i: number, h: Float64Array, hOff: number, out: Float64Array, outOff: number, offset: number): void {
    this.state.logGate(i, h, hOff, out, outOff, offset);
  }

  update(rng: Rng, i: number, k: number, h: Float64Array, hOff: number, offset: number): boolean {
    return this.state.update(rng, i, k, h, hOff, offset);
  }

  /** Steps 7–8 for every particle: prior scales given φ (refactoring what changed, or everything after a discount), then φ. */
  refresh(rng: Rng): boolean {
    const { state, prior } = this;
    for (let i = 0; i < this.N; i++) {
      if (prior.gibbs(rng, i, state.phi, i * state.S * state.d) || state.stale) {
        for (let l = 0; l < state.S; l++) if (!state.refactor(i, l, prior)) return false;
      }
      for (let l = 0; l < state.S; l++) state.drawPhi(rng, i, l);
    }
    state.stale = false;
    return true;
  }

  discount(i: number, rho: number): boolean {
    this.state.discount(i, rho);
    return true;
  }

  /**
   * Sweep steps 3–5 for the gate (spec §3.7): scale moves on each stick (or category) and the
   * prior's own moves (ω marginalised), fresh ω and statistics from scratch with φ drawn (with a
   * Metropolis–Hastings correction under row weights), then the prior scales given φ.
   */
  sweep(rng: Rng, i: number, H: Float64Array, offsets: Float64Array | null, z: Allocations, zOff: number, n: number, weights: Float64Array | null = null, keep = 0): boolean {
    const { state, prior } = this;
    state.offsets = offsets;
    state.weights = weights;
    state.keep = keep;
    for (let l = 0; l < state.S; l++) for (let m = 0; m < this.scaleMoves; m++) state.scaleMove(rng, i, l, prior, H, z, zOff, n);
    prior.sweepMoves(rng, i, state, H, z, zOff, n);
    if (!state.redraw(rng, i, H, z, zOff, n, prior)) return false;
    if (prior.gibbs(rng, i, state.phi, i * state.S * state.d)) {
      for (let l = 0; l < state.S; l++) if (!state.refactor(i, l, prior)) return false;
    }
    return true;
  }

  fold(rng: Rng, i: number, k: number, h: Float64Array, hOff: number, offset: number, w = 1): boolean {
    return this.state.fold(rng, i, k, h, hOff, offset, w);
  }

  foldKept(count: number): boolean {
    return this.state.foldKept(count);
  }

  get keptRows(): number {
    return this.state.nextRows;
  }

  /** The particles' draws of φ averaged with their weights. */
  coefficientMeans(weights: Float64Array): number[][] {
    const { S, d, phi } = this.state;
    const mean = Array.from({ length: S }, () => new Array<number>(d).fill(0));
    for (let i = 0; i < this.N; i++) for (let l = 0; l < S; l++) for (let j = 0; j < d; j++) mean[l][j] += weights[i] * phi[(i * S + l) * d + j];
    return mean;
  }

  get bounded(): boolean {
    return this.prior.bounded;
  }

  get kind(): "stickbreaking" | "softmax" {
    return (this.constructor as typeof PolyaGammaGate).rows === "expert" ? "softmax" : "stickbreaking";
  }

  get coefficientShape(): { rows: number; d: number } {
    return { rows: this.state.S, d: this.state.d };
  }

  coefficientsOf(i: number, out: Float64Array): void {
    const { S, d, phi } = this.state;
    out.set(phi.subarray(i * S * d, (i + 1) * S * d));
  }

  shrinkage(weights: Float64Array): number[][] | null {
    if (!this.prior.shrinks) return null;
    const { S, d } = this.state;
    const mean = Array.from({ length: S }, () => new Array<number>(d).fill(0));
    for (let i = 0; i < this.N; i++) {
      for (let l = 0; l < S; l++) {
        this.prior.shrinkage(i, l, this.kappa, 0);
        for (let j = 0; j < d; j++) mean[l][j] += weights[i] * this.kappa[j];
      }
    }
    return mean;
  }

  /** The stick statistics; the prior is a block of its own and gathers itself. */
  gather(ancestors: Int32Array): void {
    this.state.gather(ancestors);
  }

  toJSON(): Record<string, unknown> {
    return this.state.toJSON();
  }
}

/** The softmax gate's schedule and whether its last category is pinned at logit 0. */
export interface SoftmaxGateOptions extends StickGateOptions {
  readonly pinned: boolean;
}

/**
 * Rule `polya_gamma_softmax` as a {@link GateBlock} (spec §2.9): one logistic regression per free
 * category, drawn one-vs-rest, with the prior of φ; coefficient row l is expert l's.
 */
export class SoftmaxGate extends PolyaGammaGate {
  /** The categories' statistics it runs on. */
  static override readonly statistics: readonly Statistic[] = SoftmaxGateState.statistics;
  /** Each row of coefficients is an expert's. */
  static override readonly rows = "expert";

  /** The compiler's constructor: K experts, d coefficients per free category, the prior built first. */
  static override create(N: number, K: number, d: number, options: SoftmaxGateOptions, prior: GatePrior): SoftmaxGate {
    return new SoftmaxGate(new SoftmaxGateState(N, K, d, options.pinned), prior, { ...options, refreshEvery: Math.max(options.refreshEvery, d) });
  }

  /** Restores a gate written by {@link toJSON}, with its prior restored first. */
  static override restore(json: unknown, options: SoftmaxGateOptions, prior: GatePrior): SoftmaxGate {
    const state = SoftmaxGateState.fromJSON(json);
    if (state.pinned !== options.pinned) throw new Error("polya_gamma_softmax: the snapshot's pinned category differs from the model's");
    return new SoftmaxGate(state, prior, { ...options, refreshEvery: Math.max(options.refreshEvery, state.d) });
  }
}

/**
 * A gate with constant log weights: rule `fixed_stickbreaking` (constant stop probabilities)
 * and the one-expert model (log weight 0). It has no state and no moves.
 */
export class FixedGate implements GateBlock {
  /** Nothing is kept per particle: the log weights are constants. */
  static readonly statistics: readonly Statistic[] = [];
  readonly N: number;
  readonly K: number;
  readonly refreshEvery = 0;
  /** log g_k, the same for every row and particle. */
  readonly logProbs: Float64Array;

  /** @throws Error unless N is a positive integer and every log weight is finite or −∞ and they sum (as probabilities) to 1 within rounding. */
  constructor(N: number, logProbs: ArrayLike<number>) {
    if (!(Number.isInteger(N) && N >= 1)) throw new Error("fixed gate: N must be a positive integer");
    this.N = N;
    this.K = logProbs.length;
    this.logProbs = Float64Array.from(logProbs);
    let total = 0;
    for (const v of this.logProbs) total += Math.exp(v);
    if (this.K < 1 || this.logProbs.some((v) => Number.isNaN(v) || v > 0) || Math.abs(total - 1) > 1e-9) {
      throw new Error("fixed gate: the weights must be probabilities that sum to 1");
    }
  }

  /** The compiler's constructor. */
  static create(N: number, _K: number, _d: number, options: { logProbs: readonly number[] }): FixedGate {
    return new FixedGate(N, options.logProbs);
  }

  /** Nothing was saved: the gate is rebuilt from its constants. */
  static restore(_json: unknown, options: { logProbs: readonly number[] }, _prior: unknown, N: number): FixedGate {
    return new FixedGate(N, options.logProbs);
  }

  init(): boolean {
    return true;
  }

  logGate(_i: number, _h: Float64Array, _hOff: number, out: Float64Array, outOff: number): void {
    for (let k = 0; k < this.K; k++) out[outOff + k] = this.logProbs[k];
  }

  update(): boolean {
    return true;
  }

  refresh(): boolean {
    return true;
  }

  /** Nothing to discount: the weights are constants. */
  discount(): boolean {
    return true;
  }

  sweep(): boolean {
    return true;
  }

  /** Nothing to fold: the weights are constants. */
  fold(): boolean {
    return true;
  }

  /** Nothing to fold, so every fold is done. */
  foldKept(): boolean {
    return true;
  }

  /** Nothing is kept. */
  readonly keptRows = 0;

  shrinkage(): null {
    return null;
  }

  coefficientMeans(): null {
    return null;
  }

  /** Constant stops: nothing can run away. */
  readonly bounded = true;

  readonly kind = "fixed";

  /** No coefficients. */
  readonly coefficientShape = { rows: 0, d: 0 };

  coefficientsOf(): void {}

  gather(): void {}

  toJSON(): null {
    return null;
  }
}
