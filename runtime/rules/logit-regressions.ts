/**
 * What the Pólya-Gamma gates share (spec §2.2 E15, §2.9): per particle, S Bayesian logistic
 * regressions on the gate's design row, each Gaussian in its coefficients given its rows'
 * Pólya-Gamma auxiliaries. The stick-breaking gate (`./stick-gate.ts`) has one per stick, the
 * softmax gate (`./softmax-gate.ts`) one per free category; they differ in which rows reach a
 * regression, its response κ and its per-row offset, which the subclasses compute.
 *
 * Layout (structure of arrays; block b = i·S + l):
 * - `G[b·d² …]`: data precision Σ ω x xᵀ, LOWER TRIANGLE only (the upper stays zero);
 * - `r[b·d …]`: Σ (κ − ω·o) x, o the row's offset of the logit;
 * - `L[b·d² …]`: row-major lower Cholesky factor of Q = G + D, D the prior precision diagonal
 *   of a {@link GatePrior}, kept current by rank-one updates; after D changes call
 *   {@link LogitRegressions.refactor} (O(d³), on a schedule; spec §3.6);
 * - `phi[b·d …]`: the current draw φ_l (a particle's regressions are contiguous: its φ block, as
 *   the prior's `gibbs` expects, starts at i·S·d);
 * - `oldG[b·d² …]`, `oldR[b·d …]`: the (G, r) of the rows folded out of the sweeps' window (spec
 *   §3.8, fixed lag), each with its ω kept from then on as a fixed auxiliary;
 * - `nextG[b·d² …]`, `nextR[b·d …]`: the part of (G, r) from the rows the next fold will take,
 *   with the ω the last sweep drew for them, so that fold adds them to (oldG, oldR) instead of
 *   drawing every row's ω again ({@link LogitRegressions.foldKept}).
 */
import { cholesky, solveLower, solveLowerT } from "../linalg/index.js";
import type { Rng } from "../rng/index.js";
import type { Allocations } from "./roles.js";
import type { GatePrior, ScalableGate } from "./gate-prior.js";
import { gatherInPlace } from "./gather.js";
import { addGram } from "./gram.js";
import { statisticArrays, type Statistic } from "./statistics.js";
import { decodeFloat64, encodeFloat64 } from "../snapshot.js";

/**
 * log acceptance ratio of the scale move φ' = cφ on one regression (spec §3.7 step 3): the
 * likelihood change, the prior ratio −½(c² − 1)·Σ D_j φ_j² of N(0, diag(1/D)), and the Jacobian c^d.
 */
export function scaleMoveLogAlpha(dLogLik: number, logC: number, priorQuad: number, d: number): number {
  return dLogLik - 0.5 * Math.expm1(2 * logC) * priorQuad + d * logC;
}

/** The statistics table of S logistic regressions, worded for what one regression is (`stick`, `category`). */
export function logitStatistics(what: string): readonly Statistic[] {
  return [
    { name: "G", size: "S·d²", about: `Σ ω x xᵀ of each ${what} (lower triangle)` },
    { name: "r", size: "S·d", about: `Σ (κ − ω·offset) x of each ${what}` },
    { name: "L", size: "S·d²", about: `Cholesky factor of each ${what}'s Q = G + D` },
    { name: "phi", size: "S·d", about: `the current draw of each ${what}'s coefficients` },
    { name: "oldG", size: "S·d²", about: "Σ ω x xᵀ of the rows folded out of the sweeps' window (ω fixed when folded)" },
    { name: "oldR", size: "S·d", about: "Σ (κ − ω·offset) x of the folded rows" },
    { name: "nextG", size: "S·d²", about: "Σ ω x xᵀ of the rows the next fold takes, with the last sweep's ω" },
    { name: "nextR", size: "S·d", about: "Σ (κ − ω·offset) x of the rows the next fold takes" },
  ];
}

