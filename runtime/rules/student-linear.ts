/**
 * Rule `normal_scale_mixture_studentt_linear`: expert k of particle i is a robust regression,
 * `y ~ t_ν(xᵀβ_k, σ_k)` with ν fixed, `β_k | σ_k² ~ N(m₀, σ_k² diag(g))`, `σ_k² ~ IG(a₀, b₀)`
 * (spec §2.5).
 *
 * The Student-t is a normal scale mixture: y | λ ~ N(xᵀβ, σ²/λ) with λ ~ Gamma(ν/2, rate ν/2),
 * so given the row scales λ_s the expert is the Normal-inverse-gamma regression of
 * {@link NigLinearState} with each row's precision multiplied by λ_s; a row with a small λ (an
 * outlier) barely moves the statistics.
 *
 * As the logistic experts do (spec §2.4), every particle carries a draw (β_k, σ_k²) of each
 * expert, so a row's streaming weight is the exact t_ν(y; xᵀβ_k, σ_k) and the evidence stays
 * unbiased. After the row is allocated to k its scale is drawn from its exact conditional,
 * λ ~ Gamma((ν + 1)/2, rate (ν + r²/σ_k²)/2), r = y − xᵀβ_k, the row joins the statistics with
 * precision λ (a rank-one update of the row scaled by √λ), and (σ_k², β_k) are redrawn from the
 * NIG posterior. The sweeps draw every row's λ afresh at the chain's (β, σ²), rebuild the
 * statistics and draw (σ², β). Under forgetting a row's factor t_ν^w is itself a scale mixture,
 * (1 + z/ν)^{−c} = E[e^{−λz/ν}] for λ ~ Gamma(c, 1), c = w(ν + 1)/2, so the sweeps stay exact
 * Gibbs steps over the window's rows with precision weight λ' = 2λ/ν ~ Gamma(w(ν + 1)/2, rate
 * (ν + z)/2) and the row counting w towards the variance's shape (spec §2.5). A row folded out of
 * the window keeps its λ', which later discounts scale: approximate for folded rows.
 */
import { dot } from "../linalg/index.js";
import { lgamma } from "../math/index.js";
import { gamma, type Rng } from "../rng/index.js";
import { NigLinearState, type NigLinearHyper } from "./nig-linear.js";
import type { Statistic } from "./statistics.js";
import { decodeFloat64, encodeFloat64, expectKind } from "../snapshot.js";

/** Hyperparameters: those of {@link NigLinearState} (no shared variance, no random prior scale) and the degrees of freedom ν. */
export interface StudentLinearHyper extends Pick<NigLinearHyper, "g" | "m0" | "a0" | "b0"> {
  /** Degrees of freedom of the noise (> 0). */
  readonly nu: number;
}

/** Particle state of Student-t linear experts: NIG statistics given the rows' scales, and a draw of each expert. */
export class StudentLinearState extends NigLinearState {
  /** Rule id in the compiler's rule table. */
  static override readonly rule = "normal_scale_mixture_studentt_linear";
  /** The statistics condition on the rows' scales. */
  override readonly augmented = true;
  /** Each row has a precision weight λ: an outlier's is small. */
  static override readonly weighsRows = true;
  /** Degrees of freedom ν. */
  readonly nu: number;
  /** lgamma((ν + 1)/2) − lgamma(ν/2) − ½ log(νπ): the t density's constant. */
  private readonly logC: number;
  /** The particle's current draw of each expert's coefficients (N·K blocks of d) and noise scale² (N·K). */
  readonly beta: Float64Array;
  readonly s2: Float64Array;
  /** Predictive stash: the residual y − xᵀβ of the row being weighed, per block (N·K); NaN once consumed. */
  readonly stashR: Float64Array;
  /** Scratch: the row scaled by √λ, and a rebuild's scales in the order of its rows. */
  private readonly xs: Float64Array;
  private scales = new Float64Array(0);

