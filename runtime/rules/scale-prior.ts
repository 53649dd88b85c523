/**
 * Rule `scale_mixture_normal` (spec §1.4–1.5, E7–E9, E16 generalised): a Normal prior on the gate
 * coefficients whose variances are products of inverse-gamma "scale nodes", `φ_c ~ N(0, b_c·Π_f
 * v_f)`. Every half-Cauchy scale is written as an inverse-gamma pair (E8): its square
 * `v ~ IG(½, 1/u)` with the auxiliary `u ~ IG(½, 1/A²)`, where A² is a constant or another node
 * (a half-Cauchy prior on the half-Cauchy's scale); an inverse-gamma variance node has a constant
 * shape and rate. So the horseshoe with one local scale per coefficient, per stick, per feature
 * shared across sticks, a global scale or one per stick, global-only shrinkage and fixed scales
 * are one block with different index maps, and every node's full conditional is inverse-gamma:
 *
 *   v_m | · ~ IG(α_m + Σ_{children c} α_c + n_m/2,  r_m + Σ_{children c} 1/v_c + Σ_{φ_c under m} φ_c²/(2·b_c·Π_{f≠m} v_f))
 *
 * where r_m is the constant rate or 1/v_parent, the children are the nodes whose rate is 1/v_m,
 * and n_m the coefficients whose variance v_m multiplies.
 *
 * Layout: M nodes per particle, values `v[i·M + m]`, clamped to [1e−150, 1e150] after every draw
 * (as the horseshoe's, ./scale-bounds.ts). Coefficient c = l·d + j of stick l, column j has the
 * constant `base[c]` and the nodes `factors[c·F …]` (−1 where it has fewer than F). Everything
 * but the node values is fixed by the model and D, and built once from a {@link ScaleTree}.
 */
import { inverseGamma, type Rng } from "../rng/index.js";
import type { Allocations } from "./roles.js";
import type { GatePrior, ScalableGate } from "./gate-prior.js";
import { gatherInPlace } from "./gather.js";
import { statisticArrays, type Statistic } from "./statistics.js";
import { jointScaleLogAlpha } from "./joint-scale-move.js";
import { clampScale, HORSESHOE_SCALE_MAX, HORSESHOE_SCALE_MIN } from "./scale-bounds.js";
import { decodeFloat64, encodeFloat64, expectKind } from "../snapshot.js";

/**
 * What a scale family's index ranges over: the sticks, the features of the group that uses it,
 * or a fixed number of positions (groups of features named by an integer array).
 */
export type ScaleDim = "stick" | "column" | { readonly size: number };

/**
 * How a family of scale nodes is indexed from a coefficient: by its stick, its column in its
 * group, a fixed position, or its column mapped through an array of 0-based positions (the
 * model's integer array `name`, one entry per feature: `lambda[k, group[j]]`).
 */
export type ScaleIndex = "stick" | "column" | number | { readonly column: readonly number[]; readonly name: string };

/** One family of scale nodes (a model parameter such as `lambda[k, j]`, or its auxiliaries). */
export interface ScaleFamily {
  /** Its indices, in declaration order; [] for a scalar. */
  readonly dims: readonly ScaleDim[];
  /** IG shape of each node's prior. */
  readonly shape: number;
  /** IG rate: a constant, or 1/v of a parent family's node (a scalar one, or the same position in one of the same size). */
  readonly rate: { readonly constant: number } | { readonly parent: number };
  /** Whether its values are reported as shrinkage scales (the model's own λ and τ, not auxiliaries). */
  readonly scale: boolean;
}

/**
 * The hierarchy as the compiler writes it: the families, and for each coefficient group of the
 * gate's design (columns `[offset, offset + length)` of every stick) its constant variance and
 * the families whose nodes multiply it, indexed as {@link ScaleIndex}es into each family's dims.
 */
