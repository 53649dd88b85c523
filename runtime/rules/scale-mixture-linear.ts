/**
 * What the robust linear experts share (spec §2.5): a likelihood that is a normal scale mixture,
 * y | λ ~ N(xᵀβ_k, σ_k²/λ), so that given the rows' precision weights λ the expert is the
 * Normal-inverse-gamma regression of {@link NigLinearState} with each row's precision
 * multiplied by its λ; a row with a small λ (an outlier) barely moves the statistics. A family
 * gives its density, the conditional of a row's λ and the row's outlier weight.
 *
 * As the logistic experts do (spec §2.4), every particle carries a draw (β_k, σ_k²) of each
 * expert, so a row's streaming weight is the family's exact density at the draw and the evidence
 * stays unbiased. After the row is allocated to k its λ is drawn from its exact conditional at
 * the residual r = y − xᵀβ_k, the row joins the statistics with precision λ (a rank-one update of
 * the row scaled by √λ), and (σ_k², β_k) are redrawn from the NIG posterior. The sweeps draw
 * every row's λ afresh at the chain's (β, σ²), rebuild the statistics and draw (σ², β). Under
 * forgetting a row's factor p(r; σ)^w is itself a normal scale mixture whose mixing does not
 * depend on σ, so the sweeps stay exact Gibbs steps over the window's rows, the row counting w
 * towards the variance's shape. A row folded out of the window keeps its λ, which later
 * discounts scale: approximate for folded rows.
 */
import { dot } from "../linalg/index.js";
import type { Rng } from "../rng/index.js";
import { NigLinearState, type NigLinearHyper } from "./nig-linear.js";
import type { Statistic } from "./statistics.js";
import { decodeFloat64, encodeFloat64 } from "../snapshot.js";

/** Hyperparameters shared by the robust experts: those of {@link NigLinearState} without a shared variance or a random prior scale. */
export type ScaleMixtureHyper = Pick<NigLinearHyper, "g" | "m0" | "a0" | "b0">;

/** Particle state of a robust linear expert: NIG statistics given the rows' precision weights, and a draw of each expert. */
export abstract class ScaleMixtureLinearState extends NigLinearState {
  /** The statistics condition on the rows' precision weights. */
  override readonly augmented = true;
  /** Each row has a precision weight λ: an outlier's is small. */
  static override readonly weighsRows = true;
  /** The particle's current draw of each expert's coefficients (N·K blocks of d) and noise scale² (N·K). */
  readonly beta: Float64Array;
  readonly s2: Float64Array;
  /** Predictive stash: the residual y − xᵀβ of the row being weighed, per block (N·K); NaN once consumed. */
  readonly stashR: Float64Array;
  /** Scratch: the row scaled by √λ, and a rebuild's precision weights in the order of its rows. */
  private readonly xs: Float64Array;
  private scales = new Float64Array(0);

  /** What the block keeps per particle: the NIG statistics given the rows' weights and the draws (the stash is gathered but not snapshotted). */
  static override readonly statistics: readonly Statistic[] = [
    { name: "L", size: "K·d²", about: "Cholesky factor of each expert's precision in noise units, the rows weighted by their precision weights" },
    { name: "m", size: "K·d", about: "mean of each expert's coefficients given the rows' precision weights" },
    { name: "count", size: "K", about: "rows allocated to each expert" },
    { name: "a", size: "K", about: "inverse-gamma shape of each expert's scale² given the rows' precision weights" },
    { name: "b", size: "K", about: "inverse-gamma scale of each expert's scale² given the rows' precision weights" },
    { name: "oldP", size: "K·d²", about: "Σ λ x xᵀ of the rows folded out of the sweeps' window (λ fixed when folded)" },
    { name: "oldU", size: "K·d", about: "Σ λ x y of the folded rows" },
    { name: "oldYY", size: "K", about: "Σ λ y² of the folded rows" },
    { name: "oldN", size: "K", about: "how many rows were folded into each expert" },
    { name: "beta", size: "K·d", about: "the current draw of each expert's coefficients" },
    { name: "s2", size: "K", about: "the current draw of each expert's noise scale²" },
    { name: "stashR", size: "K", about: "y − xᵀβ of the row being weighed" },
  ];

