/**
 * A bound on a model's log evidence from a known allocation, for data with a known truth:
 * log p(y) ≥ log p(y, z) for any z, and for the true regimes' allocation log p(y, z) is computed
 * here for Gaussian linear experts with a Normal-inverse-gamma prior (exactly) and a
 * stick-breaking logistic gate with a fixed Normal prior on its coefficients (each stick's
 * integral by its Laplace approximation, so the computed bound is approximate; checked against
 * quadrature in one and two dimensions, test/bench/oracle.test.ts). A filter whose log evidence
 * falls hundreds of nats below it has missed the mode the truth lies in: its sampler, not its
 * model, failed (docs/STATUS.md, Known gaps).
 */
import { cholesky, solveLower, solveLowerT } from "../runtime/linalg/index.js";
import { lgamma, log1mSigmoid, logSigmoid } from "../runtime/math/index.js";

/** The experts' prior: β | σ² ~ N(0, g·σ²·I), σ² ~ IG(a0, b0). */
export interface NigPrior {
  readonly g: number;
  readonly a0: number;
  readonly b0: number;
}

/** log p(y | X) of one expert's rows (row s at `X[s·d …]`) under the NIG prior, β and σ² integrated out. */
export function nigLogEvidence(X: Float64Array, y: Float64Array, rows: readonly number[], d: number, prior: NigPrior): number {
  const P = new Float64Array(d * d);
  const h = new Float64Array(d);
  let yy = 0;
  for (let j = 0; j < d; j++) P[j * d + j] = 1 / prior.g;
  for (const s of rows) {
    for (let j = 0; j < d; j++) {
      h[j] += X[s * d + j] * y[s];
      for (let k = 0; k <= j; k++) P[j * d + k] += X[s * d + j] * X[s * d + k];
    }
    yy += y[s] * y[s];
  }
  const L = new Float64Array(d * d);
  if (!cholesky(P, 0, d, L, 0)) throw new Error("oracle: the experts' precision is not positive definite");
  const w = new Float64Array(d);
  solveLower(L, 0, d, h, 0, w, 0);
  let quad = 0;
  let logDet = 0;
  for (let j = 0; j < d; j++) {
    quad += w[j] * w[j]; // mᵀPm = ‖L⁻¹h‖²
    logDet += 2 * Math.log(L[j * d + j]);
  }
  const n = rows.length;
  const a = prior.a0 + n / 2;
  const b = prior.b0 + 0.5 * (yy - quad);
  return -0.5 * n * Math.log(2 * Math.PI) - 0.5 * d * Math.log(prior.g) - 0.5 * logDet + prior.a0 * Math.log(prior.b0) - a * Math.log(b) + lgamma(a) - lgamma(prior.a0);
}

/**
 * Laplace approximation of log ∫ ∏ σ(±xᵀφ) N(φ; 0, s²I) dφ for stick l: the rows with z ≥ l,
 * stopping (+) those with z = l. Damped Newton steps to the mode.
 */
export function stickLogEvidence(X: Float64Array, z: ArrayLike<number>, l: number, d: number, s: number): number {
  const n = z.length;
  const phi = new Float64Array(d);
  const grad = new Float64Array(d);
  const H = new Float64Array(d * d);
  const F = new Float64Array(d * d);
  const step = new Float64Array(d);
  const trial = new Float64Array(d);
  const target = (p: Float64Array, curvature: boolean): number => {
    let v = 0;
    for (let j = 0; j < d; j++) v -= (p[j] * p[j]) / (2 * s * s);
    if (curvature) {
      H.fill(0);
      for (let j = 0; j < d; j++) {
        grad[j] = -p[j] / (s * s);
        H[j * d + j] = 1 / (s * s);
      }
    }
    for (let t = 0; t < n; t++) {
      if (z[t] < l) continue;
      let eta = 0;
      for (let j = 0; j < d; j++) eta += X[t * d + j] * p[j];
      const stop = z[t] === l;
      v += stop ? logSigmoid(eta) : log1mSigmoid(eta);
      if (!curvature) continue;
      const q = 1 / (1 + Math.exp(-eta));
      for (let j = 0; j < d; j++) {
        grad[j] += ((stop ? 1 : 0) - q) * X[t * d + j];
        for (let k = 0; k <= j; k++) H[j * d + k] += q * (1 - q) * X[t * d + j] * X[t * d + k];
      }
    }
    return v;
  };
  let value = target(phi, true);
  for (let it = 0; it < 100; it++) {
    if (!cholesky(H, 0, d, F, 0)) throw new Error("oracle: a stick's Hessian is not positive definite");
    solveLower(F, 0, d, grad, 0, step, 0);
    solveLowerT(F, 0, d, step, 0, step, 0);
    let t = 1;
    let next = -Infinity;
    for (let halving = 0; halving < 50; halving++, t /= 2) {
      for (let j = 0; j < d; j++) trial[j] = phi[j] + t * step[j];
      next = target(trial, false);
      if (next >= value) break;
    }
    if (!(next >= value)) break;
    let moved = 0;
    for (let j = 0; j < d; j++) moved = Math.max(moved, Math.abs(trial[j] - phi[j]));
    phi.set(trial);
    value = target(phi, true);
    if (moved < 1e-10) break;
  }
  // H at the last point evaluated with curvature: the mode
  if (!cholesky(H, 0, d, F, 0)) throw new Error("oracle: a stick's Hessian is not positive definite");
  let halfLogDet = 0;
  for (let j = 0; j < d; j++) halfLogDet += Math.log(F[j * d + j]);
  return value - halfLogDet - d * Math.log(s);
}

/**
 * log p(y, z) for K experts under the NIG prior and a stick-breaking gate with φ ~ N(0, s²I) on
 * its K − 1 sticks (both reading the same design rows X), allocations z in 0..K−1: the experts'
 * evidences and the sticks' (Laplace) integrals.
 * @throws Error if an allocation is not an expert 0..K−1.
 */
export function logJoint(X: Float64Array, y: Float64Array, z: ArrayLike<number>, K: number, d: number, prior: NigPrior, s: number): { experts: number; gate: number } {
  for (let t = 0; t < z.length; t++) if (!(Number.isInteger(z[t]) && z[t] >= 0 && z[t] < K)) throw new Error(`oracle: row ${t} is allocated to ${z[t]}, not an expert 0..${K - 1}`);
  let experts = 0;
  for (let k = 0; k < K; k++) {
    const rows: number[] = [];
    for (let t = 0; t < z.length; t++) if (z[t] === k) rows.push(t);
    experts += nigLogEvidence(X, y, rows, d, prior);
  }
  let gate = 0;
  for (let l = 0; l < K - 1; l++) gate += stickLogEvidence(X, z, l, d, s);
  return { experts, gate };
}
