/**
 * Forgetting (spec §3.8) measured on the streams of issue 12: the flagship at K = 3, 200
 * particles in 4 sets, sweeps on, 5,000 rows of the piecewise truth, stationary or with its
 * regimes swapped at row 2,500. Per factor (none, fixed ones, auto): the mean prequential score
 * (each row scored before it is seen) over rows 2,000–2,500, 2,500–3,000 and 4,500–5,000 of
 * the changing stream, the mean over the whole stationary stream and its paired difference to
 * ρ = 1 with the standard error over seeds, and the fit's time relative to ρ = 1 in the same run.
 * Then the cost of the discount's O(d³) refactorisations: 2,000 rows with d = 2, 8, 12 inputs
 * (an intercept and d − 1 normal inputs), ρ = 0.99 against ρ = 1, with the sweeps on and off.
 */
import { readFileSync } from "node:fs";
import { compile } from "../api.js";
import { Rng } from "../runtime/rng/rng.js";
import type { Forget } from "../runtime/pl/forget.js";
import { printTable } from "./util.js";

const flagship = readFileSync(new URL("../../stdlib/hsmoe.moe", import.meta.url), "utf8");
const ROWS = 5000;
const CHANGE = 2500;
const SEEDS = Number(process.env.HSMOE_BENCH_SEEDS ?? 3);
const FACTORS: Forget[] = [1, 0.998, 0.99, "auto"];

const piecewise = (u: number) => (u < 0 ? -1 - u : 1 + 2 * u);
const swapped = (u: number) => (u < 0 ? 1 + u : -1 - 2 * u);

/** Per-row prequential scores of one fit, and its seconds. */
function scores(forget: Forget, change: number, seed: number) {
  const rng = Rng.fromSeed(seed);
  const f = compile(flagship, { K: 3 }).filter({ particles: 200, seed, forget, trace: true });
  const out = new Float64Array(ROWS);
  const t0 = performance.now();
  for (let t = 0; t < ROWS; t++) {
    const u = rng.uniform() * 6 - 3;
    const y = (t < change ? piecewise(u) : swapped(u)) + 0.3 * rng.normal();
    out[t] = f.observe([1, u], y)!.logPredictive;
  }
  return { out, seconds: (performance.now() - t0) / 1000 };
}

const mean = (v: Float64Array, a: number, b: number) => {
  let s = 0;
  for (let t = a; t < b; t++) s += v[t];
  return s / (b - a);
};
const fmt = (v: number, digits = 3) => v.toFixed(digits);

/** Seconds of a 2,000-row fit with d inputs. */
function costFit(d: number, forget: number, rejuvenate: boolean): number {
  const rng = Rng.fromSeed(d);
  const f = compile(flagship, { K: 3 }).filter({ particles: 200, seed: 1, D: d, forget, rejuvenate });
  const x = new Float64Array(d);
  const t0 = performance.now();
  for (let t = 0; t < 2000; t++) {
    x[0] = 1;
    for (let j = 1; j < d; j++) x[j] = rng.normal();
    f.observe(x, piecewise(x[1] * 3) + 0.3 * rng.normal());
  }
  f.finish();
  return (performance.now() - t0) / 1000;
}

function cost(): void {
  const rows = [2, 8, 12].map((d) => {
    const on = [costFit(d, 1, true), costFit(d, 0.99, true)];
    const off = [costFit(d, 1, false), costFit(d, 0.99, false)];
    return [String(d), fmt(on[0], 2), fmt(on[1], 2), fmt(on[1] / on[0], 2), fmt(off[0], 2), fmt(off[1], 2), fmt(off[1] / off[0], 2)];
  });
  printTable(["d", "ρ = 1 s", "ρ = 0.99 s", "ratio", "no sweeps: ρ = 1 s", "ρ = 0.99 s", "ratio"], rows);
}

export default function run(): void {
  cost();
  const rows: (string | number)[][] = [];
  const still: number[][] = [];
  for (const forget of FACTORS) {
    const win = [0, 0, 0];
    const whole: number[] = [];
    let seconds = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const drift = scores(forget, CHANGE, seed);
      win[0] += mean(drift.out, 2000, 2500) / SEEDS;
      win[1] += mean(drift.out, 2500, 3000) / SEEDS;
      win[2] += mean(drift.out, 4500, 5000) / SEEDS;
      const stationary = scores(forget, Infinity, seed);
      whole.push(mean(stationary.out, 0, ROWS));
      seconds += drift.seconds + stationary.seconds;
    }
    still.push(whole);
    // paired over seeds: the same rows and seed as ρ = 1
    const diff = whole.map((v, i) => v - still[0][i]);
    const dm = diff.reduce((a, b) => a + b, 0) / SEEDS;
    const se = SEEDS > 1 ? Math.sqrt(diff.reduce((a, b) => a + (b - dm) ** 2, 0) / (SEEDS - 1) / SEEDS) : NaN;
    rows.push([String(forget), fmt(win[0]), fmt(win[1]), fmt(win[2]), fmt(whole.reduce((a, b) => a + b, 0) / SEEDS, 4), forget === 1 ? "" : `${fmt(dm, 4)} ± ${fmt(se, 4)}`, fmt(seconds, 1)]);
  }
  const base = Number(rows[0][6]);
  for (const r of rows) r.push(fmt(Number(r[6]) / base, 2));
  printTable(["forget", "2,000–2,500", "2,500–3,000", "4,500–5,000", "stationary", "vs ρ = 1", "seconds", "time ratio"], rows);
  console.log(`(mean log predictive per row; ${SEEDS} seeds; the flagship at K = 3, 200 particles in 4 sets)`);
}
