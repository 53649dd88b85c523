/**
 * Linear-algebra kernels (spec §3.6): Cholesky rank-one update and downdate and the two
 * triangular solves for d ∈ {4, 8, 16, 32}, reported as FLOP rates and as a fraction of the rate
 * of a plain Float64Array dot-product loop (length 1024) measured in the same run.
 *
 * Flop counts (multiplies and adds; each square root or division counts as one):
 * - cholUpdate: 3d(d−1) — 4 multiplies + 2 adds per sub-diagonal entry, as in the rotations; the
 *   O(d) work on the diagonal and on the scaled copy of x is not counted, so the rate is an
 *   underestimate. The unrolled code for d ≤ 4 does more arithmetic than that (about 7 operations
 *   per sub-diagonal entry) to keep square roots and divisions off its dependency chain; the count
 *   stays the same.
 * - cholDowndate: d² for the forward solve L⁻¹x, plus 3d(d+1) for the rotations (6 per entry of
 *   the lower triangle, diagonal included).
 * - solveLower, solveLowerT: d² (one multiply-add per off-diagonal entry, one division per row;
 *   the division is a reciprocal and a multiply, and the multiply is not counted).
 *
 * Each call works on one of 8 particle blocks in turn (a structure-of-arrays buffer, as in the
 * runtime) with a fresh x copied from a pool; the copy and loop overhead are included in the
 * timing. A short warm-up pass over every d runs first so that no measurement profits from V8
 * specialising the benchmark closure to one dimension.
 */
import { cholDowndate, cholUpdate, solveLower, solveLowerT } from "../runtime/linalg/index.js";
import { dotFlopRate, printTable, timeIt } from "./util.js";

const DIMS = [4, 8, 16, 32];
const BLOCKS = 8;
const POOL = 256;

type Kernel = "cholUpdate" | "cholDowndate" | "solveLower" | "solveLowerT";

const FLOPS: Record<Kernel, (d: number) => number> = {
  cholUpdate: (d) => 3 * d * (d - 1),
  cholDowndate: (d) => d * d + 3 * d * (d + 1),
  solveLower: (d) => d * d,
  solveLowerT: (d) => d * d,
};

/** Blocks of `diag · I` (a valid factor) and a pool of small vectors. */
function setup(d: number, diag: number): { L: Float64Array; pool: Float64Array } {
  const L = new Float64Array(BLOCKS * d * d);
  for (let b = 0; b < BLOCKS; b++) for (let i = 0; i < d; i++) L[b * d * d + i * d + i] = diag;
  const pool = new Float64Array(POOL * d).map((_, k) => 1e-3 * Math.sin(0.7 * k + 1));
  return { L, pool };
}

/**
 * Seconds per call of `kernel` at dimension d. Each kernel has its own loop (no dispatch inside
 * the timed loop, and each call site sees a single callee, as in an emitted kernel).
 */
function measure(kernel: Kernel, d: number, minSeconds: number): number {
  // Downdates start from 1000·I so that ~10⁷ removals of 1e−3-sized vectors stay positive definite.
  const { L, pool } = setup(d, kernel === "cholDowndate" ? 1000 : 1);
  const x = new Float64Array(d);
  const work = new Float64Array(d);
  const dd = d * d;
  const load = (r: number): number => {
    const po = (r & (POOL - 1)) * d;
    for (let i = 0; i < d; i++) x[i] = pool[po + i];
    return (r & (BLOCKS - 1)) * dd;
  };
  let fn: (reps: number) => number;
  switch (kernel) {
    case "cholUpdate":
      fn = (reps) => {
        for (let r = 0; r < reps; r++) cholUpdate(L, load(r), d, x, 0, work, 0);
        return work[d - 1];
      };
      break;
    case "cholDowndate":
      fn = (reps) => {
        let ok = 0;
        for (let r = 0; r < reps; r++) ok += +cholDowndate(L, load(r), d, x, 0, work, 0);
        if (ok !== reps) throw new Error("downdate failed in benchmark");
        return work[d - 1];
      };
      break;
    case "solveLower":
      fn = (reps) => {
        for (let r = 0; r < reps; r++) solveLower(L, load(r), d, x, 0, work, 0);
        return work[d - 1];
      };
      break;
    case "solveLowerT":
      fn = (reps) => {
        for (let r = 0; r < reps; r++) solveLowerT(L, load(r), d, x, 0, work, 0);
        return work[d - 1];
      };
      break;
  }
  return 1 / timeIt(fn, minSeconds).rate;
}

export default function run(): void {
  const kernels: Kernel[] = ["cholUpdate", "cholDowndate", "solveLower", "solveLowerT"];
  for (const k of kernels) for (const d of DIMS) measure(k, d, 0.05);
  const base = dotFlopRate(1024);
  console.log(`dot-product baseline (n = 1024): ${(base / 1e9).toFixed(2)} GFLOP/s`);
  const rows: (string | number)[][] = [];
  for (const k of kernels) {
    for (const d of DIMS) {
      const sec = measure(k, d, 0.4);
      const rate = FLOPS[k](d) / sec;
      rows.push([k, String(d), String(FLOPS[k](d)), sec * 1e9, rate / 1e9, `${((100 * rate) / base).toFixed(0)} %`]);
    }
  }
  printTable(["kernel", "d", "flops", "ns/call", "GFLOP/s", "of dot"], rows);
}
