/**
 * Fixture files: `.moe` models whose expected diagnostics are written beside the lines they
 * concern, as comments (the Crafting Interpreters style):
 *
 *     s ~ halfcauchy(-1)   // error[support_violation]
 *     w[k 1..K] ~ normal(0, 1)   // error[syntax_error] @col 7
 *
 * `@line N` places the expectation on another line (for errors at the end of the file), and
 * a `// set: K=1, a0=2, group=[1, 2]` line gives hyperparameter values as `--set` would. Analysis fixtures
 * name the rules they exercise: `// rules: a, b` (each must cover part of the model) and
 * `// rejects: a` (each must refuse the term of its role).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** One expected diagnostic. */
export interface Expectation {
  severity: string;
  code: string;
  line: number;
  column?: number;
}

/** A fixture file, read and its annotations parsed. */
export interface Fixture {
  name: string;
  path: string;
  text: string;
  expectations: Expectation[];
  hypers: Map<string, number | number[]>;
  rules: string[];
  rejects: string[];
}

const EXPECT = /\/\/\s*(error|warning|note)\[(\w+)\]((?:\s*@(?:line|col)\s+\d+)*)/g;

/** Reads one fixture. */
export function readFixture(path: string, name: string): Fixture {
  const text = readFileSync(path, "utf8");
  const expectations: Expectation[] = [];
  const hypers = new Map<string, number | number[]>();
  const rules: string[] = [];
  const rejects: string[] = [];
  text.split("\n").forEach((lineText, i) => {
    const list = /^\/\/\s*(rules|rejects):\s*(.*)$/.exec(lineText);
    if (list) (list[1] === "rules" ? rules : rejects).push(...list[2].split(",").map((r) => r.trim()));
    for (const m of lineText.matchAll(EXPECT)) {
      const line = /@line\s+(\d+)/.exec(m[3]);
      const col = /@col\s+(\d+)/.exec(m[3]);
      expectations.push({ severity: m[1], code: m[2], line: line ? Number(line[1]) : i + 1, column: col ? Number(col[1]) : undefined });
    }
    const set = /^\/\/\s*set:\s*(.*)$/.exec(lineText);
    if (set) {
      // `name=value` pairs, an array's entries in brackets: `K=2, group=[1, 1, 2]`.
      for (const [, k, v] of set[1].matchAll(/(\w+)\s*=\s*(\[[^\]]*\]|[^,]+)/g)) {
        hypers.set(k, v.startsWith("[") ? v.slice(1, -1).split(",").map(Number) : Number(v));
      }
    }
  });
  return { name, path, text, expectations, hypers, rules, rejects };
}

/** Every fixture under a folder, by file name without `.moe`. */
export function readFixtures(dir: string): Fixture[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".moe"))
    .sort()
    .map((f) => readFixture(join(dir, f), f.replace(/\.moe$/, "")));
}
