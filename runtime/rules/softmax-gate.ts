/**
 * Rule `polya_gamma_softmax` (spec §2.9): the softmax (multinomial-logit) gate
 * g_k(x) = e^{η_k} / Σ_l e^{η_l}, with η_k = xᵀφ_k + o for each free category and, when the last
 * category is pinned, η_{K−1} = 0 (o is the row's logit offset, the same for every free category).
 *
 * Given the other categories' coefficients, category k's are a logistic regression with response
 * [z = k] and the per-row offset o − C_k, C_k = log Σ_{l≠k} e^{η_l}: e^{η_k}/Σ_l e^{η_l} =
 * σ(η_k − C_k). So each category is Gaussian in φ_k given Pólya-Gamma auxiliaries ω ~ PG(1,
 * η_k − C_k), the one-vs-rest conditionals of Holmes & Held and Polson, Scott & Windle (§3.3).
 *
 * Streaming (spec §2.9): a row's ω and C_k are drawn and computed at the φ in force when it
 * arrives and kept in the statistics, as the stick gate keeps its ω; a refresh then draws φ_k
 * given offsets computed from the other categories' earlier draws: that is what the streaming
 * step approximates beyond the stick gate. The sweeps recompute every window row's C and ω from
 * the current φ, one category at a time, and draw each φ_k from its full conditional: a Gibbs
 * sweep, exact. Folded rows keep the ω and C they were folded with, as the stick gate's do.
 *
 * Layout: one regression per free category, S = K − 1 (pinned) or K per particle, in the arrays
 * of {@link LogitRegressions}; category l is expert l. The sweep's per-row buffers (the window's
 * xᵀφ_l for one particle) grow by doubling with the rows; nothing else allocates after
 * construction.
 */
import { cholUpdate, dot } from "../linalg/index.js";
import { log1pExpNeg, logSumExp } from "../math/index.js";
import type { Rng } from "../rng/index.js";
import { expectKind } from "../snapshot.js";
import type { GatePrior } from "./gate-prior.js";
import { LogitRegressions, logitStatistics } from "./logit-regressions.js";
import type { Allocations } from "./roles.js";
import type { Statistic } from "./statistics.js";
import { temperedLogRatio, weightedOmega } from "./tempered-pg.js";

/** Rows per product in the one-category likelihood: factors in (1, 2] keep a product of this many below 2^1000. */
const PRODUCT_ROWS = 1000;

/** log Σ_{l < n, l ≠ skip} e^{a[off + l]}: the log-normaliser of every category but one. */
function logSumExpExcept(a: Float64Array, off: number, n: number, skip: number): number {
  let m = -Infinity;
  for (let l = 0; l < n; l++) if (l !== skip && a[off + l] > m) m = a[off + l];
  let s = 0;
  for (let l = 0; l < n; l++) if (l !== skip) s += Math.exp(a[off + l] - m);
  return m + Math.log(s);
}

/** Per-particle state of the softmax gate (see the module header). */
export class SoftmaxGateState extends LogitRegressions {
  /** Rule id in the compiler's rule table. */
  static readonly rule = "polya_gamma_softmax";
  /** What the gate keeps per particle: its statistics, gathered together. */
  static readonly statistics: readonly Statistic[] = logitStatistics("category");
  /** Whether the last category's logit is pinned at 0 (then S = K − 1 categories have coefficients). */
  readonly pinned: boolean;
  /** Scratch: one row's K logits. */
  private readonly eta: Float64Array;
  /** The window's x_sᵀφ_l (no offset) for one particle, `lin[s·S + l]`, and its capacity in rows. */
  private lin = new Float64Array(0);
  private cap = 0;
  /** Rebuild scratch: row indices 0 … t − 1, the rows' ω, and each row's offset o_s − C_s of the category being drawn. */
  private rowAt = new Int32Array(0);
  private omega = new Float64Array(0);
  private rowOffset = new Float64Array(0);
  /**
   * What {@link lin} holds: particle, rows, allocations and offset into them, row count (−1:
   * nothing), and the particle's φ it was computed at (a φ changed by anything but
   * {@link rescale} is detected).
   */
  private keyI = -1;
  private readonly keyPhi: Float64Array;
  private keyX: Float64Array | null = null;
  private keyZ: Allocations | null = null;
  private keyZOff = 0;
  private keyT = -1;
  /** The window's log likelihood at the current φ, with the key. */
  private current = 0;
  /**
   * The scale moves of one category l: per row, C_s = log Σ_{m≠l} e^{η_m} and the logit of the
   * row's own category when it is not l (NaN when it is), so that a proposal costs one
   * log-sum of two terms per row; `exceptOf` is l (−1: nothing held), `exceptCurrent` the
   * window's log likelihood by them at the current φ.
   */
  private exceptOf = -1;
  private except = new Float64Array(0);
  private others = new Float64Array(0);
  private exceptCurrent = 0;
  /** The last proposal evaluated: the categories it scaled, its c and the window's log likelihood there. */
  private proposedL0 = -1;
  private proposedL1 = -1;
  private proposedC = NaN;
  private proposedLogLik = 0;