/** S Pólya-Gamma-augmented logistic regressions per particle (see the module header). */
export abstract class LogitRegressions implements ScalableGate {
  /** Number of particles. */
  readonly N: number;
  /** Experts per particle. */
  readonly K: number;
  /** Features per regression (length of the design row). */
  readonly d: number;
  /** Regressions per particle. */
  readonly S: number;
  /** Data precisions G_l, lower triangles (N·S blocks of d²). */
  readonly G: Float64Array;
  /** Linear terms r_l (N·S blocks of d). */
  readonly r: Float64Array;
  /** Cholesky factors of Q_l = G_l + D_l (N·S blocks of d²). */
  readonly L: Float64Array;
  /** Current draws φ_l (N·S blocks of d). */
  readonly phi: Float64Array;
  /** (G, r) of the rows folded out of the window, with their fixed ω (N·S blocks of d² and d). */
  readonly oldG: Float64Array;
  readonly oldR: Float64Array;
  /** The part of (G, r) from the rows the next fold takes, as the last sweep drew their ω (N·S blocks of d² and d). */
  readonly nextG: Float64Array;
  readonly nextR: Float64Array;
  /** Whether any row has been folded (until then the fixed statistics are zero and skipped). */
  folded = false;
  /**
   * Rows at the start of the window whose part of (G, r) the last sweep kept in (nextG, nextR)
   * for the next fold; 0 when none are kept. The same for every particle of the set.
   */
  nextRows = 0;
  /**
   * How many leading rows of the window the next sweep's rebuild keeps in (nextG, nextR): the
   * rows the fold after it will take (0: none, as under forgetting, where a folded row's weight
   * is not yet known). The gate block sets it before a sweep.
   */
  keep = 0;
  /**
   * Whether the factors L may not factor G + D, after a {@link discount}: the streaming
   * updates then leave L alone and the next refresh refactors every regression (O(d³) per
   * regression per refresh instead of per row). A snapshot carries it when set.
   */
  stale = false;
  /**
   * Offsets of the stored rows' logits (η_s = x_sᵀφ + o_s), read by the sweep's rebuild and scale
   * moves; null when the gate has none. The gate block sets it before a sweep.
   */
  offsets: Float64Array | null = null;
  /**
   * Weights of the stored rows under forgetting (spec §3.8: row s of n weighs ρ^{n−s}), read by
   * the sweep's moves and rebuild; null without forgetting. The gate block sets it before a sweep.
   */
  weights: Float64Array | null = null;
  /** Scratch: cholUpdate work vector, the φ draw's intermediate, a prior diagonal, the φ a corrected draw may return to. */
  protected readonly work: Float64Array;
  protected readonly v: Float64Array;
  protected readonly D: Float64Array;
  protected readonly phiOld: Float64Array;
  /** Rebuild scratch: the linear term of one regression's rows below {@link keep}. */
  protected readonly keptR: Float64Array;
  private readonly fields: readonly Float64Array[];

  constructor(N: number, K: number, d: number, S: number, statistics: readonly Statistic[]) {
    this.N = N;
    this.K = K;
    this.d = d;
    this.S = S;
    const B = N * S;
    this.G = new Float64Array(B * d * d);
    this.r = new Float64Array(B * d);
    this.L = new Float64Array(B * d * d);
    this.phi = new Float64Array(B * d);
    this.oldG = new Float64Array(B * d * d);
    this.oldR = new Float64Array(B * d);
    this.nextG = new Float64Array(B * d * d);
    this.nextR = new Float64Array(B * d);
    this.work = new Float64Array(d);
    this.v = new Float64Array(d);
    this.D = new Float64Array(d);
    this.phiOld = new Float64Array(d);
    this.keptR = new Float64Array(d);
    this.fields = statisticArrays(this, statistics);
  }

