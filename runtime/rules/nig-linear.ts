/**
 * Rule `normal_inverse_gamma_linear` (spec §2.1): expert k of particle i is
 * `y ~ N(xᵀβ_k, σ_k²)`, `β_k | σ_k² ~ N(m₀, σ_k² diag(g))`, `σ_k² ~ IG(a₀, b₀)` — or, with a
 * shared variance, one σ² for all K experts of a particle: the experts' Gaussian statistics stay
 * separate and (a, b) pool their rows, so the predictive, the update and the rebuild stay exact.
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
import type { Statistic } from "./statistics.js";
import { clampScale } from "./scale-bounds.js";
import { ScalePrior, type ScalePriorOptions } from "./scale-prior.js";
import { decodeFloat64, encodeFloat64, expectKind } from "../snapshot.js";

/** Hyperparameters of the NIG linear expert: V₀ = diag(g), prior mean m₀, σ² ~ IG(a₀, b₀). */
export interface NigLinearHyper {
  /** Prior covariance in units of σ², one value for every coefficient or one each (> 0). */
  readonly g: number | ArrayLike<number>;
  /** Prior mean of β (length d). */
  readonly m0: ArrayLike<number>;
  /** IG shape of σ² (> 0). */
  readonly a0: number;
  /** IG scale of σ² (> 0). */
  readonly b0: number;
  /** One noise variance shared by the K experts of a particle (default false). */
  readonly shared?: boolean;
  /**
   * A random scale g on the prior variances of the coefficients flagged in `scaled` (1 = scaled):
   * `β_kj | σ², g ~ N(m₀ⱼ, g·gⱼσ²)`, `g ~ IG(a, b)`, one g per particle. Conjugate given β and σ²;
   * drawn in the sweeps (spec §3.7), fixed between them.
   */
  readonly gPrior?: { readonly a: number; readonly b: number; readonly scaled?: ArrayLike<number> };
  /**
   * A shrinkage prior (a horseshoe, per expert and coefficient or grouped) on the coefficients:
   * `β_kj | σ_k², v ~ N(m₀ⱼ, σ_k²·Π v)`, the scale tree over the K experts as the gate's over its
   * sticks, with the groups' widths. Its scales are drawn given (β, σ²) in the sweeps (Gibbs, or
   * MH under a regularised horseshoe's slab; spec §1.5, §2.8), fixed between them.
   */
  readonly shrinkage?: ScalePriorOptions;
}

/** Particle state of NIG linear experts with O(d²) streaming updates (spec E10–E12). */
export class NigLinearState extends LinearExpertState {
  /** Rule id in the compiler's rule table. */
  static readonly rule: string = "normal_inverse_gamma_linear";
  /** Prior covariance in units of σ², V₀ = diag(g) (length d). */
  readonly g: Float64Array;
  /** One σ² per particle (true) or per expert. */
  readonly shared: boolean;
  /** Prior shape of σ² ~ IG(a₀, b₀). */
  readonly a0: number;
  /** Prior scale of σ² ~ IG(a₀, b₀). */
  readonly b0: number;
  /** Posterior IG shape per variance: per block (N·K), or per particle (N) when shared. */
  readonly a: Float64Array;
  /** Posterior IG scale, laid out as {@link a}. */
  readonly b: Float64Array;
  /**
   * The part of the predictive's log density that depends on the block alone,
   * `lgamma(a + ½) − lgamma(a) − ½ log(2πb)`, kept current with (a, b): only the updated expert
   * changes in a step, so the K predictives need no lgamma (derived, not snapshotted).
   */
  private readonly logNorm: Float64Array;
  /** The shared σ² drawn with expert 0 of the particle being swept, for its other experts. */
  private readonly drawnShared: Float64Array;
  /** The random prior scale's IG(a, b) and the entries it scales (1) — absent without one. */
  readonly gPrior: { readonly a: number; readonly b: number; readonly scaled: Uint8Array } | undefined;
  /** Each particle's random prior scale g (N; 1 without one). */
  readonly gv: Float64Array;
  /** The shrinkage prior's scales over the K experts of each particle — absent without one. */
  readonly coefScales: ScalePrior | undefined;
  /** Its tree and groups' widths, as the snapshot keeps them. */
  readonly shrinkageOptions: ScalePriorOptions | undefined;
  /** Its prior precision of each coefficient in noise units (N·K·d), kept with the scales. */
  private readonly shrunkPrecision: Float64Array;
  /** Scratch: a particle's (β − m₀)/σ per expert (K·d), what the scales' conditionals read. */
  private readonly standardised: Float64Array;

