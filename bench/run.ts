/**
 * Benchmark runner: `npm run bench [-- NAME …]` compiles the benchmarks with the package and
 * runs every `*.bench` module (or those whose file name contains one of the NAMEs) one after
 * another, printing each one's table. They run as compiled JavaScript, as users run hsmoe;
 * `npx tsx bench/run.ts` also works but adds the TypeScript loader's overhead.
 * Figures are reported as rates and, where a baseline makes sense, as ratios to a baseline
 * measured in the same run, because absolute timings on a shared machine are noisy.
 */
import { readdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join } from "node:path";

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => /\.bench\.(ts|js)$/.test(f))
  .filter((f) => filters.length === 0 || filters.some((n) => f.includes(n)))
  .sort();

for (const file of files) {
  console.log(`\n## ${file.replace(/\.bench\.(ts|js)$/, "")}`);
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { default: () => Promise<void> | void };
  await mod.default();
}
