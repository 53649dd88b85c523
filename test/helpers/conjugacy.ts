/**
 * Conjugacy self-checks in the spirit of NIMBLE's posterior verification (issue 11, deliverable
 * 1): a block's full conditional is compared with prior × likelihood evaluated numerically at a
 * few points, never with the block's own update formula derived a second time.
 *
 * The core identity: a conditional density p(θ | ·) is right iff
 * `log p(θ | ·) − log[prior(θ) · likelihood(θ)]` takes the same value at every θ; that value is
 * −log of the target's normaliser (for an expert, −log evidence). {@link checkConditional}
 * asserts it at 1e−10 relative, the spec's tolerance for deterministic identities (§6).
 *
 * Blocks that only draw from an inverse-gamma conditional (the horseshoe, the scale-tree prior)
 * never expose its shape and scale. {@link recordInverseGammaDraws} recovers them by running
 * the block's Gibbs sweep with a deterministic probe in place of the random stream, so that the
 * density identity can be checked for every draw.
 *
 * Everything here is plain code with no test framework: failures throw, so a test can also
 * assert that a deliberately wrong conditional is refused.
 */
import { lgamma } from "../../runtime/math/special.js";
import type { Rng } from "../../runtime/rng/index.js";

/** Relative tolerance of the deterministic identities (spec §6). */
export const IDENTITY_TOL = 1e-10;

/** How logConditional − logTarget behaves over the points. */
export interface ConditionalComparison {
  /** logConditional(θ) − logTarget(θ) at each point. */
  readonly differences: readonly number[];
  /** The first difference: −log of the target's normaliser when the conditional is right. */
  readonly constant: number;
  /** max |difference − constant| divided by {@link scale}. */
  readonly relativeSpread: number;
  /** max(1, |logTarget|, |logConditional|) over the points: the size rounding is relative to. */
  readonly scale: number;
}

/** Evaluates logConditional − logTarget at every point (see {@link checkConditional}). */
export function compareConditional<T>(
  logTarget: (theta: T) => number,
  logConditional: (theta: T) => number,
  points: readonly T[],
): ConditionalComparison {
  if (points.length < 2) throw new Error("compareConditional: need at least two points");
  const differences: number[] = [];
  let scale = 1;
  for (const p of points) {
    const t = logTarget(p);
    const c = logConditional(p);
    if (!Number.isFinite(t) || !Number.isFinite(c)) throw new Error(`compareConditional: non-finite log density (target ${t}, conditional ${c})`);
    differences.push(c - t);
    scale = Math.max(scale, Math.abs(t), Math.abs(c));
  }
  const constant = differences[0];
  const spread = Math.max(...differences.map((v) => Math.abs(v - constant)));
  return { differences, constant, relativeSpread: spread / scale, scale };
}

/**
 * Asserts that `logConditional − logTarget` is the same constant at every point, to `tol`
 * relative to the size of the log densities (rounding in each is about 1e−16 of it), and
 * returns that constant. Take random points spread over the bulk and the tails: a
 * non-constant difference of smooth log densities is constant over random points only with
 * probability zero, and a few more points keep a nearly constant one from hiding under `tol`.
 * @throws Error naming the spread when the difference is not constant.
 */
export function checkConditional<T>(
  logTarget: (theta: T) => number,
  logConditional: (theta: T) => number,
  points: readonly T[],
  tol = IDENTITY_TOL,
): number {
  const c = compareConditional(logTarget, logConditional, points);
  if (!(c.relativeSpread <= tol)) {
    throw new Error(`conditional ≠ prior × likelihood: log ratio not constant (relative spread ${c.relativeSpread.toExponential(2)} > ${tol}; differences ${c.differences.map((v) => v.toPrecision(12)).join(", ")})`);
  }
  return c.constant;
}

/** |a − b| / max(1, |b|): relative above 1, absolute below (log densities and log evidences). */
export function relativeGap(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1, Math.abs(b));
}

// ---------------------------------------------------------------------------------------------
// Reference log densities, written out here so that no runtime density is trusted.

const LOG_2PI = Math.log(2 * Math.PI);

/** log N(x; mean, variance). */
export function logNormal(x: number, mean: number, variance: number): number {
  const r = x - mean;
  return -0.5 * (LOG_2PI + Math.log(variance) + (r * r) / variance);
}

