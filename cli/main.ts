/**
 * The `hsmoe` command line. Exit codes: 0 success, 1 a model or data problem that was
 * explained, 2 a usage error. Nothing a user types or writes in a file produces a stack
 * trace; an unexpected internal failure says so plainly and exits 70.
 */
import { parseArgs } from "node:util";
import { parse } from "../compiler/1-parse/index.js";
import { checkSource, diagnosticToJson, renderDiagnostics } from "../compiler/index.js";
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
  check MODEL.moe [--set NAME=VALUE ...] [--json]   parse and check a model; print its summary
`;

function runCheck(args: string[], io: Io): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: { set: { type: "string", multiple: true }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "check needs a model file" : `check takes one model file, got ${positionals.length}`);
  const file = positionals[0];
  const text = readModelFile(file);
  const parsed = parse(text);
  const hypers = parsed.model ? parseSetValues(values.set ?? [], parsed.model) : new Map<string, number>();
  const r = checkSource(text, { file, hypers });
  if (values.json) {
    const diagnostics = r.diagnostics.map((d) => diagnosticToJson(d, r.source));
    io.stdout(JSON.stringify(r.checked ? { ...summaryJson(r.checked), diagnostics } : diagnostics, null, 2) + "\n");
  } else {
    if (r.diagnostics.length > 0) io.stderr(renderDiagnostics(r.diagnostics, r.source, r.omitted) + "\n");
    if (r.checked) io.stdout(summaryText(r.checked, file) + "\n");
  }
  return r.checked ? 0 : 1;
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
