/**
 * Pólya-Gamma terms of a Bernoulli-logit factor σ(±η)^w raised to a row weight w (forgetting,
 * spec §3.8), shared by every block whose coefficients are logistic given their auxiliaries
 * (the gate's sticks, binary experts). The exact augmentation of σ(±η)^w needs PG(w, ·) draws,
 * which are slow for w < 1; instead a row's auxiliary is ω = w·PG(1, √w·η), the exact
 * augmentation of a nearby factor e^{wκη}/cosh(√w·η/2), and a Metropolis–Hastings test with
 * the ratio of the two factors ({@link temperedLogRatio}) makes a coefficient draw exact.
 */
import { log1pExpNeg } from "../math/index.js";
import { polyaGamma1, type Rng } from "../rng/index.js";

/** A row's Pólya-Gamma term at logit η and weight w: ω ~ PG(1, η), or w·PG(1, √w·η) when w < 1. */
export function weightedOmega(rng: Rng, eta: number, w: number): number {
  return w === 1 ? polyaGamma1(rng, eta) : w * polyaGamma1(rng, Math.sqrt(w) * eta);
}

/** log cosh(x) without overflow: |x| + log1p(e^{−2|x|}) − log 2. */
function logCosh(x: number): number {
  const a = Math.abs(x);
  return a + log1pExpNeg(2 * a) - Math.LN2;
}

/**
 * One row's part of the log acceptance ratio of a coefficient draw under weight w, moving its
 * logit from `before` to `after`: f(after) − f(before) with f(η) = log cosh(√w·η/2) − w·log cosh(η/2),
 * the log ratio of the tempered factor to the nearby one (0 when w = 1).
 */
export function temperedLogRatio(w: number, after: number, before: number): number {
  const r = Math.sqrt(w);
  return logCosh(0.5 * r * after) - w * logCosh(0.5 * after) - (logCosh(0.5 * r * before) - w * logCosh(0.5 * before));
}
