/**
 * Rule `polya_gamma_stickbreaking` (spec §1.3 E5–E6, §2.2 E14–E15): the logit stick-breaking
 * gate with K − 1 sticks, each a Pólya-Gamma-augmented Bernoulli-logit regression.
 *
 * Conventions: experts are 0-based, z ∈ [0, K); stick l ∈ [0, K−1) is reached by the rows with
 * z ≥ l and says "stop" (κ = +½) when z = l, "pass" (κ = −½) when z > l; the last expert has
 * no stick. Data rows: `X` row-major, row s at `X[s·d …]`; a particle's allocations of rows
 * 0..t−1 at `z[zOff …]`.
 *
 * Layout: one logistic regression per stick, S = K − 1 of them per particle, in the arrays of
 * {@link LogitRegressions} (G, r, L, φ, and the folded rows' statistics, with which a rebuild
 * starts and through whose Gaussian form exp(φᵀr_old − ½φᵀG_oldφ) the scale moves count the
 * folded rows).
 * Failures (non-finite input, a factor that is not positive definite) return `false`; the
 * particle's gate is then invalid and the caller reports numerical trouble. Nothing allocates
 * after construction, except that the sweep's row buffers (cached logits, rebuild scratch) grow
 * (doubling) with the rows.
 */
import { cholUpdate, dot } from "../linalg/index.js";
import { log1pExpNeg } from "../math/index.js";
import type { Rng } from "../rng/index.js";
import { temperedLogRatio, weightedOmega } from "./tempered-pg.js";
import type { Allocations } from "./roles.js";
import type { GatePrior } from "./gate-prior.js";
import type { Statistic } from "./statistics.js";
import { expectKind } from "../snapshot.js";
import { LogitRegressions, logitStatistics } from "./logit-regressions.js";

/**
 * Rows per product in {@link StickRowCache.logLik}: each factor 1 + e^{−a} lies in (1, 2], so a
 * product of this many stays below 2^1000, short of overflow.
 */
const PRODUCT_ROWS = 1000;

/**
 * The scale moves' view of one particle's sticks over the rows s < t (spec §3.7 step 3). A move
 * only rescales φ_l, so the logits η_s = x_sᵀφ₀ at the φ₀ current when the stick was cached serve
 * every later proposal: at φ_l = Cφ₀ the stick's log likelihood at cφ_l is
 * ℓ_l = −Σ_s softplus(cC u_s) with u_s = ±η_s (− when z_s = l), i.e.
 * −(cC·Σ_{u_s>0} u_s + log Π_s (1 + e^{−cC|u_s|})): one exp per row and one log per
 * {@link PRODUCT_ROWS} rows, instead of a d-term dot product, an exp and a log1p. The log of the
 * product differs from the sum of log1p's by rounding only (≤ 2^−53 per factor, absolute).
 *
 * Validity: the cache is keyed by (particle, X, z, zOff, t) and a copy of z[zOff … zOff+t), and a
 * stick's entry also by a copy of the φ_l it was computed at, so a φ changed by anything other
 * than {@link StickGateState.rescale} (a draw, a gather, a restore) or changed allocations are
 * detected and recomputed. The rows X[0 … t) themselves are assumed not to change while cached:
 * the sweeps pass a fresh view of the window whenever rows were folded out of it (the design
 * rows are then shifted in place), so a new X never matches an old key. The folded rows' terms
 * are fixed for a key, as only a sweep folds. It also holds the rebuild's per-row scratch,
 * sized with it.
 */
