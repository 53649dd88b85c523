/**
 * Slow, obviously correct references for the rule tests (ml-matrix, dense inverses), and small
 * shared helpers: random regression data, relative errors, precision matrices from factors.
 */
import { CholeskyDecomposition, inverse, Matrix } from "ml-matrix";
import { lgamma } from "../../../runtime/math/index.js";
import type { Rng } from "../../../runtime/rng/index.js";

/** Regression data: X row-major n×d with N(0, 1) entries, y = Xβ + N(0, 0.5²), β ~ N(0, 1). */
export function regressionData(rng: Rng, n: number, d: number): { X: Float64Array; y: Float64Array } {
  const X = Float64Array.from({ length: n * d }, () => rng.normal());
  const beta = Float64Array.from({ length: d }, () => rng.normal());
  const y = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += X[t * d + j] * beta[j];
    y[t] = s + 0.5 * rng.normal();
  }
  return { X, y };
}

/** max |a − b| / max(1e−300, max |b|). */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let e = 0;
  let s = 1e-300;
  for (let i = 0; i < b.length; i++) {
    e = Math.max(e, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(b[i]));
  }
  return e / s;
}

/** L Lᵀ of the row-major lower factor at `off`, as a flat row-major array. */
export function fromFactor(L: Float64Array, off: number, d: number): Float64Array {
  const P = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k <= Math.min(i, j); k++) s += L[off + i * d + k] * L[off + j * d + k];
      P[i * d + j] = s;
    }
  }
  return P;
}

/** log det of a symmetric positive-definite matrix. */
export function logDet(A: Matrix): number {
  const L = new CholeskyDecomposition(A).lowerTriangularMatrix;
  let s = 0;
  for (let i = 0; i < A.rows; i++) s += 2 * Math.log(L.get(i, i));
  return s;
}

/** Batch NIG posterior (spec E12) and log marginal likelihood (E13) over rows `rows` of X, y. */
export function nigBatch(
  X: Float64Array,
  y: Float64Array,
  rows: ArrayLike<number>,
  d: number,
  hyper: { g: number; m0: ArrayLike<number>; a0: number; b0: number },
): { P: Float64Array; m: Float64Array; a: number; b: number; logMl: number } {
  const n = rows.length;
  const Xm = new Matrix(n, d);
  const yv = new Matrix(n, 1);
  for (let t = 0; t < n; t++) {
    for (let j = 0; j < d; j++) Xm.set(t, j, X[rows[t] * d + j]);
    yv.set(t, 0, y[rows[t]]);
  }
  const P0 = Matrix.eye(d).mul(1 / hyper.g);
  const m0 = Matrix.columnVector(Array.from(hyper.m0));
  const P = P0.clone().add(Xm.transpose().mmul(Xm));
  const Vn = inverse(P);
  const m = Vn.mmul(P0.mmul(m0).add(Xm.transpose().mmul(yv)));
  const a = hyper.a0 + n / 2;
  const quad = (v: Matrix, A: Matrix) => v.transpose().mmul(A).mmul(v).get(0, 0);
  const b = hyper.b0 + 0.5 * (yv.transpose().mmul(yv).get(0, 0) + quad(m0, P0) - quad(m, P));
  const logMl =
    -(n / 2) * Math.log(2 * Math.PI) +
    0.5 * (-logDet(P) + logDet(P0)) +
    hyper.a0 * Math.log(hyper.b0) -
    a * Math.log(b) +
    lgamma(a) -
    lgamma(hyper.a0);
  return { P: Float64Array.from(P.to1DArray()), m: Float64Array.from(m.to1DArray()), a, b, logMl };
}

/**
 * Known-variance batch posterior: Cov = (I/g + XᵀX/s²)⁻¹, mean = Cov(m₀/g + Xᵀy/s²), and the
 * log marginal likelihood log N(y; Xm₀, s²I + g XXᵀ).
 */
export function knownVarianceBatch(
  X: Float64Array,
  y: Float64Array,
  n: number,
  d: number,
  hyper: { s: number; g: number; m0: ArrayLike<number> },
): { cov: Float64Array; m: Float64Array; logMl: number } {
  const Xm = Matrix.from1DArray(n, d, Array.from(X.subarray(0, n * d)));
  const yv = Matrix.columnVector(Array.from(y.subarray(0, n)));
  const s2 = hyper.s * hyper.s;
  const m0 = Matrix.columnVector(Array.from(hyper.m0));
  const cov = inverse(Matrix.eye(d).mul(1 / hyper.g).add(Xm.transpose().mmul(Xm).mul(1 / s2)));
  const m = cov.mmul(m0.clone().mul(1 / hyper.g).add(Xm.transpose().mmul(yv).mul(1 / s2)));
  const S = Matrix.eye(n).mul(s2).add(Xm.mmul(Xm.transpose()).mul(hyper.g));
  const r = yv.clone().sub(Xm.mmul(m0));
  const logMl = -0.5 * (n * Math.log(2 * Math.PI) + logDet(S) + r.transpose().mmul(inverse(S)).mmul(r).get(0, 0));
  return { cov: Float64Array.from(cov.to1DArray()), m: Float64Array.from(m.to1DArray()), logMl };
}

