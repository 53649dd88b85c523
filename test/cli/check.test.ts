/** `hsmoe check`: exit codes, output forms, and every usage error, with no stack traces. */
import { describe, expect, it, beforeAll, afterAll } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { cli } from "../helpers/cli.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const flagship = join(root, "stdlib/hsmoe.moe");


let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "hsmoe-cli-"));
  writeFileSync(join(dir, "bad.moe"), "model m() {\n  data y: real\n  y ~ normal(0, -1)\n  s ~ halfcauhy(1)\n}\n");
  writeFileSync(join(dir, "latin1.moe"), Buffer.from([0x6d, 0x6f, 0x64, 0x65, 0x6c, 0x20, 0xe9, 0x0a]));
  writeFileSync(join(dir, "big.moe"), "// " + "x".repeat(1_000_001));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("hsmoe check", () => {
  it("prints the summary of the flagship and exits 0", async () => {
    const r = await cli("check", flagship);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("model hsmoe");
    expect(r.stdout).toMatch(/K\s+int\s+4\s+\(default\)/);
    expect(r.stdout).toMatch(/lambda\[k in 1\.\.K - 1, j in 1\.\.D\]\s+real\s+~ halfcauchy\(1\)/);
    expect(r.stdout).toMatch(/z\s+int in 1\.\.K\s+~ stickbreaking/);
  });

  it("prints the inference plan", async () => {
    const r = await cli("check", flagship);
    expect(r.stdout).toMatch(/z\s+gate\s+polya_gamma_stickbreaking/);
    expect(r.stdout).toMatch(/lambda\s+gate_prior\s+horseshoe_makalic_schmidt/);
    expect(JSON.parse((await cli("check", flagship, "--json")).stdout).plan).toContainEqual({ node: "beta", rule: "normal_inverse_gamma_linear", role: "expert" });
  });

  it("dumps the model graph with --dump graph", async () => {
    const r = await cli("check", flagship, "--dump", "graph");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("latent        z: int in 1..K ~ stickbreaking(logistic(phi * x))");
  });

  it("dumps the kernel plan with --dump plan", async () => {
    const r = await cli("check", flagship, "--dump", "plan");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("prior: horseshoe_makalic_schmidt (HorseshoeState)");
    expect(r.stdout).toMatch(/line 19: y ~ normal\(dot\(beta\[z\], x\), sqrt\(sigma2\[z\]\)\)/);
  });

  it("applies --set and reports the value in force", async () => {
    const r = await cli("check", flagship, "--set", "K=6", "--set", "g=2.5");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/K\s+int\s+6\s+\(set\)/);
    expect(r.stdout).toMatch(/g\s+real\s+2\.5\s+\(set\)/);
  });

  it("prints a JSON summary with --json", async () => {
    const r = await cli("check", flagship, "--json");
    const out = JSON.parse(r.stdout);
    expect(r.code).toBe(0);
    expect(out.model).toBe("hsmoe");
    expect(out.hyperparameters[0]).toEqual({ name: "K", type: "int", value: 4, source: "default" });
    expect(out.sizes).toEqual(["D"]);
    expect(out.parameters.find((p: { name: string }) => p.name === "z").perRow).toBe(true);
    expect(out.diagnostics).toEqual([]);
  });

  it("explains model errors with file:line:column, a caret and a hint, and exits 1", async () => {
    const r = await cli("check", join(dir, "bad.moe"));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("bad.moe:3:17: error[support_violation]: the sd of `normal` must be positive, but it is -1");
    expect(r.stderr).toContain("bad.moe:4:7: error[unknown_distribution]: unknown distribution `halfcauhy`");
    expect(r.stderr).toContain("   |       ^^^^^^^^^");
    expect(r.stderr).toContain("= hint: did you mean `halfcauchy`?");
  });

  it("prints diagnostics as a JSON array with --json", async () => {
    const r = await cli("check", join(dir, "bad.moe"), "--json");
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out).toHaveLength(2);
    expect(out[1]).toMatchObject({
      code: "unknown_distribution",
      severity: "error",
      startLine: 4,
      startColumn: 7,
      endLine: 4,
      endColumn: 16,
      hint: "did you mean `halfcauchy`?",
    });
    expect(out[1].file).toContain("bad.moe");
  });

  it("reports a --set value that makes a range run backwards as a model error", async () => {
    const r = await cli("check", flagship, "--set", "K=0");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error[empty_range]");
    expect(r.stderr).toContain("K = 0 (as set)");
  });

  it("accepts K = 1: the stick families are empty and one expert takes every row", async () => {
    const r = await cli("check", flagship, "--set", "K=1");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("inference plan (1 expert)");
    expect(r.stdout).toContain("with one expert the gate has no sticks");
  });

  it.each([
    [["check"], "needs a model file"],
    [["check", "a.moe", "b.moe"], "one model file"],
    [["check", "/no/such/file.moe"], "no such file"],
    [["check", "DIR"], "is a directory"],
    [["check", "DIR/latin1.moe"], "not valid UTF-8"],
    [["check", "DIR/big.moe"], "limited to 1000000 bytes"],
    [["check", "FLAGSHIP", "--frobnicate"], "Unknown option"],
    [["check", "FLAGSHIP", "--set", "K"], "expects NAME=VALUE"],
    [["check", "FLAGSHIP", "--set", "Q=3"], "no hyperparameter 'Q'"],
    [["check", "FLAGSHIP", "--set", "K=2.5"], "not an integer"],
    [["check", "FLAGSHIP", "--set", "K=NaN"], "not a finite number"],
    [["check", "FLAGSHIP", "--set", "g=Infinity"], "not a finite number"],
    [["check", "FLAGSHIP", "--set", "g=1e999"], "not a finite number"],
    [["frobnicate"], "unknown command"],
    [["check", "FLAGSHIP", "--dump", "nope"], "--dump takes 'graph' or 'plan'"],
  ])("exits 2 for %j", async (argv, message) => {
    const r = await cli(...argv.map((a) => a.replace("DIR", dir).replace("FLAGSHIP", flagship)));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("the hsmoe binary", () => {
  it("runs from the package with node bin/hsmoe.js", async () => {
    const out = execFileSync(process.execPath, [join(root, "bin/hsmoe.js"), "check", flagship], { encoding: "utf8" });
    expect(out).toContain("model hsmoe");
  });
});