class StickRowCache {
  /** Key: particle, data, offsets, row weights and allocation arrays, offset into z, rows. */
  i = -1;
  X: Float64Array | null = null;
  O: Float64Array | null = null;
  W: Float64Array | null = null;
  /** The newest row's weight when the key was set (the weights are rewritten in place for each sweep). */
  wLast = 1;
  z: Allocations | null = null;
  zOff = 0;
  t = -1;
  /** Capacity in rows of {@link zCopy}, {@link rowAt}, {@link omega} and of each stick's slice of {@link absU}. */
  cap = 0;
  zCopy = new Int32Array(0);
  /**
   * |u_s| of the rows that reach stick l, in row order, at `absU[l·cap …]`; with row offsets
   * o_s or row weights, the signed ±x_sᵀφ₀ instead, and ±o_s in {@link bias} (u = k·absU + bias
   * at scale k).
   */
  absU = new Float64Array(0);
  bias = new Float64Array(0);
  /** With row weights (forgetting), each cached row's weight, laid out as {@link absU}. */
  weight = new Float64Array(0);
  /** Rebuild scratch, one stick at a time: the rows that reach it and their fresh ω. */
  rowAt = new Int32Array(0);
  omega = new Float64Array(0);
  /** Per stick: whether the entry is valid, rows reaching it, Σ_{u_s>0} u_s, the scale C. */
  readonly valid: Uint8Array;
  readonly rows: Int32Array;
  readonly posSum: Float64Array;
  readonly scale: Float64Array;
  /** Per stick: φ_l at which the entry holds (d entries), and ℓ_l there. */
  readonly phiAt: Float64Array;
  readonly current: Float64Array;
  /**
   * Per stick: the folded rows' Gaussian terms at the cached φ₀, a = φ₀ᵀr_old and q = φ₀ᵀG_oldφ₀;
   * at scale k their log likelihood is k·a − ½k²·q (0 without folded rows).
   */
  readonly oldLin: Float64Array;
  readonly oldQuad: Float64Array;
  /** Per stick: the last proposal evaluated, c and ℓ_l(cφ_l), for {@link StickGateState.rescale}. */
  readonly proposedC: Float64Array;
  readonly proposedLogLik: Float64Array;

  constructor(
    readonly S: number,
    readonly d: number,
  ) {
    this.valid = new Uint8Array(S);
    this.rows = new Int32Array(S);
    this.posSum = new Float64Array(S);
    this.scale = new Float64Array(S);
    this.phiAt = new Float64Array(S * d);
    this.current = new Float64Array(S);
    this.oldLin = new Float64Array(S);
    this.oldQuad = new Float64Array(S);
    this.proposedC = new Float64Array(S).fill(NaN);
    this.proposedLogLik = new Float64Array(S);
  }

  /** Points the cache at (i, X, O, W, z, zOff, t); drops every stick unless that is what it holds. */
  key(i: number, X: Float64Array, O: Float64Array | null, W: Float64Array | null, z: Allocations, zOff: number, t: number): void {
    const wLast = W && t > 0 ? W[t - 1] : 1;
    if (i === this.i && X === this.X && O === this.O && W === this.W && wLast === this.wLast && z === this.z && zOff === this.zOff && t === this.t) {
      let same = true;
      for (let s = 0; s < t; s++) {
        if (z[zOff + s] !== this.zCopy[s]) {
          same = false;
          break;
        }
      }
      if (same) return;
    }
    this.i = i;
    this.X = X;
    this.O = O;
    this.W = W;
    this.wLast = wLast;
    this.z = z;
    this.zOff = zOff;
    this.t = t;
    if (t > this.cap) {
      this.cap = Math.max(t, 2 * this.cap);
      this.zCopy = new Int32Array(this.cap);
      this.absU = new Float64Array(this.S * this.cap);
      this.bias = new Float64Array(0);
      this.weight = new Float64Array(0);
      this.rowAt = new Int32Array(this.cap);
      this.omega = new Float64Array(this.cap);
    }
    for (let s = 0; s < t; s++) this.zCopy[s] = z[zOff + s];
    this.valid.fill(0);
    this.proposedC.fill(NaN);
  }

  /** Whether stick l's entry holds for the coefficients at `phi[po …]` (bit for bit). */
  holds(l: number, phi: Float64Array, po: number): boolean {
    if (this.valid[l] === 0) return false;
    const d = this.d;
    for (let j = 0; j < d; j++) if (phi[po + j] !== this.phiAt[l * d + j]) return false;
    return true;
  }

