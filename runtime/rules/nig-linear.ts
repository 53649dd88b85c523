/**
 * Rule `normal_inverse_gamma_linear` (spec §2.1): expert k of particle i is
 * `y ~ N(xᵀβ_k, σ_k²)`, `β_k | σ_k² ~ N(m₀, σ_k² g·I)`, `σ_k² ~ IG(a₀, b₀)`.
 *
 * State per block b = i·K + k (layout of {@link LinearExpertState}, where the spec's
 * V = P⁻¹ is the covariance in units of σ², P₀ = I/g): the Cholesky factor `L` of P, the mean
 * `m`, the count, and here `a[b]`, `b[b]` (IG shape and scale). Per step: {@link
 * NigLinearState.predictive} for all K experts of a particle (E10, O(K d²)), then
 * `updateStashed` of the chosen expert (E11, O(d²)). The resample-move sweep uses `rebuild`
 * (E12) and {@link NigLinearState.drawParams}.
 */
import { lgammaHalfRatio } from "../math/index.js";
import { inverseGamma, mvnPrecChol, type Rng } from "../rng/index.js";
import { LinearExpertState } from "./linear-expert.js";
import { decodeFloat64, encodeFloat64, expectKind } from "./snapshot.js";

/** Hyperparameters of the NIG linear expert: V₀ = g·I, prior mean m₀, σ² ~ IG(a₀, b₀). */
export interface NigLinearHyper {
  /** Prior covariance scale in units of σ² (> 0). */
  readonly g: number;
  /** Prior mean of β (length d). */
  readonly m0: ArrayLike<number>;
  /** IG shape of σ² (> 0). */
  readonly a0: number;
  /** IG scale of σ² (> 0). */
  readonly b0: number;
}

/** Particle state of NIG linear experts with O(d²) streaming updates (spec E10–E12). */
export class NigLinearState extends LinearExpertState {
  /** Rule id in the compiler's rule table. */
  static readonly rule = "normal_inverse_gamma_linear";
  /** Prior covariance scale, V₀ = g·I. */
  readonly g: number;
  /** Prior shape of σ² ~ IG(a₀, b₀). */
  readonly a0: number;
  /** Prior scale of σ² ~ IG(a₀, b₀). */
  readonly b0: number;
  /** Posterior IG shape per block (N·K). */
  readonly a: Float64Array;
  /** Posterior IG scale per block (N·K). */
  readonly b: Float64Array;
  /**
   * The part of the predictive's log density that depends on the block alone,
   * `lgamma(a + ½) − lgamma(a) − ½ log(2πb)`, kept current with (a, b): only the updated expert
   * changes in a step, so the K predictives need no lgamma (derived, not snapshotted).
   */
  private readonly logNorm: Float64Array;

  /** @throws Error unless g, a₀, b₀ > 0 and m₀ has length d. */
  constructor(N: number, K: number, d: number, hyper: NigLinearHyper) {
    super(N, K, d, hyper.m0, 1 / hyper.g);
    if (!(hyper.a0 > 0 && hyper.b0 > 0 && hyper.g > 0)) throw new Error("normal_inverse_gamma_linear: g, a0, b0 must be positive");
    this.g = hyper.g;
    this.a0 = hyper.a0;
    this.b0 = hyper.b0;
    this.a = new Float64Array(N * K);
    this.b = new Float64Array(N * K);
    this.logNorm = new Float64Array(N * K);
  }

  /** The compiler's constructor. */
  static create(N: number, K: number, d: number, hyper: { g: number; m0: number; a0: number; b0: number }): NigLinearState {
    return new NigLinearState(N, K, d, { ...hyper, m0: new Float64Array(d).fill(hyper.m0) });
  }

  /** Restores a state written by {@link toJSON} (its constants are in the snapshot). */
  static restore(json: unknown): NigLinearState {
    return NigLinearState.fromJSON(json);
  }

  /** E[σ²] of IG(a, b) for expert k of particle i; NaN while a ≤ 1 (no finite mean). */
  noiseVariance(i: number, k: number): number {
    const b = i * this.K + k;
    return this.a[b] > 1 ? this.b[b] / (this.a[b] - 1) : NaN;
  }

  /** Recomputes {@link logNorm} of block `blk` from its (a, b). */
  private normalise(blk: number): void {
    this.logNorm[blk] = lgammaHalfRatio(this.a[blk]) - 0.5 * Math.log(2 * Math.PI * this.b[blk]);
  }

  /** Sets every expert of particle i to the prior (m₀, P₀ = I/g, a₀, b₀, no rows). */
  init(i: number): void {
    this.initBlocks(i);
    this.a.fill(this.a0, i * this.K, (i + 1) * this.K);
    this.b.fill(this.b0, i * this.K, (i + 1) * this.K);
    for (let blk = i * this.K; blk < (i + 1) * this.K; blk++) this.normalise(blk);
  }

