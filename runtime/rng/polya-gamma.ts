/**
 * Pólya-Gamma variates PG(b, c) (Polson, Scott & Windle 2013; spec §4).
 *
 * Conventions:
 * - `PG(1, c)` is exact: Devroye's alternating-series method as in spec §4.2, drawing
 *   J*(1, z), z = |c|/2, and returning J/4. The exponential / truncated inverse-Gaussian mixture
 *   probability is formed in logs, so any finite c works (c = 0 included) and c is never clipped.
 *   The draw compares it with a uniform through a cheap bracket first and computes it only when
 *   the uniform falls inside (see `bracketPieceProb`): the same draws, without the two erfcx
 *   evaluations in all but about one draw in 10⁴.
 * - The series test divides every coefficient by a_0(x): the ratios
 *   a_n/a_0 = (2n+1) e^{−2n(n+1)/x} (x ≤ t) and (2n+1) e^{−n(n+1)π²x/2} (x > t) cannot
 *   underflow to 0/0 when x is tiny (|c| in the thousands), and cost one exp each.
 * - `PG(b, c)` for integer b is ⌊b/4⌋ draws of J*(4, z) and one of J*(b mod 4, z), each exact
 *   and drawn directly (J*(h) for h = 2, 3, 4 by the same method on the expansions of its own
 *   density; spec §4.3), each setting up its proposal once per call; above `normalAbove`
 *   (default 170, the BayesLogit switch) it is a normal with the exact moments.
 *   A fractional part f of b adds a PG(f, c) draw from its gamma series, truncated with the
 *   tail's mean added (spec §4.3; see `polyaGammaFraction` for the error).
 * - Hot paths allocate nothing and use no closures.
 */
import type { Rng } from "./rng.js";
import { erfcx, softplus } from "../math/special.js";
import { gamma } from "./samplers.js";

/** Truncation point t of the two-piece series (spec E21). */
const T = 0.64;
const SQRT_T = 0.8;
const HALF_PI2 = Math.PI * Math.PI * 0.5;
const PI2_OVER_8 = (Math.PI * Math.PI) / 8;
const LOG_4_OVER_PI = Math.log(4 / Math.PI);

/** Default b above which {@link polyaGamma} switches to the moment-matched normal. */
export const PG_NORMAL_ABOVE = 170;

/** e^{log(4/π) + π²t/8 − 1/(2t)}: the z-free factor of q/p once the z² terms cancel. */
const QP_CONST = Math.exp(LOG_4_OVER_PI + PI2_OVER_8 * T - 1 / (2 * T));
const INV_SQRT_2T = 1 / Math.sqrt(2 * T);
/** Beyond this b₋²/2, e^{b₋²/2} would overflow and q/p is formed in logs. */
const MAX_DIRECT_EXPONENT = 700;
/**
 * A uniform at or below this accepts a J*(1) proposal without the series: S_1/a_0 = 1 − 3e^{−4/x}
 * (x ≤ t) or 1 − 3e^{−π²x} (x > t) is at least 1 − 3e^{−4/t} on both sides. The margin of 10⁻¹²
 * keeps the shortcut inside the computed S_1 as well, so the draws are those of the full test.
 */
const JSTAR1_SQUEEZE = 1 - 3 * Math.exp(-4 / T) * (1 + 1e-12);

/**
 * Probability of the exponential piece of the proposal for z = |c|/2, k = π²/8 + z²/2
 * (spec §4.2 step 1): 1/(1 + q/p), log(q/p) = log(4/π) + logsumexp(x₀ − z + log Φ(b₋),
 * x₀ + z + log Φ(b₊)), x₀ = log k + kt, b∓ = (±tz − 1)/√t. With Φ(b) = ½e^{−b²/2} erfcx(−b/√2)
 * the z² terms cancel exactly (kt + z − b₊²/2 = π²t/8 − 1/(2t), and likewise for b₋ < 0), so
 * q/p = QP_CONST·k·½(erfcx(−b₋/√2) + erfcx(−b₊/√2)) for z < 1/t, and for z ≥ 1/t (b₋ ≥ 0,
 * h = b₋²/2) q/p = QP_CONST·k·(e^h − ½ erfcx(b₋/√2) + ½ erfcx(−b₊/√2)), taken in logs once e^h
 * would overflow (|c| ≳ 97). Same quantity as the spec's; one exp instead of its six
 * transcendental calls, and no overflow.
 */