  /** @throws Error unless g, a₀, b₀ > 0 and m₀ and g have length d. */
  constructor(N: number, K: number, d: number, hyper: NigLinearHyper) {
    const g = typeof hyper.g === "number" ? new Float64Array(d).fill(hyper.g) : Float64Array.from(hyper.g);
    super(N, K, d, hyper.m0, g.map((v) => 1 / v));
    if (!(hyper.a0 > 0 && hyper.b0 > 0 && g.every((v) => v > 0))) throw new Error("normal_inverse_gamma_linear: g, a0, b0 must be positive");
    this.g = g;
    this.shared = hyper.shared ?? false;
    this.a0 = hyper.a0;
    this.b0 = hyper.b0;
    const V = this.shared ? N : N * K;
    this.a = new Float64Array(V);
    this.b = new Float64Array(V);
    this.logNorm = new Float64Array(V);
    this.drawnShared = new Float64Array(1);
    const gp = hyper.gPrior;
    if (gp && !(gp.a > 0 && gp.b > 0 && (gp.scaled === undefined || gp.scaled.length === d))) {
      throw new Error("normal_inverse_gamma_linear: the prior scale's a and b must be positive, with one flag per coefficient");
    }
    // Without flags the scale multiplies every coefficient's prior variance.
    this.gPrior = gp && { a: gp.a, b: gp.b, scaled: gp.scaled ? Uint8Array.from(gp.scaled, (v) => (v ? 1 : 0)) : new Uint8Array(d).fill(1) };
    this.gv = new Float64Array(N).fill(1);
    if (gp && hyper.shrinkage) throw new Error("normal_inverse_gamma_linear: a random prior scale and a shrinkage prior exclude each other");
    this.shrinkageOptions = hyper.shrinkage && { tree: hyper.shrinkage.tree, ...(hyper.shrinkage.columns ? { columns: [...hyper.shrinkage.columns] } : {}) };
    this.coefScales = this.shrinkageOptions && new ScalePrior(N, K, d, this.shrinkageOptions);
    this.shrunkPrecision = new Float64Array(this.coefScales ? N * K * d : 0);
    this.standardised = new Float64Array(this.coefScales ? K * d : 0);
  }

  /** Prior precision of coefficient j of expert k in particle i: 1/gⱼ, divided by the particle's g where it scales, or the shrinkage prior's. */
  protected override precision(i: number, k: number, j: number): number {
    if (this.coefScales) return this.shrunkPrecision[(i * this.K + k) * this.d + j];
    return this.gPrior?.scaled[j] ? this.p0[j] / this.gv[i] : this.p0[j];
  }

  /** A random prior scale or a shrinkage prior moves in the sweeps, even with one expert. */
  override get movesPrior(): boolean {
    return this.gPrior !== undefined || this.coefScales !== undefined;
  }

  override get shrinks(): boolean {
    return this.coefScales?.shrinks ?? false;
  }

  /** κ = 1/(1 + v) of each coefficient of expert k, v its prior variance in noise units (spec §2.8). */
  override coefficientShrinkage(i: number, k: number, out: Float64Array, off: number): void {
    if (this.coefScales) this.coefScales.shrinkage(i, k, out, off);
    else super.coefficientShrinkage(i, k, out, off);
  }

  /** The shrinkage prior's precisions of particle i from its scales. */
  private refreshPrecision(i: number): void {
    for (let k = 0; k < this.K; k++) this.coefScales!.precisionDiagonal(i, k, this.shrunkPrecision, (i * this.K + k) * this.d);
  }