export interface ScaleTree {
  readonly families: readonly ScaleFamily[];
  readonly groups: readonly {
    /** Its columns; the last group may leave it out to take the rest of the design row. */
    readonly columns?: number;
    readonly base: number;
    readonly factors: readonly { readonly family: number; readonly index: readonly ScaleIndex[] }[];
    /** Whether the slab regularises the group's variances (the regularised horseshoe). */
    readonly slab?: boolean;
  }[];
  /**
   * The regularised horseshoe's slab (Piironen and Vehtari 2017): one c² ~ IG(shape, rate) per
   * particle, and each variance v of a slabbed group becomes c²v/(c² + v), so no coefficient's
   * prior is wider than the slab.
   */
  readonly slab?: { readonly shape: number; readonly rate: number };
}

/** Options of the block: the tree, and the columns of each group when the gate's design row says them. */
export interface ScalePriorOptions {
  readonly tree: ScaleTree;
  /** Columns per group, from the gate's design row (its coefficient families' lengths for this D). */
  readonly columns?: readonly number[];
  /** Rows of coefficients it governs, when not the K − 1 sticks (a softmax gate with every category free: K). */
  readonly rows?: number;
}

/** Per-particle state of a scale-mixture Normal prior on the gate coefficients (see the module header). */
export class ScalePrior implements GatePrior {
  /** Rule id in the compiler's rule table. */
  static readonly rule = "scale_mixture_normal";
  readonly rule = ScalePrior.rule;
  readonly N: number;
  readonly sticks: number;
  readonly d: number;
  readonly tree: ScaleTree;
  /** Nodes per particle. */
  readonly M: number;
  /** Node values (N·M). */
  readonly v: Float64Array;
  readonly shrinks: boolean;
  /** Bounded by a slab, or by fixed scales alone. */
  readonly bounded: boolean;
  /** Per node: prior shape, constant rate (NaN when it has a parent), parent node (−1), and the sum of its children's shapes. */
  private readonly shape: Float64Array;
  private readonly rate: Float64Array;
  private readonly parent: Int32Array;
  private readonly childShape: Float64Array;
  /** Children of each node (nodes whose rate is 1/v of it), CSR. */
  private readonly childStart: Int32Array;
  private readonly childList: Int32Array;
  /** Coefficients each node multiplies, CSR. */
  private readonly coefStart: Int32Array;
  private readonly coefList: Int32Array;
  /** Per coefficient: constant variance and up to F factor nodes. */
  private readonly base: Float64Array;
  private readonly factors: Int32Array;
  private readonly F: number;
  /** Update order of the Gibbs sweep (each node's auxiliary right after it), and a parents-first order for prior draws. */
  private readonly order: Int32Array;
  private readonly initOrder: Int32Array;
  /** Joint moves: node, first and last stick + 1, for nodes that scale whole sticks (none under a slab). */
  private readonly joint: Int32Array;
  /** The slab's prior, each particle's c² (N; 0 without a slab), and which coefficients it regularises. */
  private readonly slabPrior: { readonly shape: number; readonly rate: number } | undefined;
  readonly slab: Float64Array;
  private readonly slabbed: Uint8Array;
  /** Per node: whether a coefficient it multiplies is slabbed (its draw is then an MH step). */
  private readonly slabbedNode: Uint8Array;
  /** What the prior keeps per particle: the value of every scale node and auxiliary of its tree. */
  static readonly statistics: readonly Statistic[] = [
    { name: "v", size: "M (the tree's nodes)", about: "every scale node's value (squared scales, variances, auxiliaries)" },
    { name: "slab", size: "1", about: "the regularised horseshoe's slab width c² (0 without one)" },
  ];
  private readonly fields: readonly Float64Array[];

