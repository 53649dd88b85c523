/**
 * Folds from a sweep's kept statistics (spec §3.8): a Pólya-Gamma gate's rebuild keeps the part
 * of (G, r) from the first `keep` rows of the window, the rows the next fold takes, and that fold
 * adds it to the fixed statistics instead of drawing each row's ω again. Checked here on the
 * blocks; the windowed filters' enumeration tests (test/pl/window.test.ts) run through this path
 * at every fold.
 */
import { describe, expect, it } from "vitest";
import { Rng } from "../../../runtime/rng/index.js";
import { FixedNormalPrior } from "../../../runtime/rules/fixed-normal.js";
import type { LogitRegressions } from "../../../runtime/rules/logit-regressions.js";
import { SoftmaxGateState } from "../../../runtime/rules/softmax-gate.js";
import { StickGateState } from "../../../runtime/rules/stick-gate.js";

const K = 4;
const d = 2;
const T = 30;

function setUp(gate: LogitRegressions, seed: string) {
  const rng = Rng.fromSeed(seed);
  const X = Float64Array.from({ length: T * d }, (_, p) => (p % d === 0 ? 1 : 2 * rng.normal()));
  const z = Int32Array.from({ length: T }, () => Math.floor(rng.uniform() * K));
  const prior = new FixedNormalPrior(2, gate.S, d, 3);
  for (let i = 0; i < 2; i++) gate.init(rng, i, prior);
  const sweep = (keep: number) => {
    gate.keep = keep;
    for (let i = 0; i < 2; i++) expect(gate.redraw(rng, i, X, z, 0, T, prior)).toBe(true);
  };
  return { X, z, sweep };
}

/** The 2 × 2 lower-triangle block b of `a` minus that of `c`: [g00, g10, g11]. */
function block(a: Float64Array, b: number, c?: Float64Array): number[] {
  const o = b * d * d;
  return [0, 2, 3].map((j) => a[o + j] - (c ? c[o + j] : 0));
}

const gates: [string, () => LogitRegressions][] = [
  ["stick-breaking", () => new StickGateState(2, K, d)],
  ["softmax", () => new SoftmaxGateState(2, K, d, true)],
];

describe.each(gates)("kept folds, %s gate", (_name, make) => {
  it("keeping every row keeps (G, r) itself; a fold of those rows makes them the fixed statistics", () => {
    const gate = make();
    const { sweep } = setUp(gate, "kept-all");
    sweep(T);
    expect(gate.nextRows).toBe(T);
    expect(Array.from(gate.nextG)).toEqual(Array.from(gate.G));
    expect(Array.from(gate.nextR)).toEqual(Array.from(gate.r));
    expect(gate.foldKept(T)).toBe(true);
    expect(gate.folded).toBe(true);
    expect(gate.nextRows).toBe(0);
    expect(Array.from(gate.oldG)).toEqual(Array.from(gate.G));
    expect(Array.from(gate.oldR)).toEqual(Array.from(gate.r));
  });

  it("keeping the first rows: the rest of G stays positive semi-definite; a fold of another count changes nothing", () => {
    const gate = make();
    const { sweep } = setUp(gate, "kept-some");
    sweep(12);
    expect(gate.nextRows).toBe(12);
    for (let b = 0; b < 2 * gate.S; b++) {
      for (const g of [block(gate.nextG, b), block(gate.G, b, gate.nextG)]) {
        expect(g[0]).toBeGreaterThanOrEqual(0);
        expect(g[2]).toBeGreaterThanOrEqual(0);
        expect(g[0] * g[2] - g[1] * g[1]).toBeGreaterThanOrEqual(-1e-9 * (g[0] * g[2] + 1));
      }
    }
    // a fold the sweep did not foresee: row by row, so nothing moves and nothing stays kept
    expect(gate.foldKept(11)).toBe(false);
    expect(gate.nextRows).toBe(0);
    expect(gate.folded).toBe(false);
    expect(gate.oldG.every((v) => v === 0) && gate.oldR.every((v) => v === 0)).toBe(true);
    expect(gate.foldKept(12)).toBe(false);
  });

  it("the kept statistics follow particles through resampling and snapshots; none under keep = 0", () => {
    const gate = make();
    const { sweep } = setUp(gate, "kept-gather");
    sweep(7);
    const per = gate.nextG.length / 2;
    const first = Array.from(gate.nextG.subarray(0, per));
    const firstR = Array.from(gate.nextR.subarray(0, gate.nextR.length / 2));
    expect(Array.from(gate.nextG.subarray(per))).not.toEqual(first);
    gate.gather(Int32Array.from([0, 0]));
    expect(Array.from(gate.nextG.subarray(per))).toEqual(first);
    expect(Array.from(gate.nextR.subarray(gate.nextR.length / 2))).toEqual(firstR);
    const json = JSON.parse(JSON.stringify(gate.toJSON()));
    expect(json.nextRows).toBe(7);
    const back = gate instanceof StickGateState ? StickGateState.fromJSON(json) : SoftmaxGateState.fromJSON(json);
    expect(back.nextRows).toBe(7);
    expect(Array.from(back.nextG)).toEqual(Array.from(gate.nextG));
    expect(Array.from(back.nextR)).toEqual(Array.from(gate.nextR));
    sweep(0);
    expect(gate.nextRows).toBe(0);
    expect(gate.toJSON().nextRows).toBeUndefined();
  });
});

describe("the kept linear term is Σ κ x over the first rows that reach each regression (no offsets: it does not depend on ω)", () => {
  it("stick-breaking: the rows with z ≥ l, κ = ±½ as z = l or z > l", () => {
    const gate = new StickGateState(2, K, d);
    const { X, z, sweep } = setUp(gate, "kept-r");
    sweep(12);
    for (let i = 0; i < 2; i++) {
      for (let l = 0; l < gate.S; l++) {
        for (let j = 0; j < d; j++) {
          let want = 0;
          for (let s = 0; s < 12; s++) if (z[s] >= l) want += (z[s] === l ? 0.5 : -0.5) * X[s * d + j];
          expect(gate.nextR[(i * gate.S + l) * d + j]).toBeCloseTo(want, 12);
        }
      }
    }
  });

  it("softmax with two experts, the second pinned: every row, κ = ±½ as z = 0 or not (the other logit is 0, so C = 0)", () => {
    const gate = new SoftmaxGateState(2, 2, d, true);
    const rng = Rng.fromSeed("kept-softmax");
    const X = Float64Array.from({ length: T * d }, (_, p) => (p % d === 0 ? 1 : 2 * rng.normal()));
    const z = Int32Array.from({ length: T }, () => (rng.uniform() < 0.5 ? 0 : 1));
    const prior = new FixedNormalPrior(2, 1, d, 3);
    for (let i = 0; i < 2; i++) gate.init(rng, i, prior);
    gate.keep = 12;
    for (let i = 0; i < 2; i++) expect(gate.redraw(rng, i, X, z, 0, T, prior)).toBe(true);
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < d; j++) {
        let want = 0;
        for (let s = 0; s < 12; s++) want += (z[s] === 0 ? 0.5 : -0.5) * X[s * d + j];
        expect(gate.nextR[i * d + j]).toBeCloseTo(want, 12);
      }
    }
  });
});