function exponentialPieceProb(z: number, k: number): number {
  // A NaN or infinite c would otherwise loop forever in the truncated inverse-Gaussian draw.
  if (!(z < Infinity)) throw new Error("polyaGamma: c must be finite");
  const ePlus = erfcx((1 + T * z) * INV_SQRT_2T);
  const bm = (T * z - 1) / SQRT_T;
  if (bm < 0) return 1 / (1 + QP_CONST * k * 0.5 * (erfcx(-bm * Math.SQRT1_2) + ePlus));
  const h = 0.5 * bm * bm;
  const d = 0.5 * (erfcx(bm * Math.SQRT1_2) - ePlus);
  if (h <= MAX_DIRECT_EXPONENT) return 1 / (1 + QP_CONST * k * (Math.exp(h) - d));
  const logQp = Math.log(QP_CONST * k) + h + Math.log1p(-d * Math.exp(-h));
  return Math.exp(-softplus(logQp));
}

/**
 * Beyond this z the exponential piece's probability is below 2^−55, under the smallest uniform
 * the generator returns (2^−53: {@link Rng.uniform} has 53-bit resolution and is never 0). For
 * z ≥ 1/t, q/p = QP_CONST·k·(e^h − d) with d < ½ (erfcx ≤ 1 on [0, ∞)), and the lower bound
 * QP_CONST·k·(e^h − ½) increases with z; the z where it reaches 2^55 is found by bisection.
 */
const NEGLIGIBLE_PIECE_Z = (() => {
  const bound = (z: number) => {
    const bm = (T * z - 1) / SQRT_T;
    return QP_CONST * (PI2_OVER_8 + 0.5 * z * z) * (Math.exp(0.5 * bm * bm) - 0.5);
  };
  let lo = 1 / T;
  let hi = 64;
  for (let it = 0; it < 60; it++) {
    const mid = 0.5 * (lo + hi);
    if (bound(mid) < 2 ** 55) lo = mid;
    else hi = mid;
  }
  return hi;
})();

/** Nodes per unit of x in {@link ERFCX_GRID}. */
const GRID_PER_UNIT = 64;

/**
 * erfcx at x = j/64 for j = 0 … 512. Linear interpolation between the nodes is within
 * h²/8 · max erfcx'' = 2/(8·64²) ≈ 6.1e−5 of erfcx on [0, 8] (erfcx''(x) = (4x² + 2) erfcx(x) −
 * 4x/√π falls from its maximum 2 at x = 0), plus the nodes' rounding: {@link GRID_ERROR}.
 */
const ERFCX_GRID = Float64Array.from({ length: 8 * GRID_PER_UNIT + 1 }, (_, j) => erfcx(j / GRID_PER_UNIT));
const GRID_ERROR = 6.2e-5;

/** erfcx by linear interpolation on {@link ERFCX_GRID}, within {@link GRID_ERROR}; 0 ≤ x < 8. */
function erfcxGrid(x: number): number {
  const t = x * GRID_PER_UNIT;
  const j = Math.floor(t);
  const a = ERFCX_GRID[j];
  return a + (t - j) * (ERFCX_GRID[j + 1] - a);
}

/**
 * Relative slack on the bracket's q/p bounds: covers the rounding of the bounds and of
 * {@link exponentialPieceProb} (both ~1e−14), with a wide margin.
 */
const BRACKET_SLACK = 1e-9;

/** The bracket written by {@link bracketPieceProb}: [lower, upper]. */
const BRACKET = new Float64Array(2);

/**
 * Brackets the exponential piece's probability p, as {@link exponentialPieceProb} computes it,
 * into {@link BRACKET}. The sampler only compares p with a uniform v, and v < lower or v ≥ upper
 * settles the comparison without p: the bracket costs two table lookups instead of two 16-term
 * Chebyshev sums, and at ~1e−4 wide it leaves p to be computed in about one draw in 10⁴. The
 * draws are unchanged. Beyond {@link NEGLIGIBLE_PIECE_Z} the bracket is [0, 0]. The two erfcx
 * arguments stay below 8 there (at most (1 + t·11.82)/√(2t) ≈ 7.6).
 * @throws Error if z is not finite (the truncated inverse-Gaussian draw would loop forever).
 */
function bracketPieceProb(z: number, k: number): void {
  if (!(z < Infinity)) throw new Error("polyaGamma: c must be finite");
  if (z > NEGLIGIBLE_PIECE_Z) {
    BRACKET[0] = 0;
    BRACKET[1] = 0;
    return;
  }
  // q/p as in exponentialPieceProb, with each erfcx within GRID_ERROR.
  const plus = erfcxGrid((1 + T * z) * INV_SQRT_2T);
  const bm = (T * z - 1) / SQRT_T;
  const mid = bm < 0 ? 0.5 * (erfcxGrid(-bm * Math.SQRT1_2) + plus) : Math.exp(0.5 * bm * bm) - 0.5 * (erfcxGrid(bm * Math.SQRT1_2) - plus);
  const scale = QP_CONST * k;
  BRACKET[0] = 1 / (1 + scale * (mid + GRID_ERROR) * (1 + BRACKET_SLACK));
  BRACKET[1] = 1 / (1 + scale * (mid - GRID_ERROR) * (1 - BRACKET_SLACK));
}

