// Runs a kernel written by `hsmoe compile` with the runtime alone: the only hsmoe import is
// `hsmoe/runtime`, so no compiler is loaded. It fits the first rows of a CSV (a header naming the
// model's input columns x1..xD and its response) and predicts at the next row.
//
//   npx hsmoe compile stdlib/hsmoe.moe --set K=3 -o kernel.js
//   node examples/runtime-only/run.mjs kernel.js examples/data/piecewise-train.csv [ROWS]
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Filter, kernelRuntime } from "hsmoe/runtime";

const [kernelPath, dataPath, rowsArg = "200"] = process.argv.slice(2);
if (!kernelPath || !dataPath) {
  process.stderr.write("usage: node examples/runtime-only/run.mjs KERNEL.js DATA.csv [ROWS]\n");
  process.exit(2);
}

// The kernel's default export builds it from the runtime object.
const { default: createKernel } = await import(pathToFileURL(resolve(kernelPath)).href);
const kernel = createKernel(kernelRuntime);
// One input vector here: its columns are x1..xD (a model may read several; kernel.info.inputs lists them).
const { inputs: [{ name: input }], response } = kernel.info;

// A plain numeric CSV; the CLI's reader checks every cell, this example trusts the file.
const [header, ...lines] = readFileSync(dataPath, "utf8").trim().split(/\r?\n/);
const names = header.split(",");
const inputs = names.flatMap((n, j) => (new RegExp(`^${input}\\d+$`).test(n) ? [j] : []));
const yAt = names.indexOf(response);
const rows = lines.map((line) => {
  const cells = line.split(",").map(Number);
  return { x: inputs.map((j) => cells[j]), y: cells[yAt] };
});

const n = Math.min(Number(rowsArg), rows.length - 1);
const filter = new Filter(kernel, inputs.length, { particles: 200, seed: 1 });
for (const row of rows.slice(0, n)) filter.observe(row.x, row.y);
filter.finish();

const next = rows[n];
const p = filter.predict(next.x, [0.05, 0.5, 0.95]);
const summary = {
  model: kernel.info.model,
  rows: n,
  logEvidence: filter.logEvidence,
  next: { x: next.x, y: next.y, mean: p.mean, sd: p.sd, quantiles: p.quantiles, logDensity: p.logDensity(next.y) },
  usage: filter.experts().map((e) => e.usage),
};
process.stdout.write(JSON.stringify(summary, null, 2) + "\n");
