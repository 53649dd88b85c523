/**
 * Issue 10, "nothing lost, nothing crashes": deep nesting gets one located `too_deep`
 * diagnostic instead of a stack overflow, and long flat chains (sums, products) compile,
 * however long. The cases at the limit run first, while the code is still cold (unoptimised
 * frames are the largest).
 */
import { describe, expect, it } from "vitest";
import { compileModel, dumpGraph, renderDiagnostics, summaryText } from "../../compiler/index.js";
import { MAX_NESTING } from "../../compiler/1-parse/index.js";
import { compile, DiagnosticError } from "../../api.js";
import { printExpr } from "../../compiler/print.js";

/** A single linear expert with known noise whose sd is `sd`; `extra` statements come before the likelihood. */
const withSd = (sd: string, extra = "") =>
  `model m(K: int = 3) {\n  data x: vector[D]\n  data y: real\n  beta ~ mvnormal(0, I(D))\n  ${extra}y ~ normal(dot(beta, x), ${sd})\n}\n`;
/** A family `w` to index, and `v` drawn with mean `mean`. */
const indexing = (mean: string) => `w[k in 1..K] ~ normal(0, 1)\n  v ~ normal(${mean}, 1)\n  `;

const nestedParens = (n: number) => `${"(".repeat(n)}1${")".repeat(n)}`;
const nestedCalls = (n: number) => `${"abs(".repeat(n)}1${")".repeat(n)}`;
/** `w[w[…[1]…]]`: indices nested in indices. */
const nestedIndex = (n: number) => `${"w[".repeat(n)}1${"]".repeat(n)}`;

/** Runs the front end and analysis; never lets an exception through unnoticed. */
function analyze(text: string) {
  const r = compileModel(text, { file: "deep.moe" });
  renderDiagnostics(r.diagnostics, r.source, r.omitted);
  return r;
}

function expectTooDeep(text: string, at: number) {
  const r = analyze(text);
  expect(r.diagnostics.map((d) => d.code)).toEqual(["too_deep"]);
  const d = r.diagnostics[0];
  expect(d.span.start).toBe(at);
  expect(d.message).toContain(String(MAX_NESTING));
  expect(() => compile(text)).toThrow(DiagnosticError);
}

describe("nesting at the limit works", () => {
  it(`${MAX_NESTING} nested calls (cold)`, () => {
    const r = analyze(withSd(`${nestedCalls(MAX_NESTING - 1)}`));
    expect(r.diagnostics).toEqual([]);
    expect(r.analysis?.expert).toMatchObject({ rule: "normal_known_variance_linear", sd: 1 });
  });

  it(`${MAX_NESTING} nested parentheses`, () => {
    const r = analyze(withSd(nestedParens(MAX_NESTING - 1)));
    expect(r.diagnostics).toEqual([]);
  });

  it(`${MAX_NESTING} levels of indices inside a \`~\` statement`, () => {
    const r = analyze(withSd("1", indexing(nestedIndex(MAX_NESTING - 1))));
    // Indices nest fine; `w[1]` is a real, so it cannot index: a type error, not a crash.
    expect(r.diagnostics.map((d) => d.code)).toEqual(["argument_kind"]);
  });

  it(`a syntax error ${MAX_NESTING} levels deep`, () => {
    const r = analyze(withSd(`${"abs(".repeat(MAX_NESTING - 1)}1 1${")".repeat(MAX_NESTING - 1)}`));
    expect(r.diagnostics.map((d) => d.code)).toEqual(["syntax_error"]);
  });

  it(`${MAX_NESTING} prefix minus signs and powers`, () => {
    expect(analyze(withSd(`${"-".repeat(MAX_NESTING - 1)}1`)).diagnostics.map((d) => d.code)).toEqual(["support_violation"]);
    expect(analyze(withSd(`${"1^".repeat(MAX_NESTING - 1)}1`)).diagnostics).toEqual([]);
  });
});