  /** What the block keeps per particle: the NIG statistics given the rows' scales and the draws (the stash is gathered but not snapshotted). */
  static override readonly statistics: readonly Statistic[] = [
    { name: "L", size: "K·d²", about: "Cholesky factor of each expert's precision in noise units, the rows weighted by their scales" },
    { name: "m", size: "K·d", about: "mean of each expert's coefficients given the rows' scales" },
    { name: "count", size: "K", about: "rows allocated to each expert" },
    { name: "a", size: "K", about: "inverse-gamma shape of each expert's scale² given the rows' scales" },
    { name: "b", size: "K", about: "inverse-gamma scale of each expert's scale² given the rows' scales" },
    { name: "oldP", size: "K·d²", about: "Σ λ x xᵀ of the rows folded out of the sweeps' window (λ fixed when folded)" },
    { name: "oldU", size: "K·d", about: "Σ λ x y of the folded rows" },
    { name: "oldYY", size: "K", about: "Σ λ y² of the folded rows" },
    { name: "oldN", size: "K", about: "how many rows were folded into each expert" },
    { name: "beta", size: "K·d", about: "the current draw of each expert's coefficients" },
    { name: "s2", size: "K", about: "the current draw of each expert's noise scale²" },
    { name: "stashR", size: "K", about: "y − xᵀβ of the row being weighed" },
  ];

  /** @throws Error unless ν, g, a₀, b₀ > 0 and m₀ and g have length d. */
  constructor(N: number, K: number, d: number, hyper: StudentLinearHyper) {
    super(N, K, d, { g: hyper.g, m0: hyper.m0, a0: hyper.a0, b0: hyper.b0 });
    if (!(hyper.nu > 0 && hyper.nu < Infinity)) throw new Error("normal_scale_mixture_studentt_linear: nu must be positive and finite");
    this.nu = hyper.nu;
    this.logC = lgamma(0.5 * (hyper.nu + 1)) - lgamma(0.5 * hyper.nu) - 0.5 * Math.log(hyper.nu * Math.PI);
    this.beta = new Float64Array(N * K * d);
    this.s2 = new Float64Array(N * K);
    this.stashR = new Float64Array(N * K).fill(NaN);
    this.xs = new Float64Array(d);
  }

  /** The compiler's constructor. */
  static override create(N: number, K: number, d: number, hyper: { g: number | ArrayLike<number>; m0: number | ArrayLike<number>; a0: number; b0: number; nu: number }): StudentLinearState {
    return new StudentLinearState(N, K, d, { ...hyper, m0: typeof hyper.m0 === "number" ? new Float64Array(d).fill(hyper.m0) : hyper.m0 });
  }

  /** Restores a state written by {@link toJSON} (its constants are in the snapshot). */
  static override restore(json: unknown): StudentLinearState {
    return StudentLinearState.fromJSON(json);
  }

  /** log t_ν(y; μ, σ) with σ² = s2. */
  private logT(r: number, s2: number): number {
    return this.logC - 0.5 * Math.log(s2) - 0.5 * (this.nu + 1) * Math.log1p((r * r) / (this.nu * s2));
  }

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

  /** `out[outOff + k] = log t_ν(y; xᵀβ_k, σ_k)` at the particle's draws; stashes the residuals. */
  override predictive(i: number, x: Float64Array, xOff: number, y: number, out: Float64Array, outOff: number): void {
    const d = this.d;
    for (let k = 0, b = i * this.K; k < this.K; k++, b++) {
      const r = y - dot(x, xOff, this.beta, b * d, d);
      this.stashR[b] = r;
      out[outOff + k] = this.logT(r, this.s2[b]);
    }
  }

  /** E[λ | y, β_k, σ_k²] = (ν + 1)/(ν + r²/σ_k²) at the stashed residual r (spec §2.5): 1 for a typical row, near 0 for an outlier. */
  override precisionWeight(i: number, k: number): number {
    const b = i * this.K + k;
    const r = this.stashR[b];
    return (this.nu + 1) / (this.nu + (r * r) / this.s2[b]);
  }

  /**
   * The streaming update of expert k of particle i with the row (x, y) (spec §2.5): its scale
   * λ ~ Gamma((ν + 1)/2, (ν + r²/σ²)/2) at the stashed residual, the row scaled by √λ added to
   * the NIG statistics (E11), then (σ², β) redrawn. O(d²).
   * @returns `false` on a non-finite row or a failed update.
   * @throws Error if the block has no unconsumed stash (a kernel bug, not a data problem).
   */
  override updateStashed(i: number, k: number, x: Float64Array, xOff: number, y: number, rng: Rng): boolean {
    const b = i * this.K + k;
    const r = this.stashR[b];
    if (Number.isNaN(r)) throw new Error(`updateStashed: no predictive stash for particle ${i}, expert ${k}`);
    this.stashR[b] = NaN;
    if (!Number.isFinite(r)) return false;
    const root = Math.sqrt(this.scale(rng, r, this.s2[b], 1));
    for (let j = 0; j < this.d; j++) this.xs[j] = root * x[xOff + j];
    if (!this.update(i, k, this.xs, 0, root * y)) return false;
    this.drawExpert(rng, i, k);
    return true;
  }

