/**
 * Shared core of the Gaussian linear expert rules (`normal_inverse_gamma_linear`,
 * `normal_known_variance_linear`; spec §2.1).
 *
 * Both rules are regressions `y ~ N(xᵀβ, σ²)` with `β | σ² ~ N(m, σ² Ṽ)`, where Ṽ is the
 * covariance in units of the noise variance: the NIG rule integrates σ² out under an IG prior,
 * the known-variance rule fixes σ² = s². In these units the prior precision is diagonal,
 * `P̃₀ = diag(p₀)` (p₀ⱼ = 1/gⱼ for NIG with `βⱼ | σ² ~ N(m₀ⱼ, gⱼσ²)`, s²/gⱼ for the
 * known-variance rule with `βⱼ ~ N(m₀ⱼ, gⱼ)`: one value per coefficient group), and one
 * observation changes `(P̃, m)` the same way in both rules (E11 with `q = 1 + xᵀṼx`):
 * `P̃ += x xᵀ`, `m += Ṽx·r/q`, `r = y − xᵀm`. Only the σ² part differs, through {@link
 * LinearExpertState.absorb} and {@link LinearExpertState.reset}.
 *
 * Layout (structure of arrays; block b = i·K + k for particle i, expert k):
 * - `L[b·d² …]`: row-major lower Cholesky factor of P̃ (strict upper triangle zero);
 * - `m[b·d …]`: posterior mean of β; `count[b]`: rows allocated to the expert;
 * - the stash `stashW[b·d …] = L⁻¹x`, `stashXm[b] = xᵀm`, `stashQ[b] = 1 + ‖L⁻¹x‖²`, written by
 *   the predictive pass so the update of the chosen expert needs no second forward solve. The
 *   stash is gathered with the state (so a resample between predictive and update keeps it
 *   valid) but is not part of a snapshot: snapshots are taken between steps. An update consumes
 *   its block's stash (q is set to 0, never a valid value since q ≥ 1), so a second stashed
 *   update without a new predictive pass is caught instead of silently using stale numbers.
 * - rows folded out of the sweeps' window (spec §3.8, fixed lag) live on as fixed statistics per
 *   block: `oldP[b·d² …]` = Σ x xᵀ (full), `oldU[b·d …]` = Σ x y, `oldYY[b]` = Σ y², `oldN[b]`
 *   their count; a rebuild starts from them, so it is exact for the extended target in which
 *   the folded rows' allocations are fixed. Empty until a row is folded (then `folded`).
 * - forgetting (spec §3.8, stabilised forgetting): {@link LinearExpertState.discount} multiplies
 *   the data's part of every statistic by ρ after each row and keeps the prior's, so a row s
 *   rows old weighs ρ^s; the sweeps' rebuild takes the same weights per row.
 * Data rows for {@link LinearExpertState.rebuild}: `X` row-major with row s at `X[s·d …]`.
 * Nothing here allocates after construction; failures return `false`.
 */
import { cholesky, cholUpdate, dot, solveLower, solveLowerT } from "../linalg/index.js";
import type { Rng } from "../rng/index.js";
import type { ExpertBlock, ResponseKind } from "./roles.js";
import { gatherInPlace } from "./gather.js";
import { statisticArrays, type Statistic } from "./statistics.js";
import { addGram } from "./gram.js";
import { decodeFloat64, encodeFloat64 } from "../snapshot.js";

/** Common state and O(d²) updates of the conjugate Gaussian linear experts (see module header). */
export abstract class LinearExpertState implements ExpertBlock {
  /** Number of particles. */
  readonly N: number;
  /** Experts per particle. */
  readonly K: number;
  /** Regression dimension (length of x). */
  readonly d: number;
  /** What the response of this kind of expert is: a real number (Gaussian experts). */
  static readonly response: ResponseKind = "real";
  /** What the response is: the class's {@link LinearExpertState.response}. */
  get response(): ResponseKind {
    return (this.constructor as typeof LinearExpertState).response;
  }
  /** Whether the statistics condition on auxiliaries the sweeps redraw: not for conjugate Gaussian experts. */
  readonly augmented: boolean = false;
  /** Whether a shrinkage prior governs the coefficients: not unless a subclass has one. */
  get shrinks(): boolean {
    return false;
  }

