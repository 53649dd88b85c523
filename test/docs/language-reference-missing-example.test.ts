/**
 * A diagnostic code that no fixture produces stops generation of the language reference,
 * rather than leaving the code without an example. The fixtures annotated with `too_large`
 * are hidden from the generator here.
 */
import { expect, it, vi } from "vitest";
import { languageReference } from "../../scripts/generate-language-reference.js";

vi.mock("../helpers/fixtures.js", async (importOriginal) => {
  const original = await importOriginal<typeof import("../helpers/fixtures.js")>();
  return {
    ...original,
    readFixtures: (dir: string) => original.readFixtures(dir).filter((f) => !f.expectations.some((e) => e.code === "too_large")),
  };
});

it("fails loudly when a diagnostic code has no fixture", () => {
  expect(() => languageReference()).toThrow(/no fixture .* reports diagnostic `too_large`/);
});
