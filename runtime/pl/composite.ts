/**
 * The model state of a compiled model: the composition of its blocks (runtime/rules/roles.ts)
 * behind the {@link ModelState} contract the particle-learning driver calls. An emitted kernel
 * builds its blocks from the plan's constants and hands them to {@link composeState}; what a step
 * or a sweep does is written here once, in terms of the role interfaces, so no block and no
 * kernel repeats it.
 *
 * The order of random draws is part of the contract (a restored filter continues bit for bit):
 * per particle, the PL step draws the allocation and then the gate's update; a sweep draws the
 * experts' parameters, every allocation in row order, then the gate's moves and statistics.
 */
import type { Rng } from "../rng/index.js";
import { categoricalLog } from "../rng/samplers.js";
import type { Block, ExpertBlock, GateBlock } from "../rules/roles.js";
import type { ModelState } from "./kernel.js";
import type { RowStore } from "./rows.js";

/** The blocks of one particle set, by role, and every block by its snapshot name. */
export interface Composition {
  expert: ExpertBlock;
  gate: GateBlock;
  /** Every block with state, by the name its snapshot is stored under (each gathered once). */
  blocks: Readonly<Record<string, Block>>;
  /** Length of the input row. */
  D: number;
}

/**
 * Builds the {@link ModelState} of a composition. With `rng`, every particle is drawn from the
 * prior (experts, then the gate with its prior); without, the blocks are taken as restored.
 * @throws Error if the gate and the experts disagree on K, or a particle's gate cannot be drawn.
 */
export function composeState(parts: Composition, rng?: Rng): ModelState {
  const { expert, gate, blocks, D } = parts;
  const N = expert.N;
  const K = expert.K;
  if (gate.K !== K || gate.N !== N) throw new Error("compose: the gate and the experts disagree on the number of experts or particles");
  if (rng) {
    for (let i = 0; i < N; i++) {
      expert.init(i);
      if (!gate.init(rng, i)) throw new Error("the gate prior precision is not positive definite");
    }
  }
  const stateful = Object.entries(blocks);
  const pred = new Float64Array(K);
  const lw = new Float64Array(K);
  const mom = new Float64Array(4);
  const count = new Int32Array(K);
  let byExpert = new Int32Array(0);

  return {
    N,
    K,
    D,
    weigh(x, y, ell) {
      for (let i = 0; i < N; i++) {
        gate.logGate(i, x, 0, ell, i * K);
        expert.predictive(i, x, 0, y, pred, 0);
        for (let k = 0; k < K; k++) ell[i * K + k] += pred[k];
      }
    },
    gather(a) {
      for (const [, b] of stateful) b.gather(a);
    },
    propagate(rng, x, y, ell, z, t) {
      for (let i = 0; i < N; i++) {
        // Step 4, the allocation (one expert takes every row without a draw).
        const k = K === 1 ? 0 : categoricalLog(rng, ell, i * K, K);
        z[i] = k;
        if (!expert.updateStashed(i, k, x, 0, y)) return false; // step 5
        if (!gate.update(rng, i, k, x, 0)) return false; // step 6
      }
      // Steps 7 and 8 on the gate's schedule (spec §3.6).
      return gate.refreshEvery > 0 && (t + 1) % gate.refreshEvery === 0 ? gate.refresh(rng) : true;
    },
    sweep(rng, rows: RowStore, hist, stride) {
      // One expert: its statistics are exact and there is no allocation to revisit.
      if (K === 1) return true;
      const n = rows.n;
      const X = rows.x;
      const Y = rows.y;
      if (byExpert.length < K * n) byExpert = new Int32Array(2 * K * n);
      for (let i = 0; i < N; i++) {
        const h = i * stride;
        expert.drawParameters(rng, i); // 1. expert parameters (auxiliary, discarded after the sweep)
        for (let s = 0; s < n; s++) {
          // 2. every allocation from gate × expert density (the gate's ω marginalised)
          gate.logGate(i, X, s * D, lw, 0);
          expert.addLogLikelihoods(X, s * D, Y[s], lw, 0);
          hist[h + s] = categoricalLog(rng, lw, 0, K);
        }
        if (!gate.sweep(rng, i, X, hist, h, n)) return false; // 3. the gate's moves, statistics and coefficients
        // 4. expert statistics from scratch, from the rows now allocated to each
        count.fill(0);
        for (let s = 0; s < n; s++) {
          const k = hist[h + s];
          byExpert[k * n + count[k]++] = s;
        }
        for (let k = 0; k < K; k++) if (!expert.rebuild(i, k, X, Y, byExpert.subarray(k * n, (k + 1) * n), count[k])) return false;
      }
      return true;
    },
    predictive(x, out) {
      for (let i = 0; i < N; i++) {
        gate.logGate(i, x, 0, lw, 0);
        for (let k = 0; k < K; k++) {
          const o = (i * K + k) * 5;
          expert.predictiveMoments(i, k, x, 0, mom, 0);
          out[o] = Math.exp(lw[k]);
          out[o + 1] = mom[0];
          out[o + 2] = mom[1];
          out[o + 3] = mom[2];
          out[o + 4] = mom[3];
        }
      }
    },
    gateProbabilities(x, out) {
      for (let i = 0; i < N; i++) {
        gate.logGate(i, x, 0, out, i * K);
        for (let k = 0; k < K; k++) out[i * K + k] = Math.exp(out[i * K + k]);
      }
    },
    shrinkage(weights) {
      return gate.shrinkage(weights);
    },
    expertCounts(out) {
      out.set(expert.count);
    },
    noiseVariances(k, out) {
      for (let i = 0; i < N; i++) out[i] = expert.noiseVariance(i, k);
    },
    coefficientMarginals(k, out) {
      for (let i = 0; i < N; i++) expert.coefficientMarginals(i, k, out, i * expert.d * 3);
    },
    toJSON() {
      const json: Record<string, unknown> = {};
      for (const [name, b] of stateful) {
        const j = b.toJSON();
        if (j !== null) json[name] = j;
      }
      return json;
    },
  };
}
