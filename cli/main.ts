/**
 * The `hsmoe` command line. Exit codes: 0 success, 1 a model or data problem that was
 * explained, 2 a usage error. Nothing a user types or writes in a file produces a stack
 * trace; an unexpected internal failure says so plainly and exits 70.
 */
import { parseArgs } from "node:util";
import { describeModel, diagnosticToJson, dumpGraph, dumpPlan, renderDiagnostics, summaryJson } from "../compiler/index.js";
import { compileCommand, explainRunError, fitCommand, predictCommand } from "./fit.js";
import { exportRouterCommand, routeCommand } from "./route.js";
import { readModelFile, UsageError, type Io } from "./io.js";
import { MAX_PARTICLES, MAX_SETS } from "../runtime/pl/options.js";
import { DEFAULT_WINDOW, type Schedule } from "../runtime/pl/schedule.js";
import type { Forget } from "../runtime/pl/forget.js";
import { compileWithSets } from "./set-values.js";

const USAGE = `usage: hsmoe <command> [options]

commands:
  check MODEL.moe [--set NAME=VALUE ...] [--json] [--dump graph|plan]
      parse and check a model; print its summary and inference plan (or the model graph)
  compile MODEL.moe [-o KERNEL.js] [--set NAME=VALUE ...]
      write the particle-learning kernel as an ES module
  fit MODEL.moe --data TRAIN.csv [--test TEST.csv] [--particles N] [--sets M] [--seed S]
      [--set NAME=VALUE ...] [--input NAME=COL,COL,... ...] [--save STATE.json] [--no-rejuvenate]
      [--threads T] [--json] [--report REPORT.html [--feature NAME]] [--trace TRACE.csv] [--window W] [--forget RHO|auto]
      [--sweeps EVERY,UNTIL] [--resampling ess|every]
      run particle learning over the rows in order and summarise the posterior; each of the
      model's inputs reads its columns NAME1..NAMEd (a single number: the column NAME), or
      the columns --input names for it (predict reads them as the fit did); --trace writes
      one line per row: its log predictive score before it was seen, the predictive mean and
      sd, ESS, resampling, ancestors, running evidence, forgetting and change alarms; the
      sweeps revisit the last W rows (default 4096) and fold older ones into fixed statistics;
      --forget RHO keeps ρ of the past after every row (a row s rows old weighs ρ^s), so the
      fit follows a world that changes; --forget auto runs a grid of factors over the sets and
      pools them by their recent evidence; --sweeps EVERY,UNTIL revisits the rows every EVERY
      rows up to UNTIL rows, then at doubling counts (default 10,100; past --window rows every W
      rows; once more at the end): denser sweeps cost time and can help fits with few inputs
      and many experts find the regimes; --resampling every resamples each set at every row
      instead of when its ESS falls below half its particles (ess: the default, but every
      under --forget)
  report MODEL.moe --data TRAIN.csv [-o REPORT.html] [--feature NAME] [fit options]
      fit, then write a self-contained HTML report (default report.html): predictive bands,
      gate probabilities, experts, shrinkage, ESS and evidence, the model and its plan
  predict STATE.json --data NEW.csv [--json]
      predictive summaries for new rows from a saved fit
  route STATE.json --data X.csv [--top K] [--alpha A] [--json]
      per row, the K experts (default 1) of highest lower bound mean − A·sd of their gate
      probability (default A = 1), with means and 90 % intervals, the routing entropy and
      whether the K-th and next experts' intervals overlap (an uncertain route); from a
      saved fit, rows with the response add the coverage–risk curve (the most confidently
      routed rows' scores); STATE.json may be a router from --export instead
  route STATE.json --export ROUTER.json [--draws M] [--seed S]
      write a router: M posterior draws of the gate (default 256), which route takes in
      place of the state (ROUTER.json --data X.csv) without the particles or the experts

--set NAME=VALUE replaces a hyperparameter's default; an array takes its entries, NAME=1,1,2
`;