  /**
   * Sweep step 1, and the random prior scale: (β, σ²) of every expert, then g | β, σ² ~
   * IG(a + n/2, b + Σ (β − m₀)²/(2gⱼσ²)) over the n scaled coefficients of the K experts.
   */
  override drawParameters(rng: Rng, i: number): void {
    super.drawParameters(rng, i);
    if (this.coefScales) {
      // The shrinkage prior's scales given (β, σ²): its conditionals read (β − m₀)/σ.
      const d = this.d;
      for (let k = 0; k < this.K; k++) {
        const s = 1 / Math.sqrt(this.drawnVar[k]);
        for (let j = 0; j < d; j++) this.standardised[k * d + j] = (this.drawnBeta[k * d + j] - this.m0[j]) * s;
      }
      this.coefScales.gibbs(rng, i, this.standardised, 0);
      this.refreshPrecision(i);
      return;
    }
    const gp = this.gPrior;
    if (!gp) return;
    const d = this.d;
    let n = 0;
    let ss = 0;
    for (let k = 0; k < this.K; k++) {
      for (let j = 0; j < d; j++) {
        if (!gp.scaled[j]) continue;
        const e = this.drawnBeta[k * d + j] - this.m0[j];
        ss += (this.p0[j] * e * e) / this.drawnVar[k];
        n++;
      }
    }
    this.gv[i] = clampScale(inverseGamma(rng, gp.a + 0.5 * n, gp.b + 0.5 * ss));
  }

  /** Index into (a, b) of block b = i·K + k. */
  private v(blk: number): number {
    return this.shared ? (blk / this.K) | 0 : blk;
  }

  /** The compiler's constructor. */
  static create(N: number, K: number, d: number, hyper: { g: number | ArrayLike<number>; m0: number | ArrayLike<number>; a0: number; b0: number; shared?: boolean; gPrior?: NigLinearHyper["gPrior"]; shrinkage?: ScalePriorOptions }): NigLinearState {
    return new NigLinearState(N, K, d, { ...hyper, m0: typeof hyper.m0 === "number" ? new Float64Array(d).fill(hyper.m0) : hyper.m0 });
  }

  /** Restores a state written by {@link toJSON} (its constants are in the snapshot). */
  static restore(json: unknown): NigLinearState {
    return NigLinearState.fromJSON(json);
  }

  /** E[σ²] of IG(a, b) for expert k of particle i; NaN while a ≤ 1 (no finite mean). */
  noiseVariance(i: number, k: number): number {
    const v = this.v(i * this.K + k);
    return this.a[v] > 1 ? this.b[v] / (this.a[v] - 1) : NaN;
  }

  /** Recomputes {@link logNorm} of variance `v` from its (a, b). */
  private normalise(v: number): void {
    this.logNorm[v] = lgammaHalfRatio(this.a[v]) - 0.5 * Math.log(2 * Math.PI * this.b[v]);
  }