/** log IG(x; shape a, scale b) = a log b − lgamma(a) − (a + 1) log x − b/x (spec §0). */
export function logInverseGamma(x: number, shape: number, scale: number): number {
  return shape * Math.log(scale) - lgamma(shape) - (shape + 1) * Math.log(x) - scale / x;
}

/**
 * log N(x; mean, c·(LLᵀ)⁻¹) for a row-major lower factor L of a precision at `L[lOff …]`:
 * −½ d log(2πc) + Σ log L_jj − ‖Lᵀ(x − mean)‖²/(2c). Only the lower triangle is read.
 */
export function logNormalPrecisionFactor(
  x: ArrayLike<number>,
  mean: ArrayLike<number>,
  L: ArrayLike<number>,
  lOff: number,
  d: number,
  c = 1,
): number {
  let logDet = 0;
  let quad = 0;
  for (let j = 0; j < d; j++) {
    logDet += Math.log(L[lOff + j * d + j]);
    // (Lᵀe)_j = Σ_{i ≥ j} L_ij e_i
    let s = 0;
    for (let i = j; i < d; i++) s += L[lOff + i * d + j] * (x[i] - mean[i]);
    quad += s * s;
  }
  return -0.5 * d * (LOG_2PI + Math.log(c)) + logDet - (0.5 * quad) / c;
}

/** Q⁻¹b for Q = LLᵀ (row-major lower factor at `L[lOff …]`): a forward then a back substitution. */
export function solveWithFactor(L: ArrayLike<number>, lOff: number, d: number, b: ArrayLike<number>): Float64Array {
  const w = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[lOff + i * d + k] * w[k];
    w[i] = s / L[lOff + i * d + i];
  }
  for (let i = d - 1; i >= 0; i--) {
    let s = w[i];
    for (let k = i + 1; k < d; k++) s -= L[lOff + k * d + i] * w[k];
    w[i] = s / L[lOff + i * d + i];
  }
  return w;
}

/** (x − mean)ᵀ LLᵀ (x − mean) for a row-major lower factor at `L[lOff …]`. */
export function factorQuadForm(x: ArrayLike<number>, mean: ArrayLike<number>, L: ArrayLike<number>, lOff: number, d: number): number {
  let quad = 0;
  for (let j = 0; j < d; j++) {
    let s = 0;
    for (let i = j; i < d; i++) s += L[lOff + i * d + j] * (x[i] - mean[i]);
    quad += s * s;
  }
  return quad;
}

// ---------------------------------------------------------------------------------------------
// Recovering the inverse-gamma conditionals a Gibbs sweep draws from.

/** Read and write access to the values a Gibbs sweep updates, as one flat vector. */
export interface NodeAccess {
  /** A fresh copy of the current values. */
  read(): Float64Array;
  /** Sets every value. */
  write(values: Float64Array): void;
}

/** One inverse-gamma draw of a sweep: the node, the IG(shape, scale) it was drawn from, and the values it was conditioned on. */
export interface InverseGammaDraw {
  /** Index of the node in the vector of {@link NodeAccess}. */
  readonly node: number;
  readonly shape: number;
  readonly scale: number;
  /** Every node's value when the draw was made (the node's own old value included). */
  readonly given: Float64Array;
}

/** Probe values fed to the sampler's normal deviate: 0 for the baseline, then two others. */
const PROBE_BASE = 0;
const PROBE_A = 1;
const PROBE_B = -0.5;

/**
 * Stands in for {@link Rng} during a probe sweep: `normal()` returns 0 except at one chosen call,
 * `uniform()` returns ½, and every value vector is snapshotted at each `normal()` call, which is
 * where a draw starts, so the snapshot is the state the draw was conditioned on.
 */
class ProbeRng {
  readonly given: Float64Array[] = [];
  readonly uniformCalls: number[] = [];
  private calls = 0;

  constructor(
    private readonly nodes: NodeAccess,
    private readonly probeAt: number,
    private readonly probe: number,
  ) {}

  normal(): number {
    this.given.push(this.nodes.read());
    this.uniformCalls.push(0);
    return this.calls++ === this.probeAt ? this.probe : PROBE_BASE;
  }