/**
 * The bracket [lower, upper] of the exponential piece's probability that the sampler uses in
 * place of the probability itself (see {@link pgExponentialPieceProbability}); exposed so tests
 * can check that it contains the probability.
 * @throws Error if c is not finite.
 */
export function pgExponentialPieceBracket(c: number): [number, number] {
  const z = 0.5 * Math.abs(c);
  bracketPieceProb(z, PI2_OVER_8 + 0.5 * z * z);
  return [BRACKET[0], BRACKET[1]];
}

/**
 * Probability that the PG(1, c) proposal uses its exponential piece (spec §4.2 step 1); exposed
 * so tests can check it against the spec's literal log-space formula.
 * @throws Error if c is not finite.
 */
export function pgExponentialPieceProbability(c: number): number {
  const z = 0.5 * Math.abs(c);
  return exponentialPieceProb(z, PI2_OVER_8 + 0.5 * z * z);
}

/**
 * Inverse-Gaussian IG(μ = 1/z, 1) truncated to (0, t] (spec §4.2 step 2; J*(h) scales it, see
 * {@link drawJStarH}). For z < `levyBelow`: the Lévy tail (1/√X a normal tail beyond 1/√t, drawn
 * by Marsaglia's exponential method) tilted by e^{−z²X/2}; otherwise Michael–Schucany–Haas draws
 * until X ≤ t, with the root written as μ/(1 + w + √(w(2 + w))), w = μY/2, which does not cancel
 * when μY is large. The first accepts with probability e^{−z}P(IG ≤ t)/P(Lévy ≤ t), the second
 * with P(IG ≤ t), so the first is the better below z = −log P(Lévy ≤ t) = −log erfc(1/√(2t)):
 * 1.556 at J*(1)'s t, whose switch 1/t = 1.5625 the spec gives.
 */
function truncatedInverseGaussian(rng: Rng, z: number, t: number, levyBelow: number): number {
  if (z < levyBelow) {
    const halfZ2 = 0.5 * z * z;
    for (;;) {
      let e1: number;
      do {
        e1 = rng.exponential();
      } while (e1 * e1 > (2 * rng.exponential()) / t);
      const r = 1 + t * e1;
      const x = t / (r * r);
      if (rng.exponential() >= halfZ2 * x) return x;
    }
  }
  const mu = 1 / z;
  for (;;) {
    const y = rng.normal();
    const w = 0.5 * mu * y * y;
    let x = mu / (1 + w + Math.sqrt(w * (2 + w)));
    // μ·(μ/x), not μ²/x: μ² underflows to 0 once |c| passes ~1e154.
    if (rng.uniform() * (mu + x) > mu) x = mu * (mu / x);
    if (x <= t) return x;
  }
}

/**
 * One J*(1, z) draw (PG(1, 2z) times 4) given k = π²/8 + z²/2 and a bracket [lower, upper] of
 * the piece probability p ({@link bracketPieceProb}); p is computed only when a uniform falls
 * inside the bracket, and the piece chosen is always that of `uniform < p`.
 */
function drawJStar(rng: Rng, z: number, k: number, lower: number, upper: number): number {
  for (;;) {
    const v = rng.uniform();
    if (v >= lower && v < upper) lower = upper = exponentialPieceProb(z, k);
    const x = v < lower ? T + rng.exponential() / k : truncatedInverseGaussian(rng, z, T, 1 / T);
    // Alternating-series accept/reject on S_n/a_0(x) (spec §4.2 step 3).
    const u = rng.uniform();
    if (u <= JSTAR1_SQUEEZE) return x;
    if (seriesAccepts(u, 1, x <= T ? 2 / x : HALF_PI2 * x)) return x;
  }
}

/**
 * The alternating-series test (spec §4.2 step 3) on S_n/a_0 with a_n/a_0 = C(n+h−1, n)(2n+h)/h ·
 * e^{−n(n+h)·scale}: J*(h)'s left expansion with scale = 2/x, and for h = 1 also J*(1)'s right one
 * with scale = π²x/2. Whether the uniform u accepts.
 */
function seriesAccepts(u: number, h: number, scale: number): boolean {
  let s = 1;
  let binom = 1;
  for (let n = 1; ; n++) {
    binom = (binom * (n + h - 1)) / n;
    const ratio = ((binom * (2 * n + h)) / h) * Math.exp(-n * (n + h) * scale);
    if (n % 2 === 1) {
      s -= ratio;
      if (u <= s) return true;
    } else {
      s += ratio;
      if (u > s) return false;
    }
  }
}

