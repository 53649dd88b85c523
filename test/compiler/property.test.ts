/**
 * Robustness: random byte strings and random token sequences must come back as diagnostics
 * (or a compiled model), never as an exception. 2,000 cases each.
 */
import { describe, it } from "vitest";
import fc from "fast-check";
import { compileModel } from "../../compiler/index.js";

const RUNS = 2_000;

function neverThrows(text: string): boolean {
  const r = compileModel(text, { file: "fuzz.moe" });
  // Either it compiles, or it says why: nothing in between, nothing thrown.
  return r.plan !== undefined || r.diagnostics.some((d) => d.severity === "error");
}

const fragments = [
  "model", "data", "param", "in", "int", "real", "vector", "matrix", "m", "x", "y", "z", "K", "D", "k", "j",
  "beta", "phi", "sigma2", "__proto__", "constructor", "normal", "halfcauchy", "invgamma", "mvnormal",
  "stickbreaking", "logistic", "dot", "I", "sqrt", "0", "1", "2.5", "1e9", "-1", "(", ")", "{", "}", "[", "]",
  ",", ";", ":", "~", "=", "..", "+", "-", "*", "/", "^", "//c\n", "/*", "*/", "#", "\n", " ", "\t", "é", "\u0000",
];

const names = ["x", "y", "z", "K", "D", "k", "j", "a0", "beta", "phi", "tau", "lambda", "w", "__proto__", "q"];
const callees = ["normal", "halfcauchy", "invgamma", "mvnormal", "stickbreaking", "categorical", "logistic", "dot", "I", "sqrt", "softmax", "sum", "nope"];

/** Well-formed expressions over the model's names, so the checker (not the parser) is exercised. */
const { expr } = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom(...names),
    fc.constantFrom("0", "1", "2", "-1", "0.5", "1e9"),
    fc.tuple(tie("expr"), fc.constantFrom("+", "-", "*", "/", "^"), tie("expr")).map(([a, op, b]) => `(${a} ${op} ${b})`),
    fc.tuple(fc.constantFrom(...names), fc.array(tie("expr"), { minLength: 1, maxLength: 3 })).map(([n, ix]) => `${n}[${ix.join(", ")}]`),
    fc.tuple(fc.constantFrom(...callees), fc.array(tie("expr"), { maxLength: 3 })).map(([f, args]) => `${f}(${args.join(", ")})`),
  ),
}));

const statement = fc.tuple(
  fc.constantFrom(...names),
  fc.array(fc.tuple(fc.constantFrom("k", "j", "i", "K"), expr, expr), { maxLength: 2 }),
  fc.constantFrom("~", "="),
  expr,
).map(([n, binders, op, rhs]) => `${n}${binders.length ? `[${binders.map(([b, lo, hi]) => `${b} in ${lo}..${hi}`).join(", ")}]` : ""} ${op} ${rhs}`);

describe("the front end never throws", () => {
  it(`on ${RUNS} random well-formed models`, () => {
    fc.assert(
      fc.property(fc.array(statement, { maxLength: 8 }), (stmts) =>
        neverThrows(`model m(K: int = 3, a0: real = 2) {\n data x: vector[D]\n data y: real\n ${stmts.join("\n ")}\n}`),
      ),
      { numRuns: RUNS, seed: 4 },
    );
  });

  it(`on ${RUNS} random byte strings`, () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => neverThrows(Buffer.from(bytes).toString("latin1"))),
      { numRuns: RUNS, seed: 1 },
    );
  });

  it(`on ${RUNS} random token sequences`, () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...fragments), { maxLength: 80 }), (tokens) => neverThrows(tokens.join(" "))),
      { numRuns: RUNS, seed: 2 },
    );
  });

  it(`on ${RUNS} token sequences inside a valid model header`, () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...fragments), { maxLength: 60 }), (tokens) =>
        neverThrows(`model m(K: int = 3) { data x: vector[D] data y: real ${tokens.join(" ")} }`),
      ),
      { numRuns: RUNS, seed: 3 },
    );
  });
});
