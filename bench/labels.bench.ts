/**
 * Label matching after a fit (runtime/pl/labels.ts): microseconds per particle to align 1,000
 * particles in four sets over 1,000 rows, at K up to 1,024 with a few experts holding rows (the
 * usual state of an over-provisioned fit; issue 10 measured minutes at K = 1,024 when every
 * particle solved a K×K assignment) and with all of a small K in use. The allocations are
 * synthetic: each particle carries the same groups of rows under its own random labels, with 5 %
 * of the rows moved to another group so the matching has work to do.
 */
import { alignLabels, type LabelSource } from "../runtime/pl/labels.js";
import { Rng } from "../runtime/rng/rng.js";
import { printTable, timeIt } from "./util.js";

const ROWS = 1000;
const SETS = 4;
const PER_SET = 250;

function particleSets(rng: Rng, K: number, used: number): LabelSource[] {
  const int = (n: number) => Math.floor(n * rng.uniform());
  return Array.from({ length: SETS }, () => {
    const history = new Int32Array(PER_SET * ROWS);
    const counts = new Float64Array(PER_SET * K);
    for (let i = 0; i < PER_SET; i++) {
      const labels: number[] = [];
      while (labels.length < used) {
        const k = int(K);
        if (!labels.includes(k)) labels.push(k);
      }
      for (let t = 0; t < ROWS; t++) {
        const k = labels[rng.uniform() < 0.05 ? int(used) : t % used];
        history[i * ROWS + t] = k;
        counts[i * K + k] += 1;
      }
    }
    return { N: PER_SET, counts, weights: new Float64Array(PER_SET).fill(1 / (SETS * PER_SET)), history, stride: ROWS };
  });
}

export default function run(): void {
  const rng = Rng.fromSeed(1);
  const rows: (string | number)[][] = [];
  for (const [K, used] of [[4, 4], [16, 16], [64, 4], [64, 32], [1024, 4], [1024, 16]]) {
    const sets = particleSets(rng, K, used);
    const t = timeIt((reps) => {
      let s = 0;
      for (let r = 0; r < reps; r++) s += alignLabels(sets, K, ROWS).usage[0];
      return s;
    }, 0.5);
    rows.push([String(K), String(used), 1e6 / (t.rate * SETS * PER_SET)]);
  }
  printTable(["K", "in use", "µs/particle"], rows);
}
