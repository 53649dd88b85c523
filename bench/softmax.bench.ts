/**
 * The softmax gate's streaming step (spec §2.9): what it approximates, measured.
 * The stick gate's streaming step alone (no sweeps) is exact SMC on the Pólya-Gamma-augmented
 * target, so its evidence estimate p̂ is unbiased; the softmax gate's statistics also keep each
 * row's offsets C from the φ of its time, so a refresh draws φ_k given stale offsets, and p̂
 * without sweeps need not be unbiased. Measured on 60 rows of three regimes routed by u (the
 * gate on x = [1, u], refreshed every 10 rows): the mean of p̂/p̂_ref over independent filters
 * without sweeps, p̂_ref the mean of p̂ over filters with the sweeps (resample-move with exact
 * sweeps: unbiased), for both gates; and the held-out log predictive density of both with and
 * without the sweeps on 2,000 rows of the same truth.
 */
import { compile } from "../api.js";
import { Rng } from "../runtime/rng/rng.js";
import { printTable } from "./util.js";

const model = (gate: string, rows: string) => `model m(K: int = 3) {
  data x: vector[D]
  data y: real
  phi[${rows}, j in 1..D] ~ normal(0, 2)
  sigma2[k in 1..K] ~ invgamma(2, 1)
  beta[k in 1..K] ~ mvnormal(0, 10 * sigma2[k] * I(D))
  z ~ ${gate}
  y ~ normal(dot(beta[z], x), sqrt(sigma2[z]))
}`;

const GATES = [
  ["stick-breaking", model("stickbreaking(logistic(phi * x))", "k in 1..K-1")],
  ["softmax (last pinned)", model("categorical(softmax(append_row(phi * x, 0)))", "k in 1..K-1")],
] as const;

/** Rows of three regimes by u: y = −2 − u below −1, 0.5u between, 1 + 2u above 1 (noise sd 0.4). */
function rows(n: number, seed: number): { x: number[]; y: number }[] {
  const rng = Rng.fromSeed(seed);
  return Array.from({ length: n }, () => {
    const u = 6 * rng.uniform() - 3;
    const mean = u < -1 ? -2 - u : u < 1 ? 0.5 * u : 1 + 2 * u;
    return { x: [1, u], y: mean + 0.4 * rng.normal() };
  });
}

/** p̂ of `runs` one-set filters (seeds from `first`), as log values. */
function logEvidences(source: string, data: { x: number[]; y: number }[], runs: number, first: number, rejuvenate: boolean): number[] {
  const m = compile(source);
  return Array.from({ length: runs }, (_, r) => {
    const f = m.filter({ particles: 200, sets: 1, seed: first + r, D: 2, rejuvenate });
    for (const row of data) f.observe(row.x, row.y);
    return f.logEvidence;
  });
}

/** log of the mean of e^{v}. */
const logMeanExp = (v: number[]) => {
  const m = Math.max(...v);
  return m + Math.log(v.reduce((a, x) => a + Math.exp(x - m), 0) / v.length);
};

export default function main(): void {
  const data = rows(60, 1);
  const out: (string | number)[][] = [];
  for (const [name, source] of GATES) {
    const ref = logMeanExp(logEvidences(source, data, 200, 1000, true));
    const off = logEvidences(source, data, 400, 1, false).map((v) => Math.exp(v - ref));
    const mean = off.reduce((a, b) => a + b, 0) / off.length;
    const sd = Math.sqrt(off.reduce((a, b) => a + (b - mean) ** 2, 0) / (off.length - 1));
    out.push([name, ref.toFixed(3), mean.toFixed(3), (sd / Math.sqrt(off.length)).toFixed(3), sd.toFixed(3)]);
  }
  printTable(["gate", "log p̂_ref (sweeps)", "mean p̂/p̂_ref, no sweeps", "its SE", "sd of p̂/p̂_ref"], out);

  const train = rows(2000, 2);
  const test = rows(1000, 3);
  const lpd: (string | number)[][] = [];
  for (const [name, source] of GATES) {
    const line: (string | number)[] = [name];
    for (const rejuvenate of [true, false]) {
      const f = compile(source).filter({ particles: 500, seed: 1, D: 2, rejuvenate });
      for (const r of train) f.observe(r.x, r.y);
      f.finish();
      let s = 0;
      for (const r of test) s += f.predict(r.x, []).logDensity(r.y);
      line.push((s / test.length).toFixed(4));
    }
    lpd.push(line);
  }
  printTable(["gate", "held-out lpd, sweeps", "held-out lpd, no sweeps"], lpd);
}