/**
 * One exact PG(1, c) draw (spec §4.2); finite and positive for every finite c.
 * @throws Error if c is not finite.
 */
export function polyaGamma1(rng: Rng, c: number): number {
  return 0.25 * jStar1(rng, 0.5 * Math.abs(c));
}

/** One J*(1, z) draw with its proposal set up (PG(1, 2z) times 4). */
function jStar1(rng: Rng, z: number): number {
  const k = PI2_OVER_8 + 0.5 * z * z;
  bracketPieceProb(z, k);
  return drawJStar(rng, z, k, BRACKET[0], BRACKET[1]);
}

/**
 * Fills `out[i] ~ PG(1, c[i])` for i < n, exactly (spec §4.2). No allocation; when consecutive
 * c[i] are equal the proposal set-up (the piece-probability bracket) is reused.
 * @throws Error if some c[i] is not finite.
 */
export function polyaGammaBatch(rng: Rng, c: Float64Array, out: Float64Array, n = c.length): void {
  let z = -1;
  let k = 0;
  let lower = 0;
  let upper = 0;
  for (let i = 0; i < n; i++) {
    const zi = 0.5 * Math.abs(c[i]);
    if (zi !== z) {
      z = zi;
      k = PI2_OVER_8 + 0.5 * z * z;
      bracketPieceProb(z, k);
      lower = BRACKET[0];
      upper = BRACKET[1];
    }
    out[i] = 0.25 * drawJStar(rng, z, k, lower, upper);
  }
}

/*
 * J*(h, z) for h = 2, 3, 4: the law of a sum of h draws of J*(1, z) (4 times PG(h, 2z)), drawn
 * directly, so that PG(b, c) for integer b takes ⌈b/4⌉ draws instead of b. The method is
 * Devroye's, as for J*(1), on two expansions of the Laplace transform sech^h(√(2s))
 * (docs/spec.md §4.3):
 * - left, 2^h Σ_n (−1)^n C(n+h−1, n) e^{−(2n+h)√(2s)}: f(x | h) = Σ_n (−1)^n a_n(x) with
 *   a_n(x) = 2^h C(n+h−1, n)(2n+h)/√(2πx³) e^{−(2n+h)²/(2x)}. The ratios a_{n+1}/a_n fall in n and
 *   are below 1 for x < 2(h+1)/log(h+2) (3.64 to 5.58), so the partial sums bracket f there.
 * - right, poles of order h at s = −λ_k, λ_k = a_k²/2, a_k = (k − ½)π: f(x | h) =
 *   Σ_{k≥1} σ_k R_k(x) e^{−λ_k x} with R_k = a²x − 1 (h = 2), a(a²x² − 3x + 1)/2 (h = 3, σ_k =
 *   (−1)^{k+1}) and (a⁴x³ − 6a²x² + (4a² + 3)x − 4)/6 (h = 4), σ_k = 1 otherwise (Laurent
 *   expansions of sech^h at its poles; the two expansions agree to 30 digits).
 * The proposal, split at t_h and tilted by e^{−z²x/2} as the target is: below t_h, a_0, an inverse
 * Gaussian IG(h/z, h²) (h² times IG(1/(hz), 1)); beyond, (1 + ε_h) R_1(x) e^{−λ₁x}, where ε_h
 * bounds Σ_{k≥2} σ_k R_k e^{−λ_k x} relative to the first term on x ≥ t_h (each ratio falls in x,
 * so its value at t_h; 0 for the alternating h = 3, whose first term already bounds the sum).
 * R_1(t_h + y) has non-negative coefficients in y, so the right piece is a mixture of t_h +
 * Gamma(j + 1, Λ), Λ = λ₁ + z²/2, j < h. At z = 0 the proposal's mass exceeds the target's by at
 * most 0.11 % (h = 2), 0.01 % (h = 3) and 0.03 % (h = 4).
 */

/** λ₁ = π²/8, a₁ = π/2: the first pole of the right expansions. */
const LAMBDA1 = PI2_OVER_8;
const A1 = 0.5 * Math.PI;

/** The split points t_h (index h = 2, 3, 4), chosen for acceptance; each below the left expansion's bound. */
const T_H = new Float64Array([0, 0, 1, 1, 1.5]);

/** A table over the shapes h = 2, 3, 4, indexed by h (entries 0 and 1 unused, 0). */
function perShape(f: (h: number, t: number) => number): Float64Array {
  const out = new Float64Array(5);
  for (let h = 2; h <= 4; h++) out[h] = f(h, T_H[h]);
  return out;
}

/**
 * The right expansions' polynomials, unsigned (the module comment's R_k): RIGHT_EXPANSION[h][m][p]
 * is the coefficient of x^m a^p in R_k(x), a = a_k.
 */