/**
 * One-stick logistic data: row t is x = (1, N(0, 1), …) for d > 1, or N(0, 1.5²) for d = 1;
 * z_t = 0 ("stop", expert 0) with probability σ(xᵀφ), else 1.
 */
export function logisticData(rng: Rng, n: number, phi: number[]): { X: Float64Array; z: Int32Array } {
  const d = phi.length;
  const X = new Float64Array(n * d);
  const z = new Int32Array(n);
  for (let t = 0; t < n; t++) {
    X[t * d] = d === 1 ? 1.5 * rng.normal() : 1;
    for (let j = 1; j < d; j++) X[t * d + j] = rng.normal();
    let eta = 0;
    for (let j = 0; j < d; j++) eta += X[t * d + j] * phi[j];
    z[t] = rng.uniform() < 1 / (1 + Math.exp(-eta)) ? 0 : 1;
  }
  return { X, z };
}

/** log N(φ; 0, s²I) up to a constant. */
export const normalLogPrior = (s: number) => (phi: number[]) => phi.reduce((a, v) => a - (v * v) / (2 * s * s), 0);

/**
 * log of the horseshoe marginal density of one coefficient, φ = τλε with τ, λ ~ C⁺(0, 1): the
 * product u = τλ has density 4 log u / (π²(u² − 1)), and p(φ) = ∫ N(φ; 0, u²) p(u) du by the
 * trapezoid rule in log u.
 */
export function horseshoeLogPrior(phi: number[]): number {
  const v = phi[0];
  let s = 0;
  const h = 0.01;
  for (let lu = -25; lu <= 25; lu += h) {
    const u = Math.exp(lu);
    const pu = Math.abs(lu) < 1e-8 ? 2 / (Math.PI * Math.PI) : (4 * lu) / (Math.PI * Math.PI * (u * u - 1));
    s += (Math.exp((-0.5 * v * v) / (u * u)) / (u * Math.sqrt(2 * Math.PI))) * pu * u * h;
  }
  return Math.log(s);
}

/** Posterior mean and variance of each coordinate of one stick's φ by quadrature on a tensor grid. */
export function gridMoments(
  X: Float64Array,
  z: Int32Array,
  logPrior: (phi: number[]) => number,
  lo: number[],
  hi: number[],
  n: number,
): { mean: number[]; variance: number[] } {
  const d = lo.length;
  const h = lo.map((l, j) => (hi[j] - l) / (n - 1));
  const pts: number[][] = [];
  const lps: number[] = [];
  for (let c = 0; c < n ** d; c++) {
    const phi = lo.map((l, j) => l + h[j] * (Math.floor(c / n ** j) % n));
    let lp = logPrior(phi);
    for (let t = 0; t < z.length; t++) {
      let eta = 0;
      for (let j = 0; j < d; j++) eta += X[t * d + j] * phi[j];
      lp -= Math.log1p(Math.exp(z[t] === 0 ? -eta : eta));
    }
    pts.push(phi);
    lps.push(lp);
  }
  const mx = Math.max(...lps);
  const w = lps.map((v) => Math.exp(v - mx));
  const W = w.reduce((a, b) => a + b, 0);
  const mean = lo.map((_, j) => pts.reduce((a, p, c) => a + w[c] * p[j], 0) / W);
  const variance = lo.map((_, j) => pts.reduce((a, p, c) => a + w[c] * (p[j] - mean[j]) ** 2, 0) / W);
  return { mean, variance };
}

/**
 * Runs independent MCMC chains (burn-in, then `keep` recorded iterations each) and returns the
 * z-scores of the posterior mean and of E[(φ_j − μ_j)²] of every coordinate against `ref`, with
 * standard errors from the spread of the chain averages (valid under autocorrelation).
 */
export function chainZScores(
  chains: number,
  burn: number,
  keep: number,
  ref: { mean: number[]; variance: number[] },
  chain: { start: (i: number) => void; step: (i: number) => void; value: (i: number, j: number) => number },
): number[] {
  const d = ref.mean.length;
  const m1 = Array.from({ length: d }, () => new Float64Array(chains));
  const m2 = Array.from({ length: d }, () => new Float64Array(chains));
  for (let i = 0; i < chains; i++) {
    chain.start(i);
    for (let it = 0; it < burn + keep; it++) {
      chain.step(i);
      if (it < burn) continue;
      for (let j = 0; j < d; j++) {
        const v = chain.value(i, j);
        m1[j][i] += v / keep;
        m2[j][i] += (v - ref.mean[j]) ** 2 / keep;
      }
    }
  }
  const z = (x: Float64Array, mu: number) => {
    const m = x.reduce((a, b) => a + b, 0) / chains;
    const v = x.reduce((a, b) => a + (b - m) ** 2, 0) / (chains - 1);
    return (m - mu) / Math.sqrt(v / chains);
  };
  return ref.mean.flatMap((mu, j) => [z(m1[j], mu), z(m2[j], ref.variance[j])]);
}