  /** κ of each coefficient: NaN without a shrinkage prior. */
  coefficientShrinkage(_i: number, _k: number, out: Float64Array, off: number): void {
    out.fill(NaN, off, off + this.d);
  }

  /** Whether the sweeps move parameters of the prior: not unless a subclass has them. */
  get movesPrior(): boolean {
    return false;
  }
  /** Whether rows of this kind of expert carry precision weights: not unless its likelihood is a scale mixture. */
  static readonly weighsRows: boolean = false;
  /** Whether rows carry precision weights: the class's {@link LinearExpertState.weighsRows}. */
  get weighsRows(): boolean {
    return (this.constructor as typeof LinearExpertState).weighsRows;
  }
  /** Prior mean m₀ (length d). */
  readonly m0: Float64Array;
  /** Prior precision in noise units, diagonal: P̃₀ = diag(p0) (length d). */
  readonly p0: Float64Array;
  /** Cholesky factors of P̃ (N·K blocks of d²). */
  readonly L: Float64Array;
  /** Posterior means (N·K blocks of d). */
  readonly m: Float64Array;
  /** Rows allocated to each expert (N·K). */
  readonly count: Float64Array;
  /** Predictive stash: L⁻¹x per block (N·K·d). */
  readonly stashW: Float64Array;
  /** Predictive stash: xᵀm per block (N·K). */
  readonly stashXm: Float64Array;
  /** Predictive stash: q = 1 + xᵀṼx per block (N·K); 0 once consumed. */
  readonly stashQ: Float64Array;
  /** Fixed statistics of the rows folded out of the window: Σ x xᵀ (N·K blocks of d², full), Σ x y (d), Σ y², count. */
  readonly oldP: Float64Array;
  readonly oldU: Float64Array;
  readonly oldYY: Float64Array;
  readonly oldN: Float64Array;
  /** Whether any row has been folded (until then the fixed statistics are zero and skipped). */
  folded = false;
  /** The arrays of {@link statistics}, listed on the first gather (a subclass's exist only after construction). */
  private gathered: Float64Array[] | null = null;
  /** Scratch: L⁻¹x for an unstashed update, Ṽx, and the cholUpdate work vector. */
  private readonly w: Float64Array;
  private readonly u: Float64Array;
  private readonly work: Float64Array;
  /** Scratch for a rebuild or a discount: P̃ (d²) and its linear term h (d). */
  private readonly P: Float64Array;
  private readonly h: Float64Array;
  /** A discount's change of each expert's residual sum beyond ρ times the old one (K). */
  private readonly delta: Float64Array;
  /** A discount's copies of an expert's P̃ (d², lower triangle) and m (d) before it. */
  private readonly before: Float64Array;
  private readonly mBefore: Float64Array;
  /** A weighted rebuild's weights in the order of its rows (grows with the window). */
  private rowWeights = new Float64Array(0);
  /** Sweep draws of one particle's experts: coefficients (K·d), noise variances and log normalisers (K). */
  protected readonly drawnBeta: Float64Array;
  protected readonly drawnVar: Float64Array;
  private readonly drawnLogNorm: Float64Array;