  /** @throws Error unless N, d ≥ 1 and K ≥ 2 are integers. */
  constructor(N: number, K: number, d: number, pinned: boolean) {
    if (!(N >= 1 && K >= 2 && d >= 1) || ![N, K, d].every(Number.isInteger)) {
      throw new Error("polya_gamma_softmax: need integers N ≥ 1, K ≥ 2, d ≥ 1");
    }
    super(N, K, d, pinned ? K - 1 : K, SoftmaxGateState.statistics);
    this.pinned = pinned;
    this.eta = new Float64Array(K);
    this.keyPhi = new Float64Array(this.S * d);
  }

  /** The K logits of a row into `out[outOff …]`: xᵀφ_l + offset for the free categories, 0 for a pinned one. */
  private logits(i: number, x: Float64Array, xOff: number, offset: number, out: Float64Array, outOff: number): void {
    const { S, d } = this;
    for (let l = 0; l < S; l++) out[outOff + l] = dot(x, xOff, this.phi, (i * S + l) * d, d) + offset;
    if (S < this.K) out[outOff + S] = 0;
  }

  /** log g_k(x; φ) = η_k − log Σ_l e^{η_l} for k < K into `out[outOff …]`. */
  logGate(i: number, x: Float64Array, xOff: number, out: Float64Array, outOff: number, offset = 0): void {
    this.logits(i, x, xOff, offset, out, outOff);
    const norm = logSumExp(out, outOff, outOff + this.K);
    for (let k = 0; k < this.K; k++) out[outOff + k] -= norm;
  }

  /**
   * Streaming update after allocating x to expert z (spec §2.9): for every free category l,
   * ω ~ PG(1, η_l − C_l), G_l += ωxxᵀ, r_l += (κ − ω(o − C_l))x with κ = [z = l] − ½, and the
   * factor of Q_l by a rank-one update (O(d²) per category). The kernel redraws φ on the refresh
   * schedule.
   * @returns `false` on a non-finite logit or a failed factor update.
   */
  update(rng: Rng, i: number, z: number, x: Float64Array, xOff: number, offset = 0): boolean {
    return this.absorbRow(rng, i, z, x, xOff, offset, false, 1);
  }

  /**
   * Folds the row (x, offset), allocated to expert z in particle i, into every category's fixed
   * statistics (spec §3.8): ω and C at the current φ, kept from now on (under forgetting, with
   * the row's weight w as the sticks' rows take it).
   * @returns `false` on a non-finite logit.
   */
  fold(rng: Rng, i: number, z: number, x: Float64Array, xOff: number, offset = 0, w = 1): boolean {
    this.folded = true;
    return this.absorbRow(rng, i, z, x, xOff, offset, true, w);
  }