  /**
   * Computes stick l's entry at the coefficients `phi[po …]` over the keyed rows (O(t·d)), with
   * the folded rows' terms from `(oldG, oldR)` at block `b` when given.
   */
  fill(l: number, phi: Float64Array, po: number, old?: { G: Float64Array; r: Float64Array; b: number }): void {
    const { d, cap, absU, zCopy, O, W } = this;
    const X = this.X as Float64Array;
    if ((O || W) && this.bias.length < this.S * cap) this.bias = new Float64Array(this.S * cap);
    if (W && this.weight.length < this.S * cap) this.weight = new Float64Array(this.S * cap);
    let n = 0;
    let pos = 0;
    for (let s = 0; s < this.t; s++) {
      const zs = zCopy[s];
      if (zs < l) continue;
      const eta = dot(X, s * d, phi, po, d);
      const u = zs === l ? -eta : eta;
      if (O || W) {
        this.bias[l * cap + n] = O ? (zs === l ? -O[s] : O[s]) : 0;
        if (W) this.weight[l * cap + n] = W[s];
        absU[l * cap + n++] = u;
        continue;
      }
      if (u > 0) pos += u;
      absU[l * cap + n++] = Math.abs(u);
    }
    this.rows[l] = n;
    this.posSum[l] = pos;
    this.oldLin[l] = 0;
    this.oldQuad[l] = 0;
    if (old) {
      const g = old.b * d * d;
      let a = 0;
      let q = 0;
      for (let j = 0; j < d; j++) {
        const pj = phi[po + j];
        a += pj * old.r[old.b * d + j];
        // the lower triangle holds G: off-diagonal terms count twice
        q += pj * pj * old.G[g + j * d + j];
        for (let k = 0; k < j; k++) q += 2 * pj * old.G[g + j * d + k] * phi[po + k];
      }
      this.oldLin[l] = a;
      this.oldQuad[l] = q;
    }
    this.scale[l] = 1;
    for (let j = 0; j < d; j++) this.phiAt[l * d + j] = phi[po + j];
    this.valid[l] = 1;
    this.proposedC[l] = NaN;
    this.current[l] = this.logLik(l, 1);
  }

  /** ℓ_l at c times the cached stick's current φ_l (see the class comment); NaN if a logit was. */
  logLik(l: number, c: number): number {
    const k = c * this.scale[l];
    const window = this.windowLogLik(l, k);
    return this.oldQuad[l] === 0 && this.oldLin[l] === 0 ? window : window + k * this.oldLin[l] - 0.5 * k * k * this.oldQuad[l];
  }

  /** The keyed rows' part of {@link logLik} at scale k of the cached φ₀. */
  private windowLogLik(l: number, k: number): number {
    const a = this.absU;
    const end = l * this.cap + this.rows[l];
    if (this.W) return this.logLikWeighted(l, k, end);
    if (this.O) return this.logLikOffset(l, k, end);
    let logs = 0;
    for (let s0 = l * this.cap; s0 < end; s0 += PRODUCT_ROWS) {
      const s1 = Math.min(end, s0 + PRODUCT_ROWS);
      let p = 1;
      for (let s = s0; s < s1; s++) p *= 1 + Math.exp(-k * a[s]);
      logs += Math.log(p);
    }
    return -(k * this.posSum[l] + logs);
  }

  /** {@link logLik} with row offsets: u_s = k·a_s + b_s, −Σ softplus(u_s) with the same product of 1 + e^{−|u|}. */
  private logLikOffset(l: number, k: number, end: number): number {
    const a = this.absU;
    const b = this.bias;
    let logs = 0;
    let pos = 0;
    for (let s0 = l * this.cap; s0 < end; s0 += PRODUCT_ROWS) {
      const s1 = Math.min(end, s0 + PRODUCT_ROWS);
      let p = 1;
      for (let s = s0; s < s1; s++) {
        const u = k * a[s] + b[s];
        if (u > 0) pos += u;
        p *= 1 + Math.exp(-Math.abs(u));
      }
      logs += Math.log(p);
    }
    return -(pos + logs);
  }

  /** With row weights w_s (forgetting): −Σ w_s softplus(u_s), a log1p per row (the product trick needs equal weights). */
  private logLikWeighted(l: number, k: number, end: number): number {
    const a = this.absU;
    const b = this.bias;
    const w = this.weight;
    let sum = 0;
    for (let s = l * this.cap; s < end; s++) {
      const u = k * a[s] + b[s];
      sum += w[s] * ((u > 0 ? u : 0) + log1pExpNeg(Math.abs(u)));
    }
    return -sum;
  }

  /** |x_sᵀφ_l + o_s| of the n-th cached row of stick l at scale k (PG(1, η) depends on |η| alone). */
  absLogit(l: number, n: number, k: number): number {
    const at = l * this.cap + n;
    return this.O || this.W ? Math.abs(k * this.absU[at] + this.bias[at]) : k * this.absU[at];
  }
}

