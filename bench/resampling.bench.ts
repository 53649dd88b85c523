/**
 * Resampling (spec §3.5): nanoseconds per particle for every registered scheme at
 * N = 10³ … 10⁶ (m = N draws from N normalised weights), plus the log-weight normalisation and
 * the ESS that precede a resample. Buffers are allocated once per N, outside the timed loop.
 * Weights are log-normal-ish (log-weights −2·Exp(1)), so the inverse-CDF merge does real work.
 * A discarded warm-up row at N = 10³ keeps V8 from specialising the timed closures to the first N.
 * Beyond ~10⁵ particles the inverse-CDF merge is limited by branch mispredictions (which weight
 * a point falls in is unpredictable), not by arithmetic.
 */
import { Rng } from "../runtime/rng/rng.js";
import { RESAMPLING_SCHEMES, SCHEME_NAMES, essFromLogWeights, normaliseLogWeights } from "../runtime/smc/index.js";
import { printTable, timeIt } from "./util.js";

const SIZES = [1e3, 1e4, 1e5, 1e6];

function measureRow(rng: Rng, n: number, minSeconds: number): (string | number)[] {
  const lw = Float64Array.from({ length: n }, () => -2 * rng.exponential());
  const W = new Float64Array(n);
  normaliseLogWeights(lw, n, W);
  const A = new Int32Array(n);
  const work = new Float64Array(2 * n);
  const perParticle = (fn: (reps: number) => number): number => 1e9 / (timeIt(fn, minSeconds).rate * n);
  const row: (string | number)[] = [n.toExponential(0)];
  for (const name of SCHEME_NAMES) {
    const scheme = RESAMPLING_SCHEMES[name];
    row.push(
      perParticle((reps) => {
        for (let r = 0; r < reps; r++) scheme(rng, W, n, A, n, work);
        return A[n - 1];
      }),
    );
  }
  row.push(
    perParticle((reps) => {
      let s = 0;
      for (let r = 0; r < reps; r++) s += normaliseLogWeights(lw, n, work);
      return s;
    }),
  );
  row.push(
    perParticle((reps) => {
      let s = 0;
      for (let r = 0; r < reps; r++) s += essFromLogWeights(lw, n);
      return s;
    }),
  );
  return row;
}

export default function run(): void {
  const rng = Rng.fromSeed("bench-resampling");
  measureRow(rng, SIZES[0], 0.05);
  const rows = SIZES.map((n) => measureRow(rng, n, 0.3));
  console.log("ns per particle (m = N ancestors; normalise: log-weights → W; ess: from log-weights)");
  printTable(["N", ...SCHEME_NAMES, "normalise", "ess"], rows);
}