const RIGHT_EXPANSION: readonly (readonly (readonly number[])[])[] = [
  [],
  [],
  [[-1], [0, 0, 1]],
  [[0, 0.5], [0, -1.5], [0, 0, 0, 0.5]],
  [[-2 / 3], [0.5, 0, 2 / 3], [0, 0, -1], [0, 0, 0, 0, 1 / 6]],
];

/** Σ_i c_i v^i by Horner's rule. */
function horner(c: readonly number[], v: number): number {
  let sum = 0;
  for (let i = c.length - 1; i >= 0; i--) sum = sum * v + c[i];
  return sum;
}

/** R_k(x) of the right expansion for shape h, a = a_k (off the hot path: past the squeeze only). */
function rightPolynomial(h: number, a: number, x: number): number {
  const e = RIGHT_EXPANSION[h];
  let sum = 0;
  for (let m = e.length - 1; m >= 0; m--) sum = sum * x + horner(e[m], a);
  return sum;
}

/** σ_k R_k(x) e^{−λ_k x} relative to the first term, given r1 = R_1(x); k ≥ 2. */
function rightTermRatio(h: number, k: number, x: number, r1: number): number {
  const r = (rightPolynomial(h, (k - 0.5) * Math.PI, x) / r1) * Math.exp(-HALF_PI2 * k * (k - 1) * x);
  return h === 3 && k % 2 === 0 ? -r : r;
}

/**
 * Where J*(h)'s truncated inverse Gaussian switches from the tilted Lévy tail to
 * Michael–Schucany–Haas, in its scaled z' = hz (see {@link truncatedInverseGaussian}):
 * −log erfc(h/√(2t_h)), as erfc(v) = e^{−v²} erfcx(v).
 */
const LEVY_BELOW_H = perShape((h, t) => {
  const v = h / Math.sqrt(2 * t);
  return v * v - Math.log(erfcx(v));
});

/**
 * ε_h: Σ_{k≥2} of the ratios at t_h (past k = 8 they are below 10⁻¹⁰⁰), with a margin, for the
 * positive expansions; 0 for the alternating h = 3, whose first term bounds the sum.
 */
const EPS_H = perShape((h, t) => {
  if (h === 3) return 0;
  const r1 = rightPolynomial(h, A1, t);
  let sum = 0;
  for (let k = 2; k <= 8; k++) sum += rightTermRatio(h, k, t, r1);
  return sum * (1 + 1e-9);
});

/**
 * A uniform at or below this accepts a right proposal without the series: (1 + min rest)/(1 + ε_h),
 * where rest = Σ_{k≥2} ratios ≥ 0 for h = 2, 4, and for h = 3 (alternating, falling) rest ≥ r_2(x)
 * ≥ r_2(t_3), as |r_2| falls in x (tested), with a margin.
 */
const RIGHT_SQUEEZE_H = perShape((h, t) => (1 + Math.min(0, rightTermRatio(h, 2, t, rightPolynomial(h, A1, t))) * (1 + 1e-9)) / (1 + EPS_H[h]));

/**
 * Likewise on the left: S_1/a_0 = 1 − (h+2)e^{−2(h+1)/x} ≥ 1 − (h+2)e^{−2(h+1)/t_h} for x ≤ t_h
 * (margin as for J*(1)).
 */
const LEFT_SQUEEZE_H = perShape((h, t) => 1 - (h + 2) * Math.exp((-2 * (h + 1)) / t) * (1 + 1e-12));

/**
 * Coefficients in y of R_1(t_h + y) (index h, then power j < h), every one positive (checked
 * here, once), each j!/Λ^{j+1} times the mass of the right piece's Gamma(j + 1, Λ) part.
 */
const RIGHT_COEFFICIENTS = [0, 1, 2, 3, 4].map((h) => {
  const c = new Float64Array(h < 2 ? 0 : h);
  RIGHT_EXPANSION[h].forEach((powers, m) => {
    // x^m = (t + y)^m = Σ_j C(m, j) t^{m−j} y^j.
    const monomial = horner(powers, A1);
    let binom = 1;
    for (let j = 0; j <= m; j++) {
      c[j] += monomial * binom * T_H[h] ** (m - j);
      binom = (binom * (m - j)) / (j + 1);
    }
  });
  if (!c.every((v) => v > 0)) throw new Error(`polyaGamma: R_1(t + y) for h = ${h} has a negative coefficient`);
  return c;
});

/** e^{−λ₁t_h}(1 + ε_h): the z-free factor of the right piece's mass. */
const RIGHT_CONST_H = perShape((h, t) => Math.exp(-LAMBDA1 * t) * (1 + EPS_H[h]));
/** 1/√(2t_h) and 2^{h−1}e^{−h²/(2t_h)}: the left piece's mass (see {@link leftMassH}). */
const INV_SQRT_2T_H = perShape((_, t) => 1 / Math.sqrt(2 * t));
const LEFT_CONST_H = perShape((h, t) => 2 ** (h - 1) * Math.exp((-h * h) / (2 * t)));

