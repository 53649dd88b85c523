/**
 * Issue 11, deliverable 5: every refusal names what blocks conjugacy and a rewrite that would
 * compile, and this test compiles each suggested rewrite.
 *
 * Which files: every fixture in test/compiler/fixtures/analyze and every `// expect:` model in
 * test/models whose compilation fails with an analysis refusal (an error whose code is in
 * REFUSALS), found by compiling them; and any file there with `// rewrite:` lines, which fails
 * once it is no longer refused. Each refused file must carry header lines
 *
 *     // rewrite: <exact source text> => <replacement text>
 *     // hint-contains: <text>            (optional, any number; belongs to the rewrite above it)
 *
 * One `// rewrite:` line is one edit (`<source> =>` with nothing after it deletes the source);
 * a file's edits are applied in order. The source text is everything between `// rewrite: `
 * and the first ` =>`, and must occur exactly once in the model's code, i.e. outside `//`
 * comments — except a source text that itself starts with `//` (a `// set:` line), which must
 * start exactly one line. `// set:` lines of the rewritten text give its hyperparameter values,
 * as in fixtures.test.ts; models in test/models are compiled with their defaults.
 *
 * For each file:
 * (b) the rewritten model compiles: it has a plan and no error diagnostic (warnings allowed);
 * (a) the hint of the refusal (of every refusal, if there are several) names every edit: each
 *     edit's key text is in a hint. The key text of an edit with replacement R is
 *     - by default R itself, which must match a backquoted code span S of the hint: R lies
 *       within S, or S lies within R, where `…` in S stands for any non-empty text (so
 *       `normal(0, …)` covers `normal(0, 2)`); R must be more than a bare name or number, and
 *       S, for S within R, too (a span such as `g` names a thing, it is no code to write);
 *     - each `// hint-contains: T` declared for the edit, in place of R:
 *       - a code key, when T lies within one code span of the hint: T must then occur in R
 *         as well, so the hint's code is what the edit writes and R adds only the model's own
 *         context (e.g. the header's other parameters around `g: real = 10`);
 *       - a prose key otherwise: T must occur verbatim in the hint. Prose keys stand only for
 *         edits a hint asks for in words: deleting what it names ("remove it", "declare one
 *         response"), or a value in the range it states ("use values in (0, 1)").
 *     A deletion (empty R) needs a `// hint-contains:` key. Named placeholders such as
 *     `invgamma(a, b)` or `normal(mean, sd)` are not `…`: pasted, they do not compile, so a
 *     hint whose code has them is not literal.
 *
 * A file whose hint fails (a) must be listed in KNOWN_VAGUE with a one-line reason, and its
 * `// rewrite:` lines then give the rewrite a true hint would name, which (b) still compiles. A
 * listed file that passes (a) fails the test: its hint has been fixed, so take it out of the
 * table.
 */
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { compileModel, renderDiagnostics, type CompileResult } from "../../compiler/index.js";

/** The codes of analysis refusals: each must carry a hint naming a rewrite that compiles. */
const REFUSALS = new Set([
  "expert_not_conjugate",
  "gate_not_augmentable",
  "gate_prior_not_conjugate",
  "unsupported_model",
  "invalid_prior_constant",
  "unused_parameter",
  "too_large",
]);

/**
 * Files whose hint does not name a rewrite that compiles, by `<folder>/<name>` (folder
 * `analyze` or `models`), each with the reason. Their `// rewrite:` lines are the true fix.
 */
const KNOWN_VAGUE: Record<string, string> = {
};

// ---------------------------------------------------------------------------------------------
// Reading the files.

interface Edit {
  /** The 1-based line of the `// rewrite:` header. */
  line: number;
  source: string;
  replacement: string;
  /** The `// hint-contains:` texts declared for this edit. */
  keys: string[];
}

interface RefusedFile {
  /** `<folder>/<name>`, the key of KNOWN_VAGUE. */
  label: string;
  file: string;
  text: string;
  edits: Edit[];
  /** Header lines that look like rewrite headers but do not parse. */
  malformed: string[];
  result: CompileResult;
}

const REWRITE = /^\/\/\s*rewrite:(.*)$/;
const HINT_CONTAINS = /^\/\/\s*hint-contains:\s?(.*)$/;