  /** @throws Error unless g, a₀, b₀ > 0 and m₀ and g have length d. */
  constructor(N: number, K: number, d: number, hyper: ScaleMixtureHyper) {
    super(N, K, d, { g: hyper.g, m0: hyper.m0, a0: hyper.a0, b0: hyper.b0 });
    this.beta = new Float64Array(N * K * d);
    this.s2 = new Float64Array(N * K);
    this.stashR = new Float64Array(N * K).fill(NaN);
    this.xs = new Float64Array(d);
  }

  /** The family's log density of the residual r at scale² s2. */
  protected abstract logDensity(r: number, s2: number): number;

  /** A row's precision weight from its exact conditional given its residual r, the expert's s2 and the row's weight w (1 without forgetting). */
  protected abstract drawPrecision(rng: Rng, r: number, s2: number, w: number): number;

  /** The row's outlier weight at residual r and scale² s2: a precision relative to a typical row's (E[λ | r, s2] where that has a finite posterior mean). */
  protected abstract rowWeight(r: number, s2: number): number;

  /** The predictive component at the particle's draw: writes `[squared scale, dof marker, variance]` at `out[outOff …]`. */
  protected abstract component(s2: number, out: Float64Array, outOff: number): void;

  /** (σ², β) of expert k of particle i from its NIG posterior into the particle's draw. */
  private drawExpert(rng: Rng, i: number, k: number): void {
    const b = i * this.K + k;
    this.s2[b] = this.drawParams(rng, i, k, this.beta, b * this.d);
  }

  /** Sets every expert of particle i to the prior and draws its (σ², β) from it. */
  override init(i: number, rng: Rng): void {
    super.init(i, rng);
    for (let k = 0; k < this.K; k++) this.drawExpert(rng, i, k);
  }

  /** `out[outOff + k] = log p(y; xᵀβ_k, σ_k)` at the particle's draws; stashes the residuals. */
  override predictive(i: number, x: Float64Array, xOff: number, y: number, out: Float64Array, outOff: number): void {
    const d = this.d;
    for (let k = 0, b = i * this.K; k < this.K; k++, b++) {
      const r = y - dot(x, xOff, this.beta, b * d, d);
      this.stashR[b] = r;
      out[outOff + k] = this.logDensity(r, this.s2[b]);
    }
  }

  /** The row's outlier weight at the stashed residual (spec §2.5): about 1 for a typical row, near 0 for an outlier. */
  override precisionWeight(i: number, k: number): number {
    const b = i * this.K + k;
    return this.rowWeight(this.stashR[b], this.s2[b]);
  }

  /**
   * The streaming update of expert k of particle i with the row (x, y) (spec §2.5): its λ drawn
   * at the stashed residual, the row scaled by √λ added to the NIG statistics (E11), then
   * (σ², β) redrawn. O(d²).
   * @returns `false` on a non-finite row or a failed update.
   * @throws Error if the block has no unconsumed stash (a kernel bug, not a data problem).
   */
  override updateStashed(i: number, k: number, x: Float64Array, xOff: number, y: number, rng: Rng): boolean {
    const b = i * this.K + k;
    const r = this.stashR[b];
    if (Number.isNaN(r)) throw new Error(`updateStashed: no predictive stash for particle ${i}, expert ${k}`);
    this.stashR[b] = NaN;
    if (!Number.isFinite(r)) return false;
    const root = Math.sqrt(this.drawPrecision(rng, r, this.s2[b], 1));
    for (let j = 0; j < this.d; j++) this.xs[j] = root * x[xOff + j];
    if (!this.update(i, k, this.xs, 0, root * y)) return false;
    this.drawExpert(rng, i, k);
    return true;
  }