  /** Σ_{l0 ≤ l < l1} change of the gate's log likelihood when φ_l becomes cφ_l (see {@link ScalableGate}). */
  abstract scaleLogLikChange(i: number, l0: number, l1: number, c: number, X: Float64Array, z: Allocations, zOff: number, t: number): number;
  /** φ_l ← cφ_l for l0 ≤ l < l1, keeping what the subclass caches in step. */
  abstract rescale(i: number, l0: number, l1: number, c: number): void;
  /** `out[outOff + k] = log g_k(x)` for k < K, every logit shifted by `offset`. */
  abstract logGate(i: number, x: Float64Array, xOff: number, out: Float64Array, outOff: number, offset?: number): void;
  /** The streaming update after particle i allocated the row (x, offset) to expert z: ω drawn, statistics and factors updated. */
  abstract update(rng: Rng, i: number, z: number, x: Float64Array, xOff: number, offset?: number): boolean;
  /** The row (x, offset), allocated to expert z, into the fixed statistics with its weight w (spec §3.8). */
  abstract fold(rng: Rng, i: number, z: number, x: Float64Array, xOff: number, offset?: number, w?: number): boolean;
  /** Sweep steps 4–5 for particle i over the rows s < t: auxiliaries and statistics rebuilt, every φ_l drawn. */
  abstract redraw(rng: Rng, i: number, X: Float64Array, z: Allocations, zOff: number, t: number, prior: GatePrior): boolean;
  /** JSON-safe snapshot, restored bit for bit by the subclass's `fromJSON`. */
  abstract toJSON(): Record<string, unknown>;

  /** Empties particle i's statistics and draws each φ_l from the prior N(0, diag(1/D_l)). */
  init(rng: Rng, i: number, prior: GatePrior): boolean {
    const d = this.d;
    const b0 = i * this.S;
    this.G.fill(0, b0 * d * d, (b0 + this.S) * d * d);
    this.r.fill(0, b0 * d, (b0 + this.S) * d);
    for (let l = 0; l < this.S; l++) {
      if (!this.refactor(i, l, prior)) return false;
      this.drawPhi(rng, i, l);
    }
    return true;
  }

  /**
   * Forgetting (spec §3.8): particle i's statistics, folded ones included, multiplied by ρ
   * (O(d²) per regression); the factors become stale until the next refresh or rebuild.
   */
  discount(i: number, rho: number): void {
    const d = this.d;
    const lo = i * this.S * d;
    const hi = (i + 1) * this.S * d;
    for (let j = lo * d; j < hi * d; j++) this.G[j] *= rho;
    for (let j = lo; j < hi; j++) this.r[j] *= rho;
    if (this.folded) {
      for (let j = lo * d; j < hi * d; j++) this.oldG[j] *= rho;
      for (let j = lo; j < hi; j++) this.oldR[j] *= rho;
    }
    this.stale = true;
  }

  /** G_b += ω x xᵀ (lower triangle) and r_b += κ x, into (G, r) or another pair laid out the same. */
  protected accumulate(b: number, x: Float64Array, xOff: number, omega: number, kappa: number, G = this.G, r = this.r): void {
    const d = this.d;
    const g = b * d * d;
    for (let j = 0; j < d; j++) {
      const wx = omega * x[xOff + j];
      for (let k = 0; k <= j; k++) G[g + j * d + k] += wx * x[xOff + k];
      r[b * d + j] += kappa * x[xOff + j];
    }
  }

  /** Starts a rebuild of regression b from its folded rows' fixed statistics (zero until a row is folded). */
  protected startFromFolded(b: number): void {
    const d = this.d;
    this.G.set(this.oldG.subarray(b * d * d, (b + 1) * d * d), b * d * d);
    this.r.set(this.oldR.subarray(b * d, (b + 1) * d), b * d);
  }

