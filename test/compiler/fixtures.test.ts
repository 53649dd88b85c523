/**
 * Runs every fixture under test/compiler/fixtures: the diagnostics must be exactly the ones
 * annotated (code, severity, line, and column where given), and the rendered diagnostics of
 * each negative fixture are snapshotted beside its source.
 */
import { describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { catalogue, compileModel, diagnosticCodes, renderDiagnostics } from "../../compiler/index.js";
import { allRules } from "../../compiler/4-analyze/index.js";
import { readFixtures, type Fixture } from "../helpers/fixtures.js";

const root = fileURLToPath(new URL("./fixtures/", import.meta.url));
const groups = ["parse", "check", "ok", "analyze"] as const;
const fixtures = Object.fromEntries(groups.map((g) => [g, readFixtures(root + g)])) as Record<(typeof groups)[number], Fixture[]>;

/**
 * Compiles a fixture; the parse, check and ok groups are about the front end, so they are
 * judged on its diagnostics alone (a model that checks may still have terms no rule covers).
 */
function run(f: Fixture, group: string) {
  const r = compileModel(f.text, { file: `${f.name}.moe`, hypers: f.hypers });
  return group === "analyze" ? r : { ...r, diagnostics: r.diagnostics.filter((d) => catalogue[d.code].stage !== "analyze") };
}

describe.each(groups)("fixtures/%s", (group) => {
  it.each(fixtures[group].map((f) => [f.name, f] as const))("%s", async (_, f) => {
    const r = run(f, group);
    const actual = r.diagnostics.map((d) => {
      const p = r.source.position(d.span.start);
      return { severity: d.severity, code: d.code, line: p.line, column: p.column };
    });
    const expected = f.expectations;
    const shown = actual.map((a) => {
      const e = expected.find((x) => x.code === a.code && x.line === a.line && x.column !== undefined);
      return e ? a : { ...a, column: undefined };
    });
    const sortKey = (x: { line: number; code: string }) => `${String(x.line).padStart(5)} ${x.code}`;
    expect(shown.sort((a, b) => sortKey(a).localeCompare(sortKey(b)))).toEqual(
      [...expected].sort((a, b) => sortKey(a).localeCompare(sortKey(b))),
    );
    if (group === "ok" || f.rules.length > 0) {
      expect(r.checked).toBeDefined();
      if (f.rules.length > 0) {
        const analysis = r.analysis;
        expect(analysis).toBeDefined();
        expect([...new Set(analysis!.coverage.map((c) => c.rule))].sort()).toEqual([...f.rules].sort());
      }
    } else {
      expect(r.diagnostics.length).toBeGreaterThan(0);
      const rendered = renderDiagnostics(r.diagnostics, r.source, r.omitted);
      await expect(`${f.text}\n----- diagnostics -----\n${rendered}\n`).toMatchFileSnapshot(`./__snapshots__/${group}/${f.name}.diagnostics.txt`);
    }
  });
});

describe("rule coverage", () => {
  it.each(allRules.map((r) => [r.id, r] as const))("%s has a positive and a negative fixture that refuses it", (id, rule) => {
    expect(fixtures.analyze.some((f) => f.rules.includes(id))).toBe(true);
    const negatives = fixtures.analyze.filter((f) => f.rejects.includes(id));
    expect(negatives.length).toBeGreaterThan(0);
    for (const f of negatives) {
      const r = compileModel(f.text, { hypers: f.hypers });
      const g = r.graph!;
      const node =
        rule.role === "expert" ? g.nodes.find((n) => n.kind === "observed")
        : rule.role === "gate" ? g.nodes.find((n) => n.kind === "latent")
        : g.byName.get("phi");
      expect(rule.match(g, node!, [node!]).ok).toBe(false);
    }
  });
});

describe("fixture coverage", () => {
  const negatives = [...fixtures.parse, ...fixtures.check, ...fixtures.analyze.filter((f) => f.rules.length === 0)];

  it("has at least 40 negative fixtures", () => {
    expect(negatives.length).toBeGreaterThanOrEqual(40);
  });

  it("covers every diagnostic code in the catalogue", () => {
    const covered = new Set(negatives.flatMap((f) => f.expectations.map((e) => e.code)));
    expect(diagnosticCodes.filter((c) => !covered.has(c))).toEqual([]);
  });
});