/** Per-particle state of the logit stick-breaking gate (see the module header). */
export class StickGateState extends LogitRegressions {
  /** Rule id in the compiler's rule table. */
  static readonly rule = "polya_gamma_stickbreaking";
  /** Logits of the rows seen, for the scale moves and the rebuild of one particle at a time. */
  private readonly cache: StickRowCache;
  /** What the gate keeps per particle: its statistics, gathered together. */
  static readonly statistics: readonly Statistic[] = logitStatistics("stick");

  /** @throws Error unless N, d ≥ 1 and K ≥ 2 are integers. */
  constructor(N: number, K: number, d: number) {
    if (!(N >= 1 && K >= 2 && d >= 1) || ![N, K, d].every(Number.isInteger)) {
      throw new Error("polya_gamma_stickbreaking: need integers N ≥ 1, K ≥ 2, d ≥ 1");
    }
    super(N, K, d, K - 1, StickGateState.statistics);
    this.cache = new StickRowCache(this.S, d);
  }

  /**
   * log g_k(x; φ) for k < K into `out[outOff …]` (E5), in log space (spec §7):
   * log v_l = −softplus(−η_l), log(1 − v_l) = −softplus(η_l), η_l = xᵀφ_l + offset; finite for any finite η.
   */
  logGate(i: number, x: Float64Array, xOff: number, out: Float64Array, outOff: number, offset = 0): void {
    let pass = 0;
    for (let l = 0; l < this.S; l++) {
      const eta = dot(x, xOff, this.phi, (i * this.S + l) * this.d, this.d) + offset;
      // softplus(±η) = max(±η, 0) + log1p(e^{−|η|}): the two share their transcendental part.
      const tail = log1pExpNeg(Math.abs(eta));
      out[outOff + l] = pass - ((eta < 0 ? -eta : 0) + tail);
      pass -= (eta > 0 ? eta : 0) + tail;
    }
    out[outOff + this.S] = pass;
  }

  /**
   * Streaming update after allocating x to expert z (spec §3.3 step 6): for each visited stick
   * l ≤ min(z, K−2), ω ~ PG(1, η), η = xᵀφ_l + offset, κ = 1[z = l] − ½, G += ωxxᵀ,
   * r += (κ − ω·offset)x, and the factor of Q by cholUpdate with weight ω (O(d²) per stick). The
   * kernel redraws φ with {@link drawPhi} on the refresh schedule.
   * @returns `false` on non-finite x or φ, or a failed factor update.
   */
  update(rng: Rng, i: number, z: number, x: Float64Array, xOff: number, offset = 0): boolean {
    return this.absorbRow(rng, i, z, x, xOff, offset, false, 1);
  }

  /**
   * Draws ω for each stick l ≤ min(z, K−2) the row reached and adds the row to the stick's
   * current statistics, updating the factor of Q unless it is stale ({@link update}), or to its
   * folded ones (`folded`, {@link fold}). With a weight w < 1 (forgetting) the row's term is
   * w(κη − ωη²/2) with ω ~ PG(1, √w·η) (see {@link correctedPhi}).
   */
  private absorbRow(rng: Rng, i: number, z: number, x: Float64Array, xOff: number, offset: number, folded: boolean, w: number): boolean {
    const last = z < this.S ? z : this.S - 1;
    for (let l = 0; l <= last; l++) {
      const b = i * this.S + l;
      const eta = dot(x, xOff, this.phi, b * this.d, this.d) + offset;
      if (!Number.isFinite(eta)) return false;
      const omega = weightedOmega(rng, eta, w);
      const kappa = (l === z ? 0.5 * w : -0.5 * w) - omega * offset;
      if (folded) this.accumulate(b, x, xOff, omega, kappa, this.oldG, this.oldR);
      else {
        if (!this.stale && !cholUpdate(this.L, b * this.d * this.d, this.d, x, xOff, this.work, 0, omega)) return false;
        this.accumulate(b, x, xOff, omega, kappa);
      }
    }
    return true;
  }

