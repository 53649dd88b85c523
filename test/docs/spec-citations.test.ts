/**
 * Every citation of the mathematical specification in the repository resolves in docs/spec.md:
 * sections ("spec §3.7", "§3.3–§3.7"), numbered steps of a section ("§3.7 item 3", "§4.2 step 1"),
 * equations ("E17", "E10–E13") and test oracles ("oracle 12", "oracles 16–18").
 *
 * Anchors in docs/spec.md: a section is a Markdown heading that starts with its number
 * ("### 3.7 Rejuvenation …"); an equation is a bold label "**(E17)**"; an oracle is a bold label
 * "**Oracle 12**"; a step of a section is "**Step 3**" or a numbered list item "3." in the lines
 * under that section's heading (up to the next heading). Inside code (fenced or inline) nothing
 * is an anchor.
 *
 * A "§" is not a citation of the spec when the word before it names another document: the design
 * and style notes ("DESIGN §3", "DESIGN.md §5", "STYLE.md §2.6", any "<name>.md §n"), the paper
 * ("the paper's §4.1", "paper §3.7") or a book ("Numerical Recipes §6.4", "Matrix Computations,
 * §6.5.4"). A "§" that follows another "§" citation with only separators between ("§0/§7",
 * "DESIGN §3, §5") is classified like that one. Everything else citing "§" is a spec citation.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SPEC = "docs/spec.md";

/** Written with escapes so this file cites nothing by accident. */
const SECT = "\u00a7";

// ---------------------------------------------------------------------------------------------
// The anchors docs/spec.md defines

interface SpecAnchors {
  sections: Set<string>;
  /** Section number → step numbers defined under its heading. */
  steps: Map<string, Set<number>>;
  equations: Set<number>;
  oracles: Set<number>;
  /** Labels defined more than once, e.g. "E12" or "section 3.7". */
  duplicates: string[];
}