  /** One row into every category's current statistics (or its folded ones), with weight w. */
  private absorbRow(rng: Rng, i: number, z: number, x: Float64Array, xOff: number, offset: number, folded: boolean, w: number): boolean {
    const { S, K, d, eta } = this;
    this.logits(i, x, xOff, offset, eta, 0);
    for (let l = 0; l < S; l++) {
      const c = logSumExpExcept(eta, 0, K, l);
      const psi = eta[l] - c;
      if (!Number.isFinite(psi)) return false;
      const omega = weightedOmega(rng, psi, w);
      const kappa = (l === z ? 0.5 * w : -0.5 * w) - omega * (offset - c);
      const b = i * S + l;
      if (folded) this.accumulate(b, x, xOff, omega, kappa, this.oldG, this.oldR);
      else {
        if (!this.stale && !cholUpdate(this.L, b * d * d, d, x, xOff, this.work, 0, omega)) return false;
        this.accumulate(b, x, xOff, omega, kappa);
      }
    }
    return true;
  }

  /** Grows the window buffers to hold t rows. */
  private reserve(t: number): void {
    if (t <= this.cap) return;
    this.cap = Math.max(t, 2 * this.cap);
    this.lin = new Float64Array(this.cap * this.S);
    this.rowAt = new Int32Array(this.cap);
    for (let s = 0; s < this.cap; s++) this.rowAt[s] = s;
    this.omega = new Float64Array(this.cap);
    this.rowOffset = new Float64Array(this.cap);
    this.except = new Float64Array(this.cap);
    this.others = new Float64Array(this.cap);
  }

  /** Computes {@link lin} for particle i's rows X[0 … t) and the window's log likelihood, keyed. */
  private prepare(i: number, X: Float64Array, z: Allocations, zOff: number, t: number): void {
    const { S, d } = this;
    this.reserve(t);
    for (let s = 0; s < t; s++) for (let l = 0; l < S; l++) this.lin[s * S + l] = dot(X, s * d, this.phi, (i * S + l) * d, d);
    this.keyPhi.set(this.phi.subarray(i * S * d, (i + 1) * S * d));
    this.keyI = i;
    this.keyX = X;
    this.keyZ = z;
    this.keyZOff = zOff;
    this.keyT = t;
    this.proposedC = NaN;
    this.exceptOf = -1;
    this.current = this.windowLogLik(0, 0, 1);
  }

  /** Fills the one-category cache for category l from {@link lin} (O(t·K)). */
  private fillExcept(l: number): void {
    const { S, K, eta, lin } = this;
    const z = this.keyZ as Allocations;
    const O = this.offsets;
    for (let s = 0; s < this.keyT; s++) {
      const o = O ? O[s] : 0;
      for (let m = 0; m < S; m++) eta[m] = lin[s * S + m] + o;
      if (S < K) eta[S] = 0;
      this.except[s] = logSumExpExcept(eta, 0, K, l);
      const zs = z[this.keyZOff + s];
      this.others[s] = zs === l ? NaN : eta[zs];
    }
    this.exceptOf = l;
    this.exceptCurrent = this.categoryLogLik(l, 1);
  }

  /**
   * {@link windowLogLik} with category l alone at c times its coefficients, from the one-category
   * cache (O(t)): row s adds its own logit minus max(e, C) + log(1 + e^{−|e − C|}), e the
   * category's logit; without row weights the logs are taken of products of
   * {@link PRODUCT_ROWS} factors (each in (1, 2]), one log per block instead of one per row.
   */
  private categoryLogLik(l: number, c: number): number {
    const { S, lin } = this;
    const O = this.offsets;
    const W = this.weights;
    let sum = 0;
    let product = 1;
    for (let s = 0; s < this.keyT; s++) {
      const e = c * lin[s * S + l] + (O ? O[s] : 0);
      const rest = this.except[s];
      const own = this.others[s];
      const top = (Number.isNaN(own) ? e : own) - (e > rest ? e : rest);
      if (W) {
        sum += W[s] * (top - log1pExpNeg(Math.abs(e - rest)));
        continue;
      }
      sum += top;
      product *= 1 + Math.exp(-Math.abs(e - rest));
      if ((s + 1) % PRODUCT_ROWS === 0) {
        sum -= Math.log(product);
        product = 1;
      }
    }
    return sum - Math.log(product);
  }