describe("nesting beyond the limit gets one located diagnostic", () => {
  it("600 nested parentheses", () => {
    const text = withSd(nestedParens(600));
    expectTooDeep(text, text.indexOf("(".repeat(600)) + MAX_NESTING - 1);
  });

  it("2,000 nested calls", () => {
    const text = withSd(nestedCalls(2_000));
    expectTooDeep(text, text.indexOf("abs(") + 4 * (MAX_NESTING - 1) + 3);
  });

  it("deep index expressions", () => {
    const text = withSd("1", indexing(nestedIndex(1_000)));
    expectTooDeep(text, text.indexOf("w[w[") + 2 * (MAX_NESTING - 1) + 1);
  });

  it("deep nesting inside a `~` statement with a syntax error and unclosed brackets", () => {
    const text = withSd(`${"abs((".repeat(400)}1 1`);
    const r = analyze(text);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["too_deep"]);
  });

  it("5,000 prefix minus signs, 5,000 powers, 5,000 chained indices", () => {
    for (const text of [withSd(`${"-".repeat(5_000)}1`), withSd(`${"1^".repeat(5_000)}1`), withSd("1", indexing(`w${"[1]".repeat(5_000)}`))]) {
      const r = analyze(text);
      expect(r.diagnostics.map((d) => d.code)).toEqual(["too_deep"]);
    }
  });

  it("in a hyperparameter default and in a size", () => {
    const r1 = analyze(`model m(K: int = ${nestedParens(1_000)}) { }`);
    expect(r1.diagnostics.map((d) => d.code)).toEqual(["too_deep"]);
    const r2 = analyze(`model m() { data x: vector[${nestedParens(1_000)}] }`);
    expect(r2.diagnostics.map((d) => d.code)).toEqual(["too_deep"]);
  });
});

describe("long flat chains compile", () => {
  it.each([5_000, 50_000])("a %d-term sum as the noise sd", (n) => {
    const text = withSd(Array.from({ length: n }, () => "0.5").join(" + "));
    const r = analyze(text);
    expect(r.diagnostics).toEqual([]);
    expect(r.analysis?.expert).toMatchObject({ rule: "normal_known_variance_linear", sd: n / 2 });
    const sd = r.graph!.byName.get("y")!.distribution!.args[1];
    expect(printExpr(sd)).toBe(Array.from({ length: n }, () => "0.5").join(" + "));
    expect(summaryText(r.checked!, "deep.moe")).toContain("y");
    expect(dumpGraph(r.graph!)).toContain("0.5 + 0.5");
    expect(compile(text).plan.blocks.find((b) => b.slot === "expert")?.constants).toMatchObject({ s: n / 2 });
  });

  it.each([5_000, 50_000])("%d-term sums and products of hyperparameters in sizes, defaults and indices", (n) => {
    const sum = (term: string) => Array.from({ length: n }, () => term).join(" + ");
    const text = `model m(K: int = 3, c: real = ${sum("1")}) {\n  data x: vector[D]\n  data u: vector[${sum("K")}]\n  data y: real\n  w[k in 1..${sum("K")}] ~ normal(0, c)\n  v ~ normal(w[${Array.from({ length: n }, () => "1").join(" * ")}], ${Array.from({ length: n }, () => "c").join(" * ")} - ${sum("c")})\n  beta ~ mvnormal(0, I(D))\n  y ~ normal(dot(beta, x), 1)\n}\n`;
    const r = analyze(text);
    // `c^n − n·c` is far beyond any finite value; the checker says so, it does not overflow the stack.
    expect(r.diagnostics.map((d) => d.code)).toEqual(["support_violation"]);
  });

  it("a 50,000-term product of factors in the prior covariance", () => {
    const text = withSd("1").replace("mvnormal(0, I(D))", `mvnormal(0, ${Array.from({ length: 50_000 }, () => "1").join(" * ")} * I(D))`);
    const r = analyze(text);
    expect(r.diagnostics).toEqual([]);
    expect(r.analysis?.expert.groups[0]).toMatchObject({ scale: 1 });
  });

  it("10,000 chained constant definitions", () => {
    const defs = Array.from({ length: 10_000 }, (_, i) => `c${i + 1} = c${i} + 1\n  `).join("");
    const r = analyze(withSd("c10000", `c0 = 1\n  ${defs}`));
    expect(r.diagnostics).toEqual([]);
    expect(r.analysis?.expert).toMatchObject({ sd: 10_001 });
  });

  it("a call with 100,000 arguments", () => {
    const r = analyze(withSd(`abs(${Array.from({ length: 100_000 }, () => "1").join(", ")})`));
    expect(r.diagnostics.map((d) => d.code)).toEqual(["argument_count"]);
  });
});
