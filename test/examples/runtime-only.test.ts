/**
 * examples/runtime-only: a kernel written by the built `hsmoe compile` runs in a separate Node
 * process whose only hsmoe import is the package's `hsmoe/runtime` entry (DESIGN §2: an emitted
 * kernel plus the runtime is enough to fit and predict). The runtime's import graph is checked to
 * stay inside runtime/, so the entry cannot pull the compiler in.
 */
import { afterAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = fileURLToPath(new URL("../../", import.meta.url));
const example = join(root, "examples/runtime-only/run.mjs");
const dir = mkdtempSync(join(tmpdir(), "hsmoe-runtime-only-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Relative imports of a TypeScript source (static, re-exports and dynamic; comments skipped). */
function relativeImports(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName).filter((f) => f.startsWith("."));
}

describe("examples/runtime-only", () => {
  it("fits and predicts with a compiled kernel and hsmoe/runtime alone", () => {
    const kernel = join(dir, "kernel.js");
    execFileSync(process.execPath, [join(root, "bin/hsmoe.js"), "compile", join(root, "stdlib/hsmoe.moe"), "--set", "K=2", "-o", kernel], { encoding: "utf8" });
    expect(readFileSync(kernel, "utf8")).toMatch(/^export default function createKernel\(rt\)/m);
    const out = execFileSync(process.execPath, [example, kernel, join(root, "examples/data/piecewise-train.csv"), "60"], { encoding: "utf8", cwd: root });
    const r = JSON.parse(out);
    expect(r.model).toBe("hsmoe");
    expect(r.rows).toBe(60);
    expect(Number.isFinite(r.logEvidence)).toBe(true);
    expect(r.next.x).toHaveLength(2);
    expect(r.next.sd).toBeGreaterThan(0);
    const [q05, q50, q95] = r.next.quantiles.map((q: { value: number }) => q.value);
    expect(q05).toBeLessThan(q50);
    expect(q50).toBeLessThan(q95);
    expect(Number.isFinite(r.next.logDensity)).toBe(true);
    expect(r.usage.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 6);
  });

  it("imports nothing of hsmoe but the runtime entry", () => {
    const text = readFileSync(example, "utf8");
    const specifiers = [...text.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
    expect(specifiers.filter((s) => !s.startsWith("node:"))).toEqual(["hsmoe/runtime"]);
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    expect(pkg.exports["./runtime"].default).toBe("./dist/runtime/index.js");
  });

  it("has a runtime entry whose imports never leave runtime/", () => {
    const runtime = join(root, "runtime");
    const seen = new Set<string>();
    const queue = [join(runtime, "index.ts")];
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const spec of relativeImports(readFileSync(file, "utf8"))) {
        const target = resolve(dirname(file), spec.replace(/\.js$/, ".ts"));
        expect(relative(runtime, target).startsWith(".."), `${relative(root, file)} imports ${spec}`).toBe(false);
        expect(existsSync(target), `${relative(root, file)} imports ${spec}`).toBe(true);
        queue.push(target);
      }
    }
    expect(seen.size).toBeGreaterThan(10);
  });
});