function parseEdits(text: string): { edits: Edit[]; malformed: string[] } {
  const edits: Edit[] = [];
  const malformed: string[] = [];
  text.split("\n").forEach((lineText, i) => {
    const rw = REWRITE.exec(lineText);
    if (rw) {
      const body = rw[1].startsWith(" ") ? rw[1].slice(1) : rw[1];
      const at = body.indexOf(" =>");
      const rest = at < 0 ? "" : body.slice(at + 3);
      if (at <= 0 || (rest !== "" && !rest.startsWith(" "))) malformed.push(`line ${i + 1}: ${lineText}`);
      else edits.push({ line: i + 1, source: body.slice(0, at), replacement: rest.slice(1).trimEnd(), keys: [] });
      return;
    }
    const hc = HINT_CONTAINS.exec(lineText);
    if (hc) {
      if (edits.length === 0 || hc[1].trim() === "") malformed.push(`line ${i + 1}: ${lineText} (no rewrite above it, or empty)`);
      else edits[edits.length - 1].keys.push(hc[1].trimEnd());
    }
  });
  return { edits, malformed };
}

/** Hyperparameter values from `// set:` lines, as test/helpers/fixtures.ts reads them. */
function hypersOf(text: string): Map<string, number> {
  const hypers = new Map<string, number>();
  for (const lineText of text.split("\n")) {
    const set = /^\/\/\s*set:\s*(.*)$/.exec(lineText);
    if (!set) continue;
    for (const pair of set[1].split(",")) {
      const [k, v] = pair.split("=").map((s) => s.trim());
      hypers.set(k, Number(v));
    }
  }
  return hypers;
}

const errorsOf = (r: CompileResult) => r.diagnostics.filter((d) => d.severity === "error");
const refusalsOf = (r: CompileResult) => errorsOf(r).filter((d) => REFUSALS.has(d.code));

const ANALYZE = fileURLToPath(new URL("./fixtures/analyze/", import.meta.url));
const MODELS = fileURLToPath(new URL("../models/", import.meta.url));

function readFolder(dir: string, folder: "analyze" | "models"): RefusedFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".moe"))
    .sort()
    .flatMap((file) => {
      const text = readFileSync(dir + file, "utf8");
      const { edits, malformed } = parseEdits(text);
      // test/models: only the files expected to be refused (the others must compile anyway)
      if (folder === "models" && !/^\/\/ expect: *[a-z_]+/m.test(text) && edits.length === 0) return [];
      const result = compileModel(text, { file, hypers: folder === "analyze" ? hypersOf(text) : new Map() });
      if (refusalsOf(result).length === 0 && edits.length === 0 && malformed.length === 0) return [];
      return [{ label: `${folder}/${file.replace(/\.moe$/, "")}`, file, text, edits, malformed, result }];
    });
}

const FILES = [...readFolder(ANALYZE, "analyze"), ...readFolder(MODELS, "models")];

// ---------------------------------------------------------------------------------------------
// Applying the edits.

/** Where `needle` occurs in `text`: in code (outside `//` comments), or, for a `//` text, at the start of a line. */
function occurrences(text: string, needle: string): number[] {
  const at: number[] = [];
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
    const lineStart = text.lastIndexOf("\n", i - 1) + 1;
    const before = text.slice(lineStart, i);
    if (needle.startsWith("//") ? before.trim() === "" : !before.includes("//")) at.push(i);
  }
  return at;
}

/** The rewritten text, or the reasons the edits do not apply. */
function applyEdits(f: RefusedFile): { text: string } | { problems: string[] } {
  const problems: string[] = [...f.malformed.map((m) => `malformed header ${m}`)];
  let text = f.text;
  for (const e of f.edits) {
    const inOriginal = occurrences(f.text, e.source).length;
    const here = occurrences(text, e.source);
    if (inOriginal !== 1 || here.length !== 1) {
      problems.push(`line ${e.line}: \`${e.source}\` must occur exactly once in the model's code, but occurs ${inOriginal} time(s) in the file (${here.length} after the edits before it)`);
      continue;
    }
    text = text.slice(0, here[0]) + e.replacement + text.slice(here[0] + e.source.length);
  }
  return problems.length > 0 ? { problems } : { text };
}