  /** @throws Error if the tree does not fit (sizes, indices, shapes, rates). */
  constructor(N: number, sticks: number, d: number, options: ScalePriorOptions) {
    const tree = options.tree;
    this.N = N;
    this.sticks = sticks;
    this.d = d;
    this.tree = tree;
    const fixed = tree.groups.slice(0, -1).reduce((acc, g) => acc + (g.columns ?? NaN), 0);
    const widths = options.columns ? [...options.columns] : tree.groups.map((g, q) => g.columns ?? (q === tree.groups.length - 1 ? d - fixed : NaN));
    if (widths.length !== tree.groups.length) throw new Error("scale prior: one width per group is needed");
    const columns = widths.reduce((acc, w) => acc + w, 0);
    if (!(N >= 1 && sticks >= 1 && d >= 1) || columns !== d || !widths.every((w) => Number.isInteger(w) && w >= 1)) {
      throw new Error(`scale prior: the groups cover ${columns} columns, the gate has ${d}`);
    }
    // A family over the features spans the columns of the group that uses it (one group only).
    const columnsOf = tree.families.map(() => 0);
    tree.groups.forEach((g, q) => {
      for (const f of g.factors) {
        if (!tree.families[f.family]?.dims.includes("column")) continue;
        if (columnsOf[f.family] !== 0 && columnsOf[f.family] !== widths[q]) throw new Error("scale prior: a family over the features serves groups of different widths");
        columnsOf[f.family] = widths[q];
      }
    });
    // An auxiliary family (a parent of the same shape) spans what its child spans.
    for (let pass = 0; pass < tree.families.length; pass++) {
      tree.families.forEach((f, q) => {
        const p = "parent" in f.rate ? f.rate.parent : -1;
        if (p >= 0 && tree.families[p]?.dims.includes("column") && columnsOf[p] === 0) columnsOf[p] = columnsOf[q];
      });
    }
    const extent = (family: number, x: ScaleDim): number => (x === "stick" ? sticks : x === "column" ? columnsOf[family] : x.size);
    // Node ranges of each family: its size is the product of its dims.
    const start: number[] = [];
    let M = 0;
    tree.families.forEach((f, q) => {
      if (!(f.shape > 0)) throw new Error("scale prior: a node's shape must be positive");
      start.push(M);
      M += f.dims.reduce<number>((acc, x) => acc * extent(q, x), 1);
    });
    this.M = M;
    const nodeOf = (family: number, index: readonly ScaleIndex[], l: number, j: number): number => {
      const f = tree.families[family];
      let at = 0;
      f.dims.forEach((dim, q) => {
        const x = index[q];
        const value: number = x === "stick" ? l : x === "column" ? j : typeof x === "number" ? x : x.column[j];
        if (!(Number.isInteger(value) && value >= 0 && value < extent(family, dim))) throw new Error("scale prior: an index is out of range");
        at = at * extent(family, dim) + value;
      });
      return start[family] + at;
    };
    this.shape = new Float64Array(M);
    this.rate = new Float64Array(M).fill(NaN);
    this.parent = new Int32Array(M).fill(-1);
    tree.families.forEach((f, q) => {
      for (let m = start[q]; m < (start[q + 1] ?? M); m++) {
        this.shape[m] = f.shape;
        if ("constant" in f.rate) {
          if (!(f.rate.constant > 0 && f.rate.constant < Infinity)) throw new Error("scale prior: a constant rate must be positive and finite");
          this.rate[m] = f.rate.constant;
        } else {
          // The parent is a scalar family, or one of the same size paired node by node (a local
          // scale and its own auxiliary).
          const p = f.rate.parent;
          const size = (start[p + 1] ?? M) - start[p];
          if (!tree.families[p] || p === q || !(size === 1 || size === (start[q + 1] ?? M) - start[q])) {
            throw new Error("scale prior: a parent must be another family, scalar or of the same size");
          }
          this.parent[m] = start[p] + (size === 1 ? 0 : m - start[q]);
        }
      }
    });
    this.childShape = new Float64Array(M);
    const children: number[][] = Array.from({ length: M }, () => []);
    for (let m = 0; m < M; m++) {
      if (this.parent[m] >= 0) {
        children[this.parent[m]].push(m);
        this.childShape[this.parent[m]] += this.shape[m];
      }
    }
    [this.childStart, this.childList] = csr(children);
    this.F = Math.max(1, ...tree.groups.map((g) => g.factors.length));
    this.base = new Float64Array(sticks * d);
    this.factors = new Int32Array(sticks * d * this.F).fill(-1);
    const coefs: number[][] = Array.from({ length: M }, () => []);
    for (let l = 0; l < sticks; l++) {
      let j0 = 0;
      for (const [q, g] of tree.groups.entries()) {
        if (!(g.base > 0 && g.base < Infinity)) throw new Error("scale prior: a constant variance must be positive and finite");
        for (const f of g.factors) {
          for (const x of f.index) {
            // The array's length is the data's to match: say so in the model's terms.
            if (typeof x === "object" && x.column.length !== widths[q]) throw new Error(`the model's \`${x.name}\` has ${x.column.length} entries, one per feature of the gate, but the gate has ${widths[q]} features`);
          }
        }
        for (let j = j0; j < j0 + widths[q]; j++) {
          const c = l * d + j;
          this.base[c] = g.base;
          g.factors.forEach((f, q) => {
            const m = nodeOf(f.family, f.index, l, j - j0);
            this.factors[c * this.F + q] = m;
            coefs[m].push(c);
          });
        }
        j0 += widths[q];
      }
    }
    [this.coefStart, this.coefList] = csr(coefs);
    // Gibbs order: the nodes that multiply coefficients, finest first (the locals before the
    // globals), each followed by its auxiliary chain; prior draws go parents first.
    const isAux = (m: number) => children[m].length > 0 && coefs[m].length === 0;
    const order: number[] = [];
    const seen = new Uint8Array(M);
    const visit = (m: number) => {
      for (let x = m; x >= 0 && !seen[x]; x = this.parent[x]) {
        seen[x] = 1;
        order.push(x);
      }
    };
    const leaves = Array.from({ length: M }, (_, m) => m).filter((m) => coefs[m].length > 0);
    leaves.sort((a, b) => coefs[a].length - coefs[b].length || a - b);
    leaves.forEach(visit);
    for (let m = 0; m < M; m++) if (!seen[m] && !isAux(m)) visit(m);
    for (let m = 0; m < M; m++) visit(m);
    this.order = Int32Array.from(order);
    // Prior draws need each node's parent first: by depth in the chain of rates, roots first.
    const depth = (m: number): number => (this.parent[m] < 0 ? 0 : 1 + depth(this.parent[m]));
    const depths = Array.from({ length: M }, (_, m) => depth(m));
    this.initOrder = Int32Array.from(order.slice().sort((a, b) => depths[a] - depths[b]));
    this.shrinks = tree.families.some((f) => f.scale);
    this.bounded = tree.slab !== undefined || tree.families.length === 0;
    // A node whose coefficients are whole sticks l0 … l1−1 can move jointly with them.
    const joint: number[] = [];
    for (let m = 0; m < M; m++) {
      const cs = coefs[m];
      if (cs.length === 0 || cs.length % d !== 0) continue;
      const l0 = Math.floor(cs[0] / d);
      if (cs.every((c, t) => c === l0 * d + t)) joint.push(m, l0, l0 + cs.length / d);
    }
    const slab = tree.slab;
    if (slab && !(slab.shape > 0 && slab.rate > 0 && slab.shape < Infinity && slab.rate < Infinity)) throw new Error("scale prior: the slab's shape and rate must be positive and finite");
    this.slabPrior = slab && { shape: slab.shape, rate: slab.rate };
    this.slabbed = new Uint8Array(sticks * d);
    this.slabbedNode = new Uint8Array(M);
    if (slab) {
      for (let l = 0; l < sticks; l++) {
        let j0 = 0;
        tree.groups.forEach((g, q) => {
          if (g.slab) this.slabbed.fill(1, l * d + j0, l * d + j0 + widths[q]);
          j0 += widths[q];
        });
      }
      for (let c = 0; c < sticks * d; c++) {
        if (!this.slabbed[c]) continue;
        for (let f = 0; f < this.F; f++) if (this.factors[c * this.F + f] >= 0) this.slabbedNode[this.factors[c * this.F + f]] = 1;
      }
    }
    // The joint (v, φ) move's acceptance assumes the plain Normal prior: under a slab the Gibbs
    // (and MH) steps alone move the scales.
    this.joint = slab ? new Int32Array(0) : Int32Array.from(joint);
    this.slab = new Float64Array(N);
    this.v = new Float64Array(N * M);
    this.fields = statisticArrays(this, ScalePrior.statistics);
  }

