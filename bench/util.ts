/** Small timing helpers and data shared by the benchmarks. */
import { compile } from "../api.js";
import { Rng } from "../runtime/rng/rng.js";

/** Result of timing a function: total calls and seconds spent. */
export interface Timing {
  calls: number;
  seconds: number;
  /** calls per second */
  rate: number;
}

/**
 * Calls `fn` repeatedly (after a warm-up) until at least `minSeconds` have passed, doubling the
 * batch so timer overhead stays negligible. `fn` receives the batch size and must do that many
 * units of work; it returns a number that is accumulated so the work cannot be optimised away.
 */
export function timeIt(fn: (reps: number) => number, minSeconds = 0.5): Timing {
  let sink = fn(16);
  let reps = 16;
  let calls = 0;
  let elapsed = 0;
  while (elapsed < minSeconds) {
    const t0 = process.hrtime.bigint();
    sink += fn(reps);
    elapsed += Number(process.hrtime.bigint() - t0) / 1e9;
    calls += reps;
    if (elapsed < minSeconds / 8) reps *= 2;
  }
  if (Number.isNaN(sink)) console.log("(sink)");
  return { calls, seconds: elapsed, rate: calls / elapsed };
}

/**
 * FLOP rate (multiply-adds count as 2 FLOPs) of a plain Float64Array dot-product loop of length
 * `n`: the baseline that linear-algebra kernels are reported against.
 */
export function dotFlopRate(n: number, minSeconds = 0.5): number {
  const a = new Float64Array(n).map((_, i) => Math.sin(i));
  const b = new Float64Array(n).map((_, i) => Math.cos(i));
  const t = timeIt((reps) => {
    let s = 0;
    for (let r = 0; r < reps; r++) {
      let acc = 0;
      for (let i = 0; i < n; i++) acc += a[i] * b[i];
      s += acc;
    }
    return s;
  }, minSeconds);
  return t.rate * 2 * n;
}

/** Prints rows as an aligned text table. */
export function printTable(header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === "number" ? formatNumber(c) : c)))];
  const widths = header.map((_, j) => Math.max(...cells.map((r) => String(r[j]).length)));
  for (const [i, r] of cells.entries()) {
    console.log(r.map((c, j) => String(c).padStart(widths[j])).join("  "));
    if (i === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
  }
}

function formatNumber(x: number): string {
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (a >= 1e6) return x.toExponential(3);
  if (a >= 100) return x.toFixed(0);
  if (a >= 1) return x.toFixed(2);
  return x.toPrecision(3);
}

/** n rows from a random mixture of K linear experts with a logistic stick-breaking gate. */
export function simulate(n: number, K: number, d: number, seed: number): { x: Float64Array; y: Float64Array } {
  const rng = Rng.fromSeed(seed);
  const phi = Array.from({ length: (K - 1) * d }, () => 2 * rng.normal());
  const beta = Array.from({ length: K * d }, () => rng.normal());
  const x = new Float64Array(n * d);
  const y = new Float64Array(n);
  for (let s = 0; s < n; s++) {
    x[s * d] = 1;
    for (let j = 1; j < d; j++) x[s * d + j] = rng.normal();
    let k = 0;
    for (; k < K - 1; k++) {
      let eta = 0;
      for (let j = 0; j < d; j++) eta += phi[k * d + j] * x[s * d + j];
      if (rng.uniform() < 1 / (1 + Math.exp(-eta))) break;
    }
    let mean = 0;
    for (let j = 0; j < d; j++) mean += beta[k * d + j] * x[s * d + j];
    y[s] = mean + 0.3 * rng.normal();
  }
  return { x, y };
}

/**
 * Seconds of a whole fit (observe every row, then finish) of `source` with K experts to n rows
 * of {@link simulate} (seed 1) with d inputs, N particles, the sweeps on or off.
 */
export function timeSimulatedFit(source: string, K: number, d: number, N: number, n: number, rejuvenate = true): number {
  const { x, y } = simulate(n, K, d, 1);
  const f = compile(source, { K }).filter({ particles: N, seed: 1, D: d, rejuvenate });
  const t0 = performance.now();
  for (let s = 0; s < n; s++) f.observe(x.subarray(s * d, (s + 1) * d), y[s]);
  f.finish();
  return (performance.now() - t0) / 1000;
}