  /**
   * @param m0 - prior mean of β (length d)
   * @param p0 - prior precision in noise units: one value for every coefficient, or one each (> 0)
   * @throws Error on non-positive sizes, a wrong-length m₀ or p0, or p0 ≤ 0.
   */
  protected constructor(N: number, K: number, d: number, m0: ArrayLike<number>, p0: number | ArrayLike<number>) {
    if (!(N >= 1 && K >= 1 && d >= 1) || ![N, K, d].every(Number.isInteger)) {
      throw new Error("linear expert: N, K, d must be positive integers");
    }
    if (m0.length !== d) throw new Error(`linear expert: m0 has length ${m0.length}, expected ${d}`);
    const prec = typeof p0 === "number" ? new Float64Array(d).fill(p0) : Float64Array.from(p0);
    if (prec.length !== d) throw new Error(`linear expert: p0 has length ${prec.length}, expected ${d}`);
    if (!prec.every((v) => v > 0 && v < Infinity)) throw new Error("linear expert: prior precision must be positive");
    this.N = N;
    this.K = K;
    this.d = d;
    this.m0 = Float64Array.from(m0);
    this.p0 = prec;
    const B = N * K;
    this.L = new Float64Array(B * d * d);
    this.m = new Float64Array(B * d);
    this.count = new Float64Array(B);
    this.stashW = new Float64Array(B * d);
    this.stashXm = new Float64Array(B);
    this.stashQ = new Float64Array(B);
    this.oldP = new Float64Array(B * d * d);
    this.oldU = new Float64Array(B * d);
    this.oldYY = new Float64Array(B);
    this.oldN = new Float64Array(B);
    this.w = new Float64Array(d);
    this.u = new Float64Array(d);
    this.work = new Float64Array(d);
    this.P = new Float64Array(d * d);
    this.h = new Float64Array(d);
    this.delta = new Float64Array(K);
    this.before = new Float64Array(d * d);
    this.mBefore = new Float64Array(d);
    this.drawnBeta = new Float64Array(K * d);
    this.drawnVar = new Float64Array(K);
    this.drawnLogNorm = new Float64Array(K);
  }

  abstract init(i: number, rng?: Rng): void;
  abstract predictive(i: number, x: Float64Array, xOff: number, y: number, out: Float64Array, outOff: number): void;
  abstract predictiveMoments(i: number, k: number, x: Float64Array, xOff: number, out: Float64Array, outOff: number): void;
  abstract noiseVariance(i: number, k: number): number;
  /** The row is the design row alone. */
  get width(): number {
    return this.d;
  }

  /** Any response of the block's kind can be weighed. */
  rowProblem(_h: Float64Array, _hOff: number, _y: number): string | null {
    return null;
  }

  /** No precision weight per row unless {@link weighsRows}. */
  precisionWeight(_i: number, _k: number): number {
    return NaN;
  }

  /** Gaussian and robust experts have no dispersion. */
  dispersion(_i: number, _k: number): number {
    return NaN;
  }
  abstract coefficientMarginals(i: number, k: number, out: Float64Array, off: number): void;
  abstract toJSON(): Record<string, unknown>;

  /** Posterior draw of expert k of particle i: β at `beta[betaOff …]`; returns its noise variance. */
  abstract drawParams(rng: Rng, i: number, k: number, beta: Float64Array, betaOff: number): number;

  /** Sweep step 1 (spec §3.7): every expert's (β, σ²) of particle i from its posterior. */
  drawParameters(rng: Rng, i: number): void {
    for (let k = 0; k < this.K; k++) this.drawnVar[k] = this.drawParams(rng, i, k, this.drawnBeta, k * this.d);
    for (let k = 0; k < this.K; k++) this.drawnLogNorm[k] = -0.5 * Math.log(2 * Math.PI * this.drawnVar[k]);
  }

  /** Sweep step 2: adds log N(y; xᵀβ_k, σ_k²) = c_k − r²/(2σ_k²) of the drawn parameters. */
  addLogLikelihoods(x: Float64Array, xOff: number, y: number, out: Float64Array, outOff: number): void {
    const d = this.d;
    for (let k = 0; k < this.K; k++) {
      const r = y - dot(x, xOff, this.drawnBeta, k * d, d);
      out[outOff + k] += this.drawnLogNorm[k] - (0.5 * r * r) / this.drawnVar[k];
    }
  }