  uniform(): number {
    if (this.uniformCalls.length === 0) throw new Error("probe: uniform() before any normal(): not an inverse-gamma draw");
    this.uniformCalls[this.uniformCalls.length - 1]++;
    return 0.5;
  }

  exponential(): number {
    throw new Error("probe: exponential() is not used by an inverse-gamma draw");
  }
}

/**
 * The IG(shape, scale) of every draw a Gibbs sweep makes, recovered from the sampler, not from
 * the block's code: the sweep is run from the current values with a probe stream in place of
 * the Rng (see {@link ProbeRng}), once as a baseline and twice more per draw with that draw's
 * normal deviate changed. The runtime's IG(a, b) draw is b / G with G from Marsaglia–Tsang
 * (spec §7); for a ≥ 1 one deviate x and u = ½ give G = δ(1 + x/(3√δ))³, δ = a − ⅓, so two
 * deviates fix (a, b) and the third must then be predicted to 1e−9, or this throws (the sampler
 * is not that inverse gamma, or the draw's shape is below 1). Only the draw being probed
 * changes: everything before it is replayed identically, so it is conditioned on the same
 * values each time. The values are restored afterwards.
 * @param sweep - runs the sweep once with the stream it is given
 */
export function recordInverseGammaDraws(nodes: NodeAccess, sweep: (rng: Rng) => void): InverseGammaDraw[] {
  const start = nodes.read();
  const run = (probeAt: number, probe: number) => {
    nodes.write(start);
    const rng = new ProbeRng(nodes, probeAt, probe);
    sweep(rng as unknown as Rng);
    const after = [...rng.given.slice(1), nodes.read()];
    return { rng, after };
  };
  const base = run(-1, 0);
  const draws: InverseGammaDraw[] = [];
  for (let n = 0; n < base.rng.given.length; n++) {
    if (base.rng.uniformCalls[n] !== 1) throw new Error(`draw ${n}: ${base.rng.uniformCalls[n]} uniforms per normal, not an inverse-gamma draw of shape ≥ 1`);
    const before = base.rng.given[n];
    const changed: number[] = [];
    base.after[n].forEach((v, m) => v !== before[m] && changed.push(m));
    if (changed.length !== 1) throw new Error(`draw ${n} changed ${changed.length} values, not one`);
    const node = changed[0];
    const v0 = base.after[n][node];
    const v1 = run(n, PROBE_A).after[n][node];
    const v2 = run(n, PROBE_B).after[n][node];
    const t = Math.cbrt(v0 / v1) - 1;
    const root = PROBE_A / (3 * t);
    const delta = root * root;
    const shape = delta + 1 / 3;
    const scale = v0 * delta;
    const predicted = scale / (delta * (1 + PROBE_B / (3 * root)) ** 3);
    if (!(t > 0 && shape >= 1 && Math.abs(v2 / predicted - 1) < 1e-9)) {
      throw new Error(`draw ${n} (node ${node}) is not an inverse-gamma draw b/Gamma(a) with a ≥ 1 (probes ${v0}, ${v1}, ${v2})`);
    }
    draws.push({ node, shape, scale, given: before });
  }
  nodes.write(start);
  return draws;
}

/**
 * Checks one recorded draw against the target: `logJoint(values)` is the log joint density of
 * every node (and whatever they govern), and as a function of the drawn node alone it must be
 * IG(shape, scale) up to a constant. Evaluated at the IG's mean-ish scale b/a times
 * {0.05, 0.3, 1, 2.5, 20}, which spans both tails.
 * @throws Error (from {@link checkConditional}) when it is not.
 */
export function checkInverseGammaDraw(draw: InverseGammaDraw, logJoint: (values: Float64Array) => number, tol = IDENTITY_TOL): number {
  const at = (v: number) => {
    const values = Float64Array.from(draw.given);
    values[draw.node] = v;
    return values;
  };
  const s = draw.scale / draw.shape;
  const points = [0.05, 0.3, 1, 2.5, 20].map((f) => f * s);
  return checkConditional(
    (v: number) => logJoint(at(v)),
    (v: number) => logInverseGamma(v, draw.shape, draw.scale),
    points,
    tol,
  );
}
