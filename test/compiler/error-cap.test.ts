/**
 * Issue 10, "nothing lost, nothing crashes": the error cap holds in every stage, a diagnostic
 * on a very long line prints a bounded window of it, and the work stays linear in the size of
 * the model however many problems it has.
 */
import { describe, expect, it } from "vitest";
import { compileModel, renderDiagnostic, renderDiagnostics, SourceFile, diagnose } from "../../compiler/index.js";

/** Renders what `hsmoe check` would print, with how long it took. */
function checkTimed(text: string) {
  const t0 = performance.now();
  const r = compileModel(text, { file: "big.moe" });
  const out = renderDiagnostics(r.diagnostics, r.source, r.omitted);
  return { r, out, ms: performance.now() - t0 };
}

const errors = (r: ReturnType<typeof compileModel>) => r.diagnostics.filter((d) => d.severity === "error");

/** A model on one line: a valid single expert followed by `body`. */
const oneLine = (body: string, header = "a0: real = 2, b0: real = 1, g: real = 10") =>
  `model m(${header}) { data x: vector[D] data y: real sigma2 ~ invgamma(a0, b0) beta ~ mvnormal(0, g * sigma2 * I(D)) y ~ normal(dot(beta, x), sqrt(sigma2)) ${body} }`;

describe("the error cap", () => {
  it("holds for analysis diagnostics: a 200 KB one-line model with 10,000 unused parameters", () => {
    const n = 10_000;
    const text = oneLine(Array.from({ length: n }, (_, i) => `u${i} ~ normal(0, 1)`).join(" "));
    expect(text.length).toBeGreaterThan(200_000);
    const { r, out, ms } = checkTimed(text);
    expect(errors(r).length).toBe(20);
    expect(r.diagnostics.every((d) => d.code === "unused_parameter")).toBe(true);
    expect(r.omitted).toBe(n - 20);
    expect(out).toContain(`… and ${n - 20} more errors not shown`);
    expect(out.length).toBeLessThan(20 * 600);
    expect(ms).toBeLessThan(5_000);
  });

  it("keeps the first errors by position in the analysis stage", () => {
    const text = oneLine(Array.from({ length: 30 }, (_, i) => `u${i} ~ normal(0, 1)`).join(" "));
    const r = compileModel(text, { maxErrors: 3 });
    expect(r.diagnostics.map((d) => d.message.match(/`(\w+)`/)![1])).toEqual(["u0", "u1", "u2"]);
    expect(r.omitted).toBe(27);
  });

  it("holds for check diagnostics on one long line, with bounded output", () => {
    const n = 10_000;
    const text = oneLine(Array.from({ length: n }, (_, i) => `w${i} ~ normal(q${i}, 1)`).join(" "));
    const { r, out, ms } = checkTimed(text);
    expect(errors(r).length).toBe(20);
    expect(r.omitted).toBe(n - 20);
    expect(out.length).toBeLessThan(20 * 600);
    expect(ms).toBeLessThan(5_000);
  });

  it("holds for parse diagnostics: 100,000 stray characters on one line", () => {
    const text = oneLine("@ ".repeat(100_000));
    const { r, out, ms } = checkTimed(text);
    expect(errors(r).length).toBeLessThanOrEqual(20);
    expect(out.length).toBeLessThan(20 * 600);
    expect(ms).toBeLessThan(5_000);
  });

  it("holds for lexer errors on many lines", () => {
    const text = oneLine("@\n".repeat(50_000));
    const { r, ms } = checkTimed(text);
    expect(errors(r).length).toBe(20);
    expect(r.omitted).toBe(50_000 - 20);
    expect(ms).toBeLessThan(5_000);
  });
});

describe("rendering a diagnostic on a very long line", () => {
  const long = `${"a + ".repeat(5_000)}oops${" + b".repeat(5_000)}`;
  const source = new SourceFile("long.moe", `x\n${long}\ny\n`);
  const at = source.text.indexOf("oops");
  const rendered = renderDiagnostic(diagnose("unknown_name", { start: at, end: at + 4 }, { name: "oops" }), source);
  const [header, code, carets] = rendered.split("\n");

  it("shows a window of at most 120 columns around the caret, with ellipses", () => {
    expect(header).toBe(`long.moe:2:${[...long.slice(0, long.indexOf("oops"))].length + 1}: error[unknown_name]: \`oops\` is not declared anywhere in this model`);
    const shown = code.slice(code.indexOf("| ") + 2);
    expect([...shown].length).toBeLessThanOrEqual(122);
    expect(shown.startsWith("…")).toBe(true);
    expect(shown.endsWith("…")).toBe(true);
    expect(shown).toContain("oops");
    // The carets sit under `oops`.
    expect(carets.indexOf("^^^^")).toBe(code.indexOf("oops"));
    expect(carets).toMatch(/^ +\| +\^{4}$/);
  });

  it("shows short lines whole", () => {
    const s = new SourceFile("s.moe", "model m() {\n\ty ~ normal(mu, 1)\n}");
    const i = s.text.indexOf("mu");
    const out = renderDiagnostic(diagnose("unknown_name", { start: i, end: i + 2 }, { name: "mu" }), s);
    expect(out.split("\n").slice(1)).toEqual([" 2 | \ty ~ normal(mu, 1)", "   | \t           ^^"]);
  });

  it("underlines a span running past the window only as far as the window", () => {
    const i = source.text.indexOf("a + ");
    const out = renderDiagnostic(diagnose("unknown_name", { start: i, end: source.text.length }, { name: "a" }), source);
    const lines = out.split("\n");
    expect([...lines[1]].length).toBeLessThanOrEqual(130);
    expect([...lines[2]].length).toBeLessThanOrEqual(130);
  });

  it("counts columns in code points, also after astral characters", () => {
    const s = new SourceFile("u.moe", `// 😀😀 ${"x".repeat(300)} 😀 here`);
    const i = s.text.indexOf("here");
    expect(s.position(i)).toEqual({ line: 1, column: [...s.text.slice(0, i)].length + 1 });
    const out = renderDiagnostic(diagnose("unknown_name", { start: i, end: i + 4 }, { name: "here" }), s);
    const [, code, carets] = out.split("\n");
    expect([...carets].indexOf("^")).toBe([...code].indexOf("h", [...code].length - 6));
  });

  it("keeps messages bounded when they quote a huge name", () => {
    const name = "q".repeat(100_000);
    const d = diagnose("unknown_name", { start: 0, end: 1 }, { name });
    expect(d.message.length).toBeLessThan(400);
  });
});
