/**
 * Rule `polya_gamma_stickbreaking` (spec §1.3 E5–E6, §2.2 E14–E15): the logit stick-breaking
 * gate with K − 1 sticks, each a Pólya-Gamma-augmented Bernoulli-logit regression.
 *
 * Conventions: experts are 0-based, z ∈ [0, K); stick l ∈ [0, K−1) is reached by the rows with
 * z ≥ l and says "stop" (κ = +½) when z = l, "pass" (κ = −½) when z > l; the last expert has
 * no stick. Data rows: `X` row-major, row s at `X[s·d …]`; a particle's allocations of rows
 * 0..t−1 at `z[zOff …]`.
 *
 * Layout (structure of arrays; block b = i·(K−1) + l):
 * - `G[b·d² …]`: data precision Σ ω x xᵀ, LOWER TRIANGLE only (the upper stays zero);
 * - `r[b·d …]`: Σ κ x;
 * - `L[b·d² …]`: row-major lower Cholesky factor of Q = G + D, D = the prior precision diagonal
 *   of a {@link GatePrior}. Streaming updates keep it current by rank-one updates; after D
 *   changes (horseshoe refresh, joint scale move) call {@link StickGateState.refactor} (O(d³), on a
 *   schedule; spec §3.6);
 * - `phi[b·d …]`: the current draw φ_l (a particle's sticks are contiguous: its φ block, as the
 *   prior's `gibbs` expects, starts at i·(K−1)·d).
 * Failures (non-finite input, a factor that is not positive definite) return `false`; the
 * particle's gate is then invalid and the caller reports numerical trouble. Nothing allocates
 * after construction.
 */
import { cholesky, cholUpdate, dot, gatherBlocks, solveLower, solveLowerT } from "../linalg/index.js";
import { softplus } from "../math/index.js";
import { polyaGamma1, type Rng } from "../rng/index.js";
import type { GatePrior } from "./gate-prior.js";
import { decodeFloat64, encodeFloat64, expectKind } from "./snapshot.js";

/**
 * log acceptance ratio of the stick scale move φ' = cφ (spec §3.7 step 3): the likelihood
 * change, the prior ratio −½(c² − 1)·Σ D_j φ_j² of N(0, diag(1/D)), and the Jacobian c^d.
 */
export function stickScaleLogAlpha(dLogLik: number, logC: number, priorQuad: number, d: number): number {
  return dLogLik - 0.5 * Math.expm1(2 * logC) * priorQuad + d * logC;
}

/** Per-particle state of the logit stick-breaking gate (see the module header). */
export class StickGateState {
  /** Rule id in the compiler's rule table. */
  static readonly rule = "polya_gamma_stickbreaking";
  /** Number of particles. */
  readonly N: number;
  /** Experts per particle. */
  readonly K: number;
  /** Features per stick (length of x). */
  readonly d: number;
  /** Sticks per particle, K − 1. */
  readonly S: number;
  /** Data precisions G_l, lower triangles (N·S blocks of d²); reassigned by gather, so do not cache. */
  G: Float64Array;
  /** Linear terms r_l (N·S blocks of d); reassigned by gather. */
  r: Float64Array;
  /** Cholesky factors of Q_l = G_l + D_l (N·S blocks of d²); reassigned by gather. */
  L: Float64Array;
  /** Current draws φ_l (N·S blocks of d); reassigned by gather. */
  phi: Float64Array;
  private spare: Float64Array[] | null = null;
  /** Scratch: cholUpdate work vector, the φ draw's intermediate, a prior diagonal. */
  private readonly work: Float64Array;
  private readonly v: Float64Array;
  private readonly D: Float64Array;

  /** @throws Error unless N, d ≥ 1 and K ≥ 2 are integers. */
  constructor(N: number, K: number, d: number) {
    if (!(N >= 1 && K >= 2 && d >= 1) || ![N, K, d].every(Number.isInteger)) {
      throw new Error("polya_gamma_stickbreaking: need integers N ≥ 1, K ≥ 2, d ≥ 1");
    }
    this.N = N;
    this.K = K;
    this.d = d;
    this.S = K - 1;
    const B = N * this.S;
    this.G = new Float64Array(B * d * d);
    this.r = new Float64Array(B * d);
    this.L = new Float64Array(B * d * d);
    this.phi = new Float64Array(B * d);
    this.work = new Float64Array(d);
    this.v = new Float64Array(d);
    this.D = new Float64Array(d);
  }

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
   * log g_k(x; φ) for k < K into `out[outOff …]` (E5), in log space (spec §7):
   * log v_l = −softplus(−η_l), log(1 − v_l) = −softplus(η_l), η_l = xᵀφ_l; finite for any finite η.
   */
  logGate(i: number, x: Float64Array, xOff: number, out: Float64Array, outOff: number): void {
    let pass = 0;
    for (let l = 0; l < this.S; l++) {
      const eta = dot(x, xOff, this.phi, (i * this.S + l) * this.d, this.d);
      out[outOff + l] = pass - softplus(-eta);
      pass -= softplus(eta);
    }
    out[outOff + this.S] = pass;
  }

  /**
   * Streaming update after allocating x to expert z (spec §3.3 step 6): for each visited stick
   * l ≤ min(z, K−2), ω ~ PG(1, xᵀφ_l), κ = 1[z = l] − ½, G += ωxxᵀ, r += κx, and the factor of
   * Q by cholUpdate with weight ω (O(d²) per stick). Redraw φ afterwards with {@link drawPhi}.
   * @returns `false` on non-finite x or φ, or a failed factor update.
   */
  update(rng: Rng, i: number, z: number, x: Float64Array, xOff: number): boolean {
    const last = z < this.S ? z : this.S - 1;
    for (let l = 0; l <= last; l++) {
      const b = i * this.S + l;
      const eta = dot(x, xOff, this.phi, b * this.d, this.d);
      if (!Number.isFinite(eta)) return false;
      const omega = polyaGamma1(rng, eta);
      if (!cholUpdate(this.L, b * this.d * this.d, this.d, x, xOff, this.work, 0, omega)) return false;
      this.accumulate(b, x, xOff, omega, l === z ? 0.5 : -0.5);
    }
    return true;
  }

