/**
 * The CLI on a model with several data inputs (DESIGN §3): the gate reads `x`, the experts `w`
 * and a single number `s`. Each input reads its own prefix (`x1..xD`, `w1..wP`, the column `s`)
 * or the columns `--input NAME=COL,…` names; a row is them concatenated in the model's order.
 * - the CLI's fit equals the API's, fed the same rows by name, bit for bit (inline and on worker
 *   threads), with renamed columns mapped by `--input` too;
 * - the summary and `--json` list each input's columns; a saved state makes `predict` read new
 *   data the same way, and a state saved before states listed them (one input) still loads;
 * - every bad mapping is a usage error (exit 2) or a located data error (exit 1), never a crash;
 * - a file of several pieces streams through both passes as the whole text does.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { compile } from "../../api.js";
import { Rng } from "../../runtime/rng/rng.js";
import { readDataTable, TableScanner, type ReadDataOptions } from "../../cli/data/csv.js";
import { cli } from "../helpers/cli.js";

const source = `model two(K: int = 2) {
  data x: vector[D]
  data w: vector[P]
  data s: real
  data y: real
  sigma2[k in 1..K] ~ invgamma(2, 1)
  beta[k in 1..K] ~ mvnormal(0, 10 * sigma2[k] * I(P))
  c[k in 1..K] ~ normal(0, sqrt(5 * sigma2[k]))
  tau ~ halfcauchy(1)
  lambda[k in 1..K-1, j in 1..D] ~ halfcauchy(1)
  phi[k in 1..K-1, j in 1..D] ~ normal(0, tau * lambda[k, j])
  z ~ stickbreaking(logistic(phi * x))
  y ~ normal(dot(beta[z], w) + c[z] * s, sqrt(sigma2[z]))
}
`;

interface Row {
  x: number[];
  w: number[];
  s: number;
  y: number;
}

/** Rows: x = [1, g] decides the regime, w = [1, u] and s carry the experts' regressors. */
function data(n: number, seed: number): Row[] {
  const rng = Rng.fromSeed(seed);
  return Array.from({ length: n }, () => {
    const g = rng.normal();
    const u = 2 * rng.normal();
    const s = rng.normal();
    return { x: [1, g], w: [1, u], s, y: (g < 0 ? -1 + 0.5 * u : 1 + 2 * u) + 0.3 * s + 0.2 * rng.normal() };
  });
}

/** The rows as CSV with these header names for x1, x2, w1, w2, s, y (in a shuffled order, with a text column). */
function csv(rows: readonly Row[], names = ["x1", "x2", "w1", "w2", "s", "y"]): string {
  const [x1, x2, w1, w2, s, y] = names;
  const lines = [[y, w2, "id", x2, s, x1, w1].join(",")];
  rows.forEach((r, i) => lines.push([r.y, r.w[1], `row${i}`, r.x[1], r.s, r.x[0], r.w[0]].map(String).join(",")));
  return lines.join("\n") + "\n";
}

/** The API's fit of the rows, fed by name. */
function apiFit(rows: readonly Row[], options: { particles: number; seed: number; sets?: number }) {
  const f = compile(source).filter(options);
  for (const r of rows) f.observe({ x: r.x, w: r.w, s: r.s }, r.y);
  f.finish();
  return f;
}

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at /);

let dir: string;
let model: string;
let train: string;
let renamed: string;
const rows = data(150, 4);
const fresh = data(20, 9);
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "hsmoe-inputs-"));
  model = join(dir, "two.moe");
  train = join(dir, "train.csv");
  renamed = join(dir, "renamed.csv");
  writeFileSync(model, source);
  writeFileSync(train, csv(rows));
  writeFileSync(renamed, csv(rows, ["g0", "g1", "b0", "b1", "shift", "y"]));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MAPPED = ["--input", "x=g0,g1", "--input", "w=b0,b1", "--input", "s=shift"];

