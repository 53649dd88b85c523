/** Stage 2: what the checker establishes about a model that checks. */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { parse } from "../../../compiler/1-parse/index.js";
import { check, type CheckOptions } from "../../../compiler/2-check/index.js";
import { formatAffine } from "../../../compiler/lang/affine.js";
import { formatRange, formatTy } from "../../../compiler/lang/types.js";

const flagship = readFileSync(new URL("../../../stdlib/hsmoe.moe", import.meta.url), "utf8");

/** Stage 2 alone on a model that parses. */
const checkSource = (text: string, options?: CheckOptions) => check(parse(text).model!, options);

describe("check on the flagship", () => {
  const r = checkSource(flagship, { hypers: new Map([["K", 5]]) });
  const m = r.checked!;
  const v = (name: string) => m.variables.find((x) => x.name === name)!;

  it("checks with no diagnostics", () => {
    expect(r.diagnostics).toEqual([]);
  });

  it("takes hyperparameter values from --set over defaults", () => {
    expect(m.hypers.map((h) => [h.name, h.value, h.source])).toEqual([
      ["K", 5, "set"], ["a0", 2, "default"], ["b0", 1, "default"], ["g", 10, "default"],
    ]);
    expect(m.values.get("K")).toBe(5);
  });

  it("binds D from the data and types the data", () => {
    expect(m.dims.map((d) => d.name)).toEqual(["D"]);
    expect(m.data.map((d) => [d.name, formatTy(d.ty), d.observed])).toEqual([["x", "vector[D]", false], ["y", "real", true]]);
  });

  it("records families, element types and distributions", () => {
    expect(v("lambda").family.map(formatRange)).toEqual(["1..K - 1", "1..D"]);
    expect(formatTy(v("beta").elem)).toBe("vector[D]");
    expect(v("beta").distribution).toBe("mvnormal");
    expect(v("tau").family).toEqual([]);
  });

  it("knows the allocation's range and that it is per row", () => {
    const z = v("z");
    expect(z.perRow).toBe(true);
    expect(z.elem.kind).toBe("int");
    if (z.elem.kind === "int") expect([formatAffine(z.elem.lo!), formatAffine(z.elem.hi!)]).toEqual(["1", "K"]);
    expect(m.variables.filter((x) => x.perRow).map((x) => x.name)).toEqual(["z"]);
  });

  it("orders variables after what they use", () => {
    const order = m.variables.map((x) => x.name);
    expect(order.indexOf("lambda")).toBeLessThan(order.indexOf("phi"));
    expect(order.indexOf("phi")).toBeLessThan(order.indexOf("z"));
    expect(order.indexOf("sigma2")).toBeLessThan(order.indexOf("beta"));
  });

  it("types every expression node", () => {
    const gate = v("z").relation!.rhs;
    expect(formatTy(m.exprTypes.get(gate.kind === "call" ? gate.args[0] : gate)!)).toBe("vector[K - 1]");
  });
});

describe("check", () => {
  it("caps the errors it reports and counts the rest", () => {
    const body = Array.from({ length: 30 }, (_, i) => `  v${i} ~ nosuch(1)`).join("\n");
    const r = checkSource(`model m() {\n  data y: real\n${body}\n  y ~ normal(0, 1)\n}`, { maxErrors: 20 });
    expect(r.diagnostics.filter((d) => d.severity === "error")).toHaveLength(20);
    expect(r.omitted).toBe(10);
  });

  it("reports one error for one mistake, not its consequences", () => {
    const r = checkSource("model m() {\n  data y: real\n  s ~ halfcauhy(1)\n  t ~ normal(s, s)\n  y ~ normal(t * s, s)\n}");
    expect(r.diagnostics.map((d) => d.code)).toEqual(["unknown_distribution"]);
  });

  it("handles a chain of 5,000 definitions without deep recursion", () => {
    const chain = Array.from({ length: 5000 }, (_, i) => `  e${i + 1} = e${i} + 1`).join("\n");
    const r = checkSource(`model m() {\n  data y: real\n  e0 ~ normal(0, 1)\n${chain}\n  y ~ normal(e5000, 1)\n}`);
    expect(r.diagnostics).toEqual([]);
  });

  it("treats names such as __proto__ and constructor as ordinary names", () => {
    const r = checkSource("model m(constructor: int = 2) {\n  data __proto__: real\n  toString[k in 1..constructor] ~ normal(0, 1)\n  __proto__ ~ normal(toString[2], 1)\n}");
    expect(r.diagnostics).toEqual([]);
    expect(r.checked!.values.get("constructor")).toBe(2);
  });
});
