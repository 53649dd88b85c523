/**
 * The checker compares sizes and index bounds with `difference`, which merges and substitutes
 * in one pass; it must agree with subtracting, substituting and reading off the constant.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { add, constant, constantValue, difference, scale, sub, substitute, variable, type Affine } from "../../../compiler/lang/affine.js";

const names = ["D", "K", "N", "a", "b"];

const affine: fc.Arbitrary<Affine> = fc
  .array(fc.tuple(fc.constantFrom(...names), fc.integer({ min: -3, max: 3 })), { maxLength: 4 })
  .chain((terms) =>
    fc.integer({ min: -5, max: 5 }).map((c) => terms.reduce((acc, [n, k]) => add(acc, scale(variable(n), k)), constant(c))),
  );

const values = fc
  .subarray(names)
  .chain((known) => fc.tuple(...known.map((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: 9 })))))
  .map((pairs) => new Map(pairs));

describe("difference of sizes", () => {
  it("equals the constant left by sub then substitute", () => {
    fc.assert(
      fc.property(affine, affine, values, (a, b, v) => {
        expect(difference(a, b, v)).toBe(constantValue(substitute(sub(a, b), v)));
      }),
      { numRuns: 2_000 },
    );
  });
});
