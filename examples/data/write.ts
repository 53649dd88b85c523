/**
 * Writes the synthetic data sets of `simulate.ts` as CSV files next to this script and prints the
 * truth's held-out lpd of each:
 *
 *     npx tsx examples/data/write.ts
 *
 * The CSVs are committed; a test regenerates them and fails if they drift from the generators.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { join } from "node:path";
import { heldoutLpd, paper41, piecewise, sparseRouting, type SyntheticData, type SyntheticRow } from "./simulate.js";

/** The committed data sets: CSV file prefix, generator and seed. */
export const DATA_SETS = [
  { prefix: "piecewise", make: () => piecewise(1) },
  { prefix: "sparse", make: () => sparseRouting(1) },
  { prefix: "paper41", make: () => paper41(1) },
] as const;

/** CSV text with header `x1,…,xD,y`, one row per line, numbers in their shortest exact form. */
export function toCsv(rows: SyntheticRow[], D: number): string {
  const header = [...Array.from({ length: D }, (_, j) => `x${j + 1}`), "y"].join(",");
  return [header, ...rows.map((r) => [...r.x, r.y].join(","))].join("\n") + "\n";
}

/** The rows of a numeric CSV file with a header line (the inverse of {@link toCsv}): each row's numbers in column order. */
export function readCsvRows(url: URL): number[][] {
  return readFileSync(url, "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => l.split(",").map(Number));
}

/** The files of one data set, by name (`<prefix>-train.csv`, `<prefix>-test.csv`). */
export function csvFiles(prefix: string, data: SyntheticData): Record<string, string> {
  return {
    [`${prefix}-train.csv`]: toCsv(data.train, data.truth.D),
    [`${prefix}-test.csv`]: toCsv(data.test, data.truth.D),
  };
}

/** Writes every data set into `dir` and returns one summary line per set. */
export function writeDataSets(dir: string): string[] {
  return DATA_SETS.map(({ prefix, make }) => {
    const data = make();
    for (const [name, text] of Object.entries(csvFiles(prefix, data))) writeFileSync(join(dir, name), text);
    return `${prefix}: seed ${data.seed}, ${data.train.length} train + ${data.test.length} test rows, D = ${data.truth.D}, truth held-out lpd ${heldoutLpd(data).toFixed(4)}`;
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const line of writeDataSets(fileURLToPath(new URL(".", import.meta.url)))) console.log(line);
}
