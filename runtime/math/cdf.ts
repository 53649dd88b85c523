/**
 * Cumulative distribution functions needed at run time: the regularised incomplete beta
 * function (modified Lentz continued fraction, Numerical Recipes §6.4's formulation) and the
 * Student-t CDF built on it, used for predictive quantiles.
 */
import { lgamma } from "./special.js";

const TINY = 1e-300;

/** One modified-Lentz step: returns the updated (c, d) product factor and stores c, d. */
function lentz(state: Float64Array, num: number): number {
  let d = 1 + num * state[1];
  if (Math.abs(d) < TINY) d = TINY;
  let c = 1 + num / state[0];
  if (Math.abs(c) < TINY) c = TINY;
  d = 1 / d;
  state[0] = c;
  state[1] = d;
  return c * d;
}

const lentzState = new Float64Array(2);

/** I_x(a, b), the regularised incomplete beta function (the Beta(a, b) CDF at x). */
export function betaCdf(x: number, a: number, b: number): number {
  return regularizedBetaFront(x, a, b, lgamma(a + b) - lgamma(a) - lgamma(b));
}

/**
 * I_x(a, b) given `negLogBeta` = −log B(a, b) = lgamma(a + b) − lgamma(a) − lgamma(b), for
 * callers that evaluate one (a, b) at many x (mixture CDFs) and should not pay three lgammas
 * each time.
 */
export function regularizedBetaFront(x: number, a: number, b: number, negLogBeta: number): number {
  if (!(x > 0)) return 0;
  if (x >= 1) return 1;
  if (x > (a + 1) / (a + b + 2)) return 1 - regularizedBetaFront(1 - x, b, a, negLogBeta);
  const logFront = a * Math.log(x) + b * Math.log1p(-x) + negLogBeta - Math.log(a);
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  lentzState[0] = 1;
  lentzState[1] = 1 / d;
  let h = lentzState[1];
  for (let m = 1; m < 10000; m++) {
    h *= lentz(lentzState, (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m)));
    const delta = lentz(lentzState, (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1)));
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(logFront) * h;
}

/** CDF of the Student-t with location, squared scale and dof, at y. */
export function studentTCdf(y: number, loc: number, scaleSq: number, dof: number): number {
  const t = (y - loc) / Math.sqrt(scaleSq);
  const tail = 0.5 * betaCdf(dof / (dof + t * t), dof / 2, 0.5);
  return t > 0 ? 1 - tail : tail;
}