function runCheck(args: string[], io: Io): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      set: { type: "string", multiple: true },
      json: { type: "boolean" },
      dump: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "check needs a model file" : `check takes one model file, got ${positionals.length}`);
  if (values.dump !== undefined && values.dump !== "graph" && values.dump !== "plan") throw new UsageError(`--dump takes 'graph' or 'plan', not '${values.dump}'`);
  const file = positionals[0];
  const r = compileWithSets(readModelFile(file), file, values.set ?? []).compiled;
  const ok = r.analysis !== undefined;
  if (values.json) {
    const diagnostics = r.diagnostics.map((d) => diagnosticToJson(d, r.source));
    const plan = r.analysis?.coverage ?? null;
    io.stdout(JSON.stringify(ok && r.checked ? { ...summaryJson(r.checked), plan, diagnostics } : diagnostics, null, 2) + "\n");
    return ok ? 0 : 1;
  }
  if (r.diagnostics.length > 0) io.stderr(renderDiagnostics(r.diagnostics, r.source, r.omitted) + "\n");
  if (values.dump === "graph" && r.graph) io.stdout(dumpGraph(r.graph));
  else if (values.dump === "plan" && r.plan) io.stdout(dumpPlan(r.plan));
  else if (ok) io.stdout(`${describeModel(r)}\n`);
  return ok ? 0 : 1;
}

/** Parses a positive integer option within its range. */
function positiveInt(value: string | undefined, flag: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`${flag} takes a positive integer, not '${value}'`);
  if (n > max) throw new UsageError(`${flag} takes at most ${max}, not ${value}`);
  return n;
}

const FIT_OPTIONS = {
  data: { type: "string" },
  test: { type: "string" },
  particles: { type: "string" },
  sets: { type: "string" },
  seed: { type: "string" },
  set: { type: "string", multiple: true },
  input: { type: "string", multiple: true },
  save: { type: "string" },
  json: { type: "boolean" },
  "no-rejuvenate": { type: "boolean" },
  threads: { type: "string" },
  feature: { type: "string" },
  trace: { type: "string" },
  window: { type: "string" },
  forget: { type: "string" },
  sweeps: { type: "string" },
  resampling: { type: "string" },
} as const;

/** `fit` and `report` share their options; `report` always writes a page (`-o`, default report.html). */
function runFitLike(command: "fit" | "report", args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: command === "fit" ? { ...FIT_OPTIONS, report: { type: "string" } } : { ...FIT_OPTIONS, o: { type: "string", short: "o" } },
  });
  if (positionals.length !== 1) throw new UsageError(`${command} needs one model file`);
  if (!values.data) throw new UsageError(`${command} needs --data TRAIN.csv`);
  const report = command === "report" ? ((values as { o?: string }).o ?? "report.html") : (values as { report?: string }).report;
  if (values.feature !== undefined && report === undefined) throw new UsageError("--feature chooses the report's input: give --report FILE.html too");
  const particles = positiveInt(values.particles, "--particles", 1000, MAX_PARTICLES);
  const sets = positiveInt(values.sets, "--sets", Math.min(4, particles), MAX_SETS);
  if (sets > particles) throw new UsageError(`--sets ${sets} is more than --particles ${particles}`);
  if (values.window === "1") throw new UsageError("--window takes at least 2 rows");
  return fitCommand(
    {
      model: positionals[0], data: values.data, test: values.test, particles, sets,
      seed: positiveInt(values.seed, "--seed", 1), set: values.set ?? [], save: values.save,
      json: values.json ?? false, rejuvenate: !values["no-rejuvenate"],
      threads: values.threads === undefined ? undefined : positiveInt(values.threads, "--threads", 1, MAX_SETS),
      report, feature: values.feature, input: values.input ?? [], trace: values.trace,
      window: values.window === undefined ? undefined : positiveInt(values.window, "--window", DEFAULT_WINDOW, 1e9),
      forget: forgetOption(values.forget, sets),
      schedule: sweepsOption(values.sweeps, values["no-rejuvenate"] ?? false),
      resampling: resamplingOption(values.resampling),
    },
    io,
  );
}

/** `--resampling ess|every`: when a set resamples (spec §3.5); undefined for the runtime's default. */
function resamplingOption(v: string | undefined): "ess" | "every" | undefined {
  if (v === undefined || v === "ess" || v === "every") return v;
  throw new UsageError(`--resampling takes ess (when a set's ESS falls below half its particles) or every (at every row), not ${JSON.stringify(v)}`);
}

/** `--sweeps EVERY,UNTIL`: a sweep every EVERY rows up to UNTIL rows, then at doubling counts (spec §3.7). */
function sweepsOption(v: string | undefined, off: boolean): Schedule | undefined {
  if (v === undefined) return undefined;
  if (off) throw new UsageError("--sweeps sets when the sweeps come, and --no-rejuvenate turns them off: give one of them");
  const m = /^(\d+),(\d+)$/.exec(v);
  const every = m ? Number(m[1]) : NaN;
  const until = m ? Number(m[2]) : NaN;
  if (!(every >= 1 && until >= every && until <= 1e9)) throw new UsageError(`--sweeps takes EVERY,UNTIL, two whole numbers with 1 ≤ EVERY ≤ UNTIL ≤ 10⁹ (a sweep every EVERY rows up to UNTIL rows), not ${JSON.stringify(v)}`);
  return { denseEvery: every, denseUntil: until };
}