// ---------------------------------------------------------------------------------------------
// Key texts.

const codeSpans = (hint: string) => [...hint.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
const bare = (s: string) => /^\s*[\w.+-]*\s*$/.test(s);
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** S, with each `…` standing for any non-empty text, occurs within R. */
const spanWithin = (span: string, r: string) => new RegExp(span.split("…").map(escape).join(".+?")).test(r);

/** Why an edit's key text is not in the hints; undefined when it is. */
function keyProblem(e: Edit, hints: string[]): string | undefined {
  const spans = hints.flatMap(codeSpans);
  const where = `line ${e.line} (\`${e.source}\` => \`${e.replacement}\`)`;
  if (e.keys.length === 0) {
    if (e.replacement.trim() === "") return `${where}: a deletion needs a \`// hint-contains:\` key`;
    if (bare(e.replacement)) return `${where}: the replacement is a bare name or number; declare a \`// hint-contains:\` key`;
    const ok = spans.some((s) => s.includes(e.replacement) || (!bare(s) && spanWithin(s, e.replacement)));
    return ok ? undefined : `${where}: the replacement matches no code span of the hint (${spans.map((s) => `\`${s}\``).join(", ") || "none"})`;
  }
  for (const t of e.keys) {
    if (spans.some((s) => s.includes(t))) {
      if (!e.replacement.includes(t)) return `${where}: the code key \`${t}\` is in the hint but not in the replacement`;
    } else if (!hints.some((h) => h.includes(t))) {
      return `${where}: the key "${t}" is not in the hint`;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------

describe("the files and the table", () => {
  it("there are refusals to test, in both folders", () => {
    expect(FILES.filter((f) => f.label.startsWith("analyze/")).length).toBeGreaterThanOrEqual(15);
    expect(FILES.filter((f) => f.label.startsWith("models/")).length).toBeGreaterThanOrEqual(1);
  });
  it("every KNOWN_VAGUE entry names a refused file", () => {
    const labels = new Set(FILES.map((f) => f.label));
    expect(Object.keys(KNOWN_VAGUE).filter((l) => !labels.has(l))).toEqual([]);
  });
});

describe.each(FILES.map((f) => [f.label, f] as const))("%s", (label, f) => {
  const rendered = () => renderDiagnostics(f.result.diagnostics, f.result.source, f.result.omitted);
  const hints = refusalsOf(f.result).map((d) => d.hint ?? "");

  it("is refused with an analysis refusal and has `// rewrite:` lines", () => {
    expect(refusalsOf(f.result).length, `${f.file} has \`// rewrite:\` lines but is no longer refused: remove them\n${rendered()}`).toBeGreaterThan(0);
    expect(f.edits.length, `${f.file} is refused but has no \`// rewrite:\` header line applying its hint:\n${rendered()}`).toBeGreaterThan(0);
    expect(f.malformed).toEqual([]);
  });

  it("the rewritten model compiles with no errors", () => {
    const applied = applyEdits(f);
    if ("problems" in applied) expect.fail(`${f.file}: the rewrite does not apply:\n${applied.problems.join("\n")}`);
    const r = compileModel(applied.text, { file: f.file, hypers: label.startsWith("analyze/") ? hypersOf(applied.text) : new Map() });
    expect(errorsOf(r).length === 0 && r.plan !== undefined, `${f.file}: the rewritten model does not compile:\n${renderDiagnostics(r.diagnostics, r.source, r.omitted)}`).toBe(true);
  });

  const vague = KNOWN_VAGUE[label];
  it(vague ? `its hint is known not to name the rewrite (${vague})` : "its hint names every edit of the rewrite", () => {
    const problems = f.edits.map((e) => keyProblem(e, hints)).filter((p) => p !== undefined);
    if (vague) {
      expect(f.edits.length > 0 && problems.length > 0, `${label} is in KNOWN_VAGUE but its hint now names every edit of the rewrite: take it out of the table\nhint: ${hints.join(" | ")}`).toBe(true);
    } else {
      expect(problems, `${f.file}: the hint does not name the rewrite (list the file in KNOWN_VAGUE with a reason if that is the truth)\nhint: ${hints.join(" | ")}`).toEqual([]);
    }
  });
});