  /**
   * Σ_s w_s log g_{z_s}(x_s) over the keyed rows, with the categories l0 ≤ l < l1 at c times
   * their current coefficients (O(t·K)).
   */
  private windowLogLik(l0: number, l1: number, c: number): number {
    const { S, K, eta, lin } = this;
    const z = this.keyZ as Allocations;
    const O = this.offsets;
    const W = this.weights;
    let sum = 0;
    for (let s = 0; s < this.keyT; s++) {
      const o = O ? O[s] : 0;
      for (let l = 0; l < S; l++) eta[l] = (l >= l0 && l < l1 ? c : 1) * lin[s * S + l] + o;
      if (S < K) eta[S] = 0;
      const term = eta[z[this.keyZOff + s]] - logSumExp(eta, 0, K);
      sum += W ? W[s] * term : term;
    }
    return sum;
  }

  /**
   * The change of the gate's log likelihood when φ_l becomes cφ_l for l0 ≤ l < l1: the window
   * rows' softmax terms (O(t·K) from the cached xᵀφ; O(t) for one category, whose other logits'
   * log-sum per row is kept while they stand; the xᵀφ are recomputed, O(t·S·d), when the
   * particle, its φ, the rows or the allocations differ from the last call's), plus the folded
   * rows' Gaussian terms (c − 1)φ_lᵀr_old − ½(c² − 1)φ_lᵀG_oldφ_l. The rows X[0 … t) and the
   * allocations must not change in place between calls; every sweep's {@link redraw} ends the
   * cache's validity.
   */
  scaleLogLikChange(i: number, l0: number, l1: number, c: number, X: Float64Array, z: Allocations, zOff: number, t: number): number {
    if (!this.holds(i, X, z, zOff, t)) this.prepare(i, X, z, zOff, t);
    let change: number;
    if (l1 === l0 + 1) {
      if (this.exceptOf !== l0) this.fillExcept(l0);
      this.proposedLogLik = this.categoryLogLik(l0, c);
      change = this.proposedLogLik - this.exceptCurrent;
    } else {
      this.proposedLogLik = this.windowLogLik(l0, l1, c);
      change = this.proposedLogLik - this.current;
    }
    this.proposedL0 = l0;
    this.proposedL1 = l1;
    this.proposedC = c;
    if (this.folded) {
      const d = this.d;
      for (let l = l0; l < l1; l++) {
        const b = i * this.S + l;
        const po = b * d;
        let a = 0;
        let q = 0;
        for (let j = 0; j < d; j++) {
          const pj = this.phi[po + j];
          a += pj * this.oldR[po + j];
          // the lower triangle holds G: off-diagonal terms count twice
          q += pj * pj * this.oldG[b * d * d + j * d + j];
          for (let k = 0; k < j; k++) q += 2 * pj * this.oldG[b * d * d + j * d + k] * this.phi[po + k];
        }
        change += (c - 1) * a - 0.5 * (c * c - 1) * q;
      }
    }
    return change;
  }

  /** Whether {@link lin} holds for these rows and particle i's current φ (bit for bit). */
  private holds(i: number, X: Float64Array, z: Allocations, zOff: number, t: number): boolean {
    if (i !== this.keyI || X !== this.keyX || z !== this.keyZ || zOff !== this.keyZOff || t !== this.keyT) return false;
    const base = i * this.S * this.d;
    for (let p = 0; p < this.keyPhi.length; p++) if (this.phi[base + p] !== this.keyPhi[p]) return false;
    return true;
  }

  /** φ_l ← cφ_l for l0 ≤ l < l1; the cached xᵀφ follow when this was the last proposal evaluated. */
  rescale(i: number, l0: number, l1: number, c: number): void {
    const { S, d } = this;
    for (let l = l0; l < l1; l++) for (let j = 0; j < d; j++) this.phi[(i * S + l) * d + j] *= c;
    if (i === this.keyI && l0 === this.proposedL0 && l1 === this.proposedL1 && c === this.proposedC) {
      for (let s = 0; s < this.keyT; s++) for (let l = l0; l < l1; l++) this.lin[s * S + l] *= c;
      for (let l = l0; l < l1; l++) for (let j = 0; j < d; j++) this.keyPhi[l * d + j] = this.phi[(i * S + l) * d + j];
      if (l1 === l0 + 1) {
        // one category moved: the others' log-sums stand
        this.current += this.proposedLogLik - this.exceptCurrent;
        this.exceptCurrent = this.proposedLogLik;
      } else {
        this.current = this.proposedLogLik;
        this.exceptOf = -1;
      }
      this.proposedC = NaN;
    } else {
      this.keyT = -1;
    }
  }