/** `--forget RHO|auto`: a factor in (0, 1], or "auto" (which needs two sets at least). */
function forgetOption(v: string | undefined, sets: number): Forget | undefined {
  if (v === undefined) return undefined;
  if (v === "auto") {
    if (sets < 2) throw new UsageError("--forget auto runs one factor per set: give --sets 2 or more");
    return "auto";
  }
  const rho = /^(0(\.\d+)?|1(\.0*)?|\.\d+)$/.test(v) ? Number(v) : NaN;
  if (!(rho > 0 && rho <= 1)) throw new UsageError(`--forget takes a factor in (0, 1] or "auto", not ${JSON.stringify(v)}`);
  return rho;
}

function runPredict(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, strict: true, options: { data: { type: "string" }, json: { type: "boolean" } } });
  if (positionals.length !== 1) throw new UsageError("predict needs one saved state (from fit --save)");
  if (!values.data) throw new UsageError("predict needs --data NEW.csv");
  return predictCommand(positionals[0], values.data, values.json ?? false, io);
}

function runRoute(args: string[], io: Io): Promise<number> | number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: { data: { type: "string" }, top: { type: "string" }, alpha: { type: "string" }, json: { type: "boolean" }, export: { type: "string" }, draws: { type: "string" }, seed: { type: "string" } },
  });
  if (positionals.length !== 1) throw new UsageError("route needs one saved state (from fit --save) or router (from route --export)");
  if (values.export !== undefined) {
    if (values.data !== undefined || values.top !== undefined || values.alpha !== undefined || values.json) throw new UsageError("route --export writes a router; route rows with --data in another run");
    const draws = positiveInt(values.draws, "--draws", 256, 100_000);
    const seed = positiveInt(values.seed, "--seed", 1);
    return exportRouterCommand(positionals[0], values.export, draws, seed, io);
  }
  if (values.draws !== undefined || values.seed !== undefined) throw new UsageError("--draws and --seed go with --export");
  if (!values.data) throw new UsageError("route needs --data X.csv (or --export ROUTER.json)");
  const top = values.top === undefined ? 1 : /^[1-9][0-9]*$/.test(values.top) ? Number(values.top) : NaN;
  if (!Number.isSafeInteger(top)) throw new UsageError(`--top takes a positive integer, not ${JSON.stringify(values.top)}`);
  const alpha = values.alpha === undefined ? 1 : /^\+?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?$/.test(values.alpha) ? Number(values.alpha) : NaN;
  if (!Number.isFinite(alpha)) throw new UsageError(`--alpha takes a number ≥ 0, not ${JSON.stringify(values.alpha)}`);
  return routeCommand(positionals[0], values.data, top, alpha, values.json ?? false, io);
}

function runCompile(args: string[], io: Io): number {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, strict: true, options: { o: { type: "string", short: "o" }, set: { type: "string", multiple: true } } });
  if (positionals.length !== 1) throw new UsageError("compile needs one model file");
  return compileCommand(positionals[0], values.set ?? [], values.o, io);
}

type Command = (args: string[], io: Io) => number | Promise<number>;

const commands: ReadonlyMap<string, Command> = new Map<string, Command>([
  ["check", runCheck],
  ["compile", runCompile],
  ["fit", (args, io) => runFitLike("fit", args, io)],
  ["report", (args, io) => runFitLike("report", args, io)],
  ["predict", runPredict],
  ["route", runRoute],
]);

/** Runs the CLI with `argv` (without `node` and the script) and resolves to the exit code. */
export async function runCli(argv: string[], io: Io): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === "--help" || command === "-h" || command === "help") {
      io.stdout(USAGE);
      return command === undefined ? 2 : 0;
    }
    const run = commands.get(command);
    if (!run) throw new UsageError(`unknown command '${command}'`);
    return await run(rest, io);
  } catch (e) {
    const explained = explainRunError(e, io);
    if (explained !== undefined) return explained;
    const code = (e as { code?: unknown } | null)?.code;
    if (e instanceof UsageError || (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS"))) {
      io.stderr(`hsmoe: ${(e as Error).message}\n\n${USAGE}`);
      return 2;
    }
    io.stderr(`hsmoe: internal error (please report it): ${e instanceof Error ? e.message : String(e)}\n`);
    return 70;
  }
}