  /** Subclass statistics updated after a successful E11 step with residual r and q = 1 + xᵀṼx. */
  protected abstract absorb(b: number, r: number, q: number): void;

  /** Subclass statistics set by a rebuild over n rows with ss = ‖y − Xm‖² + (m − m₀)ᵀP̃₀(m − m₀). */
  protected abstract reset(b: number, n: number, ss: number): void;

  /**
   * Subclass statistics of particle i discounted by ρ ({@link discount}): with Q = ss as in
   * {@link reset}, each expert's new Q is ρQ + `delta[k]`.
   */
  protected abstract discountNoise(i: number, rho: number, delta: Float64Array): void;

  /** The statistics both expert rules keep per particle (the stash is gathered but not snapshotted). */
  static readonly statistics: readonly Statistic[] = [
    { name: "L", size: "K·d²", about: "Cholesky factor of each expert's precision in noise units" },
    { name: "m", size: "K·d", about: "posterior mean of each expert's coefficients" },
    { name: "count", size: "K", about: "rows allocated to each expert" },
    { name: "stashW", size: "K·d", about: "L⁻¹x of the row being weighed (predictive stash)" },
    { name: "stashXm", size: "K", about: "xᵀm of the row being weighed" },
    { name: "stashQ", size: "K", about: "1 + xᵀṼx of the row being weighed; 0 once consumed" },
    { name: "oldP", size: "K·d²", about: "Σ x xᵀ of the rows folded out of the sweeps' window" },
    { name: "oldU", size: "K·d", about: "Σ x y of the folded rows" },
    { name: "oldYY", size: "K", about: "Σ y² of the folded rows" },
    { name: "oldN", size: "K", about: "how many rows were folded into each expert" },
  ];

  /** This block's statistics: its class's table. */
  get statistics(): readonly Statistic[] {
    return (this.constructor as typeof LinearExpertState).statistics;
  }

  /** Prior precision (noise units) of coefficient j of expert k in particle i: p₀ⱼ, unless a subclass scales it per particle. */
  protected precision(_i: number, _k: number, j: number): number {
    return this.p0[j];
  }

  /** Sets the K experts of particle i to the prior: L = diag(√p₀), m = m₀, count 0. */
  protected initBlocks(i: number): void {
    const d = this.d;
    for (let b = i * this.K; b < (i + 1) * this.K; b++) {
      const lo = b * d * d;
      this.L.fill(0, lo, lo + d * d);
      for (let j = 0; j < d; j++) {
        this.L[lo + j * d + j] = Math.sqrt(this.precision(i, b - i * this.K, j));
        this.m[b * d + j] = this.m0[j];
      }
      this.count[b] = 0;
      this.stashQ[b] = 0;
    }
  }

  /** For every expert of particle i: stash w = L⁻¹x, xᵀm and q = 1 + ‖w‖² (O(K d²)). */
  protected stashAll(i: number, x: Float64Array, xOff: number): void {
    const d = this.d;
    for (let b = i * this.K; b < (i + 1) * this.K; b++) {
      solveLower(this.L, b * d * d, d, x, xOff, this.stashW, b * d);
      let s = 1;
      for (let j = b * d; j < (b + 1) * d; j++) s += this.stashW[j] * this.stashW[j];
      this.stashQ[b] = s;
      this.stashXm[b] = dot(x, xOff, this.m, b * d, d);
    }
  }

  /**
   * E11 for expert k of particle i, taking L⁻¹x, xᵀm and q from the stash left by the
   * predictive pass on the same x (for this particle or, after a gather, its ancestor).
   * @returns `false`, with the expert unchanged, if y or x is not finite.
   * @throws Error if the block has no unconsumed stash (a kernel bug, not a data problem).
   */
  updateStashed(i: number, k: number, x: Float64Array, xOff: number, y: number, _rng?: Rng): boolean {
    const b = i * this.K + k;
    const q = this.stashQ[b];
    if (!(q >= 1)) throw new Error(`updateStashed: no predictive stash for particle ${i}, expert ${k}`);
    this.stashQ[b] = 0;
    return this.applyUpdate(b, x, xOff, y - this.stashXm[b], q, this.stashW, b * this.d);
  }

