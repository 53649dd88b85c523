/**
 * The model state of a compiled model: the composition of its blocks (runtime/rules/roles.ts)
 * behind the {@link ModelState} contract the particle-learning driver calls. An emitted kernel
 * builds its blocks from the plan's constants and hands them to {@link composeState}; what a step
 * or a sweep does is written here once, in terms of the role interfaces, so no block and no
 * kernel repeats it.
 *
 * The order of random draws is part of the contract (a restored filter continues bit for bit):
 * per particle, the PL step draws the allocation and then the gate's update; a sweep draws the
 * experts' parameters, every allocation in row order, then the gate's moves and statistics.
 *
 * Forgetting (spec §3.8, ρ < 1) targets the posterior in which row s of n weighs ρ^{n−s}: the
 * step discounts every block after each row, and the sweeps temper each row's allocation and
 * the blocks' rebuilds by its weight. ρ = 1 runs exactly the code without forgetting.
 */
import type { Rng } from "../rng/index.js";
import { categoricalLog } from "../rng/samplers.js";
import type { Block, ExpertBlock, GateBlock } from "../rules/roles.js";
import type { ModelState } from "./kernel.js";
import type { RowStore } from "./rows.js";

/**
 * How a data row becomes a block's design row, written by the emitted kernel from the model's
 * linear predictor (an intercept, single inputs, transforms of the inputs, an offset).
 */
export interface Design {
  /** Length of the design row: the coefficients it multiplies. */
  readonly d: number;
  /**
   * Length of the row `fill` writes: the design row, then the likelihood's per-row constants
   * (a binomial expert's trials); d when there are none.
   */
  readonly width?: number;
  /** Its coefficient groups in order: name, entries, and whether it is a vector (its entries named `name[j]`). */
  readonly groups: readonly (readonly [string, number, boolean])[];
  /** Writes the design row of the data row `x[xOff …]` (and its per-row constants) at `h[hOff …]` and returns the offset (0 without one). */
  fill(x: Float64Array, xOff: number, h: Float64Array, hOff: number): number;
  /** Whether it has an offset at all. */
  readonly offset: boolean;
}

/** The blocks of one particle set, by role, and every block by its snapshot name. */
export interface Composition {
  expert: ExpertBlock;
  gate: GateBlock;
  /** Every block with state, by the name its snapshot is stored under (each gathered once). */
  blocks: Readonly<Record<string, Block>>;
  /** Lengths of the inputs that make up a data row, in order. */
  sizes: readonly number[];
  /** The experts' design; without one they read the data row itself. */
  expertDesign?: Design;
  /** The gate's design (its offset shifts the logits); without one it reads the data row itself. */
  gateDesign?: Design;
}

/**
 * Design rows of the held rows for the sweeps (rows `rows.start … rows.n − 1`, row s at local
 * index s − rows.start, as in the store), extended as rows arrive and shifted as the store drops
 * old ones; or the data rows themselves when there is no design.
 */
class DesignedRows {
  private source: RowStore | null = null;
  /** The first row held here, and the rows done (absolute). */
  private base = 0;
  private done = 0;
  H: Float64Array = new Float64Array(0);
  /** The responses less the offsets (`y`), or the offsets themselves (`offset`). */
  Y: Float64Array = new Float64Array(0);

  constructor(
    private readonly design: Design | undefined,
    private readonly D: number,
    private readonly second: "y" | "offset",
  ) {}