describe("fit with several inputs", () => {
  const fit = (...extra: string[]) => cli("fit", model, "--data", train, "--particles", "64", "--seed", "3", ...extra);

  it("equals the API fed the same rows by name, bit for bit (inline and on worker threads)", async () => {
    const api = apiFit(rows, { particles: 64, seed: 3 });
    for (const threads of [["--threads", "1"], ["--threads", "2"], []]) {
      const r = await fit("--json", ...threads);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.logEvidence).toBe(api.logEvidence);
      expect(out.logEvidenceSE).toBe(api.logEvidenceSE);
      expect(out.n).toBe(150);
      expect(out.D).toBe(5);
      expect(out.inputColumns).toEqual(["x1", "x2", "w1", "w2", "s"]);
      expect(out.inputs).toEqual([
        { name: "x", columns: ["x1", "x2"] },
        { name: "w", columns: ["w1", "w2"] },
        { name: "s", columns: ["s"] },
      ]);
      expect(out.coefficientNames).toEqual(["beta[1]", "beta[2]", "c"]);
    }
  });

  it("renamed columns mapped with --input give the same fit", async () => {
    const plain = JSON.parse((await fit("--json")).stdout);
    const r = await cli("fit", model, "--data", renamed, "--particles", "64", "--seed", "3", "--json", ...MAPPED);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.logEvidence).toBe(plain.logEvidence);
    expect(out.inputs).toEqual([
      { name: "x", columns: ["g0", "g1"] },
      { name: "w", columns: ["b0", "b1"] },
      { name: "s", columns: ["shift"] },
    ]);
    // a mapping for some inputs only: the others keep their prefix
    const mixed = csv(rows, ["g0", "g1", "w1", "w2", "s", "y"]);
    writeFileSync(join(dir, "mixed.csv"), mixed);
    const m = await cli("fit", model, "--data", join(dir, "mixed.csv"), "--particles", "64", "--seed", "3", "--json", "--input", "x=g0,g1");
    expect(m.code).toBe(0);
    expect(JSON.parse(m.stdout).logEvidence).toBe(plain.logEvidence);
  });

  it("the summary lists each input's columns", async () => {
    const r = await cli("fit", model, "--data", renamed, "--particles", "16", ...MAPPED);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("3 inputs (5 columns)");
    expect(r.stdout).toContain("input columns: x ← g0, g1; w ← b0, b1; s ← shift");
  });

  it("--test reads the held-out file the same way", async () => {
    const test = join(dir, "test.csv");
    writeFileSync(test, csv(fresh, ["g0", "g1", "b0", "b1", "shift", "y"]));
    const r = await cli("fit", model, "--data", renamed, "--test", test, "--particles", "64", "--seed", "3", "--json", ...MAPPED);
    expect(r.code).toBe(0);
    const api = apiFit(rows, { particles: 64, seed: 3 });
    const lpd = fresh.reduce((a, t) => a + api.predict({ x: t.x, w: t.w, s: t.s }).logDensity(t.y), 0) / fresh.length;
    expect(JSON.parse(r.stdout).heldout).toMatchObject({ n: 20, lpd });
  });

  it("writes a report (fit --report and report), plotting along any input's column", async () => {
    const page = join(dir, "report.html");
    const r = await cli("report", model, "--data", renamed, "--particles", "16", "-o", page, "--feature", "b1", ...MAPPED);
    expect(r.stderr).not.toContain("hsmoe:");
    expect(r.code).toBe(0);
    const html = readFileSync(page, "utf8");
    expect(html).toContain("5 inputs (g0, g1, b0, b1, shift)");
    expect(html).toContain("<b>b1</b>");
    const f = await cli("fit", model, "--data", train, "--particles", "16", "--report", page, "--feature", "s");
    expect(f.code).toBe(0);
    expect(readFileSync(page, "utf8")).toContain("<b>s</b>");
  });
});