  /** Sweep step 1: the particle's current draws are the chain's state (nothing is drawn). */
  override drawParameters(_rng: Rng, i: number): void {
    const n = this.K * this.d;
    this.drawnBeta.set(this.beta.subarray(i * n, (i + 1) * n));
    this.drawnVar.set(this.s2.subarray(i * this.K, (i + 1) * this.K));
  }

  /** Sweep step 2: adds the family's log density at the chain's draws (the precision weights marginalised). */
  override addLogLikelihoods(x: Float64Array, xOff: number, y: number, out: Float64Array, outOff: number): void {
    const d = this.d;
    for (let k = 0; k < this.K; k++) out[outOff + k] += this.logDensity(y - dot(x, xOff, this.drawnBeta, k * d, d), this.drawnVar[k]);
  }

  /** Folds the row with its precision weight drawn at the current draw (and its weight w under forgetting) into fixed statistics (spec §3.8). */
  override fold(i: number, k: number, x: Float64Array, xOff: number, y: number, w = 1, rng?: Rng): void {
    const b = i * this.K + k;
    const r = y - dot(x, xOff, this.beta, b * this.d, this.d);
    this.foldRow(b, x, xOff, y, w, this.drawPrecision(rng!, r, this.s2[b], w));
  }

  /**
   * Sweep step 4 for every expert of particle i: each row's precision weight drawn at the chain's
   * (β_k, σ_k²) (with its weight under forgetting), the NIG statistics rebuilt from the rows with
   * those precisions (and the folded rows), then (σ², β) drawn: exact Gibbs steps.
   * @returns `false` on non-finite data or a failed factorisation.
   */
  override rebuildAll(i: number, X: Float64Array, Y: Float64Array, byExpert: Int32Array, counts: Int32Array, n: number, weights: Float64Array | null = null, rng?: Rng): boolean {
    const d = this.d;
    for (let k = 0; k < this.K; k++) {
      const b = i * this.K + k;
      const rows = byExpert.subarray(k * n, (k + 1) * n);
      const nk = counts[k];
      if (this.scales.length < nk) this.scales = new Float64Array(Math.max(nk, 2 * this.scales.length));
      for (let t = 0; t < nk; t++) {
        const s = rows[t];
        const r = Y[s] - dot(X, s * d, this.drawnBeta, k * d, d);
        if (!Number.isFinite(r)) return false;
        this.scales[t] = this.drawPrecision(rng!, r, this.drawnVar[k], weights ? weights[s] : 1);
      }
      if (!this.rebuild(i, k, X, Y, rows, nk, weights, this.scales)) return false;
      this.stashR[b] = NaN;
      this.drawExpert(rng!, i, k);
    }
    return true;
  }

  /**
   * Predictive of y at x for expert k at the particle's draw: writes `[mean, squared scale, dof
   * marker, variance]` at `out[outOff …]` (the mixture over particles is the posterior predictive).
   */
  override predictiveMoments(i: number, k: number, x: Float64Array, xOff: number, out: Float64Array, outOff: number): void {
    const b = i * this.K + k;
    out[outOff] = dot(x, xOff, this.beta, b * this.d, this.d);
    this.component(this.s2[b], out, outOff + 1);
  }

  /** JSON-safe snapshot of the statistics and the draws, under the class's rule id; a subclass adds its constants. */
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), kind: (this.constructor as typeof NigLinearState).rule, beta: encodeFloat64(this.beta), s2: encodeFloat64(this.s2) };
  }

  /** Restores what {@link toJSON} wrote into this state (sizes and constants already set). */
  protected restoreDraws(o: Record<string, unknown>): this {
    this.restoreNig(o);
    this.beta.set(decodeFloat64(String(o.beta), this.beta.length));
    this.s2.set(decodeFloat64(String(o.s2), this.s2.length));
    return this;
  }

  /** The constants every robust expert's snapshot carries, read back for its constructor. */
  protected static hyperOf(o: Record<string, unknown>): ScaleMixtureHyper {
    return { g: Array.isArray(o.g) ? (o.g as number[]) : Number(o.g), m0: o.m0 as number[], a0: Number(o.a0), b0: Number(o.b0) };
  }
}
