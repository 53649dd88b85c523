/**
 * Issue 10, "nothing lost, nothing crashes": a hyperparameter value that makes a constant the
 * rules pass to the runtime invalid (a non-positive covariance scale, shape, scale or sd) is a
 * located diagnostic at `check` and `compile` time, never a runtime error when fitting.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compile, DiagnosticError } from "../../api.js";
import { parse } from "../../compiler/1-parse/index.js";
import { FilterError } from "../../runtime/pl/errors.js";
import { cli } from "../helpers/cli.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const hsmoe = readFileSync(`${root}stdlib/hsmoe.moe`, "utf8");
const betaLine = hsmoe.split("\n").findIndex((l) => l.includes("beta[k in 1..K] ~ mvnormal")) + 1;
const gColumn = hsmoe.split("\n")[betaLine - 1].indexOf("g * sigma2") + 1;

describe("the covariance scale g of stdlib/hsmoe.moe", () => {
  it.each(["-1", "0"])("--set g=%s: check exits 1 with a diagnostic at the use of g", async (v) => {
    const r = await cli("check", `${root}stdlib/hsmoe.moe`, "--set", `g=${v}`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`hsmoe.moe:${betaLine}:${gColumn}: error[invalid_prior_constant]`);
    expect(r.stderr).toContain(`g = ${v} (as set)`);
    expect(r.stderr).toContain("positive");
  });

  it.each([-1, 0, 1e-320])("compile with g = %s throws a DiagnosticError naming g", (g) => {
    let error: unknown;
    try {
      compile(hsmoe, { g });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DiagnosticError);
    const d = (error as DiagnosticError).diagnostics;
    expect(d.map((x) => x.code)).toEqual(["invalid_prior_constant"]);
    expect(d[0].message).toContain(`g = ${g}`);
    expect(hsmoe.slice(d[0].span.start, d[0].span.end)).toBe("g");
  });

  it("--json gives the same diagnostic with its position", async () => {
    const r = await cli("check", `${root}stdlib/hsmoe.moe`, "--set", "g=-1", "--json");
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject([{ code: "invalid_prior_constant", startLine: betaLine, startColumn: gColumn }]);
  });
});

/** Every real hyperparameter of every stdlib model, with its default. */
const stdlib = readdirSync(`${root}stdlib`)
  .filter((f) => f.endsWith(".moe"))
  .flatMap((file) => {
    const text = readFileSync(`${root}stdlib/${file}`, "utf8");
    return parse(text).model!.hypers.filter((h) => h.type.kind === "real").map((h) => ({ file, text, name: h.name.name }));
  });

describe("every real hyperparameter of the stdlib models", () => {
  const values = [-1, 0, 1e-320, -1e-300, 1e300];
  it.each(stdlib.map((s) => [`${s.file} ${s.name}`, s] as const))("%s: a bad value is a diagnostic, a good one fits", async (_, s) => {
    for (const v of values) {
      let model: ReturnType<typeof compile> | undefined;
      try {
        model = compile(s.text, { [s.name]: v }, { file: s.file });
      } catch (e) {
        expect(e, `${s.name} = ${v}`).toBeInstanceOf(DiagnosticError);
        const r = await cli("check", `${root}stdlib/${s.file}`, "--set", `${s.name}=${v}`);
        expect(r.code, `${s.name} = ${v}: ${r.stderr}`).toBe(1);
        expect(r.stderr.startsWith(`${root}stdlib/${s.file}:`)).toBe(true);
        expect(r.stderr).toMatch(/^\S+:\d+:\d+: error\[\w+\]/);
        continue;
      }
      // Accepted: the runtime must take it. It may still find the data impossible under an
      // extreme prior (every predictive density underflows), but says so as a FilterError,
      // which the CLI reports as bad input, not as an internal error.
      try {
        const f = model.filter({ particles: 8, seed: 1, rejuvenate: false });
        for (let i = 0; i < 5; i++) f.observe([1, i / 5], i / 10);
      } catch (e) {
        expect(e, `${s.name} = ${v}: ${String(e)}`).toBeInstanceOf(FilterError);
      }
    }
  });
});