/**
 * The J*(h) proposal set by {@link setUpJStarH}: Λ, the bracket [lower, upper] of the right
 * piece's probability (one value once computed), the right mass q, then the cumulative
 * probabilities of the right piece's Gamma parts.
 */
const SETUP = new Float64Array(8);
const S_LAMBDA = 0;
const S_LOWER = 1;
const S_UPPER = 2;
const S_Q = 3;
const S_CUMULATIVE = 4;

/**
 * J*(h, z)'s left mass p = 2^h e^{−hz} P(IG(h/z, h²) ≤ t), scaled as the right mass q of
 * {@link setUpJStarH} is (by e^{t z²/2} cosh^{−h}(z)), written through erfcx (Φ(−b) =
 * ½e^{−b²/2} erfcx(b/√2)) so that nothing overflows; with `grid`, through {@link erfcxGrid}, within
 * 2·LEFT_CONST_H[h]·GRID_ERROR of it (arguments below 8 only). Past e^{700} (or where tz·z
 * overflows to ∞ − ∞) it swamps any q: ∞.
 */
function leftMassH(h: number, z: number, grid: boolean): number {
  const ex = grid ? erfcxGrid : erfcx;
  const r = INV_SQRT_2T_H[h];
  const tz = T_H[h] * z;
  const plus = ex((h + tz) * r);
  if (tz < h) return LEFT_CONST_H[h] * (ex((h - tz) * r) + plus);
  const e = 0.5 * tz * z - h * z;
  if (!(e <= 700)) return Infinity;
  return 2 ** h * Math.exp(e) - LEFT_CONST_H[h] * (ex((tz - h) * r) - plus);
}

/** Probability that J*(h, z)'s proposal takes its right piece, q/(p + q), given the right mass q. */
function rightPieceProbH(h: number, z: number, q: number): number {
  return q / (leftMassH(h, z, false) + q);
}

/**
 * Sets up J*(h, z)'s proposal in {@link SETUP}: the right mass q = (1 + ε_h)e^{−λ₁t} Σ_j c_j
 * j!/Λ^{j+1}, its parts' cumulative probabilities, and a bracket of the right piece's probability
 * from {@link erfcxGrid} as J*(1)'s (the draws compute it only when a uniform falls inside).
 */
function setUpJStarH(h: number, z: number): void {
  const lambda = LAMBDA1 + 0.5 * z * z;
  const c = RIGHT_COEFFICIENTS[h];
  let q = 0;
  let scale = 1 / lambda;
  for (let j = 0; j < h; j++) {
    q += c[j] * scale;
    SETUP[S_CUMULATIVE + j] = q;
    scale *= (j + 1) / lambda;
  }
  // q is 0 only where z² overflows, and the right piece is then never drawn.
  if (q > 0) for (let j = 0; j < h; j++) SETUP[S_CUMULATIVE + j] /= q;
  q *= RIGHT_CONST_H[h];
  SETUP[S_LAMBDA] = lambda;
  SETUP[S_Q] = q;
  if ((h + T_H[h] * z) * INV_SQRT_2T_H[h] >= 8) {
    // Beyond the grid: an empty bracket's complement, so the first draw computes the probability.
    SETUP[S_LOWER] = 0;
    SETUP[S_UPPER] = 1;
    return;
  }
  const p = leftMassH(h, z, true);
  const error = 2 * LEFT_CONST_H[h] * GRID_ERROR;
  SETUP[S_LOWER] = q / ((p + error) * (1 + BRACKET_SLACK) + q);
  SETUP[S_UPPER] = q / ((p - error) * (1 - BRACKET_SLACK) + q);
}

/**
 * J*(h)'s proposal (h = 2, 3, 4), exposed so tests can check the conditions the sampler rests on:
 * the split points t_h, the bounds ε_h, the right terms' ratios σ_k R_k e^{−λ_k x}/(R_1 e^{−λ₁x}),
 * the coefficients of R_1(t_h + y), and the accept step itself.
 */
export const J_STAR_PROPOSAL = {
  /** The split point t_h. */
  split: (h: number): number => T_H[h],
  /** ε_h, the right envelope's bound on the other terms relative to the first. */
  epsilon: (h: number): number => EPS_H[h],
  /** σ_k R_k(x) e^{−λ_k x} relative to R_1(x) e^{−λ₁x}, k ≥ 2. */
  rightTermRatio: (h: number, k: number, x: number): number => rightTermRatio(h, k, x, rightPolynomial(h, A1, x)),
  /** The coefficients of R_1(t_h + y) in y, from y⁰ up. */
  rightCoefficients: (h: number): number[] => Array.from(RIGHT_COEFFICIENTS[h]),
  /** Whether u accepts a proposal at x (left of t_h or right of it), as the draws decide. */
  accepts: (h: number, u: number, x: number): boolean => (x <= T_H[h] ? acceptsLeft(u, h, x) : acceptsRight(u, h, x)),
};

