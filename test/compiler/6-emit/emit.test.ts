/**
 * Stage 5–6: the emitted kernel of every stdlib model, snapshotted as a JavaScript file with
 * the model source in a comment block above it; the output is deterministic; model text can
 * reach the kernel only as validated names and printed statements; hostile names and values
 * get diagnostics, never code.
 */
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { compileModel } from "../../../compiler/index.js";
import { commentText, nameLiteral, numberLiteral } from "../../../compiler/6-emit/safe.js";
import { compile, DiagnosticError } from "../../../api.js";

const stdlib = new URL("../../../stdlib/", import.meta.url);
const models = readdirSync(stdlib).filter((f) => f.endsWith(".moe"));

function kernelOf(text: string, file: string, hypers = new Map<string, number>()) {
  const r = compileModel(text, { file, hypers });
  expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return r.kernelSource!();
}

describe("emitted kernels", () => {
  it.each(models)("%s: snapshot of the emitted JavaScript", async (file) => {
    const text = readFileSync(new URL(file, stdlib), "utf8");
    const js = kernelOf(text, `stdlib/${file}`);
    const source = text.trimEnd().split("\n").map((l) => `// | ${l}`).join("\n");
    await expect(`// model source:\n${source}\n\n${js}`).toMatchFileSnapshot(`../__snapshots__/kernels/${file.replace(/\.moe$/, ".js")}`);
  });

  it.each(models)("%s: deterministic output", (file) => {
    const text = readFileSync(new URL(file, stdlib), "utf8");
    expect(kernelOf(text, file)).toBe(kernelOf(text, file));
  });

  it("imports nothing and runs from its function form", () => {
    const model = compile(readFileSync(new URL("hsmoe.moe", stdlib), "utf8"));
    expect(model.kernelSource()).not.toMatch(/\bimport\b|\brequire\(/);
    expect(model.kernel.info.experts).toBe(4);
  });
});

describe("hostile names and values", () => {
  const hostile = `model m(constructor: int = 3) {
  data __proto__: vector[D]
  data eval: real
  toString ~ halfcauchy(1)
  rt[k in 1..constructor-1, j in 1..D] ~ halfcauchy(1)
  hasOwnProperty[k in 1..constructor-1, j in 1..D] ~ normal(0, toString * rt[k, j])
  K[k in 1..constructor] ~ invgamma(2, 1)
  Function[k in 1..constructor] ~ mvnormal(0, 10 * K[k] * I(D))
  valueOf ~ stickbreaking(logistic(hasOwnProperty * __proto__))
  eval ~ normal(dot(Function[valueOf], __proto__), sqrt(K[valueOf]))
}`;

  it("compiles names such as __proto__, constructor, eval, rt and K as plain data", () => {
    const model = compile(hostile);
    const js = model.kernelSource();
    expect(model.kernel.info.inputs[0].name).toBe("__proto__");
    expect(model.kernel.info.response).toBe("eval");
    expect(Object.keys(model.kernel.info.hypers)).toEqual(["constructor"]);
    expect(Object.getPrototypeOf(model.kernel.info.hypers)).toBe(Object.prototype);
    const f = model.filter({ particles: 8, D: 2 });
    f.observe([1, 0.5], 0.3);
    expect(Number.isFinite(f.logEvidence)).toBe(true);
    // the names appear only inside string literals and comments
    const code = js.split("\n").filter((l) => !l.trim().startsWith("//")).join("\n").replace(/"(?:[^"\\]|\\.)*"/g, '""');
    for (const name of ["__proto__", "hasOwnProperty", "toString", "valueOf", "Function"]) expect(code).not.toContain(name);
  });

  it("a group array of any identifier, `__proto__` or `toString` included, is emitted as data and runs", () => {
    for (const name of ["grpX_2", "__proto__", "toString"]) {
      const source = `model g(K: int = 3, ${name}: int[D] = [1, 2]) {
        data x: vector[D]
        data y: real
        tau ~ halfcauchy(1)
        lambda[k in 1..K-1, q in 1..2] ~ halfcauchy(1)
        phi[k in 1..K-1, j in 1..D] ~ normal(0, tau * lambda[k, ${name}[j]])
        sigma2[k in 1..K] ~ invgamma(2, 1)
        beta[k in 1..K] ~ mvnormal(0, 10 * sigma2[k] * I(D))
        z ~ stickbreaking(logistic(phi * x))
        y ~ normal(dot(beta[z], x), sqrt(sigma2[z]))
      }`;
      const model = compile(source);
      const code = model.kernelSource().split("\n").filter((l) => !l.trim().startsWith("//")).join("\n").replace(/"(?:[^"\\]|\\.)*"/g, '""');
      expect(code, name).not.toContain(name);
      const f = model.filter({ particles: 8, D: 2 });
      f.observe([1, 0.5], 0.3);
      expect(Number.isFinite(f.logEvidence)).toBe(true);
    }
  });

  it.each([
    [{ constructor: 1e9 }, "too_large"],
    [{ constructor: 0 }, "empty_range"],
    [{ constructor: -1 }, "empty_range"],
    [{ constructor: 2.5 }, "hyper_type"],
    [{ constructor: NaN }, "hyper_type"],
    [{ nothere: 1 }, "unknown_hyperparameter"],
  ])("%j gets a diagnostic", (hypers, code) => {
    let error: unknown;
    try {
      compile(hostile, hypers as Record<string, number>);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DiagnosticError);
    expect((error as DiagnosticError).diagnostics.map((d) => d.code)).toContain(code);
  });

  it("the emitter's doors refuse anything but names, finite numbers and printed statements", () => {
    expect(() => nameLiteral("a\"; process.exit(1); \"")).toThrow();
    expect(() => nameLiteral("β")).toThrow();
    expect(() => numberLiteral(NaN)).toThrow();
    expect(() => numberLiteral(Infinity)).toThrow();
    expect(() => commentText("x */ evil() /*")).not.toThrow(); // a // comment cannot be closed by */
    expect(() => commentText("y\nevil()")).toThrow();
    expect(numberLiteral(-0)).toBe("-0");
    expect(Number(numberLiteral(0.1 + 0.2))).toBe(0.1 + 0.2);
  });
});