  /**
   * Folds the row (x, offset), allocated to expert z in particle i, into the fixed statistics of
   * each stick it reached (spec §3.8): ω ~ PG(1, η) at the current φ_l (a Gibbs draw of that
   * row's auxiliary; PG(1, √w·η) with its weight w under forgetting), kept from now on. The
   * current statistics are left as they are.
   * @returns `false` on a non-finite logit.
   */
  fold(rng: Rng, i: number, z: number, x: Float64Array, xOff: number, offset = 0, w = 1): boolean {
    this.folded = true;
    return this.absorbRow(rng, i, z, x, xOff, offset, true, w);
  }

  /**
   * The sweep's draw of φ_l under row weights w_s < 1 (forgetting, spec §3.8), for the rows
   * s < t of X that reach stick l. The tempered target has the factor σ(±η_s)^{w_s} per row,
   * whose Pólya-Gamma augmentation would need PG(w_s, ·) draws; instead the rebuild's
   * auxiliaries ω_s ~ PG(1, √w_s·η_s) and {@link drawPhi} are the data-augmentation step of a
   * nearby target with the factor e^{w_s κ_s η_s}/cosh(√w_s η_s/2), reversible with respect to
   * it, and a Metropolis–Hastings test with the ratio of the two targets makes the move exact:
   * log α = Σ_s f_s(η'_s) − f_s(η_s), f_s(η) = log cosh(√w_s η/2) − w_s log cosh(η/2), which
   * vanishes for w_s = 1. Folded rows and the prior are the same in both targets. On rejection
   * φ_l keeps its value. Returns whether the draw was accepted.
   */
  correctedPhi(rng: Rng, i: number, l: number, X: Float64Array, z: Allocations, zOff: number, t: number): boolean {
    const d = this.d;
    const po = (i * this.S + l) * d;
    const W = this.weights as Float64Array;
    const O = this.offsets;
    this.proposePhi(rng, i, l);
    let logAlpha = 0;
    for (let s = 0; s < t; s++) {
      if (z[zOff + s] < l) continue;
      const w = W[s];
      if (w === 1) continue;
      const o = O ? O[s] : 0;
      const a = dot(X, s * d, this.phi, po, d) + o;
      const b = dot(X, s * d, this.phiOld, 0, d) + o;
      logAlpha += temperedLogRatio(w, a, b);
    }
    return this.acceptPhi(rng, i, l, logAlpha);
  }

  /**
   * Sweep steps 4–5 for particle i: every stick's ω and statistics rebuilt ({@link rebuild}),
   * then every φ_l drawn ({@link correctedPhi} under row weights).
   * @returns `false` on non-finite data or a failed factorisation.
   */
  redraw(rng: Rng, i: number, X: Float64Array, z: Allocations, zOff: number, t: number, prior: GatePrior): boolean {
    if (!this.rebuild(rng, i, X, z, zOff, t, prior)) return false;
    for (let l = 0; l < this.S; l++) {
      if (this.weights) this.correctedPhi(rng, i, l, X, z, zOff, t);
      else this.drawPhi(rng, i, l);
    }
    return true;
  }

  /**
   * Sweep step 4 (spec §3.7): fresh ω_s ~ PG(1, x_sᵀφ_l) for every row s < t and visited stick,
   * then (G_l, r_l) rebuilt from scratch (E15) and Q_l refactored, for every stick of particle i.
   * With row weights w_s (forgetting), ω_s ~ PG(1, √w_s·η_s) and the row adds w_s·ω_s xxᵀ and
   * w_s(κ_s − ω_s o_s)x (see {@link correctedPhi}). The logits come from the scale moves' cache
   * when it holds for φ_l (see {@link StickGateState.scaleLogLikChange}), else from the rows.
   * @returns `false` on non-finite data or a failed factorisation.
   */
  rebuild(rng: Rng, i: number, X: Float64Array, z: Allocations, zOff: number, t: number, prior: GatePrior): boolean {
    const d = this.d;
    const cache = this.cache;
    const O = this.offsets;
    const W = this.weights;
    cache.key(i, X, O, W, z, zOff, t);
    const keep = Math.min(this.keep, t);
    const kr = this.keptR;
    for (let l = 0; l < this.S; l++) {
      const b = i * this.S + l;
      this.startFromFolded(b);
      // After the scale moves the cache holds the logits of these rows at a scale of φ_l, in
      // row order; PG(1, η) depends on |η| only.
      const cached = cache.holds(l, this.phi, b * d);
      const scale = cache.scale[l];
      let n = 0;
      // rows below `keep` reached so far, and their linear term (for the next fold)
      let m = 0;
      kr.fill(0);
      for (let s = 0; s < t; s++) {
        const zs = z[zOff + s];
        if (zs < l) continue;
        const o = O ? O[s] : 0;
        const eta = cached ? cache.absLogit(l, n, scale) : dot(X, s * d, this.phi, b * d, d) + o;
        if (!Number.isFinite(eta)) return false;
        const w = W ? W[s] : 1;
        const omega = weightedOmega(rng, eta, w);
        cache.omega[n] = omega;
        cache.rowAt[n++] = s;
        const kappa = (zs === l ? 0.5 * w : -0.5 * w) - omega * o;
        for (let j = 0; j < d; j++) this.r[b * d + j] += kappa * X[s * d + j];
        if (s < keep) {
          m = n;
          for (let j = 0; j < d; j++) kr[j] += kappa * X[s * d + j];
        }
      }
      this.addRows(b, X, cache.rowAt, cache.omega, n, keep > 0, m, kr);
      if (!this.refactor(i, l, prior)) return false;
    }
    this.nextRows = keep;
    return true;
  }