/** What {@link pgRightPieceProbability} returns. */
export interface RightPiece {
  /** The right piece's probability, q/(p + q). */
  probability: number;
  /** The bracket [lower, upper] of it that the draws use. */
  bracket: [number, number];
}

/**
 * Probability that J*(h, |c|/2)'s proposal takes its right piece, and the bracket of it that the
 * draws use instead ([0, 1] where the grid ends: the first draw computes it); exposed for tests.
 */
export function pgRightPieceProbability(h: number, c: number): RightPiece {
  const z = 0.5 * Math.abs(c);
  setUpJStarH(h, z);
  return { probability: rightPieceProbH(h, z, SETUP[S_Q]), bracket: [SETUP[S_LOWER], SETUP[S_UPPER]] };
}

/** One J*(h, z) draw, h ∈ {2, 3, 4}, from the proposal {@link setUpJStarH} set for this h and z. */
function drawJStarH(rng: Rng, h: number, z: number): number {
  const t = T_H[h];
  const lambda = SETUP[S_LAMBDA];
  for (;;) {
    const w = rng.uniform();
    if (w >= SETUP[S_LOWER] && w < SETUP[S_UPPER]) SETUP[S_LOWER] = SETUP[S_UPPER] = rightPieceProbH(h, z, SETUP[S_Q]);
    if (w < SETUP[S_LOWER]) {
      // t + Gamma(j + 1, Λ) with j from the mixture, as −log of a product of j + 1 uniforms.
      const v = rng.uniform();
      let j = 0;
      while (j < h - 1 && v >= SETUP[S_CUMULATIVE + j]) j++;
      let product = rng.uniform();
      for (let i = 0; i < j; i++) product *= rng.uniform();
      const x = t - Math.log(product) / lambda;
      if (acceptsRight(rng.uniform(), h, x)) return x;
      continue;
    }
    // Past |c| ≈ 10³⁰⁸/h, hz overflows; IG(h/z, h²)'s relative sd, 1/√(hz), is then below 10⁻¹⁵⁴,
    // so its mean is every draw at double precision.
    const zh = h * z;
    const x = zh < Infinity ? h * h * truncatedInverseGaussian(rng, zh, t / (h * h), LEVY_BELOW_H[h]) : h / z;
    if (acceptsLeft(rng.uniform(), h, x)) return x;
  }
}

/** Whether the uniform u accepts J*(h)'s left proposal x ≤ t_h: the squeeze, then the alternating series. */
function acceptsLeft(u: number, h: number, x: number): boolean {
  return u <= LEFT_SQUEEZE_H[h] || seriesAccepts(u, h, 2 / x);
}

/**
 * Whether the uniform u accepts J*(h)'s right proposal x > t_h: u(1 + ε_h) ≤ 1 + rest, rest =
 * Σ_{k≥2} r_k(x), after the squeeze. Past r_k the sum's tail lies within [−|r_{k+1}|, 2|r_{k+1}|]:
 * each |r_{j+1}| < ½|r_j| for x ≥ t_h (tested), so the tail is at most 2|r_{k+1}| in size, and it
 * is positive for h = 2, 4 and, alternating with falling terms, within |r_{k+1}| for h = 3.
 */
function acceptsRight(u: number, h: number, x: number): boolean {
  if (u <= RIGHT_SQUEEZE_H[h]) return true;
  const target = u * (1 + EPS_H[h]) - 1;
  const r1 = rightPolynomial(h, A1, x);
  let sum = 0;
  let next = rightTermRatio(h, 2, x, r1);
  for (let k = 2; ; k++) {
    sum += next;
    next = Math.abs(rightTermRatio(h, k + 1, x, r1));
    if (target <= sum - next) return true;
    if (target > sum + 2 * next) return false;
  }
}

/**
 * PG(f, c) for 0 < f < 1 from its series (spec §4.1) PG(f, c) = 1/(2π²) Σ_k g_k/((k − ½)² + a²),
 * a = |c|/(2π), g_k ~ Gamma(f, 1): the first T = 64 + ⌈10a⌉ terms drawn, the rest replaced by
 * their mean, from Σ_{k≥1} 1/((k − ½)² + a²) = π tanh(πa)/(2a). The mean is then exact (E18)
 * and only the tail's variance is lost: a relative 10⁻⁷ of Var ω for |c| ≲ 1, and at most
 * 4a³/(3πT³) ≤ 5·10⁻⁴ for large |c| (measured against E19 in the tests). O(T) gamma draws.
 */
