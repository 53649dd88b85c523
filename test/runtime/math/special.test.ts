/**
 * Special functions against reference values (50-digit mpmath, quoted to 20 digits) and
 * against identities (recursion, reflection, symmetry). Deterministic: tolerances are relative.
 */
import { describe, expect, it } from "vitest";
import {
  erfc,
  erfcx,
  lgamma,
  lgammaHalfRatio,
  log1mSigmoid,
  log1pExpNeg,
  logSigmoid,
  logSumExp,
  normalCdf,
  normalLogCdf,
  softplus,
} from "../../../runtime/math/special.js";

function relErr(got: number, want: number): number {
  return want === 0 ? Math.abs(got) : Math.abs(got / want - 1);
}

describe("lgamma", () => {
  it.each([
    [0.5, 0.57236494292470008707],
    [1e-8, 18.420680738180208905],
    [1e-300, 690.77552789821370521],
    [0.1, 2.2527126517342059599],
    [1.25, -0.098271836421813161464],
    [2.25, 0.1248717148923965943],
    [3.7, 1.4280723266653879219],
    [10, 12.801827480081469611],
    [15.5, 26.536914491115613624],
    [100, 359.13420536957539878],
    [171.5, 709.14316303092824227],
    [1e5, 1051287.7089736568949],
    [-0.5, 1.2655121234846453965],
    [-2.5, -0.056243716497674050673],
  ])("lgamma(%s) to 1e-14 relative", (x, want) => {
    // Reflection loses a little through sin(πx); allow 2e-14 there.
    expect(relErr(lgamma(x), want)).toBeLessThan(x < 0 ? 2e-14 : 1e-14);
  });

  it("is exactly 0 at 1 and 2, and +Infinity at 0, negative integers and +Infinity", () => {
    expect(lgamma(1)).toBe(0);
    expect(lgamma(2)).toBe(0);
    for (const x of [0, -1, -7, Infinity]) expect(lgamma(x)).toBe(Infinity);
    expect(lgamma(NaN)).toBeNaN();
  });

  it("satisfies lgamma(x + 1) = lgamma(x) + log x on (0, 30]", () => {
    for (let x = 0.0137; x <= 30; x += 0.0731) {
      const lhs = lgamma(x + 1);
      expect(Math.abs(lhs - lgamma(x) - Math.log(x))).toBeLessThan(2e-15 * Math.max(1, Math.abs(lhs)));
    }
  });

  it("matches log((n − 1)!) at integers", () => {
    let logFact = 0;
    for (let n = 2; n <= 60; n++) {
      logFact += Math.log(n - 1);
      expect(relErr(lgamma(n), logFact)).toBeLessThan(1e-14);
    }
  });
});

describe("lgammaHalfRatio = log Γ(x + ½)/Γ(x)", () => {
  it.each([
    [10, 1.138797739322294022],
    [12.5, 1.2528669837254404479],
    [100, 2.3013350982022227792],
    [1e4, 4.6051576859880965764],
    [1e8, 9.2103403707261827361],
  ])("x = %s", (x, want) => {
    expect(relErr(lgammaHalfRatio(x), want)).toBeLessThan(1e-15);
  });

  it("equals the lgamma difference below the switch at 10", () => {
    for (const x of [0.3, 1, 4.2, 9.99]) expect(lgammaHalfRatio(x)).toBe(lgamma(x + 0.5) - lgamma(x));
  });
});

describe("softplus and the log-logistic pieces (spec §7)", () => {
  it("softplus is log(1 + e^u) without overflow or underflow of the answer", () => {
    expect(softplus(0)).toBe(Math.LN2);
    expect(softplus(800)).toBe(800);
    expect(relErr(softplus(-30), Math.exp(-30) - Math.exp(-60) / 2)).toBeLessThan(1e-15);
    expect(relErr(softplus(1.5), Math.log1p(Math.exp(1.5)))).toBeLessThan(1e-15);
  });

  it("log1pExpNeg(a) equals log1p(e^−a) bit for bit, also past a = 37 where it skips the log1p", () => {
    for (let a = 0; a < 60; a += 0.0137) expect(log1pExpNeg(a)).toBe(Math.log1p(Math.exp(-a)));
    for (const a of [36.9, 37, 37.0000001, 40, 700, 745, 800, Infinity]) expect(log1pExpNeg(a)).toBe(Math.log1p(Math.exp(-a)));
    expect(log1pExpNeg(NaN)).toBeNaN();
    for (const u of [-50, -37.5, -2, 0, 3, 38]) expect(softplus(u)).toBe((u > 0 ? u : 0) + Math.log1p(Math.exp(-Math.abs(u))));
  });

  it("σ(u) + (1 − σ(u)) = 1 and the tails stay finite", () => {
    for (const u of [-40, -3, -0.2, 0, 0.7, 5, 33]) {
      expect(Math.exp(logSigmoid(u)) + Math.exp(log1mSigmoid(u))).toBeCloseTo(1, 15);
      expect(logSigmoid(u) - log1mSigmoid(u)).toBeCloseTo(u, 12);
    }
    expect(logSigmoid(-1e4)).toBe(-1e4);
    expect(log1mSigmoid(1e4)).toBe(-1e4);
  });
});