  /**
   * A row's precision weight given its residual r, the expert's σ² and the row's weight w (1
   * without forgetting): λ ~ Gamma(w(ν + 1)/2, rate (ν + r²/σ²)/2), the exact conditional of the
   * scale of the row's factor t_ν(r; σ)^w (see the module header).
   */
  private scale(rng: Rng, r: number, s2: number, w: number): number {
    return gamma(rng, 0.5 * w * (this.nu + 1), 0.5 * (this.nu + (r * r) / s2));
  }

  /** Sweep step 1: the particle's current draws are the chain's state (nothing is drawn). */
  override drawParameters(_rng: Rng, i: number): void {
    const n = this.K * this.d;
    this.drawnBeta.set(this.beta.subarray(i * n, (i + 1) * n));
    this.drawnVar.set(this.s2.subarray(i * this.K, (i + 1) * this.K));
  }

  /** Sweep step 2: adds log t_ν(y; xᵀβ_k, σ_k) of the chain's draws (the scales marginalised). */
  override addLogLikelihoods(x: Float64Array, xOff: number, y: number, out: Float64Array, outOff: number): void {
    const d = this.d;
    for (let k = 0; k < this.K; k++) out[outOff + k] += this.logT(y - dot(x, xOff, this.drawnBeta, k * d, d), this.drawnVar[k]);
  }

  /** Folds the row with its scale drawn at the current draw (and its weight w under forgetting) into fixed statistics (spec §3.8). */
  override fold(i: number, k: number, x: Float64Array, xOff: number, y: number, w = 1, rng?: Rng): void {
    const b = i * this.K + k;
    const r = y - dot(x, xOff, this.beta, b * this.d, this.d);
    this.foldRow(b, x, xOff, y, w, this.scale(rng!, r, this.s2[b], w));
  }

  /**
   * Sweep step 4 for every expert of particle i: each row's scale drawn at the chain's (β_k, σ_k²)
   * (with its weight under forgetting), the NIG statistics rebuilt from the rows with those
   * precisions (and the folded rows), then (σ², β) drawn: exact Gibbs steps.
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
        this.scales[t] = this.scale(rng!, r, this.drawnVar[k], weights ? weights[s] : 1);
      }
      if (!this.rebuild(i, k, X, Y, rows, nk, weights, this.scales)) return false;
      this.stashR[b] = NaN;
      this.drawExpert(rng!, i, k);
    }
    return true;
  }

  /**
   * Predictive of y at x for expert k at the particle's draw, t_ν(xᵀβ_k, σ_k): writes `[mean,
   * squared scale, ν, variance]` at `out[outOff …]` (the mixture over particles is the posterior
   * predictive; the variance is ∞ when ν ≤ 2).
   */
  override predictiveMoments(i: number, k: number, x: Float64Array, xOff: number, out: Float64Array, outOff: number): void {
    const b = i * this.K + k;
    out[outOff] = dot(x, xOff, this.beta, b * this.d, this.d);
    out[outOff + 1] = this.s2[b];
    out[outOff + 2] = this.nu;
    out[outOff + 3] = this.nu > 2 ? (this.s2[b] * this.nu) / (this.nu - 2) : Infinity;
  }

  /** JSON-safe snapshot; {@link StudentLinearState.fromJSON} restores it bit for bit. */
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), kind: StudentLinearState.rule, nu: this.nu, beta: encodeFloat64(this.beta), s2: encodeFloat64(this.s2) };
  }

  /**
   * Restores a state written by {@link StudentLinearState.toJSON}.
   * @throws Error if the snapshot is of another kind or its fields have the wrong size.
   */
  static override fromJSON(json: unknown): StudentLinearState {
    const o = expectKind(json, StudentLinearState.rule);
    const st = new StudentLinearState(Number(o.N), Number(o.K), Number(o.d), { g: Array.isArray(o.g) ? (o.g as number[]) : Number(o.g), m0: o.m0 as number[], a0: Number(o.a0), b0: Number(o.b0), nu: Number(o.nu) });
    st.restoreNig(o);
    st.beta.set(decodeFloat64(String(o.beta), st.beta.length));
    st.s2.set(decodeFloat64(String(o.s2), st.s2.length));
    return st;
  }
}
