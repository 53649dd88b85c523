/** Stage 1: the AST's shape and spans. */
import { describe, expect, it } from "vitest";
import { parse } from "../../../compiler/1-parse/index.js";
import type { Expr, Relation, Statement } from "../../../compiler/ast.js";

const src = "model m(K: int = 4) {\n  data x: vector[D]\n  w[k in 1..K-1] ~ normal(-a^2 * b, tau * lambda[k, 2])\n}\n";

function slice(span: { start: number; end: number }): string {
  return src.slice(span.start, span.end);
}

describe("parse", () => {
  const r = parse(src);
  const model = r.model!;
  const rel = model.statements[1] as Relation;

  it("builds the model without diagnostics", () => {
    expect(r.diagnostics).toEqual([]);
    expect(model.name.name).toBe("m");
    expect(model.hypers.map((h) => [h.name.name, h.type.kind])).toEqual([["K", "int"]]);
    expect(model.statements.map((s) => s.kind)).toEqual(["data", "relation"]);
  });

  it("puts a span on every node that covers its source text", () => {
    expect(slice(model.span)).toBe(src.trimEnd());
    expect(slice(model.hypers[0].span)).toBe("K: int = 4");
    expect(slice(rel.span)).toBe("w[k in 1..K-1] ~ normal(-a^2 * b, tau * lambda[k, 2])");
    expect(slice(rel.binders[0].span)).toBe("k in 1..K-1");
    expect(slice(rel.rhs.span)).toBe("normal(-a^2 * b, tau * lambda[k, 2])");
    const call = rel.rhs as Expr & { kind: "call" };
    expect(call.args.map((a) => slice(a.span))).toEqual(["-a^2 * b", "tau * lambda[k, 2]"]);
  });

  it("spans every form from its first token to its last", () => {
    const text = "model n(M: matrix[2, K + 1], s: real) {\n  param b[i]: vector[3];\n  data y: int\n  v = (f() + b[1][2]) ;\n}";
    const m = parse(text).model!;
    const at = (x: { span: { start: number; end: number } }) => text.slice(x.span.start, x.span.end);
    expect(m.hypers.map(at)).toEqual(["M: matrix[2, K + 1]", "s: real"]);
    expect(m.hypers.map((h) => at(h.type))).toEqual(["matrix[2, K + 1]", "real"]);
    const [param, data, rel] = m.statements as [Statement & { kind: "param" }, Statement & { kind: "data" }, Relation];
    expect([at(param), at(param.binders[0]), at(param.type)]).toEqual(["param b[i]: vector[3]", "i", "vector[3]"]);
    expect([at(data), at(data.type)]).toEqual(["data y: int", "int"]);
    const sum = rel.rhs as Expr & { kind: "binary" };
    expect([at(rel), at(sum), at(sum.left), at(sum.right)]).toEqual(["v = (f() + b[1][2])", "(f() + b[1][2])", "f()", "b[1][2]"]);
  });

  it("resolves precedence: -a^2 * b is (-(a^2)) * b", () => {
    const arg = (rel.rhs as Expr & { kind: "call" }).args[0];
    expect(arg).toMatchObject({ kind: "binary", op: "*", left: { kind: "negate", operand: { kind: "binary", op: "^" } }, right: { kind: "name", name: "b" } });
  });

  it("records integer literals as integers", () => {
    const idx = ((rel.rhs as Expr & { kind: "call" }).args[1] as Expr & { kind: "binary" }).right as Expr & { kind: "index" };
    expect(idx.indices[1]).toMatchObject({ kind: "number", value: 2, isInt: true });
    const m = parse("model m(g: real = 2.0) { }").model!;
    expect(m.hypers[0].default).toMatchObject({ kind: "number", value: 2, isInt: false });
  });

  it("returns no AST and located diagnostics for bad input", () => {
    const bad = parse("model m( {");
    expect(bad.model).toBeUndefined();
    expect(bad.diagnostics[0]).toMatchObject({ code: "syntax_error", span: { start: 9 } });
  });
});
