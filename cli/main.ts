/**
 * The `hsmoe` command line. Exit codes: 0 success, 1 a model or data problem that was
 * explained, 2 a usage error. Nothing a user types or writes in a file produces a stack
 * trace; an unexpected internal failure says so plainly and exits 70.
 */
import { parseArgs } from "node:util";
import { parse } from "../compiler/1-parse/index.js";
import { analyzeSource, diagnosticToJson, renderDiagnostics } from "../compiler/index.js";
import { dumpGraph } from "../compiler/3-graph/index.js";
import { dumpAnalysis } from "../compiler/4-analyze/index.js";
import { summaryJson, summaryText } from "../compiler/summary.js";
import { readModelFile, UsageError } from "./io.js";
import { parseSetValues } from "./set-values.js";

/** Where the CLI writes. */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const USAGE = `usage: hsmoe <command> [options]

commands:
  check MODEL.moe [--set NAME=VALUE ...] [--json] [--dump graph]
      parse and check a model; print its summary and inference plan (or the model graph)
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
  if (values.dump !== undefined && values.dump !== "graph") throw new UsageError(`--dump takes 'graph', not '${values.dump}'`);
  const file = positionals[0];
  const text = readModelFile(file);
  const parsed = parse(text);
  const hypers = parsed.model ? parseSetValues(values.set ?? [], parsed.model) : new Map<string, number>();
  const r = analyzeSource(text, { file, hypers });
  const ok = r.analysis !== undefined;
  if (values.json) {
    const diagnostics = r.diagnostics.map((d) => diagnosticToJson(d, r.source));
    const plan = r.analysis?.coverage ?? null;
    io.stdout(JSON.stringify(ok && r.checked ? { ...summaryJson(r.checked), plan, diagnostics } : diagnostics, null, 2) + "\n");
    return ok ? 0 : 1;
  }
  if (r.diagnostics.length > 0) io.stderr(renderDiagnostics(r.diagnostics, r.source, r.omitted) + "\n");
  if (values.dump === "graph" && r.graph) io.stdout(dumpGraph(r.graph));
  else if (ok && r.checked) io.stdout(`${summaryText(r.checked, file)}\n\n${dumpAnalysis(r.analysis!)}\n`);
  return ok ? 0 : 1;
}

const commands: ReadonlyMap<string, (args: string[], io: Io) => number> = new Map([["check", runCheck]]);

/** Runs the CLI with `argv` (without `node` and the script) and returns the exit code. */
export function runCli(argv: string[], io: Io): number {
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === "--help" || command === "-h" || command === "help") {
      io.stdout(USAGE);
      return command === undefined ? 2 : 0;
    }
    const run = commands.get(command);
    if (!run) throw new UsageError(`unknown command '${command}'`);
    return run(rest, io);
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      io.stderr(`hsmoe: ${(e as Error).message}\n\n${USAGE}`);
      return 2;
    }
    io.stderr(`hsmoe: internal error (please report it): ${(e as Error).message}\n`);
    return 70;
  }
}
