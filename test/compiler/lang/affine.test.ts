/** Affine sizes: arithmetic, substitution and comparison. */
import { describe, expect, it } from "vitest";
import { add, constant, difference, formatAffine, mul, sameSize, scale, sub, variable } from "../../../compiler/lang/affine.js";

const K = variable("K");
const D = variable("D");

describe("affine sizes", () => {
  it("adds, subtracts and scales, dropping zero terms", () => {
    expect(formatAffine(sub(add(K, constant(1)), constant(1)))).toBe("K");
    expect(formatAffine(add(scale(K, 2), sub(D, constant(3))))).toBe("D + 2*K - 3");
    expect(sub(K, K)).toEqual(constant(0));
    expect(formatAffine(scale(K, -1))).toBe("-K");
  });

  it("multiplies only by a constant", () => {
    expect(mul(K, constant(3))).toEqual(scale(K, 3));
    expect(mul(K, D)).toBeUndefined();
  });

  it("compares sizes that differ by a constant, with or without known values", () => {
    const none = new Map<string, number>();
    expect(difference(K, sub(K, constant(1)), none)).toBe(1);
    expect(difference(K, D, none)).toBeUndefined();
    expect(difference(K, D, new Map([["K", 4], ["D", 4]]))).toBe(0);
    expect(sameSize(add(D, constant(0)), D, none)).toBe(true);
  });
});