  /** The compiler's constructor: sticks K − 1 of a K-expert gate with d coefficients each. */
  static create(N: number, K: number, d: number, options: ScalePriorOptions): ScalePrior {
    return new ScalePrior(N, options.rows ?? K - 1, d, options);
  }

  /** Restores a state written by {@link toJSON}, with the tree from the kernel. */
  static restore(json: unknown, options: ScalePriorOptions): ScalePrior {
    const o = expectKind(json, ScalePrior.rule);
    const s = new ScalePrior(Number(o.N), Number(o.sticks), Number(o.d), options);
    s.v.set(decodeFloat64(String(o.v), s.v.length));
    if (s.slabPrior) s.slab.set(decodeFloat64(String(o.slab), s.slab.length));
    return s;
  }

  /** The rate of node m's prior in particle i: constant, or 1/v of its parent. */
  private priorRate(i: number, m: number): number {
    const p = this.parent[m];
    return p < 0 ? this.rate[m] : 1 / this.v[i * this.M + p];
  }

  /** Prior draw, parents first (E9). */
  init(rng: Rng, i: number): void {
    for (const m of this.initOrder) this.v[i * this.M + m] = clampScale(inverseGamma(rng, this.shape[m], this.priorRate(i, m)));
    if (this.slabPrior) this.slab[i] = clampScale(inverseGamma(rng, this.slabPrior.shape, this.slabPrior.rate));
  }

