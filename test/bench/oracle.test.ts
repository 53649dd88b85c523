/**
 * The evidence bound of bench/oracle.ts against independent computations: the NIG evidence
 * against test/helpers/nig.ts (matrix algebra), a stick's Laplace integral against quadrature
 * in one and two dimensions (Laplace is close but not exact: within 0.05 nats at 60 rows), an
 * empty expert or a stick no row reaches contributing 0, and allocations outside 0..K−1 refused.
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

  it("a stick's Laplace integral is within 0.05 nats of quadrature (intercept and slope)", () => {
    const x = new Float64Array(2 * n);
    const z: number[] = [];
    for (let t = 0; t < n; t++) {
      x[2 * t] = 1;
      x[2 * t + 1] = X[t * d + 1];
      z.push(X[t * d + 1] + 0.8 * X[t * d + 2] > 0 ? 0 : 1); // a noisy split along the slope
    }
    const s = 2.5;
    let acc = 0;
    const h = 0.04;
    for (let a = -8; a <= 8; a += h) {
      for (let b = -8; b <= 8; b += h) {
        let l = -(a * a + b * b) / (2 * s * s);
        for (let t = 0; t < n; t++) l -= Math.log1p(Math.exp((z[t] === 0 ? -1 : 1) * (a + b * x[2 * t + 1])));
        acc += Math.exp(l) * h * h;
      }
    }
    const exact = Math.log(acc / (2 * Math.PI * s * s));
    expect(Math.abs(stickLogEvidence(x, z, 0, 2, s) - exact)).toBeLessThan(0.05);
  });

  it("empty experts and sticks no row reaches add nothing; allocations outside 0..K−1 are refused", () => {
    const zeros = new Array<number>(n).fill(0);
    const all = nigLogEvidence(X, y, Array.from({ length: n }, (_, t) => t), d, { g: 10, a0: 2, b0: 1 });
    const three = logJoint(X, y, zeros, 3, d, { g: 10, a0: 2, b0: 1 }, 2.5);
    // experts 1 and 2 hold no rows; rows that stop at stick 0 never reach stick 1
    expect(three.experts).toBeCloseTo(all, 10);
    expect(stickLogEvidence(X, zeros, 1, d, 2.5)).toBeCloseTo(0, 12);
    expect(three.gate).toBeCloseTo(stickLogEvidence(X, zeros, 0, d, 2.5), 12);
    expect(() => logJoint(X, y, [...zeros.slice(1), 3], 3, d, { g: 10, a0: 2, b0: 1 }, 2.5)).toThrow(/not an expert/);
  });
});