  /**
   * A rebuild's rows into regression b, whose G_b starts from the folded rows' statistics:
   * Σ ω x xᵀ over the `n` rows of `rowAt`/`omega` (ascending). When `kept`, also the part the
   * next fold takes ({@link keep}): nextG from the first `m` of them and nextR = `kr`, their
   * linear term. When every row is kept their Gram is summed once, into nextG, and added to G_b
   * (the same G_b bit for bit while nothing is folded).
   */
  protected addRows(b: number, X: Float64Array, rowAt: Int32Array, omega: Float64Array, n: number, kept: boolean, m: number, kr: Float64Array): void {
    const d = this.d;
    const g = b * d * d;
    if (!kept) {
      addGram(this.G, g, d, X, rowAt, omega, n);
      return;
    }
    this.nextG.fill(0, g, g + d * d);
    for (let j = 0; j < d; j++) this.nextR[b * d + j] = kr[j];
    if (m === n) {
      addGram(this.nextG, g, d, X, rowAt, omega, n);
      for (let j = g; j < g + d * d; j++) this.G[j] += this.nextG[j];
      return;
    }
    addGram(this.G, g, d, X, rowAt, omega, n);
    addGram(this.nextG, g, d, X, rowAt, omega, m);
  }

  /**
   * Folds the first `count` rows of the window for every particle from what the last sweep kept
   * (spec §3.8): (oldG, oldR) += (nextG, nextR), when that sweep kept exactly those rows. Their
   * ω are the sweep's draws, already in (G, r) and conditioned on since, so keeping them fixed
   * from now on is what a fold does; no ω is drawn again. Returns false, the fixed statistics
   * unchanged, when the sweep kept other rows (a fold off the schedule the sweep foresaw): the
   * caller then folds row by row. Either way nothing stays kept.
   */
  foldKept(count: number): boolean {
    const kept = this.nextRows;
    this.nextRows = 0;
    if (!(count > 0 && count === kept)) return false;
    for (let j = 0; j < this.oldG.length; j++) this.oldG[j] += this.nextG[j];
    for (let j = 0; j < this.oldR.length; j++) this.oldR[j] += this.nextR[j];
    this.folded = true;
    return true;
  }

  /**
   * Draws φ_l ~ N(Q⁻¹r, Q⁻¹) (E15) with Q = L Lᵀ: φ = L⁻ᵀ(L⁻¹r + ε), ε ~ N(0, I), two
   * triangular solves (O(d²)).
   */
  drawPhi(rng: Rng, i: number, l: number): void {
    const d = this.d;
    const b = i * this.S + l;
    solveLower(this.L, b * d * d, d, this.r, b * d, this.v, 0);
    for (let j = 0; j < d; j++) this.v[j] += rng.normal();
    solveLowerT(this.L, b * d * d, d, this.v, 0, this.phi, b * d);
  }

  /** Keeps φ_l in `phiOld` and draws a new one ({@link drawPhi}): the proposal of a corrected draw. */
  protected proposePhi(rng: Rng, i: number, l: number): void {
    const po = (i * this.S + l) * this.d;
    for (let j = 0; j < this.d; j++) this.phiOld[j] = this.phi[po + j];
    this.drawPhi(rng, i, l);
  }

  /** Accepts the proposed φ_l with probability min(1, e^{logAlpha}), else restores `phiOld`; returns whether it was accepted. */
  protected acceptPhi(rng: Rng, i: number, l: number, logAlpha: number): boolean {
    if (Math.log(rng.uniform()) < logAlpha) return true;
    const po = (i * this.S + l) * this.d;
    for (let j = 0; j < this.d; j++) this.phi[po + j] = this.phiOld[j];
    return false;
  }