describe("predict from a saved state", () => {
  let state: string;
  beforeAll(async () => {
    state = join(dir, "state.json");
    const r = await cli("fit", model, "--data", renamed, "--particles", "64", "--seed", "3", "--save", state, ...MAPPED);
    expect(r.code).toBe(0);
  });

  it("records which columns feed which input", () => {
    const doc = JSON.parse(readFileSync(state, "utf8"));
    expect(doc.format).toBe("hsmoe-state/3");
    expect(doc.payload.inputColumns).toEqual(["g0", "g1", "b0", "b1", "shift"]);
    expect(doc.payload.inputs).toEqual([
      { name: "x", columns: ["g0", "g1"] },
      { name: "w", columns: ["b0", "b1"] },
      { name: "s", columns: ["shift"] },
    ]);
  });

  it("reads new data by the fit's columns and equals the API's predictive", async () => {
    const next = join(dir, "next.csv");
    // other column order, no response, a column named like another input's prefix is ignored
    const lines = ["shift,b1,x1,g1,b0,g0", ...fresh.map((t) => [t.s, t.w[1], 99, t.x[1], t.w[0], t.x[0]].join(","))];
    writeFileSync(next, lines.join("\n") + "\n");
    const r = await cli("predict", state, "--data", next, "--json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.n).toBe(20);
    const api = apiFit(rows, { particles: 64, seed: 3 });
    fresh.forEach((t, i) => expect(out.rows[i].mean).toBe(api.predict({ x: t.x, w: t.w, s: t.s }).mean));
  });

  it("a column of the fit missing from new data is a located data error (exit 1)", async () => {
    const next = join(dir, "missing.csv");
    writeFileSync(next, "g0,g1,b0,b1,s\n1,0,1,0,0\n");
    const r = await cli("predict", state, "--data", next);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("missing.csv:1:1: error[data_missing_input]: no column named 'shift' for the input 's'");
    noStack(r.stderr);
  });

  /** The state with its payload edited and the checksum recomputed as the writer does. */
  const edited = (path: string, edit: (payload: any) => void) => {
    const doc = JSON.parse(readFileSync(path, "utf8"));
    edit(doc.payload);
    const { snapshot, ...envelope } = doc.payload;
    const { sets, ...head } = snapshot;
    const pieces = [JSON.stringify(envelope).slice(0, -1) + ',"snapshot":' + JSON.stringify(head).slice(0, -1) + ',"sets":[', ...sets.map((s: unknown, m: number) => (m ? "," : "") + JSON.stringify(s)), "]}}"];
    doc.checksum = "sha256:" + createHash("sha256").update(pieces.join("")).digest("hex");
    const out = join(dir, `edited-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(out, JSON.stringify(doc));
    return out;
  };

  it.each([
    ["no inputs for a model with several", (p: any) => delete p.inputs, "does not say which columns feed which"],
    ["inputs of the wrong type", (p: any) => (p.inputs = [{ name: "x", columns: "g0" }]), "payload.inputs is not"],
    ["inputs that are not the input columns", (p: any) => (p.inputs[1].columns = ["b1", "b0"]), "not its input columns"],
    ["inputs split other than the filter's", (p: any) => (p.inputs = [{ name: "x", columns: ["g0", "g1", "b0"] }, { name: "w", columns: ["b1"] }, { name: "s", columns: ["shift"] }]), "its filter's inputs"],
    ["inputs named other than the model's", (p: any) => (p.inputs[0].name = "v"), "its model reads x, w, s"],
  ])("a state with %s is corrupt (exit 1)", async (_, edit, message) => {
    const r = await cli("predict", edited(state, edit), "--data", renamed);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("corrupt state");
    expect(r.stderr).toContain(message);
    noStack(r.stderr);
  });

  it("a one-input state saved before states listed inputs still loads and predicts the same", async () => {
    const flagship = fileURLToPath(new URL("../../stdlib/hsmoe.moe", import.meta.url));
    const small = join(dir, "small.csv");
    const piecewise = fileURLToPath(new URL("../../examples/data/piecewise-train.csv", import.meta.url));
    writeFileSync(small, readFileSync(piecewise, "utf8").split("\n").slice(0, 81).join("\n") + "\n");
    const one = join(dir, "one.json");
    expect((await cli("fit", flagship, "--set", "K=2", "--data", small, "--particles", "32", "--save", one)).code).toBe(0);
    expect(JSON.parse(readFileSync(one, "utf8")).payload.inputs).toEqual([{ name: "x", columns: ["x1", "x2"] }]);
    const old = edited(one, (p) => delete p.inputs);
    const a = await cli("predict", one, "--data", small, "--json");
    const b = await cli("predict", old, "--data", small, "--json");
    expect(b.stderr).toBe("");
    expect(b.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
  });
});

describe("bad mappings", () => {
  const fit = (data: string, ...extra: string[]) => cli("fit", model, "--data", data === "RENAMED" ? renamed : train, "--particles", "8", ...extra);

  it.each([
    [["--input", "v=g0"], "--input v: the model has no input 'v' (its inputs: x, w, s)"],
    [["--input", "x"], "--input takes NAME=COL,COL,…"],
    [["--input", "=g0"], "--input takes NAME=COL,COL,…"],
    [["--input", "x=g0,,g1"], "--input takes NAME=COL,COL,…"],
    [["--input", "x=g0,g1", "--input", "x=g0"], "--input x is given twice"],
    [["--input", "x=g0,g0"], "--input x: column 'g0' is named twice"],
    [["--input", "x=g0,g1", "--input", "w=g1,b1"], "--input w: column 'g1' is already an input of x"],
    [["--input", "x=g0,y"], "--input x: 'y' is the response, not an input"],
    [["--input", "s=shift,b0"], "--input s: 2 columns given, but the model says s has 1"],
    [["--input", "x=g0,nope", ...MAPPED.slice(2)], "renamed.csv: input 'x': no column 'nope'; the header has 'y', 'b1', 'id', 'g1', 'shift', 'g0', 'b0'"],
  ])("%j is a usage error (exit 2)", async (extra, message) => {
    const r = await fit("RENAMED", ...extra);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe("");
    noStack(r.stderr);
  });

  it("a column that an input's prefix and another input's mapping both take is a usage error (exit 2)", async () => {
    const r = await fit("TRAIN", "--input", "x=w1,x2");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("train.csv: column 'w1' would feed both input 'x' and input 'w'; name each input's columns with --input NAME=COL,COL,…");
  });

  it("inputs without their columns are located data errors (exit 1), all at once", async () => {
    const r = await fit("RENAMED");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("renamed.csv:1:1: error[data_missing_input]: no column named 'x1' for the input 'x'");
    expect(r.stderr).toContain("renamed.csv:1:1: error[data_missing_input]: no column named 'w1' for the input 'w'");
    expect(r.stderr).toContain("renamed.csv:1:1: error[data_missing_input]: no column named 's' for the input 's'");
    noStack(r.stderr);
  });

  it("a gap in an input's prefix and bad cells are reported by row and column (exit 1)", async () => {
    const bad = join(dir, "bad.csv");
    writeFileSync(bad, "x1,x2,w1,w3,s,y\n1,0.5,1,2,0,1\n1,abc,1,2,0,1\n");
    const r = await cli("fit", model, "--data", bad, "--particles", "8");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("bad.csv:1:1: error[data_input_gap]: input columns must run w1..w3 without gaps, but 'w2' is missing");
    expect(r.stderr).toContain("bad.csv:3:2: error[data_not_numeric]: column 'x2': 'abc' is not a number");
  });

  it("inputs of one size name read the same number of columns, and fixed sizes are kept (exit 1, not a crash)", async () => {
    const same = join(dir, "same.moe");
    writeFileSync(same, source.replace("vector[P]", "vector[D]").replace("I(P)", "I(D)"));
    const three = join(dir, "three.csv");
    writeFileSync(three, "x1,x2,w1,w2,w3,s,y\n1,0,1,0,0,0,1\n1,1,1,1,1,1,2\n");
    const r = await cli("fit", same, "--data", three, "--particles", "8");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("the input w reads 3 columns (w1, w2, w3) and x 2 columns (x1, x2); the model gives both the length D");
    const fixed = join(dir, "fixed.moe");
    writeFileSync(fixed, source.replace("vector[P]", "vector[3]").replace("I(P)", "I(3)"));
    const f = await cli("fit", fixed, "--data", train, "--particles", "8");
    expect(f.code).toBe(1);
    expect(f.stderr).toContain("the input w reads 2 columns (w1, w2); the model says it has 3");
    noStack(f.stderr);
  });
});

describe("one input", () => {
  it("--input names its columns and gives the prefix's fit", async () => {
    const flagship = fileURLToPath(new URL("../../stdlib/hsmoe.moe", import.meta.url));
    const piecewise = fileURLToPath(new URL("../../examples/data/piecewise-train.csv", import.meta.url));
    const text = readFileSync(piecewise, "utf8").split("\n").slice(0, 81).join("\n") + "\n";
    const plain = join(dir, "plain.csv");
    const named = join(dir, "named.csv");
    writeFileSync(plain, text);
    writeFileSync(named, text.replace(/^x1,x2,y/, "one,t,y"));
    expect(text.startsWith("x1,x2,y\n")).toBe(true);
    const args = ["--set", "K=2", "--particles", "32", "--seed", "5", "--json"];
    const a = JSON.parse((await cli("fit", flagship, "--data", plain, ...args)).stdout);
    const r = await cli("fit", flagship, "--data", named, ...args, "--input", "x=one,t");
    expect(r.code).toBe(0);
    const b = JSON.parse(r.stdout);
    expect(b.logEvidence).toBe(a.logEvidence);
    expect(b.inputs).toEqual([{ name: "x", columns: ["one", "t"] }]);
    expect(a.inputs).toEqual([{ name: "x", columns: ["x1", "x2"] }]);
  });
});

describe("streaming", () => {
  const options: ReadDataOptions = { file: "train.csv", inputs: [{ name: "x" }, { name: "w" }, { name: "s", scalar: true }], response: "y" };

  it("the scanner cut anywhere gives the whole text's rows and columns", () => {
    const text = csv(rows.slice(0, 40));
    const whole = readDataTable(text, options);
    expect(whole.inputs).toEqual([
      { name: "x", columns: ["x1", "x2"] },
      { name: "w", columns: ["w1", "w2"] },
      { name: "s", columns: ["s"] },
    ]);
    expect(Array.from(whole.x.subarray(0, 5))).toEqual([...rows[0].x, ...rows[0].w, rows[0].s]);
    fc.assert(
      fc.property(fc.array(fc.nat(text.length), { maxLength: 10 }), (cuts) => {
        const got: number[] = [];
        const scanner = new TableScanner(options, (x, y) => {
          for (let j = 0; j < x.length; j++) got.push(x[j]);
          got.push(y);
        });
        let at = 0;
        for (const c of [...cuts].sort((a, b) => a - b)) {
          scanner.push(text.slice(at, c));
          at = c;
        }
        scanner.push(text.slice(at));
        expect(scanner.end().inputs).toEqual(whole.inputs);
        const expected: number[] = [];
        for (let i = 0; i < whole.n; i++) expected.push(...whole.x.subarray(i * 5, (i + 1) * 5), whole.y![i]);
        expect(got).toEqual(expected);
      }),
      { seed: 11, numRuns: 100 },
    );
  });

  it("a file of several pieces fits as the API does, on worker threads, and predicts from its state", async () => {
    const long = data(40_000, 6);
    const path = join(dir, "long.csv");
    writeFileSync(path, csv(long));
    expect(readFileSync(path).length).toBeGreaterThan(3 << 20); // read in pieces of 1 MiB
    const state = join(dir, "long.json");
    const r = await cli("fit", model, "--data", path, "--particles", "8", "--sets", "2", "--threads", "2", "--seed", "2", "--json", "--save", state);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.n).toBe(40_000);
    expect(out.logEvidence).toBe(apiFit(long, { particles: 8, sets: 2, seed: 2 }).logEvidence);
    const p = await cli("predict", state, "--data", path, "--json");
    expect(p.code).toBe(0);
    const predicted = JSON.parse(p.stdout);
    expect(predicted.n).toBe(40_000);
    expect(predicted.rows).toHaveLength(40_000);
    expect(Number.isFinite(predicted.lpd)).toBe(true);
  }, 120_000);
});