  /**
   * Σ_{l0 ≤ l < l1} [ℓ_l(cφ_l) − ℓ_l(φ_l)]: the change of the sticks' Bernoulli-logit log
   * likelihoods (E6, over the rows s < t with z_s ≥ l) when their coefficients are scaled by c.
   * O(t) per stick from cached logits ({@link StickRowCache}); O(t·d) when a stick's φ, the rows
   * or the allocations changed since it was cached. The rows X[0 … t) must not change while
   * cached. Remembers the proposal for {@link StickGateState.rescale}.
   */
  scaleLogLikChange(i: number, l0: number, l1: number, c: number, X: Float64Array, z: Allocations, zOff: number, t: number): number {
    const cache = this.cache;
    cache.key(i, X, this.offsets, this.weights, z, zOff, t);
    let change = 0;
    for (let l = l0; l < l1; l++) {
      const po = (i * this.S + l) * this.d;
      if (!cache.holds(l, this.phi, po)) cache.fill(l, this.phi, po, this.folded ? { G: this.oldG, r: this.oldR, b: i * this.S + l } : undefined);
      const proposed = cache.logLik(l, c);
      cache.proposedC[l] = c;
      cache.proposedLogLik[l] = proposed;
      change += proposed - cache.current[l];
    }
    return change;
  }

  /**
   * φ_l ← cφ_l for l0 ≤ l < l1 (an accepted scale move). A stick whose last evaluated proposal
   * ({@link StickGateState.scaleLogLikChange}) was this c on these coefficients keeps its cached
   * logits, now at scale c times the old one; any other stick is recomputed when next needed.
   */
  rescale(i: number, l0: number, l1: number, c: number): void {
    const d = this.d;
    const cache = this.cache;
    for (let l = l0; l < l1; l++) {
      const po = (i * this.S + l) * d;
      const keep = i === cache.i && cache.proposedC[l] === c && cache.holds(l, this.phi, po);
      for (let j = 0; j < d; j++) this.phi[po + j] *= c;
      if (keep) {
        cache.scale[l] *= c;
        cache.current[l] = cache.proposedLogLik[l];
        cache.proposedC[l] = NaN;
        for (let j = 0; j < d; j++) cache.phiAt[l * d + j] = this.phi[po + j];
      } else {
        cache.valid[l] = 0;
      }
    }
  }

  /** JSON-safe snapshot; {@link StickGateState.fromJSON} restores it bit for bit. */
  toJSON(): Record<string, unknown> {
    const { N, K, d } = this;
    return { kind: StickGateState.rule, N, K, d, ...this.snapshotFields() };
  }

  /**
   * Restores a state written by {@link StickGateState.toJSON}.
   * @throws Error if the snapshot is of another kind or its fields have the wrong size.
   */
  static fromJSON(json: unknown): StickGateState {
    const o = expectKind(json, StickGateState.rule);
    const s = new StickGateState(Number(o.N), Number(o.K), Number(o.d));
    s.restoreFields(o);
    return s;
  }
}