  /** G_b += ω x xᵀ (lower triangle) and r_b += κ x. */
  private accumulate(b: number, x: Float64Array, xOff: number, omega: number, kappa: number): void {
    const d = this.d;
    const g = b * d * d;
    for (let j = 0; j < d; j++) {
      const wx = omega * x[xOff + j];
      for (let k = 0; k <= j; k++) this.G[g + j * d + k] += wx * x[xOff + k];
      this.r[b * d + j] += kappa * x[xOff + j];
    }
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
   * Sweep step 4 (spec §3.7): fresh ω_s ~ PG(1, x_sᵀφ_l) for every row s < t and visited stick,
   * then (G_l, r_l) rebuilt from scratch (E15) and Q_l refactored, for every stick of particle i.
   * @returns `false` on non-finite data or a failed factorisation.
   */
  rebuild(rng: Rng, i: number, X: Float64Array, z: Int32Array, zOff: number, t: number, prior: GatePrior): boolean {
    const d = this.d;
    for (let l = 0; l < this.S; l++) {
      const b = i * this.S + l;
      this.G.fill(0, b * d * d, (b + 1) * d * d);
      this.r.fill(0, b * d, (b + 1) * d);
      for (let s = 0; s < t; s++) {
        const zs = z[zOff + s];
        if (zs < l) continue;
        const eta = dot(X, s * d, this.phi, b * d, d);
        if (!Number.isFinite(eta)) return false;
        this.accumulate(b, X, s * d, polyaGamma1(rng, eta), zs === l ? 0.5 : -0.5);
      }
      if (!this.refactor(i, l, prior)) return false;
    }
    return true;
  }

  /**
   * ℓ_l(cφ_l): stick l's Bernoulli-logit log likelihood over the rows s < t that reached it
   * (z_s ≥ l), at the scaled coefficients cφ_l (E6; c = 1 for the current draw); O(t·d).
   */
  stickLogLik(i: number, l: number, c: number, X: Float64Array, z: Int32Array, zOff: number, t: number): number {
    const d = this.d;
    const po = (i * this.S + l) * d;
    let ll = 0;
    for (let s = 0; s < t; s++) {
      const zs = z[zOff + s];
      if (zs < l) continue;
      const eta = c * dot(X, s * d, this.phi, po, d);
      ll -= softplus(zs === l ? -eta : eta);
    }
    return ll;
  }

  /**
   * One scale move on stick l (spec §3.7 step 3), ω marginalised: φ_l' = cφ_l with
   * log c ~ N(0, sdLogC²), accepted with {@link stickScaleLogAlpha}. (G, r, L) are untouched:
   * the sweep rebuilds them next. Returns whether the move was accepted.
   */
  scaleMove(rng: Rng, i: number, l: number, prior: GatePrior, X: Float64Array, z: Int32Array, zOff: number, t: number, sdLogC = 0.5): boolean {
    const d = this.d;
    const po = (i * this.S + l) * d;
    const logC = sdLogC * rng.normal();
    const c = Math.exp(logC);
    prior.precisionDiagonal(i, l, this.D, 0);
    let quad = 0;
    for (let j = 0; j < d; j++) quad += this.D[j] * this.phi[po + j] * this.phi[po + j];
    const dLogLik = this.stickLogLik(i, l, c, X, z, zOff, t) - this.stickLogLik(i, l, 1, X, z, zOff, t);
    if (!(Math.log(rng.uniform()) < stickScaleLogAlpha(dLogLik, logC, quad, d))) return false;
    for (let j = 0; j < d; j++) this.phi[po + j] *= c;
    return true;
  }

  /** Resampling: particle i becomes a copy of particle `ancestors[i]`. */
  gather(ancestors: Int32Array): void {
    const f = [this.G, this.r, this.L, this.phi];
    if (this.spare === null) this.spare = f.map((a) => new Float64Array(a.length));
    for (let j = 0; j < f.length; j++) {
      gatherBlocks(f[j], this.spare[j], ancestors, this.N, f[j].length / this.N);
      const t = f[j];
      f[j] = this.spare[j];
      this.spare[j] = t;
    }
    [this.G, this.r, this.L, this.phi] = f;
  }

  /** JSON-safe snapshot; {@link StickGateState.fromJSON} restores it bit for bit. */
  toJSON(): Record<string, unknown> {
    const { N, K, d } = this;
    return { kind: StickGateState.rule, N, K, d, G: encodeFloat64(this.G), r: encodeFloat64(this.r), L: encodeFloat64(this.L), phi: encodeFloat64(this.phi) };
  }

  /**
   * Restores a state written by {@link StickGateState.toJSON}.
   * @throws Error if the snapshot is of another kind or its fields have the wrong size.
   */
  static fromJSON(json: unknown): StickGateState {
    const o = expectKind(json, StickGateState.rule);
    const s = new StickGateState(Number(o.N), Number(o.K), Number(o.d));
    s.G.set(decodeFloat64(String(o.G), s.G.length));
    s.r.set(decodeFloat64(String(o.r), s.r.length));
    s.L.set(decodeFloat64(String(o.L), s.L.length));
    s.phi.set(decodeFloat64(String(o.phi), s.phi.length));
    return s;
  }
}