  /**
   * E11 for expert k of particle i, computing L⁻¹x afresh (no stash needed).
   * @returns `false`, with the expert unchanged, if y or x is not finite.
   */
  update(i: number, k: number, x: Float64Array, xOff: number, y: number): boolean {
    const b = i * this.K + k;
    const d = this.d;
    solveLower(this.L, b * d * d, d, x, xOff, this.w, 0);
    let q = 1;
    for (let j = 0; j < d; j++) q += this.w[j] * this.w[j];
    return this.applyUpdate(b, x, xOff, y - dot(x, xOff, this.m, b * d, d), q, this.w, 0);
  }

  /** E11 in Cholesky form: u = L⁻ᵀw = Ṽx from the old factor, L ← chol(P̃ + xxᵀ), m += u·r/q. */
  private applyUpdate(b: number, x: Float64Array, xOff: number, r: number, q: number, w: Float64Array, wOff: number): boolean {
    const d = this.d;
    if (!Number.isFinite(r)) return false;
    solveLowerT(this.L, b * d * d, d, w, wOff, this.u, 0);
    if (!cholUpdate(this.L, b * d * d, d, x, xOff, this.work, 0)) return false;
    const f = r / q;
    for (let j = 0; j < d; j++) this.m[b * d + j] += this.u[j] * f;
    this.count[b] += 1;
    this.absorb(b, r, q);
    return true;
  }

  /**
   * Marginal posterior of each coefficient of expert k of particle i in noise units: writes
   * `[m_j, Ṽ_jj]` at `out[off + 2j …]`, with Ṽ_jj = ‖L⁻¹e_j‖² (one forward solve per feature,
   * O(d³) per expert: for summaries, not the hot path).
   */
  protected coefficientSpread(i: number, k: number, out: Float64Array, off: number): void {
    const d = this.d;
    const b = i * this.K + k;
    for (let j = 0; j < d; j++) {
      this.u.fill(0);
      this.u[j] = 1;
      solveLower(this.L, b * d * d, d, this.u, 0, this.w, 0);
      let v = 0;
      for (let t = 0; t < d; t++) v += this.w[t] * this.w[t];
      out[off + 2 * j] = this.m[b * d + j];
      out[off + 2 * j + 1] = v;
    }
  }

  /**
   * Rebuilds expert k of particle i from the rows allocated to it (E12, O(n d² + d³)):
   * P̃ = p₀I + Σ x xᵀ, m = P̃⁻¹(p₀m₀ + Σ x y), then the subclass statistics from
   * ss = ‖y − Xm‖² + p₀‖m − m₀‖² (the stable form of yᵀy + m₀ᵀP̃₀m₀ − mᵀP̃m).
   * @param rows - indices into X / y of the rows allocated to the expert (first `nRows` used)
   * @param weights - each row's weight by its index into X (forgetting), or null for 1
   * @param precisions - the t-th row's precision weight in place of its weight (a scale-mixture expert's row scale), or null
   * @returns `false` if P̃ cannot be factorised (non-finite data); the block is then invalid.
   */
  rebuild(i: number, k: number, X: Float64Array, y: Float64Array, rows: Int32Array, nRows: number, weights: Float64Array | null = null, precisions: Float64Array | null = null): boolean {
    const ss = this.rebuildStatistics(i, k, X, y, rows, nRows, weights, precisions);
    if (ss < 0) return false;
    const b = i * this.K + k;
    this.reset(b, this.count[b], ss);
    return true;
  }