function polyaGammaFraction(rng: Rng, f: number, c: number): number {
  const a = Math.abs(c) / (2 * Math.PI);
  const a2 = a * a;
  // Beyond about |c| = 10⁸ the series needs more terms than is sensible; its mass is then
  // within 10⁻⁸ of its mean f/(2|c|).
  if (a > 1.6e7) return pgMean(f, c);
  const terms = 64 + Math.ceil(10 * a);
  let sum = 0;
  let weights = 0;
  for (let k = 1; k <= terms; k++) {
    const h = k - 0.5;
    const w = 1 / (h * h + a2);
    weights += w;
    sum += gamma(rng, f) * w;
  }
  const total = a < 1e-8 ? HALF_PI2 : (Math.PI * Math.tanh(Math.PI * a)) / (2 * a);
  return (sum + f * Math.max(0, total - weights)) / (2 * Math.PI * Math.PI);
}

/**
 * PG(b, c) draw for any real b > 0. For b ≤ `normalAbove`: PG(⌊b⌋, c) exactly, as ⌊⌊b⌋/4⌋ draws
 * of J*(4) and one of J*(⌊b⌋ mod 4) (spec §4.3; PG(1, c) is {@link polyaGamma1}'s draw), plus
 * for a fractional part f the series draw of `polyaGammaFraction`. For b > `normalAbove` it is
 * N(pgMean(b, c), pgVariance(b, c)) (spec E18–E19), redrawn if a value is ≤ 0, which is never
 * seen at the default switch: the mean sits at least 1.22√b (> 15) standard deviations above 0.
 * @throws Error if b is not a positive finite number, or if c is not finite.
 */
export function polyaGamma(rng: Rng, b: number, c: number, normalAbove = PG_NORMAL_ABOVE): number {
  if (!Number.isFinite(c)) throw new Error("polyaGamma: c must be finite");
  if (!(b > 0 && b < Infinity)) throw new Error(`polyaGamma: b = ${b} must be a positive number`);
  if (b > normalAbove) {
    const m = pgMean(b, c);
    const sd = Math.sqrt(pgVariance(b, c));
    for (;;) {
      const w = m + sd * rng.normal();
      if (w > 0) return w;
    }
  }
  const whole = Math.floor(b);
  const fraction = b - whole;
  if (whole === 0) return polyaGammaFraction(rng, fraction, c);
  const z = 0.5 * Math.abs(c);
  // ⌊b/4⌋ draws of J*(4), and one of J*(r) for the rest r = b mod 4.
  let sum = 0;
  const rest = whole % 4;
  if (rest === 1) sum = jStar1(rng, z);
  else if (rest > 1) {
    setUpJStarH(rest, z);
    sum = drawJStarH(rng, rest, z);
  }
  if (whole >= 4) {
    setUpJStarH(4, z);
    for (let i = whole >> 2; i > 0; i--) sum += drawJStarH(rng, 4, z);
  }
  return 0.25 * sum + (fraction > 0 ? polyaGammaFraction(rng, fraction, c) : 0);
}

/**
 * E[PG(b, c)] = b tanh(c/2)/(2c) (spec E18); the series b(1/4 − c²/48 + c⁴/480) for |c| < 0.01,
 * even in c and free of overflow for any finite c.
 */
export function pgMean(b: number, c: number): number {
  const a = Math.abs(c);
  if (a < 0.01) {
    const c2 = a * a;
    return b * (0.25 + c2 * (-1 / 48 + c2 / 480));
  }
  return (b * Math.tanh(0.5 * a)) / (2 * a);
}

/**
 * Var[PG(b, c)] = b (sinh c − c)/(2c³(1 + cosh c)) (spec E19). For |c| ≥ 1 it is
 * b/(2|c|³) · (1 − e² − 2|c|e)/(1 + e)², e = e^{−|c|} (spec §4.1: no overflow). Below 1 the
 * Maclaurin series of (sinh c − c)/c³ is used instead, because that e-form cancels to c³/3 and
 * would lose ~7 digits at the spec's switch point 0.01; the series equals b/24 at c = 0.
 */
export function pgVariance(b: number, c: number): number {
  const a = Math.abs(c);
  const a2 = a * a;
  if (a < 1) {
    let p = 1;
    for (let k = 10; k >= 2; k--) p = 1 + (a2 / ((2 * k) * (2 * k + 1))) * p;
    return (b * (p / 6)) / (2 * (1 + Math.cosh(a)));
  }
  const e = Math.exp(-a);
  const onePlusE = 1 + e;
  return ((b / (2 * a * a2)) * (1 - e * e - 2 * a * e)) / (onePlusE * onePlusE);
}