  /**
   * Sweep steps 4–5 for particle i (spec §2.9), one free category l at a time: every row's
   * C_l and ω ~ PG(1, η_l − C_l) from the current φ (PG(1, √w·(η_l − C_l)) under a row weight
   * w), (G_l, r_l) rebuilt from the folded rows' statistics and the rows s < t, Q_l refactored
   * and φ_l drawn (with the sticks' Metropolis–Hastings correction under row weights), before
   * the next category reads it.
   * @returns `false` on a non-finite logit or a failed factorisation.
   */
  redraw(rng: Rng, i: number, X: Float64Array, z: Allocations, zOff: number, t: number, prior: GatePrior): boolean {
    const { S, K, d, eta } = this;
    const O = this.offsets;
    const W = this.weights;
    this.prepare(i, X, z, zOff, t);
    // The φ drawn below leave the scale moves' cache behind.
    this.keyT = -1;
    const lin = this.lin;
    const keep = Math.min(this.keep, t);
    const kr = this.keptR;
    for (let l = 0; l < S; l++) {
      const b = i * S + l;
      this.startFromFolded(b);
      kr.fill(0);
      for (let s = 0; s < t; s++) {
        const o = O ? O[s] : 0;
        for (let m = 0; m < S; m++) eta[m] = lin[s * S + m] + o;
        if (S < K) eta[S] = 0;
        const c = logSumExpExcept(eta, 0, K, l);
        const psi = eta[l] - c;
        if (!Number.isFinite(psi)) return false;
        const w = W ? W[s] : 1;
        const omega = weightedOmega(rng, psi, w);
        this.omega[s] = omega;
        this.rowOffset[s] = o - c;
        const kappa = (z[zOff + s] === l ? 0.5 * w : -0.5 * w) - omega * (o - c);
        for (let j = 0; j < d; j++) this.r[b * d + j] += kappa * X[s * d + j];
        if (s < keep) for (let j = 0; j < d; j++) kr[j] += kappa * X[s * d + j];
      }
      // with the rows the next fold takes, kept with these ω (spec §3.8)
      this.addRows(b, X, this.rowAt, this.omega, t, keep > 0, keep, kr);
      if (!this.refactor(i, l, prior)) return false;
      if (W) {
        this.proposePhi(rng, i, l);
        let logAlpha = 0;
        for (let s = 0; s < t; s++) {
          if (W[s] === 1) continue;
          logAlpha += temperedLogRatio(W[s], dot(X, s * d, this.phi, b * d, d) + this.rowOffset[s], lin[s * S + l] + this.rowOffset[s]);
        }
        this.acceptPhi(rng, i, l, logAlpha);
      } else {
        this.drawPhi(rng, i, l);
      }
      for (let s = 0; s < t; s++) lin[s * S + l] = dot(X, s * d, this.phi, b * d, d);
    }
    this.nextRows = keep;
    return true;
  }

  /** JSON-safe snapshot; {@link SoftmaxGateState.fromJSON} restores it bit for bit. */
  toJSON(): Record<string, unknown> {
    const { N, K, d, pinned } = this;
    return { kind: SoftmaxGateState.rule, N, K, d, pinned, ...this.snapshotFields() };
  }

  /**
   * Restores a state written by {@link SoftmaxGateState.toJSON}.
   * @throws Error if the snapshot is of another kind or its fields have the wrong size.
   */
  static fromJSON(json: unknown): SoftmaxGateState {
    const o = expectKind(json, SoftmaxGateState.rule);
    const s = new SoftmaxGateState(Number(o.N), Number(o.K), Number(o.d), o.pinned === true);
    s.restoreFields(o);
    return s;
  }
}
