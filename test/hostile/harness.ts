/**
 * The hostile-input harness: generated corrupt CSVs, byte-flipped and truncated state files,
 * random argument lists, deep and huge models, and writes that fail, each run through the CLI
 * in-process. The oracle for every case: exit 0, 1 or 2 (never 70), no stack trace, a located
 * message when exit is 1 for data, and no input or earlier output changed. The test suite runs
 * it small; `npm run bench -- hostile` runs it large.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../../cli/main.js";
import { packageRoot } from "./long-stream.js";

const root = packageRoot();
/** The flagship model, as the cases use it. */
export const FLAGSHIP = join(root, "stdlib/hsmoe.moe");

/** How many cases of each kind to run. */
export interface HostileCounts {
  csv: number;
  stateFlips: number;
  stateTruncations: number;
  argv: number;
  models: number;
}

/** One case that broke the oracle. */
export interface HostileFailure {
  kind: string;
  argv: string[];
  code: number;
  why: string;
  stderr: string;
}

/** Cases run per kind, and the failures. */
export interface HostileResult {
  cases: Record<string, number>;
  failures: HostileFailure[];
}

/** A small seeded generator (mulberry32), so every run makes the same cases. */
function generator(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  return { next, int, pick };
}

const digest = (path: string) => {
  try {
    return createHash("sha256").update(readFileSync(path)).digest("hex");
  } catch {
    return "absent";
  }
};