  /**
   * One Gibbs sweep over the nodes given φ (E16 generalised; see the module header). Under a slab
   * the prior of a slabbed coefficient is N(φ; 0, v̄), v̄ = c²v/(c² + v), which is
   * N(φ; 0, v)·N(φ; 0, c²)·√(2π(v + c²)): a node's inverse-gamma conditional of the plain prior
   * is then an independence proposal, accepted with Π √((v' + c²)/(v + c²)) over the slabbed
   * coefficients it multiplies; c² itself is proposed from IG(shape + n/2, rate + Σφ²/2) and
   * accepted with Π √((v + c²')/(v + c²)) (spec §1.5, the regularised horseshoe).
   */
  gibbs(rng: Rng, i: number, phi: Float64Array, phiOff: number): boolean {
    const { M, F, v } = this;
    const o = i * M;
    const c2 = this.slab[i];
    for (const m of this.order) {
      let shape = this.shape[m] + this.childShape[m];
      let rate = this.priorRate(i, m);
      for (let t = this.childStart[m]; t < this.childStart[m + 1]; t++) rate += 1 / v[o + this.childList[t]];
      let ss = 0;
      for (let t = this.coefStart[m]; t < this.coefStart[m + 1]; t++) {
        const c = this.coefList[t];
        const x = phi[phiOff + c];
        ss += (x * x) / this.others(i, c, m);
      }
      shape += 0.5 * (this.coefStart[m + 1] - this.coefStart[m]);
      rate += 0.5 * ss;
      const proposed = clampScale(inverseGamma(rng, shape, rate));
      if (!this.slabbedNode[m]) {
        v[o + m] = proposed;
        continue;
      }
      let logA = 0;
      for (let t = this.coefStart[m]; t < this.coefStart[m + 1]; t++) {
        const c = this.coefList[t];
        if (!this.slabbed[c]) continue;
        const other = this.others(i, c, m);
        logA += 0.5 * (Math.log(other * proposed + c2) - Math.log(other * v[o + m] + c2));
      }
      if (Math.log(rng.uniform()) < logA) v[o + m] = proposed;
    }
    const slab = this.slabPrior;
    if (slab) {
      let n = 0;
      let ss = 0;
      for (let c = 0; c < this.sticks * this.d; c++) {
        if (!this.slabbed[c]) continue;
        const x = phi[phiOff + c];
        ss += x * x;
        n++;
      }
      const proposed = clampScale(inverseGamma(rng, slab.shape + 0.5 * n, slab.rate + 0.5 * ss));
      let logA = 0;
      for (let c = 0; c < this.sticks * this.d; c++) {
        if (!this.slabbed[c]) continue;
        const w = this.plainVariance(i, c);
        logA += 0.5 * (Math.log(w + proposed) - Math.log(w + c2));
      }
      if (Math.log(rng.uniform()) < logA) this.slab[i] = proposed;
    }
    return true;
  }

