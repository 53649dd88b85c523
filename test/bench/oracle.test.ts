/**
 * The evidence bound of bench/oracle.ts against independent computations: the NIG evidence
 * against test/helpers/nig.ts (matrix algebra), a stick's Laplace integral against quadrature
 * in one dimension (where Laplace is close but not exact: within 0.05 nats at 60 rows), and an
 * empty expert or stick contributing 0.
 */
import { describe, expect, it } from "vitest";
import { logJoint, nigLogEvidence, stickLogEvidence } from "../../bench/oracle.js";
import { Rng } from "../../runtime/rng/rng.js";
import { nigPosterior } from "../helpers/nig.js";

describe("evidence bound (bench/oracle.ts)", () => {
  const rng = Rng.fromSeed(3);
  const n = 60;
  const d = 3;
  const X = Float64Array.from({ length: n * d }, (_, i) => (i % d === 0 ? 1 : rng.normal()));
  const y = Float64Array.from({ length: n }, (_, t) => 0.5 + X[t * d + 1] - 2 * X[t * d + 2] + 0.4 * rng.normal());

  it("one expert's evidence equals the matrix computation to 1e-9", () => {
    const rows = Array.from({ length: 40 }, (_, t) => t + 10);
    const ours = nigLogEvidence(X, y, rows, d, { g: 10, a0: 2, b0: 1 });
    const ref = nigPosterior(rows.map((t) => Array.from(X.subarray(t * d, t * d + d))), rows.map((t) => y[t]), 10, 2, 1).logEvidence;
    expect(Math.abs(ours - ref)).toBeLessThan(1e-9);
  });

  it("a stick's Laplace integral is within 0.05 nats of quadrature (one coefficient)", () => {
    const x = new Float64Array(n).fill(1);
    const z = Array.from({ length: n }, (_, t) => (t % 3 === 0 ? 0 : t % 3)); // a third stop at stick 0
    const s = 2.5;
    let acc = 0;
    const h = 1e-3;
    for (let phi = -15; phi <= 15; phi += h) {
      let l = -(phi * phi) / (2 * s * s);
      for (const k of z) l -= Math.log1p(Math.exp(k === 0 ? -phi : phi));
      acc += Math.exp(l) * h;
    }
    const exact = Math.log(acc / Math.sqrt(2 * Math.PI * s * s));
    expect(Math.abs(stickLogEvidence(x, z, 0, 1, s) - exact)).toBeLessThan(0.05);
  });

  it("empty experts and sticks add nothing", () => {
    const z = new Array<number>(n).fill(0);
    const two = logJoint(X, y, z, 2, d, { g: 10, a0: 2, b0: 1 }, 2.5);
    const one = nigLogEvidence(X, y, Array.from({ length: n }, (_, t) => t), d, { g: 10, a0: 2, b0: 1 });
    expect(two.experts).toBeCloseTo(one, 10);
    // stick 0 stops every row: its integral is that of σ(xᵀφ)ⁿ, not 0; an expert 1 with no rows adds 0
    expect(stickLogEvidence(X, new Array<number>(n).fill(-1), 0, d, 2.5)).toBeCloseTo(0, 12);
  });
});
