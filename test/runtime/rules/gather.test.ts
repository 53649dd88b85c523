/**
 * In-place gather of every rule state: with an ancestor vector in which survivors keep their slots
 * (`ancestors[ancestors[i]] === ancestors[i]`, as the particle-set driver arranges them), every
 * field's block i equals block `ancestors[i]` of a snapshot taken before the gather, bit for bit.
 */
import { describe, expect, it } from "vitest";
import { Rng } from "../../../runtime/rng/index.js";
import { FixedNormalPrior } from "../../../runtime/rules/fixed-normal.js";
import { HorseshoeState } from "../../../runtime/rules/horseshoe.js";
import { KnownVarianceLinearState } from "../../../runtime/rules/known-variance-linear.js";
import { NigLinearState } from "../../../runtime/rules/nig-linear.js";
import { StickGateState } from "../../../runtime/rules/stick-gate.js";

const N = 40;

/** A random valid vector: a random non-empty set of survivors keeps its slots, each other slot copies a random survivor. */
function keptInPlace(rng: Rng, survive: number): Int32Array {
  const a = new Int32Array(N);
  const survivors: number[] = [];
  for (let i = 0; i < N; i++) if (rng.uniform() < survive) survivors.push(i);
  if (survivors.length === 0) survivors.push(Math.floor(rng.uniform() * N));
  const kept = new Set(survivors);
  for (let i = 0; i < N; i++) a[i] = kept.has(i) ? i : survivors[Math.floor(rng.uniform() * survivors.length)];
  return a;
}

interface Case {
  name: string;
  make: () => { gather(a: Int32Array): void };
  fields: (s: never) => Float64Array[];
}

const cases: Case[] = [
  {
    name: "normal_inverse_gamma_linear",
    make: () => new NigLinearState(N, 3, 4, { g: 10, m0: [0, 0, 0, 0], a0: 2, b0: 1 }),
    fields: (s: NigLinearState) => [s.L, s.m, s.count, s.stashW, s.stashXm, s.stashQ, s.a, s.b],
  },
  {
    name: "normal_known_variance_linear",
    make: () => new KnownVarianceLinearState(N, 2, 3, { s: 1, g: 4, m0: [0, 0, 0] }),
    fields: (s: KnownVarianceLinearState) => [s.L, s.m, s.count, s.stashW, s.stashXm, s.stashQ],
  },
  {
    name: "polya_gamma_stickbreaking",
    make: () => new StickGateState(N, 4, 5),
    fields: (s: StickGateState) => [s.G, s.r, s.L, s.phi],
  },
  {
    name: "horseshoe_makalic_schmidt",
    make: () => new HorseshoeState(N, 3, 5),
    fields: (s: HorseshoeState) => [s.lambda2, s.nu, s.tau2, s.xi],
  },
  {
    name: "horseshoe_makalic_schmidt, grouped",
    make: () => new HorseshoeState(N, 3, 5, { grouped: true }),
    fields: (s: HorseshoeState) => [s.lambda2, s.nu, s.tau2, s.xi],
  },
];

describe.each(cases)("in-place gather: $name", ({ name, make, fields }) => {
  it("matches copying from a snapshot for random kept-in-place ancestor vectors", () => {
    const rng = Rng.fromSeed(`gather-${name}`);
    const state = make();
    const f = fields(state as never);
    for (let rep = 0; rep < 100; rep++) {
      for (const a of f) for (let p = 0; p < a.length; p++) a[p] = rng.normal();
      const ancestors = rep === 0 ? Int32Array.from({ length: N }, (_, i) => i) : keptInPlace(rng, [0.02, 0.3, 0.7, 0.95][rep % 4]);
      const expected = f.map((a) => {
        const size = a.length / N;
        const e = new Float64Array(a.length);
        for (let i = 0; i < N; i++) e.set(a.subarray(ancestors[i] * size, (ancestors[i] + 1) * size), i * size);
        return e;
      });
      state.gather(ancestors);
      f.forEach((a, j) => expect(a).toEqual(expected[j]));
    }
  });
});

describe("in-place gather: normal_fixed_scale", () => {
  it("has no state to copy", () => {
    const p = new FixedNormalPrior(N, 2, 3, 1.5);
    p.gather();
    expect(p.toJSON()).toEqual(new FixedNormalPrior(N, 2, 3, 1.5).toJSON());
  });
});
