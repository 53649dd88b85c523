/** The grammar's generated artefacts are current, and every reference example parses. */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { Lexer, type CstNode } from "chevrotain";
import { parseCst } from "../../grammar/index.js";
import { parser } from "../../grammar/parser.js";
import { allTokens, lexer } from "../../grammar/tokens.js";
import { ruleExamples } from "../../grammar/examples.js";
import { grammarArtefacts } from "../../grammar/reference.js";

describe("generated grammar artefacts", () => {
  it.each(Object.entries(grammarArtefacts()))("%s is up to date (run `npm run generate`)", (path, text) => {
    expect(readFileSync(new URL(`../../${path}`, import.meta.url), "utf8")).toBe(text);
  });
});

describe("reference examples", () => {
  const rules = parser.getGAstProductions();

  it("exist for every rule", () => {
    expect(Object.keys(rules).filter((r) => !(r in ruleExamples))).toEqual([]);
  });

  it.each(Object.entries(ruleExamples))("%s parses its example", (rule, { example }) => {
    const lexed = lexer.tokenize(example);
    expect(lexed.errors).toEqual([]);
    parser.input = lexed.tokens;
    (parser as unknown as Record<string, () => unknown>)[rule]();
    expect(parser.errors.map((e) => e.message)).toEqual([]);
  });
});

describe("lexing", () => {
  it("keeps keywords apart from identifiers that start with them", () => {
    const names = lexer.tokenize("int integer in index data database model models").tokens.map((t) => t.tokenType.name);
    expect(names).toEqual(["Int", "Identifier", "In", "Identifier", "Data", "Identifier", "Model", "Identifier"]);
  });

  it("reads 1..K as a number, a range and a name", () => {
    expect(lexer.tokenize("1..K").tokens.map((t) => t.image)).toEqual(["1", "..", "K"]);
  });
});

// The lexer and the parser replace two chevrotain internals for speed (see grammar/tokens.ts
// and grammar/parser.ts). These tests fail if a chevrotain update stops calling them, or if
// the tokens they make stop matching chevrotain's own.
describe("chevrotain overrides", () => {
  const flagship = readFileSync(new URL("../../stdlib/hsmoe.moe", import.meta.url), "utf8");

  it("makes tokens with the same fields and values as chevrotain's lexer", () => {
    const ours = lexer.tokenize(flagship).tokens;
    const theirs = new Lexer(allTokens, { positionTracking: "full" }).tokenize(flagship).tokens;
    expect(Object.getPrototypeOf(ours[0])).not.toBe(Object.prototype);
    expect(ours.map((t) => ({ ...t }))).toEqual(theirs);
  });

  it("gives CST nodes plain-object children", () => {
    const cst = parseCst(flagship).cst!;
    const nodes: CstNode[] = [cst];
    for (let i = 0; i < nodes.length; i++) {
      expect(Object.getPrototypeOf(nodes[i].children)).toBe(Object.prototype);
      for (const child of Object.values(nodes[i].children).flat()) if ("children" in child) nodes.push(child);
    }
    expect(nodes.length).toBeGreaterThan(100);
  });
});