  /** Brings the design rows up to date with `rows`. */
  update(rows: RowStore): void {
    const design = this.design;
    if (!design) {
      this.H = rows.x;
      this.Y = rows.y;
      return;
    }
    const d = design.width ?? design.d;
    if (rows !== this.source) {
      this.source = rows;
      this.base = this.done = rows.start;
    }
    if (rows.start > this.base) {
      const k = Math.min(rows.start, this.done) - this.base;
      this.H.copyWithin(0, k * d, (this.done - this.base) * d);
      this.Y.copyWithin(0, k, this.done - this.base);
      this.base = rows.start;
      this.done = Math.max(this.done, this.base);
    }
    const held = rows.n - this.base;
    if (this.H.length < held * d) {
      const cap = Math.max(held, 2 * (this.H.length / Math.max(d, 1)), 16);
      const H = new Float64Array(cap * d);
      H.set(this.H.subarray(0, (this.done - this.base) * d));
      this.H = H;
      const Y = new Float64Array(cap);
      Y.set(this.Y.subarray(0, this.done - this.base));
      this.Y = Y;
    }
    for (let s = this.done - this.base; s < held; s++) {
      const o = design.fill(rows.x, s * this.D, this.H, s * d);
      this.Y[s] = this.second === "y" ? rows.y[s] - o : o;
    }
    this.done = rows.n;
  }
}

/**
 * Builds the {@link ModelState} of a composition. With `rng`, every particle is drawn from the
 * prior (experts, then the gate with its prior); without, the blocks are taken as restored.
 * @throws Error if the gate and the experts disagree on K, or a particle's gate cannot be drawn.
 */
