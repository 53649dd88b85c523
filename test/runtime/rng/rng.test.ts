import { describe, expect, it } from "vitest";
import { normalCdf } from "../../../runtime/math/special.js";
import { Rng, type RngState } from "../../../runtime/rng/rng.js";
import { ksTest, P_MIN, zMean, zVariance, Z_TOL } from "../../helpers/stats.js";

/** Draws a mixed sequence (uniforms and normals, so the cached normal is exercised). */
function mixedStream(rng: Rng, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(i % 3 === 0 ? rng.uniform() : rng.normal(), rng.exponential());
  return out;
}

describe("Rng determinism", () => {
  it("the same seed gives the same stream; numbers seed as their decimal string", () => {
    expect(mixedStream(Rng.fromSeed(42), 500)).toEqual(mixedStream(Rng.fromSeed(42), 500));
    expect(mixedStream(Rng.fromSeed(7), 50)).toEqual(mixedStream(Rng.fromSeed("7"), 50));
  });

  it("different seeds give different streams", () => {
    expect(mixedStream(Rng.fromSeed(1), 20)).not.toEqual(mixedStream(Rng.fromSeed(2), 20));
  });

  it("pins the first draws of seed 1, so a change of generator or seeding is noticed", () => {
    const r = Rng.fromSeed(1);
    expect([r.uniform(), r.uniform(), r.normal(), r.normal()]).toEqual([
      0.4101140641935114, 0.5019181684080647, 0.6547762798087754, 0.3387946314120348,
    ]);
  });
});

describe("Rng state", () => {
  it("a JSON round trip continues bit-identically, including a cached normal", () => {
    const rng = Rng.fromSeed("snapshot");
    mixedStream(rng, 37);
    rng.normal(); // leaves the second normal of the polar pair cached
    const saved = JSON.parse(JSON.stringify(rng.getState())) as RngState;
    expect(saved.spare).not.toBeNull();
    const restored = Rng.fromState(saved);
    expect(mixedStream(restored, 300)).toEqual(mixedStream(rng, 300));
  });

  it("a state without a cached normal also round-trips", () => {
    const rng = Rng.fromSeed(3);
    rng.uniform();
    const saved = rng.getState();
    expect(saved.spare).toBeNull();
    expect(mixedStream(Rng.fromState(saved), 100)).toEqual(mixedStream(rng, 100));
  });

  it("getState is a copy: drawing afterwards does not change it", () => {
    const rng = Rng.fromSeed(5);
    const s = rng.getState();
    const text = JSON.stringify(s);
    mixedStream(rng, 10);
    expect(JSON.stringify(s)).toBe(text);
  });

  it("fromState rejects a malformed state", () => {
    const bad = { kind: "xor4096", X: [1, 2, 3], i: 0, w: 0, spare: null } as RngState;
    expect(() => Rng.fromState(bad)).toThrow(/xor4096/);
  });
});

describe("Rng.split", () => {
  it("children are reproducible, differ by key, differ from the parent, and do not advance it", () => {
    const parent = Rng.fromSeed(11);
    const before = JSON.stringify(parent.getState());
    const a1 = mixedStream(parent.split(0), 50);
    const a2 = mixedStream(parent.split(0), 50);
    const b = mixedStream(parent.split(1), 50);
    expect(JSON.stringify(parent.getState())).toBe(before);
    expect(a1).toEqual(a2);
    expect(a1).not.toEqual(b);
    expect(a1).not.toEqual(mixedStream(Rng.fromSeed(11), 50));
    expect(mixedStream(Rng.fromSeed(11).split(0), 50)).toEqual(a1);
  });

  it("the same key splits differently once the parent has advanced", () => {
    const parent = Rng.fromSeed(12);
    const first = parent.split("block").uniform();
    parent.uniform();
    expect(parent.split("block").uniform()).not.toBe(first);
  });

  it("sibling streams are uncorrelated (|z| of the sample correlation < 4)", () => {
    const parent = Rng.fromSeed(13);
    const a = parent.split(0);
    const b = parent.split(1);
    const n = 50_000;
    let s = 0;
    for (let i = 0; i < n; i++) s += a.normal() * b.normal();
    expect(Math.abs(s / Math.sqrt(n))).toBeLessThan(Z_TOL);
  });
});

describe("Rng distributions", () => {
  const n = 100_000;

  it("uniform lies in the open interval (0, 1), has mean 1/2, variance 1/12, and passes KS", () => {
    const rng = Rng.fromSeed(21);
    const u = new Float64Array(n);
    for (let i = 0; i < n; i++) u[i] = rng.uniform();
    expect(u.every((v) => v > 0 && v < 1)).toBe(true);
    expect(Math.abs(zMean(u, 0.5))).toBeLessThan(Z_TOL);
    expect(Math.abs(zVariance(u, 1 / 12))).toBeLessThan(Z_TOL);
    expect(ksTest(u, (v) => v).pValue).toBeGreaterThan(P_MIN);
  });

  it("uniform has more than 32 bits of resolution", () => {
    const rng = Rng.fromSeed(22);
    let fine = 0;
    for (let i = 0; i < 1000; i++) {
      const scaled = rng.uniform() * 2 ** 32;
      if (scaled !== Math.floor(scaled)) fine++;
    }
    expect(fine).toBeGreaterThan(990);
  });

  it("normal has mean 0, variance 1 and passes KS", () => {
    const rng = Rng.fromSeed(23);
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = rng.normal();
    expect(Math.abs(zMean(x, 0))).toBeLessThan(Z_TOL);
    expect(Math.abs(zVariance(x, 1))).toBeLessThan(Z_TOL);
    expect(ksTest(x, normalCdf).pValue).toBeGreaterThan(P_MIN);
  });

  it("exponential is positive with mean 1, variance 1 and passes KS", () => {
    const rng = Rng.fromSeed(24);
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = rng.exponential();
    expect(x.every((v) => v > 0 && Number.isFinite(v))).toBe(true);
    expect(Math.abs(zMean(x, 1))).toBeLessThan(Z_TOL);
    expect(Math.abs(zVariance(x, 1))).toBeLessThan(Z_TOL);
    expect(ksTest(x, (v) => -Math.expm1(-v)).pValue).toBeGreaterThan(P_MIN);
  });
});