  /**
   * Folds the row (x, y), allocated to expert k of particle i, into the expert's fixed
   * statistics (spec §3.8) with its weight w (1 without forgetting): the sweeps no longer
   * revisit it. The current statistics already hold it and are left as they are.
   */
  fold(i: number, k: number, x: Float64Array, xOff: number, y: number, w = 1, _rng?: Rng): void {
    this.foldRow(i * this.K + k, x, xOff, y, w, w);
  }

  /**
   * Adds the row (x, y) to block b's folded statistics as `w` rows (its weight under
   * forgetting) with precision weight `p`: w for Gaussian experts, a scale-mixture expert's row
   * precision (which already holds w) otherwise.
   */
  protected foldRow(b: number, x: Float64Array, xOff: number, y: number, w: number, p: number): void {
    const d = this.d;
    const P = b * d * d;
    for (let j = 0; j < d; j++) {
      const xj = p * x[xOff + j];
      for (let l = 0; l < d; l++) this.oldP[P + j * d + l] += xj * x[xOff + l];
      this.oldU[b * d + j] += xj * y;
    }
    this.oldYY[b] += p * y * y;
    this.oldN[b] += w;
    this.folded = true;
  }

  /**
   * Stabilised forgetting of particle i's experts (spec §3.8): the data's part of each
   * expert's statistics is multiplied by ρ and the prior's kept, P̃ ← ρP̃ + (1 − ρ)P̃₀ and
   * P̃m ← ρP̃m + (1 − ρ)P̃₀m₀, then L and m are refactored (O(d³) per expert); the count, the
   * folded rows' sums and the noise statistics are discounted alike, so after it a row s rows
   * old weighs ρ^s, exactly.
   * @returns `false` if a discounted precision cannot be factorised (non-finite statistics).
   */
  discount(i: number, rho: number): boolean {
    const d = this.d;
    const { P, h, w, L, m, before, mBefore } = this;
    for (let k = 0; k < this.K; k++) {
      const b = i * this.K + k;
      const lo = b * d * d;
      const mo = b * d;
      // P̃ = L Lᵀ on the lower triangle, then h = P̃m.
      for (let j = 0; j < d; j++) {
        for (let l = 0; l <= j; l++) {
          let v = 0;
          for (let q = 0; q <= l; q++) v += L[lo + j * d + q] * L[lo + l * d + q];
          P[j * d + l] = v;
          before[j * d + l] = v;
        }
      }
      for (let j = 0; j < d; j++) {
        let v = 0;
        for (let l = 0; l < d; l++) v += (l <= j ? P[j * d + l] : P[l * d + j]) * m[mo + l];
        h[j] = v;
        mBefore[j] = m[mo + j];
      }
      for (let j = 0; j < d; j++) {
        const p0 = this.precision(i, k, j);
        for (let l = 0; l <= j; l++) P[j * d + l] *= rho;
        P[j * d + j] += (1 - rho) * p0;
        h[j] = rho * h[j] + (1 - rho) * p0 * this.m0[j];
      }
      if (!cholesky(P, 0, d, L, lo)) return false;
      solveLower(L, lo, d, h, 0, w, 0);
      solveLowerT(L, lo, d, w, 0, m, mo);
      // With Q = Σy² + m₀ᵀP̃₀m₀ − mᵀP̃m the new Q is ρQ + δ, δ = ρ·mᵀP̃m + (1 − ρ)m₀ᵀP̃₀m₀ −
      // m'ᵀP̃'m' = ρ(m − m')ᵀP̃(m − m') + (1 − ρ)(m₀ − m')ᵀP̃₀(m₀ − m'): a sum of squares,
      // free of the cancellation of the first form when y has a large level.
      let quad = 0;
      let prior = 0;
      for (let j = 0; j < d; j++) {
        const ej = mBefore[j] - m[mo + j];
        quad += before[j * d + j] * ej * ej;
        for (let l = 0; l < j; l++) quad += 2 * before[j * d + l] * ej * (mBefore[l] - m[mo + l]);
        const e0 = this.m0[j] - m[mo + j];
        prior += this.precision(i, k, j) * e0 * e0;
      }
      this.delta[k] = rho * quad + (1 - rho) * prior;
      this.count[b] *= rho;
      this.stashQ[b] = 0;
      if (this.folded) {
        for (let j = lo; j < lo + d * d; j++) this.oldP[j] *= rho;
        for (let j = mo; j < mo + d; j++) this.oldU[j] *= rho;
        this.oldYY[b] *= rho;
        this.oldN[b] *= rho;
      }
    }
    this.discountNoise(i, rho, this.delta);
    return true;
  }

