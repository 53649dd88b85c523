/**
 * Pólya-Gamma terms of a logit factor e^{κη}/cosh(η/2)^b raised to a row weight w (forgetting,
 * spec §3.8), shared by every block whose coefficients are logistic given their auxiliaries
 * (the gate's sticks and binary experts with b = 1, count experts with b = y + r). The exact
 * augmentation of the tempered factor e^{wκη}/cosh(η/2)^{wb} needs PG(w·b, ·) draws, slow for a
 * fractional shape; instead a row's auxiliary augments a nearby factor exactly, and a
 * Metropolis–Hastings test with the ratio of the two factors ({@link temperedLogRatio}) makes a
 * coefficient draw exact. The nearby factor:
 * - for b = 1, e^{wκη}/cosh(√w·η/2), augmented by ω = w·PG(1, √w·η): its log ratio to the
 *   tempered factor grows like (√w − w)|η|/2 ≤ |η|/8;
 * - for any other b (a count's y + r, a binomial's n, below 1 too), e^{wκη}/cosh(η/2)^m with
 *   m = round(w·b), augmented by ω ~ PG(m, η) (0 when m = 0): its log ratio
 *   (m − wb)·log cosh(η/2) grows like |η|/4 at most, whatever b, where the first form's would
 *   grow with b (and stall the chains of large counts).
 */
import { log1pExpNeg } from "../math/index.js";
import { polyaGamma, polyaGamma1, type Rng } from "../rng/index.js";

/**
 * A row's Pólya-Gamma term at logit η, weight w and shape b: ω ~ PG(b, η) when w = 1, else the
 * nearby factor's (module header): w·PG(1, √w·η) for b = 1, PG(round(w·b), η) otherwise.
 */
export function weightedOmega(rng: Rng, eta: number, w: number, b = 1): number {
  if (b === 1) return w === 1 ? polyaGamma1(rng, eta) : w * polyaGamma1(rng, Math.sqrt(w) * eta);
  const m = w === 1 ? b : Math.round(w * b);
  return m > 0 ? polyaGamma(rng, m, eta) : 0;
}

/**
 * The term of a row folded into fixed statistics at weight w (spec §3.8): no test corrects it
 * later, so rows other than binary ones take PG(w·b, η), the exact augmentation of their tempered
 * factor (a fractional shape, drawn once per row), where the sweeps' rounded shape would leave a
 * row of few counts no curvature; a binary row keeps the sticks' nearby term w·PG(1, √w·η).
 */
export function foldedOmega(rng: Rng, eta: number, w: number, b = 1): number {
  if (w === 1 || b === 1) return weightedOmega(rng, eta, w, b);
  return w * b > 0 ? polyaGamma(rng, w * b, eta) : 0;
}

/** log cosh(x) without overflow: |x| + log1p(e^{−2|x|}) − log 2. */
function logCosh(x: number): number {
  const a = Math.abs(x);
  return a + log1pExpNeg(2 * a) - Math.LN2;
}

/**
 * One row's part of the log acceptance ratio of a coefficient draw under weight w, moving its
 * logit from `before` to `after`: f(after) − f(before) with f the log ratio of the tempered factor
 * to the nearby one of {@link weightedOmega}: f(η) = log cosh(√w·η/2) − w·log cosh(η/2) for b = 1,
 * (round(w·b) − w·b)·log cosh(η/2) for any other b (0 when w = 1).
 */
export function temperedLogRatio(w: number, after: number, before: number, b = 1): number {
  if (b !== 1) return (Math.round(w * b) - w * b) * (logCosh(0.5 * after) - logCosh(0.5 * before));
  const r = Math.sqrt(w);
  return logCosh(0.5 * r * after) - w * logCosh(0.5 * after) - (logCosh(0.5 * r * before) - w * logCosh(0.5 * before));
}