/** Runs the hostile cases in `dir` (a fresh temporary directory). */
export async function runHostile(dir: string, counts: HostileCounts, seed = 1): Promise<HostileResult> {
  const g = generator(seed);
  const result: HostileResult = { cases: {}, failures: [] };
  mkdirSync(dir, { recursive: true });
  const train = join(dir, "train.csv");
  const baseCsv = readFileSync(join(root, "examples/data/piecewise-train.csv"), "utf8").split("\n").slice(0, 61).join("\n") + "\n";
  writeFileSync(train, baseCsv);
  const state = join(dir, "state.json");
  const cheap = ["--particles", "8", "--sets", "2", "--threads", "1"];
  const setup = await call(["fit", FLAGSHIP, "--set", "K=2", "--data", train, ...cheap, "--save", state]);
  if (setup.code !== 0) throw new Error(`the harness's own fit failed: ${setup.stderr}`);
  const stateText = readFileSync(state, "utf8");
  const guarded = [FLAGSHIP, train, state];

  async function check(kind: string, argv: string[], extra?: (r: { code: number; stdout: string; stderr: string }) => string | undefined): Promise<void> {
    result.cases[kind] = (result.cases[kind] ?? 0) + 1;
    const before = guarded.map(digest);
    const r = await call(argv);
    const fail = (why: string): void => void result.failures.push({ kind, argv, code: r.code, why, stderr: r.stderr.slice(0, 2000) });
    if (![0, 1, 2].includes(r.code)) return fail(`exit ${r.code}`);
    if (/\n\s+at .+:\d+:\d+/.test(r.stderr) || /internal error/.test(r.stderr)) return fail("stack trace or internal error");
    if (r.code !== 0 && r.stderr.trim() === "" && r.stdout.trim() === "") return fail("failed silently");
    // a kernel's source may say NaN; a fit's or a prediction's numbers may not
    if (/\bNaN\b/.test(r.stdout) && r.code === 0 && argv[0] !== "compile") return fail("NaN in the output");
    const after = guarded.map(digest);
    if (after.some((h, i) => h !== before[i])) return fail("an input or earlier output changed");
    const why = extra?.(r);
    if (why) fail(why);
  }

  // 1. corrupt CSVs, for fit (training data) and predict (new rows)
  const damages: ((t: string) => string)[] = [
    (t) => insertAt(t, g.int(t.length), g.pick(['"', ",", "\n", "\r", "\u0000", "x", "1e999", "NaN", "-", ".", " ", '""', "\uFEFF", "\u2028", "1e300", "-1e200", "1e-320"])),
    (t) => t.slice(0, g.int(t.length)) + t.slice(g.int(t.length)),
    (t) => t.replace(/\n/g, () => (g.next() < 0.05 ? "\n," : "\n")),
    (t) => t.replace(/[0-9]/g, (d) => (g.next() < 0.002 ? g.pick(["", "a", "∞", "\ufffd"]) : d)),
    (t) => t.split("\n").map((l) => (g.next() < 0.05 ? `"${l}` : l)).join("\n"),
    (t) => g.pick(["", "\n\n", "x1,x2,y\n", "\uFEFF", "a,b\n1,2\n", ",,,\n,,,\n"]) + (g.next() < 0.5 ? "" : t),
    (t) => t.replace("x1", g.pick(["x1", "", "x2", "y", "x3", "x 1"])),
  ];
  const locatedOrOk = (r: { code: number; stderr: string }) => (r.code === 1 && !/:\d+:\d+:|:\d+: row \d+|corrupt state|every particle/.test(r.stderr) ? "exit 1 without a location" : undefined);
  for (let c = 0; c < counts.csv; c++) {
    let text = baseCsv;
    for (let k = 1 + g.int(3); k > 0; k--) text = g.pick(damages)(text);
    const path = join(dir, `bad-${c}.csv`);
    const bytes = Buffer.from(text, "utf8");
    if (g.next() < 0.1) bytes[g.int(bytes.length)] = 0xff; // invalid UTF-8
    writeFileSync(path, bytes);
    await check("corrupt csv (fit)", ["fit", FLAGSHIP, "--set", "K=2", "--data", path, ...cheap], locatedOrOk);
    await check("corrupt csv (predict)", ["predict", state, "--data", path], locatedOrOk);
  }

  // 2. byte-flipped and truncated states
  const corruptState = (r: { code: number; stderr: string }) => (r.code === 1 && !/corrupt state|another model|older hsmoe|not a state/.test(r.stderr) ? "exit 1 without saying the state is corrupt" : undefined);
  for (let c = 0; c < counts.stateFlips; c++) {
    const bytes = Buffer.from(stateText, "utf8");
    for (let k = 1 + g.int(3); k > 0; k--) bytes[g.int(bytes.length)] = g.int(256);
    const path = join(dir, `flipped-${c}.json`);
    writeFileSync(path, bytes);
    await check("byte-flipped state", ["predict", path, "--data", train], corruptState);
  }
  for (let c = 0; c < counts.stateTruncations; c++) {
    const path = join(dir, `truncated-${c}.json`);
    writeFileSync(path, stateText.slice(0, g.int(stateText.length)));
    await check("truncated state", ["predict", path, "--data", train], corruptState);
  }

  // 3. random argument lists (outputs only into the temporary directory or onto guarded inputs)
  const commands = ["check", "compile", "fit", "report", "predict", "help", "bogus", ""];
  const values = ["0", "-1", "1", "2", "3", "1e9", "2.5", "abc", "", "NaN", "-0", "99999999999999999999", "K=2", "K=-1", "g=0", "g=-1", "a0=0", "b0=1e-300", "K=1e9", "nope=1", "K", "K=2,3", "K=[2]", "a0=[1, 2]"];
  const inputs = [FLAGSHIP, train, state, dir, join(dir, "missing.csv"), "/dev/null"];
  const outputs = [FLAGSHIP, train, dir, join(dir, "out.json"), join(dir, "no/such/dir/out.json"), "/dev/null"];
  const flags = ["--data", "--test", "--particles", "--sets", "--seed", "--set", "--save", "--json", "--no-rejuvenate", "--threads", "--report", "--feature", "-o", "--dump", "--help", "--bogus", "-x", "--trace", "--window"];
  for (let c = 0; c < counts.argv; c++) {
    const argv = [g.pick(commands)];
    if (g.next() < 0.9) argv.push(g.pick([FLAGSHIP, state, train, dir, join(dir, "missing.moe")]));
    for (let k = g.int(6); k > 0; k--) {
      const flag = g.pick(flags);
      argv.push(flag);
      if (g.next() < 0.85) argv.push(flag === "--data" || flag === "--test" ? g.pick(inputs) : flag === "--save" || flag === "--report" || flag === "-o" || flag === "--trace" ? g.pick(outputs) : g.pick(values));
    }
    // keep random fits cheap, and reports out of the working directory
    if ((argv[0] === "fit" || argv[0] === "report") && !argv.includes("--particles")) argv.push("--particles", "8", "--sets", "1");
    if (argv[0] === "report" && !argv.includes("-o")) argv.push("-o", join(dir, "report.html"));
    await check("random argv", argv);
  }

  // 4. deep and huge models
  const models = [
    () => `model m() {\n  data x: vector[D]\n  data y: real\n  s ~ invgamma(${"(".repeat(600)}1${")".repeat(600)}, 1)\n  y ~ normal(0, sqrt(s))\n}\n`,
    () => `model m() {\n  data x: vector[D]\n  data y: real\n  s ~ invgamma(${Array.from({ length: 5000 }, () => "1").join(" + ")}, 1)\n  y ~ normal(0, sqrt(s))\n}\n`,
    () => `model m() {\n  data x: vector[D]\n  data y: real\n  s ~ invgamma(${"abs(".repeat(2000)}1${")".repeat(2000)}, 1)\n  y ~ normal(0, sqrt(s))\n}\n`,
    () => `model m() { ${Array.from({ length: 20_000 }, (_, i) => `a${i} ~ normal(0, 1)`).join(" ")} }`,
    () => "model m() {" + "x".repeat(300_000) + "}",
    () => `model m(K: int = 2) {\n  data x: vector[D]\n  data y: real\n${Array.from({ length: 400 }, (_, i) => `  b${i}[k in 1..K] ~ normal(0, 1)`).join("\n")}\n}\n`,
  ];
  for (let c = 0; c < counts.models; c++) {
    const path = join(dir, `model-${c}.moe`);
    writeFileSync(path, models[c % models.length]());
    await check("deep or huge model", [g.pick(["check", "compile", "fit"]), path, "--data", train, ...(c % 2 ? [] : ["--json"])].filter((a, i, all) => !(all[0] !== "fit" && (a === "--data" || all[i - 1] === "--data"))), (r) =>
      r.code === 1 && !/:\d+:\d+/.test(r.stderr) && !r.stdout.includes('"startLine"') ? "a model error without a location" : r.stderr.length + r.stdout.length > 200_000 ? "output not bounded" : undefined,
    );
  }

  // 5. failing writes: nothing earlier is damaged
  for (const target of [join(dir, "no/such/dir/s.json"), dir, train, FLAGSHIP, "/dev/null"]) {
    await check("failing or refused write", ["fit", FLAGSHIP, "--set", "K=2", "--data", train, ...cheap, "--save", target]);
  }
  if (readdirSync(dir).some((f) => f.endsWith(".tmp"))) result.failures.push({ kind: "failing or refused write", argv: [], code: 0, why: "a temporary file was left behind", stderr: "" });
  return result;
}

function insertAt(text: string, at: number, what: string): string {
  return text.slice(0, at) + what + text.slice(at);
}

async function call(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  let code: number;
  try {
    code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  } catch (e) {
    code = 70;
    stderr += `escaped: ${(e as Error)?.stack ?? String(e)}`;
  }
  return { code, stdout, stderr };
}
