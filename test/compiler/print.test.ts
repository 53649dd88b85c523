/** The AST printer's output parses back to the same AST. */
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "../../compiler/1-parse/index.js";
import { printExpr, printModel } from "../../compiler/print.js";
import type { Model } from "../../compiler/ast.js";
import { withoutSpans } from "../helpers/ast.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const sources = [
  ...readdirSync(root + "stdlib").filter((f) => f.endsWith(".moe")).map((f) => `stdlib/${f}`),
  ...readdirSync(root + "test/compiler/fixtures/ok").map((f) => `test/compiler/fixtures/ok/${f}`),
];

function parsed(text: string): Model {
  const r = parse(text);
  expect(r.diagnostics).toEqual([]);
  return r.model!;
}

describe("printModel", () => {
  it.each(sources)("round-trips %s", (path) => {
    const model = parsed(readFileSync(root + path, "utf8"));
    const printed = printModel(model);
    expect(withoutSpans(parsed(printed))).toEqual(withoutSpans(model));
    expect(printModel(parsed(printed))).toBe(printed);
  });

  it("prints the flagship canonically", async () => {
    const model = parsed(readFileSync(root + "stdlib/hsmoe.moe", "utf8"));
    await expect(printModel(model)).toMatchFileSnapshot("./__snapshots__/print/hsmoe.moe");
  });
});

describe("printExpr", () => {
  const model = (e: string) => parsed(`model m() { v = ${e} }`);
  const rhs = (m: Model) => (m.statements[0] as { rhs: Parameters<typeof printExpr>[0] }).rhs;

  it.each([
    ["a - (b - c)", "a - (b - c)"],
    ["(a - b) - c", "a - b - c"],
    ["-a^2", "-a^2"],
    ["(-a)^2", "(-a)^2"],
    ["a^b^c", "a^b^c"],
    ["(a^b)^c", "(a^b)^c"],
    ["a / (b * c)", "a / (b * c)"],
    ["2.0 * x", "2.0 * x"],
    ["1e-7 + 3", "1e-7 + 3"],
    ["(phi * x)[2]", "(phi * x)[2]"],
    ["- -a", "--a"],
  ])("%s prints as %s and keeps its meaning", (input, output) => {
    const m = model(input);
    expect(printExpr(rhs(m))).toBe(output);
    expect(withoutSpans(rhs(model(output)))).toEqual(withoutSpans(rhs(m)));
  });
});