  /**
   * Sweep step 4 for every expert of particle i: expert k from the rows `byExpert[k·n …]`, the
   * first `counts[k]` of them, row s weighted by `weights[s]` (forgetting) or 1.
   */
  rebuildAll(i: number, X: Float64Array, y: Float64Array, byExpert: Int32Array, counts: Int32Array, n: number, weights: Float64Array | null = null, _rng?: Rng): boolean {
    for (let k = 0; k < this.K; k++) if (!this.rebuild(i, k, X, y, byExpert.subarray(k * n, (k + 1) * n), counts[k], weights)) return false;
    return true;
  }

  /**
   * The Gaussian part of {@link rebuild}: L, m and the count of expert k from its rows (row r
   * weighted by `weights[r]` when given; the t-th row of `rows` with precision weight
   * `precisions[t]` in place of its weight when given — a scale-mixture expert's row scale, while
   * the row still counts as its weight). Returns ss = Σ p(y − xᵀm)² + (m − m₀)ᵀP̃₀(m − m₀), p the
   * precision weight, or −1 if P̃ cannot be factorised.
   */
  protected rebuildStatistics(i: number, k: number, X: Float64Array, y: Float64Array, rows: Int32Array, nRows: number, weights: Float64Array | null = null, precisions: Float64Array | null = null): number {
    const d = this.d;
    const { P, h } = this;
    P.fill(0);
    for (let j = 0; j < d; j++) {
      P[j * d + j] = this.precision(i, k, j);
      h[j] = P[j * d + j] * this.m0[j];
    }
    // wr: each row's precision weight in row order, its weight under forgetting unless given
    let wr: Float64Array | null = precisions;
    if (weights && !precisions) {
      if (this.rowWeights.length < nRows) this.rowWeights = new Float64Array(Math.max(nRows, 2 * this.rowWeights.length));
      wr = this.rowWeights;
      for (let t = 0; t < nRows; t++) wr[t] = weights[rows[t]];
    }
    let rowsWeight = 0;
    for (let t = 0; t < nRows; t++) {
      const o = rows[t] * d;
      const wt = wr ? wr[t] : 1;
      const yt = wt * y[rows[t]];
      rowsWeight += precisions ? (weights ? weights[rows[t]] : 1) : wt;
      for (let j = 0; j < d; j++) h[j] += X[o + j] * yt;
    }
    addGram(P, 0, d, X, rows, wr, nRows);
    const b = i * this.K + k;
    if (this.folded) {
      // The folded rows' part, fixed (spec §3.8); the Gram is kept in its lower triangle.
      for (let j = 0; j < d; j++) {
        h[j] += this.oldU[b * d + j];
        for (let l = 0; l <= j; l++) P[j * d + l] += this.oldP[b * d * d + j * d + l];
      }
    }
    const lo = b * d * d;
    if (!cholesky(P, 0, d, this.L, lo)) return -1;
    solveLower(this.L, lo, d, h, 0, h, 0);
    solveLowerT(this.L, lo, d, h, 0, this.m, b * d);
    let ss = 0;
    for (let t = 0; t < nRows; t++) {
      const r = y[rows[t]] - dot(X, rows[t] * d, this.m, b * d, d);
      ss += wr ? wr[t] * r * r : r * r;
    }
    for (let j = 0; j < d; j++) {
      const e = this.m[b * d + j] - this.m0[j];
      ss += this.precision(i, k, j) * e * e;
    }
    if (this.folded) {
      // Σ_old (y − xᵀm)² = Σy² − 2mᵀΣxy + mᵀ(Σxxᵀ)m over the folded rows.
      let quad = 0;
      let lin = 0;
      for (let j = 0; j < d; j++) {
        const mj = this.m[b * d + j];
        lin += mj * this.oldU[b * d + j];
        for (let l = 0; l < d; l++) quad += mj * this.oldP[b * d * d + j * d + l] * this.m[b * d + l];
      }
      ss += Math.max(0, this.oldYY[b] - 2 * lin + quad);
    }
    this.count[b] = rowsWeight + this.oldN[b];
    this.stashQ[b] = 0;
    return ss;
  }