  /**
   * Refactors Q_l = G_l + D_l after the prior precision changed (O(d³)).
   * @returns `false` if Q_l is not positive definite (non-finite statistics); the block is then invalid.
   */
  refactor(i: number, l: number, prior: GatePrior): boolean {
    const d = this.d;
    const lo = (i * this.S + l) * d * d;
    prior.precisionDiagonal(i, l, this.D, 0);
    for (let j = 0; j < d; j++) {
      for (let k = 0; k < j; k++) this.L[lo + j * d + k] = this.G[lo + j * d + k];
      this.L[lo + j * d + j] = this.G[lo + j * d + j] + this.D[j];
    }
    return cholesky(this.L, lo, d, this.L, lo);
  }

  /**
   * One scale move on regression l (spec §3.7 step 3), ω marginalised: φ_l' = cφ_l with
   * log c ~ N(0, sdLogC²), accepted with {@link scaleMoveLogAlpha}. (G, r, L) are untouched:
   * the sweep rebuilds them next. The rows X[0 … t) must not change between moves. Returns
   * whether the move was accepted.
   */
  scaleMove(rng: Rng, i: number, l: number, prior: GatePrior, X: Float64Array, z: Allocations, zOff: number, t: number, sdLogC = 0.5): boolean {
    const d = this.d;
    const po = (i * this.S + l) * d;
    const logC = sdLogC * rng.normal();
    const c = Math.exp(logC);
    prior.precisionDiagonal(i, l, this.D, 0);
    let quad = 0;
    for (let j = 0; j < d; j++) quad += this.D[j] * this.phi[po + j] * this.phi[po + j];
    const dLogLik = this.scaleLogLikChange(i, l, l + 1, c, X, z, zOff, t);
    if (!(Math.log(rng.uniform()) < scaleMoveLogAlpha(dLogLik, logC, quad, d))) return false;
    this.rescale(i, l, l + 1, c);
    return true;
  }

  /**
   * Resampling in place: particle i becomes a copy of particle `ancestors[i]`; only the particles
   * with `ancestors[i] !== i` are written.
   * Precondition: survivors keep their slots, `ancestors[ancestors[i]] === ancestors[i]` for
   * every i (see {@link gatherInPlace}).
   */
  gather(ancestors: Int32Array): void {
    gatherInPlace(this.fields, ancestors, this.N);
  }

  /** The snapshot fields every such state writes (its `kind` and sizes are the subclass's). */
  protected snapshotFields(): Record<string, unknown> {
    const old = this.folded ? { oldG: encodeFloat64(this.oldG), oldR: encodeFloat64(this.oldR) } : {};
    const next = this.nextRows > 0 ? { nextRows: this.nextRows, nextG: encodeFloat64(this.nextG), nextR: encodeFloat64(this.nextR) } : {};
    return { G: encodeFloat64(this.G), r: encodeFloat64(this.r), L: encodeFloat64(this.L), phi: encodeFloat64(this.phi), ...old, ...next, ...(this.stale ? { stale: true } : {}) };
  }

  /**
   * Restores what {@link snapshotFields} wrote.
   * @throws Error if a field has the wrong size.
   */
  protected restoreFields(o: Record<string, unknown>): void {
    this.G.set(decodeFloat64(String(o.G), this.G.length));
    this.r.set(decodeFloat64(String(o.r), this.r.length));
    this.L.set(decodeFloat64(String(o.L), this.L.length));
    this.phi.set(decodeFloat64(String(o.phi), this.phi.length));
    if (o.oldG !== undefined) {
      this.oldG.set(decodeFloat64(String(o.oldG), this.oldG.length));
      this.oldR.set(decodeFloat64(String(o.oldR), this.oldR.length));
      this.folded = true;
    }
    if (o.nextRows !== undefined) {
      if (!(Number.isSafeInteger(o.nextRows) && (o.nextRows as number) > 0)) throw new Error("nextRows must be a positive integer");
      this.nextG.set(decodeFloat64(String(o.nextG), this.nextG.length));
      this.nextR.set(decodeFloat64(String(o.nextR), this.nextR.length));
      this.nextRows = o.nextRows as number;
    }
    this.stale = o.stale === true;
  }
}
