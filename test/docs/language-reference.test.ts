/**
 * docs/language-reference.md is current (regenerated in memory and compared with the checked-in
 * copy) and complete: every diagnostic code, distribution and function in the compiler's tables
 * has its entry, and every code's entry shows a real rendered diagnostic of that code.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { catalogue, diagnosticCodes } from "../../compiler/index.js";
import { distributions } from "../../compiler/lang/distributions.js";
import { functions } from "../../compiler/lang/functions.js";
import { languageReference, referencePath } from "../../scripts/generate-language-reference.js";

const page = readFileSync(new URL(`../../${referencePath}`, import.meta.url), "utf8");
const lines = page.split("\n");

/** The lines under a heading, up to the next heading of any level (code blocks hold no `#` lines). */
function section(heading: string): string {
  const at = lines.indexOf(heading);
  expect(at, `heading ${JSON.stringify(heading)}`).toBeGreaterThan(0);
  const end = lines.findIndex((l, i) => i > at && /^#{1,4} /.test(l));
  return lines.slice(at + 1, end < 0 ? undefined : end).join("\n");
}

describe("language reference", () => {
  it(`${referencePath} is up to date (run \`npm run generate\`)`, () => {
    expect(page).toBe(languageReference());
  });

  it.each(diagnosticCodes)("documents diagnostic %s with an example the compiler reports", (code) => {
    const text = section(`#### ${code}`);
    expect(text).toContain(`**${catalogue[code].severity}**. ${catalogue[code].explanation}`);
    expect(text).toMatch(/^Example, `test\/compiler\/fixtures\/(parse|check|analyze)\/[\w-]+\.moe`:$/m);
    expect(text).toMatch(new RegExp(`^[\\w-]+\\.moe:\\d+:\\d+: ${catalogue[code].severity}\\[${code}\\]: `, "m"));
  });

  it.each([...distributions.values()].map((d) => [d.name, d] as const))("documents distribution %s", (name, d) => {
    const text = section(`### ${name}`);
    expect(text).toContain(`\`y ~ ${name}(${d.params.map((p) => p.name).join(", ")})\``);
    for (const p of d.params) expect(text).toContain(`| \`${p.name}\` |`);
  });

  it.each([...functions.values()].map((f) => [f.name, f] as const))("documents function %s", (name, f) => {
    expect(section("## Functions")).toContain(`| \`${name}(${f.params.map((p) => p.name).join(", ")})\` |`);
  });
});