  /** xᵀm and xᵀṼx = ‖L⁻¹x‖² for expert k of particle i (prediction off the hot path). */
  protected locationAndSpread(i: number, k: number, x: Float64Array, xOff: number, out: Float64Array, outOff: number): void {
    const b = i * this.K + k;
    const d = this.d;
    solveLower(this.L, b * d * d, d, x, xOff, this.w, 0);
    let s = 0;
    for (let j = 0; j < d; j++) s += this.w[j] * this.w[j];
    out[outOff] = dot(x, xOff, this.m, b * d, d);
    out[outOff + 1] = s;
  }

  /**
   * Gaussian marginals of the coefficients of expert k of particle i, N(m_j, scale·Ṽ_jj): writes
   * `[mean, variance, Infinity]` (infinite dof) at `out[off + 3j …]`.
   */
  protected gaussianMarginals(i: number, k: number, out: Float64Array, off: number, scale: number): void {
    this.coefficientSpread(i, k, out, off);
    for (let j = this.d - 1; j >= 0; j--) {
      const loc = out[off + 2 * j];
      const v = out[off + 2 * j + 1];
      out[off + 3 * j] = loc;
      out[off + 3 * j + 1] = scale * v;
      out[off + 3 * j + 2] = Infinity;
    }
  }

  /**
   * Resampling in place: particle i becomes a copy of particle `ancestors[i]` (every field, stash
   * included); only the particles with `ancestors[i] !== i` are written.
   * Precondition: survivors keep their slots, `ancestors[ancestors[i]] === ancestors[i]` for
   * every i (see {@link gatherInPlace}).
   */
  gather(ancestors: Int32Array): void {
    this.gathered ??= statisticArrays(this, this.statistics);
    gatherInPlace(this.gathered, ancestors, this.N);
  }

  /** Snapshot of the core fields (L, m, count, and the folded rows' statistics once there are any) as base64 text. */
  protected coreJSON(): Record<string, string> {
    const core = { L: encodeFloat64(this.L), m: encodeFloat64(this.m), count: encodeFloat64(this.count) };
    if (!this.folded) return core;
    return { ...core, oldP: encodeFloat64(this.oldP), oldU: encodeFloat64(this.oldU), oldYY: encodeFloat64(this.oldYY), oldN: encodeFloat64(this.oldN) };
  }

  /** Restores the core fields written by {@link coreJSON}. */
  protected restoreCore(json: Record<string, unknown>): void {
    this.L.set(decodeFloat64(String(json.L), this.L.length));
    this.m.set(decodeFloat64(String(json.m), this.m.length));
    this.count.set(decodeFloat64(String(json.count), this.count.length));
    if (json.oldP === undefined) return;
    this.oldP.set(decodeFloat64(String(json.oldP), this.oldP.length));
    this.oldU.set(decodeFloat64(String(json.oldU), this.oldU.length));
    this.oldYY.set(decodeFloat64(String(json.oldYY), this.oldYY.length));
    this.oldN.set(decodeFloat64(String(json.oldN), this.oldN.length));
    this.folded = true;
  }
}