  /** The plain prior variance of coefficient c in particle i without node m's factor. */
  private others(i: number, c: number, m: number): number {
    let other = this.base[c];
    for (let f = 0; f < this.F; f++) {
      const n = this.factors[c * this.F + f];
      if (n >= 0 && n !== m) other *= this.v[i * this.M + n];
    }
    return other;
  }

  /**
   * Joint (v, φ) moves (spec §3.7 item 3, generalised): for each node that scales whole sticks,
   * v → c²v and their φ → cφ, accepted with Δℓ − 2ε(α + Σα_children) − R(e^{−2ε} − 1)/v, R its
   * full prior rate (the horseshoe's τ move when α = ½ and R = 1/ξ).
   */
  sweepMoves(rng: Rng, i: number, gate: ScalableGate, X: Float64Array, z: Allocations, zOff: number, t: number, sd = 0.5): void {
    const o = i * this.M;
    for (let q = 0; q < this.joint.length; q += 3) {
      const m = this.joint[q];
      const eps = sd * rng.normal();
      const c = Math.exp(eps);
      const v = this.v[o + m];
      const proposed = c * c * v;
      if (!(proposed >= HORSESHOE_SCALE_MIN && proposed <= HORSESHOE_SCALE_MAX)) continue;
      let R = this.priorRate(i, m);
      for (let s = this.childStart[m]; s < this.childStart[m + 1]; s++) R += 1 / this.v[o + this.childList[s]];
      const dLogLik = gate.scaleLogLikChange(i, this.joint[q + 1], this.joint[q + 2], c, X, z, zOff, t);
      const alpha = jointScaleLogAlpha(dLogLik, eps, v, 1 / R) - 2 * eps * (this.shape[m] + this.childShape[m] - 0.5);
      if (!(Math.log(rng.uniform()) < alpha)) continue;
      this.v[o + m] = proposed;
      gate.rescale(i, this.joint[q + 1], this.joint[q + 2], c);
    }
  }

  /** The plain prior variance of coefficient c (= l·d + j) in particle i: its base times its nodes. */
  private plainVariance(i: number, c: number): number {
    let s = this.base[c];
    for (let f = 0; f < this.F; f++) {
      const n = this.factors[c * this.F + f];
      if (n >= 0) s *= this.v[i * this.M + n];
    }
    return s;
  }

  /** The prior variance of coefficient c in particle i: the plain one, or c²v/(c² + v) under the slab. */
  private variance(i: number, c: number): number {
    const s = this.plainVariance(i, c);
    if (!this.slabbed[c]) return s;
    const c2 = this.slab[i];
    return (c2 * s) / (c2 + s);
  }

  precisionDiagonal(i: number, l: number, out: Float64Array, outOff: number): void {
    for (let j = 0; j < this.d; j++) out[outOff + j] = 1 / this.variance(i, l * this.d + j);
  }

  /** κ = 1/(1 + variance) of each coefficient of stick l (1 = shrunk away). */
  shrinkage(i: number, l: number, out: Float64Array, outOff: number): void {
    for (let j = 0; j < this.d; j++) out[outOff + j] = 1 / (1 + this.variance(i, l * this.d + j));
  }

  gather(ancestors: Int32Array): void {
    gatherInPlace(this.fields, ancestors, this.N);
  }

  /** JSON-safe snapshot of the node values (the tree comes from the kernel). */
  toJSON(): Record<string, unknown> {
    return { kind: ScalePrior.rule, N: this.N, sticks: this.sticks, d: this.d, M: this.M, v: encodeFloat64(this.v), ...(this.slabPrior ? { slab: encodeFloat64(this.slab) } : {}) };
  }
}

/** Lists of lists as compressed rows: start offsets (length + 1) and the entries. */
function csr(lists: readonly number[][]): [Int32Array, Int32Array] {
  const start = new Int32Array(lists.length + 1);
  lists.forEach((l, m) => (start[m + 1] = start[m] + l.length));
  const list = new Int32Array(start[lists.length]);
  lists.forEach((l, m) => list.set(l, start[m]));
  return [start, list];
}