describe("logSumExp", () => {
  it("handles large values, ranges, empty ranges and infinities", () => {
    const a = new Float64Array([5, 1000, 1000 + Math.log(3), -Infinity, 7]);
    expect(relErr(logSumExp(a, 1, 4), 1000 + Math.log(4))).toBeLessThan(1e-15);
    expect(relErr(logSumExp(new Float64Array([1, 2, 3])), Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)))).toBeLessThan(
      1e-15,
    );
    expect(logSumExp(a, 3, 4)).toBe(-Infinity);
    expect(logSumExp(a, 2, 2)).toBe(-Infinity);
    expect(logSumExp(new Float64Array([0, Infinity]))).toBe(Infinity);
  });
});

describe("erfcx, erfc", () => {
  it.each([
    [0.1, 0.89645697996912664193],
    [0.9, 0.45653165132311703933],
    [1.5, 0.32158541645431750235],
    [3, 0.17900115118138995042],
    [5, 0.11070463773306862637],
    [7.9, 0.070857477367397134019],
    [8, 0.069985166200880927723],
    [20, 0.028174348741051319319],
    [1000, 0.0005641893014533876542],
    [-0.5, 1.9523604891825570933],
    [-3, 16205.988853999586625],
  ])("erfcx(%s)", (z, want) => {
    expect(relErr(erfcx(z), want)).toBeLessThan(1e-14);
  });

  it("is continuous across every table breakpoint", () => {
    for (let p = 1; p <= 16; p++) {
      const z = p / 2;
      expect(relErr(erfcx(z * (1 - 1e-15)), erfcx(z))).toBeLessThan(1e-14);
    }
  });

  it.each([
    [-1, 1.8427007929497148693],
    [0.5, 0.47950012218695346232],
    [3, 0.000022090496998585441373],
    [10, 2.088487583762544757e-45],
  ])("erfc(%s)", (z, want) => {
    expect(relErr(erfc(z), want)).toBeLessThan(1e-14);
  });
});

describe("normalCdf and normalLogCdf", () => {
  it.each([
    [-37, 5.7255712225245768227e-300],
    [-10, 7.619853024160526066e-24],
    [-1, 0.15865525393145705141],
    [0, 0.5],
    [0.3, 0.61791142218895263307],
    [2, 0.9772498680518207928],
  ])("Φ(%s)", (x, want) => {
    // Far-tail relative accuracy is limited by e^{−x²/2} with x² rounded: ~x²·1e−16.
    expect(relErr(normalCdf(x), want)).toBeLessThan(2e-13);
  });

  it("Φ(x) + Φ(−x) = 1", () => {
    for (const x of [0.1, 0.9, 1.7, 4, 9]) expect(normalCdf(x) + normalCdf(-x)).toBeCloseTo(1, 15);
  });

  it.each([
    [-1000, -500007.82669481218431],
    [-40, -804.60844201375378817],
    [-10, -53.231285150512470578],
    [-5, -15.064998393988725736],
    [-2.5, -5.0816482772786904984],
    [-1.25, -2.2476256772143181847],
    [-0.5, -1.1759117615936186089],
    [0, -0.69314718055994530942],
    [0.5, -0.36894641528865639307],
    [1.25, -0.11165782847292517066],
    [3, -0.0013508099647481937988],
    [8, -6.2209605742717860585e-16],
  ])("log Φ(%s)", (x, want) => {
    expect(relErr(normalLogCdf(x), want)).toBeLessThan(1e-14);
  });
});