  /** Sets every expert of particle i to the prior (m₀, P₀ = diag(1/g), a₀, b₀, no rows), a random prior scale drawn first. */
  init(i: number, rng?: Rng): void {
    if (this.gPrior) {
      if (!rng) throw new Error("normal_inverse_gamma_linear: a random prior scale needs a random stream to start from");
      this.gv[i] = clampScale(inverseGamma(rng, this.gPrior.a, this.gPrior.b));
    }
    if (this.coefScales) {
      if (!rng) throw new Error("normal_inverse_gamma_linear: a shrinkage prior needs a random stream to start from");
      this.coefScales.init(rng, i);
      this.refreshPrecision(i);
    }
    this.initBlocks(i);
    const v0 = this.v(i * this.K);
    const v1 = this.v((i + 1) * this.K - 1) + 1;
    this.a.fill(this.a0, v0, v1);
    this.b.fill(this.b0, v0, v1);
    for (let v = v0; v < v1; v++) this.normalise(v);
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
      const v = this.v(b);
      out[outOff + k] = this.logNorm[v] - 0.5 * Math.log(q) - (this.a[v] + 0.5) * Math.log1p((r * r) / (2 * this.b[v] * q));
    }
  }

  /**
   * Predictive of y at x for expert k (E10): writes `[mean xᵀm, squared scale (b/a)(1 + xᵀVx),
   * dof 2a, variance]` at `out[outOff …]`; the variance is scale²·dof/(dof − 2), ∞ when dof ≤ 2.
   */
  predictiveMoments(i: number, k: number, x: Float64Array, xOff: number, out: Float64Array, outOff: number): void {
    this.locationAndSpread(i, k, x, xOff, out, outOff);
    const b = i * this.K + k;
    const v = this.v(b);
    const scaleSq = (this.b[v] / this.a[v]) * (1 + out[outOff + 1]);
    const dof = 2 * this.a[v];
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
    const iv = this.v(i * this.K + k);
    this.coefficientSpread(i, k, out, off);
    // spread wrote pairs; widen them to triples from the last feature down so nothing is overwritten
    for (let j = d - 1; j >= 0; j--) {
      const loc = out[off + 2 * j];
      const v = out[off + 2 * j + 1];
      out[off + 3 * j] = loc;
      out[off + 3 * j + 1] = (this.b[iv] / this.a[iv]) * v;
      out[off + 3 * j + 2] = 2 * this.a[iv];
    }
  }

  /**
   * Posterior draw for the sweep (spec §3.7 step 1): σ² ~ IG(a, b), β = m + σ·L⁻ᵀε, so
   * β | σ² ~ N(m, σ²V). Writes β at `beta[betaOff …]` and returns σ². A shared σ² is drawn
   * with expert 0 and reused for the particle's other experts, so draw them in order.
   */
  drawParams(rng: Rng, i: number, k: number, beta: Float64Array, betaOff: number): number {
    const blk = i * this.K + k;
    const d = this.d;
    const v = this.v(blk);
    // A shared σ² is drawn once per particle and sweep, with the first expert.
    const s2 = !this.shared || k === 0 ? inverseGamma(rng, this.a[v], this.b[v]) : this.drawnShared[0];
    this.drawnShared[0] = s2;
    const s = Math.sqrt(s2);
    mvnPrecChol(rng, d, this.L, blk * d * d, null, 0, beta, betaOff);
    for (let j = 0; j < d; j++) beta[betaOff + j] = this.m[blk * d + j] + s * beta[betaOff + j];
    return s2;
  }

  /** E11's σ² part: a += ½, b += r²/(2q). */
  protected absorb(blk: number, r: number, q: number): void {
    const v = this.v(blk);
    this.a[v] += 0.5;
    this.b[v] += (0.5 * r * r) / q;
    this.normalise(v);
  }

  /** E12's σ² part: a = a₀ + n/2, b = b₀ + ss/2 (a per-expert variance only). */
  protected reset(blk: number, n: number, ss: number): void {
    if (this.shared) throw new Error("normal_inverse_gamma_linear: a shared variance is rebuilt with every expert (rebuildAll)");
    this.a[blk] = this.a0 + 0.5 * n;
    this.b[blk] = this.b0 + 0.5 * ss;
    this.normalise(blk);
  }

  /** The σ² part of a discount: a = a₀ + ρ(a − a₀), b = b₀ + ρ(b − b₀) + δ/2 (δ pooled over the experts when shared). */
  protected discountNoise(i: number, rho: number, delta: Float64Array): void {
    const K = this.K;
    if (this.shared) {
      let sum = 0;
      for (let k = 0; k < K; k++) sum += delta[k];
      this.discountVariance(i, rho, sum);
      return;
    }
    for (let k = 0; k < K; k++) this.discountVariance(i * K + k, rho, delta[k]);
  }

  private discountVariance(v: number, rho: number, delta: number): void {
    this.a[v] = this.a0 + rho * (this.a[v] - this.a0);
    this.b[v] = this.b0 + rho * (this.b[v] - this.b0) + 0.5 * delta;
    this.normalise(v);
  }

  /** Sweep step 4; a shared σ² pools every expert's rows: a = a₀ + Σn/2, b = b₀ + Σss/2. */
  override rebuildAll(i: number, X: Float64Array, y: Float64Array, byExpert: Int32Array, counts: Int32Array, n: number, weights: Float64Array | null = null, _rng?: Rng): boolean {
    if (!this.shared) return super.rebuildAll(i, X, y, byExpert, counts, n, weights);
    let rows = 0;
    let ss = 0;
    for (let k = 0; k < this.K; k++) {
      const e = this.rebuildStatistics(i, k, X, y, byExpert.subarray(k * n, (k + 1) * n), counts[k], weights);
      if (e < 0) return false;
      rows += this.count[i * this.K + k];
      ss += e;
    }
    this.a[i] = this.a0 + 0.5 * rows;
    this.b[i] = this.b0 + 0.5 * ss;
    this.normalise(i);
    return true;
  }

  /** The linear experts' statistics and the inverse-gamma part of the NIG posterior. */
  static override readonly statistics: readonly Statistic[] = [
    ...LinearExpertState.statistics,
    { name: "a", size: "K (1 when shared)", about: "inverse-gamma shape of each noise variance" },
    { name: "b", size: "K (1 when shared)", about: "inverse-gamma scale of each noise variance" },
    { name: "logNorm", size: "K (1 when shared)", about: "the Student-t predictive's normaliser, kept with (a, b)" },
    { name: "gv", size: "1", about: "the random prior scale g (1 without one)" },
    { name: "shrunkPrecision", size: "K·d (none without a shrinkage prior)", about: "the shrinkage prior's precision of each coefficient, kept with its scales" },
  ];

  /** Resampling: the statistics and the shrinkage prior's scales follow their ancestors. */
  override gather(ancestors: Int32Array): void {
    super.gather(ancestors);
    this.coefScales?.gather(ancestors);
  }

  /** JSON-safe snapshot; {@link NigLinearState.fromJSON} restores it bit for bit. */
  toJSON(): Record<string, unknown> {
    const { N, K, d, a0, b0, shared } = this;
    const gp = this.gPrior;
    const random = gp ? { gPrior: { a: gp.a, b: gp.b, scaled: Array.from(gp.scaled) }, gv: encodeFloat64(this.gv) } : {};
    const shrinkage = this.coefScales ? { shrinkage: this.shrinkageOptions, scales: this.coefScales.toJSON() } : {};
    return { kind: NigLinearState.rule, N, K, d, g: Array.from(this.g), m0: Array.from(this.m0), a0, b0, shared, ...random, ...shrinkage, ...this.coreJSON(), a: encodeFloat64(this.a), b: encodeFloat64(this.b) };
  }

  /**
   * Restores a state written by {@link NigLinearState.toJSON}.
   * @throws Error if the snapshot is of another kind or its fields have the wrong size.
   */
  static fromJSON(json: unknown): NigLinearState {
    const o = expectKind(json, NigLinearState.rule);
    const s = new NigLinearState(Number(o.N), Number(o.K), Number(o.d), {
      g: Array.isArray(o.g) ? (o.g as number[]) : Number(o.g),
      m0: o.m0 as number[],
      a0: Number(o.a0),
      b0: Number(o.b0),
      shared: o.shared === true,
      gPrior: typeof o.gPrior === "object" && o.gPrior !== null ? (o.gPrior as NigLinearHyper["gPrior"]) : undefined,
      shrinkage: typeof o.shrinkage === "object" && o.shrinkage !== null ? (o.shrinkage as ScalePriorOptions) : undefined,
    });
    s.restoreNig(o);
    return s;
  }

  /** Restores the statistics written by {@link NigLinearState.toJSON} into this state (sizes and constants already set). */
  protected restoreNig(o: Record<string, unknown>): void {
    if (this.gPrior) this.gv.set(decodeFloat64(String(o.gv), this.gv.length));
    if (this.coefScales) {
      const scales = ScalePrior.restore(o.scales, this.shrinkageOptions!);
      if (scales.v.length !== this.coefScales.v.length) throw new Error("normal_inverse_gamma_linear: the shrinkage prior's scales do not fit");
      this.coefScales.v.set(scales.v);
      this.coefScales.slab.set(scales.slab);
      for (let i = 0; i < this.N; i++) this.refreshPrecision(i);
    }
    this.restoreCore(o);
    this.a.set(decodeFloat64(String(o.a), this.a.length));
    this.b.set(decodeFloat64(String(o.b), this.b.length));
    for (let v = 0; v < this.a.length; v++) this.normalise(v);
  }
}