function parseSpec(text: string): SpecAnchors {
  const a: SpecAnchors = { sections: new Set(), steps: new Map(), equations: new Set(), oracles: new Set(), duplicates: [] };
  let current: Set<number> | undefined;
  let inCode = false;
  for (const raw of text.split("\n")) {
    if (/^\s*```/.test(raw)) inCode = !inCode;
    // Inline code shows an anchor (as the page's own legend does) without defining it.
    const line = raw.replace(/`[^`]*`/g, "``");
    if (inCode) continue;
    const heading = /^#{1,6}\s/.test(line);
    if (heading) {
      const m = /^#{1,6}\s+(\d+(?:\.\d+)*)\s/.exec(line);
      current = undefined;
      if (m) {
        if (a.sections.has(m[1])) a.duplicates.push(`section ${m[1]}`);
        a.sections.add(m[1]);
        current = new Set();
        a.steps.set(m[1], current);
      }
      continue;
    }
    if (current) {
      for (const s of line.matchAll(/\*\*Step (\d+)\b/g)) current.add(Number(s[1]));
      const item = /^\s*(\d+)\.\s/.exec(line);
      if (item) current.add(Number(item[1]));
    }
    for (const e of line.matchAll(/\*\*\(E(\d+)\)\*\*/g)) {
      if (a.equations.has(Number(e[1]))) a.duplicates.push(`E${e[1]}`);
      a.equations.add(Number(e[1]));
    }
    for (const o of line.matchAll(/\*\*Oracle (\d+)\*\*/g)) {
      if (a.oracles.has(Number(o[1]))) a.duplicates.push(`oracle ${o[1]}`);
      a.oracles.add(Number(o[1]));
    }
  }
  return a;
}

// ---------------------------------------------------------------------------------------------
// Citations in a file's text

type Citation =
  | { kind: "section"; id: string; line: number; text: string }
  | { kind: "step"; section: string; step: number; line: number; text: string }
  | { kind: "equation"; n: number; line: number; text: string }
  | { kind: "oracle"; n: number; line: number; text: string };

/** Words before "§" that name a document other than the spec (compared without trailing punctuation). */
const OTHER_DOCUMENTS = /^(?:DESIGN|STYLE|ANCHORS|README|STATUS|[\w.-]+\.md|paper|paper's|Recipes|Computations)$/i;

/** Section numbers from `a` to `b` when they differ only in the last component ("3.3" to "3.7"). */
function sectionRange(a: string, b: string): string[] {
  const pa = a.split(".");
  const pb = b.split(".");
  if (pa.length !== pb.length || pa.slice(0, -1).join(".") !== pb.slice(0, -1).join(".")) return [a, b];
  const lo = Number(pa[pa.length - 1]);
  const hi = Number(pb[pb.length - 1]);
  if (!(hi > lo) || hi - lo > 50) return [a, b];
  const prefix = pa.slice(0, -1);
  return Array.from({ length: hi - lo + 1 }, (_, i) => [...prefix, String(lo + i)].join("."));
}

function numberRange(lo: number, hi: number | undefined): number[] {
  if (hi === undefined || !(hi > lo) || hi - lo > 50) return hi === undefined ? [lo] : [lo, hi];
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
}

/** The word just before `index`, looking through line breaks and comment leaders. */
function wordBefore(text: string, index: number): string {
  const before = text.slice(Math.max(0, index - 120), index).replace(/\n[ \t]*(?:\*|\/\/|#)?/g, " ");
  const words = before.trimEnd().split(/\s+/);
  return (words[words.length - 1] ?? "").replace(/^[("'`[*_]+/, "").replace(/[,;:)\]*_`]+$/, "");
}

function findCitations(text: string): Citation[] {
  const lineAt = (i: number) => text.slice(0, i).split("\n").length;
  const out: Citation[] = [];

  // Sections, with an optional range and an optional step or item reference after them.
  const sectionRe = /§(\d+(?:\.\d+)*)(?:\s*[–-]\s*§?(\d+(?:\.\d+)*))?(?:\s+(?:steps?|items?)\s+(\d+)(?:\s*(?:[–-]|and)\s*(\d+))?)?/g;
  let lastEnd = -1;
  let lastIsSpec = true;
  for (const m of text.matchAll(sectionRe)) {
    const at = m.index ?? 0;
    const between = lastEnd >= 0 ? text.slice(lastEnd, at) : undefined;
    const chained = between !== undefined && /^[\s,;/&]*(?:and|or)?[\s,;/&]*$/.test(between);
    const isSpec: boolean = chained ? lastIsSpec : !OTHER_DOCUMENTS.test(wordBefore(text, at));
    lastEnd = at + m[0].length;
    lastIsSpec = isSpec;
    if (!isSpec) continue;
    const line = lineAt(at);
    const ids = m[2] ? sectionRange(m[1], m[2]) : [m[1]];
    for (const id of ids) out.push({ kind: "section", id, line, text: m[0] });
    if (m[3]) {
      const section = m[2] ?? m[1];
      for (const step of numberRange(Number(m[3]), m[4] ? Number(m[4]) : undefined)) out.push({ kind: "step", section, step, line, text: m[0] });
    }
  }

  // Equations: "E" and one or two digits, with ranges "E10–E13".
  for (const m of text.matchAll(/\bE(\d{1,2})\b(?:\s*[–-]\s*E(\d{1,2})\b)?/g)) {
    const line = lineAt(m.index ?? 0);
    for (const n of numberRange(Number(m[1]), m[2] ? Number(m[2]) : undefined)) out.push({ kind: "equation", n, line, text: m[0] });
  }

  // Oracles: "oracle 12"; "oracles 16–18", "oracles 16, 18", "oracles 1 and 2".
  for (const m of text.matchAll(/\b[Oo]racle(s?) (\d+)\b((?:\s*(?:[–-]|,|and)\s*\d+\b)*)/g)) {
    const line = lineAt(m.index ?? 0);
    const nums = new Set<number>();
    const first = Number(m[2]);
    nums.add(first);
    if (m[3]) {
      let prev = first;
      for (const part of m[3].matchAll(/\s*([–-]|,|and)\s*(\d+)/g)) {
        const n = Number(part[2]);
        // A singular "oracle 12, …" is one oracle followed by other prose.
        if (m[1] !== "s" && part[1] !== "–" && part[1] !== "-") break;
        if (part[1] === "–" || part[1] === "-") for (const k of numberRange(prev, n)) nums.add(k);
        else nums.add(n);
        prev = n;
      }
    }
    for (const n of nums) out.push({ kind: "oracle", n, line, text: m[0].trim() });
  }
  return out;
}

/** Citations in `text` that `spec` does not define, as "file:line: citation — what is missing". */
function unresolved(file: string, text: string, spec: SpecAnchors): string[] {
  const bad: string[] = [];
  for (const c of findCitations(text)) {
    const where = `${file}:${c.line}: "${c.text}"`;
    if (c.kind === "section" && !spec.sections.has(c.id)) bad.push(`${where} — no section ${c.id} in ${SPEC}`);
    if (c.kind === "step" && spec.sections.has(c.section) && !spec.steps.get(c.section)?.has(c.step)) bad.push(`${where} — section ${c.section} of ${SPEC} has no step/item ${c.step}`);
    if (c.kind === "equation" && !spec.equations.has(c.n)) bad.push(`${where} — no equation E${c.n} in ${SPEC}`);
    if (c.kind === "oracle" && !spec.oracles.has(c.n)) bad.push(`${where} — no oracle ${c.n} in ${SPEC}`);
  }
  return [...new Set(bad)];
}

// ---------------------------------------------------------------------------------------------
// The files scanned

const SKIP_DIRS = new Set(["node_modules", "dist", "test-output", ".git", "coverage", ".vitest-cache", ".scratch"]);
/** Generated or output trees (relative to the root), never a source of citations. */
const SKIP_PATHS = [/^docs\/api(\/|$)/, /^grammar\/generated(\/|$)/, /^examples\/browser\/serve-test-/];
const TEXT_EXTENSIONS = /\.(?:ts|mts|cts|js|mjs|cjs|md|moe|txt|html|css|sh)$/;

function scannedFiles(dir = ROOT, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    const rel = relative(ROOT, full).split("\\").join("/");
    if (SKIP_PATHS.some((p) => p.test(rel))) continue;
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) scannedFiles(full, out);
    } else if (entry.isFile() && rel !== SPEC) {
      const text = TEXT_EXTENSIONS.test(entry.name) || (!entry.name.includes(".") && statSync(full).size < 1_000_000 && readFileSync(full, "utf8").startsWith("#!"));
      if (text && statSync(full).size < 2_000_000) out.push(rel);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

const specText = existsSync(join(ROOT, SPEC)) ? readFileSync(join(ROOT, SPEC), "utf8") : "";
const spec = parseSpec(specText);

describe(`${SPEC} anchors`, () => {
  it("exists and labels each section, equation and oracle once", () => {
    expect(specText.length, `${SPEC} is missing`).toBeGreaterThan(0);
    expect(spec.duplicates).toEqual([]);
  });

  it("numbers equations E1, E2, … and oracles 1, 2, … without gaps", () => {
    const contiguous = (s: Set<number>) => [...s].sort((x, y) => x - y).every((n, i) => n === i + 1);
    expect(spec.equations.size).toBeGreaterThan(0);
    expect(contiguous(spec.equations), `equations: ${[...spec.equations].join(", ")}`).toBe(true);
    expect(spec.oracles.size).toBeGreaterThan(0);
    expect(contiguous(spec.oracles), `oracles: ${[...spec.oracles].join(", ")}`).toBe(true);
  });
});

describe("the citation scanner", () => {
  const toy = parseSpec(["## 1 One", "### 1.2 Two", "**Step 1** go", "1. first", "2. second", "**(E1)** $x$", "**Oracle 1** — y", "## 3 Three"].join("\n"));
  const check = (text: string) => unresolved("f.ts", text, toy);

  it("accepts defined citations and ranges", () => {
    expect(check(`spec ${SECT}1.2 step 2, ${SECT}1 and ${SECT}1/${SECT}3, (E1), oracle 1`)).toEqual([]);
  });

  it("names file and line of an undefined section, step, equation or oracle", () => {
    const text = ["ok", `see spec ${SECT}1.3`, `${SECT}1.2 item 3`, "by (E" + "2)", "or" + "acles 1–2"].join("\n");
    expect(check(text)).toEqual([
      `f.ts:2: "${SECT}1.3" — no section 1.3 in ${SPEC}`,
      `f.ts:3: "${SECT}1.2 item 3" — section 1.2 of ${SPEC} has no step/item 3`,
      `f.ts:4: "E2" — no equation E2 in ${SPEC}`,
      `f.ts:5: "or` + `acles 1–2" — no oracle 2 in ${SPEC}`,
    ]);
  });

  it("expands ranges of sections, equations and oracles", () => {
    expect(check(`${SECT}1–${SECT}3`)).toEqual([`f.ts:1: "${SECT}1–${SECT}3" — no section 2 in ${SPEC}`]);
    expect(check("E1–E" + "3")).toHaveLength(2);
    expect(check("or" + "acles 1, 7")).toHaveLength(1);
  });

  it("ignores sections of other documents, also across a line break and in a list", () => {
    const others = [
      `DESIGN ${SECT}5`,
      `(DESIGN.md ${SECT}4: …)`,
      `STYLE.md ${SECT}2.6`,
      `the paper's ${SECT}4.1 study`,
      `Numerical Recipes ${SECT}6.4's formulation`,
      `Matrix Computations, ${SECT}6.5.4`,
      `DESIGN ${SECT}3, ${SECT}9`,
      `/** see DESIGN\n * ${SECT}8 */`,
    ];
    for (const t of others) expect(check(t), t).toEqual([]);
    expect(check(`the paper's ${SECT}4.1 as spec ${SECT}9 says`)).toHaveLength(1);
    expect(check(`(spec\n * ${SECT}9)`)).toHaveLength(1);
  });

  it("does not read a singular oracle's following number as another oracle", () => {
    expect(check("or" + "acle 1, 1000 draws")).toEqual([]);
  });
});

describe("citations in the repository", () => {
  const files = scannedFiles();

  it("scans the source, tests and docs", () => {
    for (const f of ["runtime/pl/filter.ts", "test/runtime/rng/polya-gamma.test.ts", "README.md", "docs/STATUS.md"]) expect(files).toContain(f);
    expect(files).not.toContain(SPEC);
    expect(files.some((f) => f.startsWith("node_modules/") || f.startsWith("dist/"))).toBe(false);
  });

  it(`every cited section, step, equation and oracle is defined in ${SPEC}`, () => {
    const bad = files.flatMap((f) => unresolved(f, readFileSync(join(ROOT, f), "utf8"), spec));
    expect(bad, `citations that ${SPEC} does not define:\n${bad.join("\n")}`).toEqual([]);
  });
});
