/**
 * A long stream for the long-stream test and benchmark: piecewise-linear rows (an intercept
 * column, one input, two regimes with sd 0.1) written as CSV in pieces, so writing 10⁶ rows
 * never holds the file in memory; and a child process that runs `hsmoe fit` on it and reports
 * its exit code, output and peak resident memory.
 */
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";

/** Writes `n` rows to `path`. */
export function writeLongStream(path: string, n: number, seed = 1): void {
  let s = seed;
  const u = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  const fd = openSync(path, "w");
  writeSync(fd, "x1,x2,y\n");
  let piece = "";
  for (let i = 0; i < n; i++) {
    const x = 2 * u() - 1;
    const mean = x < 0 ? 1 + 0.5 * x : -1 + 2 * x;
    const y = mean + 0.1 * Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
    piece += `1,${x.toFixed(5)},${y.toFixed(5)}\n`;
    if (piece.length > 1 << 20) {
      writeSync(fd, piece);
      piece = "";
    }
  }
  writeSync(fd, piece);
  closeSync(fd);
}

const main = join(packageRoot(), "dist/cli/main.js");

/** The package's folder, found upwards from this module (which may run from sources or from dist/). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) dir = dirname(dir);
  return dir;
}

/** Runs the built CLI with `argv` in a child process; `maxRssMB` is its peak resident set. */
export function runCliProcess(argv: string[]): { code: number; stdout: string; stderr: string; maxRssMB: number; seconds: number } {
  const script = `const { runCli } = await import(${JSON.stringify(pathToFileURL(main).href)});
let out = "";
const code = await runCli(JSON.parse(process.argv[2]), { stdout: (t) => (out += t), stderr: (t) => process.stderr.write(t) });
process.stdout.write(JSON.stringify({ code, out, maxRss: process.resourceUsage().maxRSS }));`;
  // a script file, not --eval: worker threads inherit the process's flags
  const file = join(mkdtempSync(join(tmpdir(), "hsmoe-child-")), "run.mjs");
  writeFileSync(file, script);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [file, JSON.stringify(argv)], { encoding: "utf8", maxBuffer: 1 << 28 });
  rmSync(dirname(file), { recursive: true, force: true });
  const seconds = (performance.now() - t0) / 1000;
  let parsed: { code: number; out: string; maxRss: number };
  try {
    parsed = JSON.parse(r.stdout);
  } catch {
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, maxRssMB: NaN, seconds };
  }
  return { code: parsed.code, stdout: parsed.out, stderr: r.stderr, maxRssMB: parsed.maxRss / 1024, seconds };
}