export function composeState(parts: Composition, rng?: Rng): ModelState {
  const { expert, gate, blocks, expertDesign, gateDesign } = parts;
  const sizes = Array.from(parts.sizes);
  const D = sizes.reduce((acc, v) => acc + v, 0);
  const N = expert.N;
  const K = expert.K;
  if (gate.K !== K || gate.N !== N) throw new Error("compose: the gate and the experts disagree on the number of experts or particles");
  if (!(sizes.length >= 1 && sizes.every((v) => Number.isInteger(v) && v >= 1))) throw new Error("compose: the input lengths must be positive integers");
  if (expert.d !== (expertDesign ? expertDesign.d : D) || expert.width !== (expertDesign ? (expertDesign.width ?? expertDesign.d) : D)) throw new Error("compose: the experts' size is not their design row's");
  if (rng) {
    for (let i = 0; i < N; i++) {
      expert.init(i, rng);
      if (!gate.init(rng, i)) throw new Error("the gate prior precision is not positive definite");
    }
  }
  const stateful = Object.entries(blocks);
  const pred = new Float64Array(K);
  const lw = new Float64Array(K);
  const mom = new Float64Array(4);
  const count = new Int32Array(K);
  let byExpert = new Int32Array(0);
  // The window's row weights under forgetting (spec §3.8), rewritten for each sweep.
  let weights = new Float64Array(0);
  /** Row from + j weighs ρ^{n − from − j} after n rows (the newest, already discounted once, ρ). */
  const weightsFor = (rho: number, n: number, from: number, count: number): Float64Array => {
    if (weights.length < count) weights = new Float64Array(Math.max(count, 2 * weights.length));
    // a weight that underflowed would make a tempered −∞ log weight NaN
    for (let j = 0; j < count; j++) weights[j] = Math.max(Number.MIN_VALUE, Math.pow(rho, n - from - j));
    return weights;
  };
  // The current row's design rows and the experts' offset (the data row itself without a design).
  const he = expertDesign ? new Float64Array(expertDesign.width ?? expertDesign.d) : null;
  const hg = gateDesign ? new Float64Array(gateDesign.d) : null;
  const experts = new DesignedRows(expertDesign, D, "y");
  const gates = new DesignedRows(gateDesign, D, "offset");
  // The current row's gate offset (0 without one).
  let og = 0;
  /** Fills the design rows of x and the gate's offset; returns the experts' offset. */
  const design = (x: Float64Array): number => {
    og = hg ? gateDesign!.fill(x, 0, hg, 0) : 0;
    return he ? expertDesign!.fill(x, 0, he, 0) : 0;
  };

  const namesOf = (design: Design | undefined) => (design ? design.groups.flatMap(([name, n, vector]) => (vector ? Array.from({ length: n }, (_, j) => `${name}[${j + 1}]`) : [name])) : null);
  return {
    N,
    K,
    D,
    P: expert.d,
    response: expert.response,
    weighsRows: expert.weighsRows,
    coefficientNames: namesOf(expertDesign),
    gateCoefficientNames: namesOf(gateDesign),
    rowProblem(x, y) {
      const ye = y - design(x);
      return expert.rowProblem(he ?? x, 0, ye);
    },
    weigh(x, y, ell) {
      const ye = y - design(x);
      const xe = he ?? x;
      const xg = hg ?? x;
      for (let i = 0; i < N; i++) {
        gate.logGate(i, xg, 0, ell, i * K, og);
        expert.predictive(i, xe, 0, ye, pred, 0);
        for (let k = 0; k < K; k++) ell[i * K + k] += pred[k];
      }
    },
    gather(a) {
      for (const [, b] of stateful) b.gather(a);
    },
    propagate(rng, x, y, ell, z, t, rho) {
      const ye = y - design(x);
      const xe = he ?? x;
      const xg = hg ?? x;
      for (let i = 0; i < N; i++) {
        // Step 4, the allocation (one expert takes every row without a draw).
        const k = K === 1 ? 0 : categoricalLog(rng, ell, i * K, K);
        z[i] = k;
        if (!expert.updateStashed(i, k, xe, 0, ye, rng)) return false; // step 5
        if (!gate.update(rng, i, k, xg, 0, og)) return false; // step 6
      }
      // Steps 7 and 8 on the gate's schedule (spec §3.6).
      if (gate.refreshEvery > 0 && (t + 1) % gate.refreshEvery === 0 && !gate.refresh(rng)) return false;
      if (rho === 1) return true;
      // Forgetting (spec §3.8): what the next row is weighed against keeps ρ of the data.
      for (let i = 0; i < N; i++) if (!expert.discount(i, rho) || !gate.discount(i, rho)) return false;
      return true;
    },
    fold(rng, rows: RowStore, from, hist, stride, count, rho) {
      // One exact expert with a fixed prior is never swept, so what the sweeps would start from is not needed.
      if (count <= 0 || (K === 1 && !expert.augmented && !expert.movesPrior)) return true;
      experts.update(rows);
      gates.update(rows);
      const de = expert.width;
      const dg = gateDesign ? gateDesign.d : D;
      const local = from - rows.start;
      const { H: X, Y } = experts;
      const G = gates.H;
      const offsets = gateDesign?.offset ? gates.Y : null;
      const w = rho === 1 ? null : weightsFor(rho, rows.n, from, count);
      // The gate folds these rows at once when the last sweep kept them; else row by row.
      const gateDone = gate.foldKept(count);
      for (let i = 0; i < N; i++) {
        for (let c = 0; c < count; c++) {
          const s = local + c;
          const k = hist[i * stride + c];
          expert.fold(i, k, X, s * de, Y[s], w ? w[c] : 1, rng);
          if (!gateDone && !gate.fold(rng, i, k, G, s * dg, offsets ? offsets[s] : 0, w ? w[c] : 1)) return false;
        }
      }
      return true;
    },
    sweep(rng, rows: RowStore, from, hist, stride, n, rho, keep = 0) {
      // One expert with exact statistics and a fixed prior: there is nothing to revisit.
      if (K === 1 && !expert.augmented && !expert.movesPrior) return true;
      experts.update(rows);
      gates.update(rows);
      const de = expert.width;
      const dg = gateDesign ? gateDesign.d : D;
      // The window's rows, from `from` (absolute): views, so row s of the window is at s.
      const local = from - rows.start;
      const whole = local === 0;
      const X = whole ? experts.H : experts.H.subarray(local * de);
      const Y = whole ? experts.Y : experts.Y.subarray(local);
      const G = whole ? gates.H : gates.H.subarray(local * dg);
      const offsets = gateDesign?.offset ? (whole ? gates.Y : gates.Y.subarray(local)) : null;
      if (byExpert.length < K * n) byExpert = new Int32Array(2 * K * n);
      const w = rho === 1 ? null : weightsFor(rho, rows.n, from, n);
      for (let i = 0; i < N; i++) {
        const h = i * stride;
        expert.drawParameters(rng, i); // 1. expert parameters (auxiliary, discarded after the sweep)
        for (let s = 0; s < n; s++) {
          // 2. every allocation from gate × expert density (the gate's ω marginalised), tempered by the row's weight
          gate.logGate(i, G, s * dg, lw, 0, offsets ? offsets[s] : 0);
          expert.addLogLikelihoods(X, s * de, Y[s], lw, 0);
          if (w) for (let k = 0; k < K; k++) lw[k] *= w[s];
          hist[h + s] = categoricalLog(rng, lw, 0, K);
        }
        if (!gate.sweep(rng, i, G, offsets, hist, h, n, w, keep)) return false; // 3. the gate's moves, statistics and coefficients
        // 4. expert statistics from scratch, from the rows now allocated to each (and those folded before)
        count.fill(0);
        for (let s = 0; s < n; s++) {
          const k = hist[h + s];
          byExpert[k * n + count[k]++] = s;
        }
        if (!expert.rebuildAll(i, X, Y, byExpert, count, n, w, rng)) return false;
      }
      return true;
    },
    predictive(x, out) {
      const offset = design(x);
      const xe = he ?? x;
      const xg = hg ?? x;
      for (let i = 0; i < N; i++) {
        gate.logGate(i, xg, 0, lw, 0, og);
        for (let k = 0; k < K; k++) {
          const o = (i * K + k) * 5;
          expert.predictiveMoments(i, k, xe, 0, mom, 0);
          out[o] = Math.exp(lw[k]);
          out[o + 1] = mom[0] + offset;
          out[o + 2] = mom[1];
          out[o + 3] = mom[2];
          out[o + 4] = mom[3];
        }
      }
    },
    gateProbabilities(x, out) {
      design(x);
      const xg = hg ?? x;
      for (let i = 0; i < N; i++) {
        gate.logGate(i, xg, 0, out, i * K, og);
        for (let k = 0; k < K; k++) out[i * K + k] = Math.exp(out[i * K + k]);
      }
    },
    shrinkage(weights) {
      return gate.shrinkage(weights);
    },
    gateCoefficients(weights) {
      return gate.coefficientMeans(weights);
    },
    gateBounded: gate.bounded,
    get keptRows() {
      return gate.keptRows;
    },
    gate: { kind: gate.kind, ...gate.coefficientShape },
    gateDraw(i, out) {
      gate.coefficientsOf(i, out);
    },
    expertCounts(out) {
      out.set(expert.count);
    },
    precisionWeight(i, k) {
      return expert.precisionWeight(i, k);
    },
    noiseVariances(k, out) {
      for (let i = 0; i < N; i++) out[i] = expert.noiseVariance(i, k);
    },
    dispersions(k, out) {
      for (let i = 0; i < N; i++) out[i] = expert.dispersion(i, k);
    },
    expertsShrink: expert.shrinks,
    expertShrinkage(k, out) {
      for (let i = 0; i < N; i++) expert.coefficientShrinkage(i, k, out, i * expert.d);
    },
    coefficientMarginals(k, out) {
      for (let i = 0; i < N; i++) expert.coefficientMarginals(i, k, out, i * expert.d * 3);
    },
    toJSON() {
      // The input lengths first: a restore needs them to rebuild the designs before any block.
      const json: Record<string, unknown> = { sizes };
      for (const [name, b] of stateful) {
        const j = b.toJSON();
        if (j !== null) json[name] = j;
      }
      return json;
    },
  };
}