  /**
   * `out[outOff + k] = log St(y; xᵀm_k, (b_k/a_k)(1 + xᵀV_k x), 2a_k)` for k < K (E10), and
   * stashes L⁻¹x per expert for {@link LinearExpertState.updateStashed}. With νs² = 2bq the
   * density is `logNorm − ½ log q − (a + ½) log1p(r²/(2bq))`.
   */
  predictive(i: number, x: Float64Array, xOff: number, y: number, out: Float64Array, outOff: number): void {
    this.stashAll(i, x, xOff);
    for (let k = 0, b = i * this.K; k < this.K; k++, b++) {
      const q = this.stashQ[b];
      const r = y - this.stashXm[b];
      out[outOff + k] = this.logNorm[b] - 0.5 * Math.log(q) - (this.a[b] + 0.5) * Math.log1p((r * r) / (2 * this.b[b] * q));
    }
  }

  /**
   * Predictive of y at x for expert k (E10): writes `[mean xᵀm, squared scale (b/a)(1 + xᵀVx),
   * dof 2a, variance]` at `out[outOff …]`; the variance is scale²·dof/(dof − 2), ∞ when dof ≤ 2.
   */
  predictiveMoments(i: number, k: number, x: Float64Array, xOff: number, out: Float64Array, outOff: number): void {
    this.locationAndSpread(i, k, x, xOff, out, outOff);
    const b = i * this.K + k;
    const scaleSq = (this.b[b] / this.a[b]) * (1 + out[outOff + 1]);
    const dof = 2 * this.a[b];
    out[outOff + 1] = scaleSq;
    out[outOff + 2] = dof;
    out[outOff + 3] = dof > 2 ? (scaleSq * dof) / (dof - 2) : Infinity;
  }

  /**
   * Marginal posterior of each coefficient of expert k of particle i: β_j ~ t_{2a}(m_j, (b/a)·Ṽ_jj).
   * Writes `[location, squared scale, dof]` at `out[off + 3j …]` for j < d.
   */
  coefficientMarginals(i: number, k: number, out: Float64Array, off: number): void {
    const d = this.d;
    const blk = i * this.K + k;
    this.coefficientSpread(i, k, out, off);
    // spread wrote pairs; widen them to triples from the last feature down so nothing is overwritten
    for (let j = d - 1; j >= 0; j--) {
      const loc = out[off + 2 * j];
      const v = out[off + 2 * j + 1];
      out[off + 3 * j] = loc;
      out[off + 3 * j + 1] = (this.b[blk] / this.a[blk]) * v;
      out[off + 3 * j + 2] = 2 * this.a[blk];
    }
  }

  /**
   * Posterior draw for the sweep (spec §3.7 step 1): σ² ~ IG(a, b), β = m + σ·L⁻ᵀε, so
   * β | σ² ~ N(m, σ²V). Writes β at `beta[betaOff …]` and returns σ².
   */
  drawParams(rng: Rng, i: number, k: number, beta: Float64Array, betaOff: number): number {
    const blk = i * this.K + k;
    const d = this.d;
    const s2 = inverseGamma(rng, this.a[blk], this.b[blk]);
    const s = Math.sqrt(s2);
    mvnPrecChol(rng, d, this.L, blk * d * d, null, 0, beta, betaOff);
    for (let j = 0; j < d; j++) beta[betaOff + j] = this.m[blk * d + j] + s * beta[betaOff + j];
    return s2;
  }

  /** E11's σ² part: a += ½, b += r²/(2q). */
  protected absorb(blk: number, r: number, q: number): void {
    this.a[blk] += 0.5;
    this.b[blk] += (0.5 * r * r) / q;
    this.normalise(blk);
  }

  /** E12's σ² part: a = a₀ + n/2, b = b₀ + ss/2. */
  protected reset(blk: number, n: number, ss: number): void {
    this.a[blk] = this.a0 + 0.5 * n;
    this.b[blk] = this.b0 + 0.5 * ss;
    this.normalise(blk);
  }

  protected override fields(): Float64Array[] {
    const f = super.fields();
    f.push(this.a, this.b, this.logNorm);
    return f;
  }

  /** JSON-safe snapshot; {@link NigLinearState.fromJSON} restores it bit for bit. */
  toJSON(): Record<string, unknown> {
    const { N, K, d, g, a0, b0 } = this;
    return { kind: NigLinearState.rule, N, K, d, g, m0: Array.from(this.m0), a0, b0, ...this.coreJSON(), a: encodeFloat64(this.a), b: encodeFloat64(this.b) };
  }

  /**
   * Restores a state written by {@link NigLinearState.toJSON}.
   * @throws Error if the snapshot is of another kind or its fields have the wrong size.
   */
  static fromJSON(json: unknown): NigLinearState {
    const o = expectKind(json, NigLinearState.rule);
    const s = new NigLinearState(Number(o.N), Number(o.K), Number(o.d), {
      g: Number(o.g),
      m0: o.m0 as number[],
      a0: Number(o.a0),
      b0: Number(o.b0),
    });
    s.restoreCore(o);
    s.a.set(decodeFloat64(String(o.a), s.a.length));
    s.b.set(decodeFloat64(String(o.b), s.b.length));
    for (let blk = 0; blk < s.a.length; blk++) s.normalise(blk);
    return s;
  }
}
