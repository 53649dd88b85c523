/**
 * Robust experts' outlier weights through the CLI (examples/robust: one row in ten moved by ±6):
 * `fit --json` lists the rows weighed least and counts those below the threshold, which are the
 * planted outliers; the trace has each row's weight as its last column, on one thread and on
 * two alike; models whose experts weigh no rows have neither.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli } from "../helpers/cli.js";
import { OutlierRows, TRACE_COLUMNS } from "../../runtime/pl/trace.js";
import { location } from "../../examples/robust/generate.js";

const robust = new URL("../../stdlib/robust-moe.moe", import.meta.url).pathname;
const laplace = new URL("../../stdlib/laplace-moe.moe", import.meta.url).pathname;
const gaussian = new URL("../../stdlib/hsmoe.moe", import.meta.url).pathname;
const data = new URL("../../examples/robust/robust-train.csv", import.meta.url).pathname;
/** Rows further than `distance` from the truth's line. */
const beyond = (distance: number) =>
  new Set(
    readFileSync(data, "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .flatMap((l, s) => {
        const [, u, y] = l.split(",").map(Number);
        return Math.abs(y - location(u)) > distance ? [s + 1] : [];
      }),
  );
/** The planted outliers: rows more than 3 (ten noise sds) from the truth's line. */
const planted = beyond(3);
/** Rows more than three noise sds (0.9) from the line: the planted ones and the Gaussian noise's tail. */
const far = beyond(0.9);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "hsmoe-outliers-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("outlier weights of robust experts", () => {
  it("lists and counts the planted outliers, and the trace gives every row's weight the same on 1 and 2 threads", async () => {
    const traces: string[] = [];
    for (const threads of ["1", "2"]) {
      const trace = join(dir, `trace-${threads}.csv`);
      const r = await cli("fit", robust, "--set", "K=2", "--data", data, "--particles", "200", "--seed", "1", "--threads", threads, "--json", "--trace", trace);
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.outliers.threshold).toBe(0.5);
      // 110 rows are planted (101 rows flagged at this seed, 100 of them planted); a few early ones
      // come before the experts know where the lines are, and a few land on the other regime's line
      expect(out.outliers.count).toBeGreaterThan(0.85 * planted.size);
      expect(out.outliers.count).toBeLessThanOrEqual(planted.size + 2);
      expect(out.outliers.rows).toHaveLength(20);
      for (const row of out.outliers.rows) {
        expect(planted.has(row.row), `row ${row.row}`).toBe(true);
        expect(row.weight).toBeLessThan(0.1);
      }
      traces.push(readFileSync(trace, "utf8"));
    }
    expect(traces[1]).toBe(traces[0]);
    // the summary names the Student-t experts' σ² a squared scale, not a noise variance
    const text = await cli("fit", robust, "--set", "K=2", "--data", data, "--particles", "40");
    expect(text.stdout).toMatch(/rank {2}usage {6}scale²/);
    const lines = traces[0].trim().split("\n");
    expect(lines[0].split(",")).toEqual([...TRACE_COLUMNS, "weight"]);
    const weight = (s: number) => Number(lines[s].split(",").at(-1));
    // a row's weight in the trace is the one it got on arrival: a t₄ expert of scale² 0.13 weighs
    // a row 3.3 noise sds off at 0.44 (row 450 at this seed)
    const flagged = lines.slice(1).flatMap((_, s) => (weight(s + 1) < 0.5 ? [s + 1] : []));
    expect(flagged.every((s) => far.has(s))).toBe(true);
    expect(flagged.filter((s) => !planted.has(s)).length).toBeLessThanOrEqual(2);
  });

  it("Laplace experts flag most planted rows too, and list only those", async () => {
    const r = await cli("fit", laplace, "--set", "K=2", "--data", data, "--particles", "200", "--seed", "1", "--json");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    // a Laplace row's weight is 2/(1 + |r|/σ): below ½ beyond three scales from the line
    // 87 rows at this seed, 85 of them planted (the t experts flag 101, 100 of them planted): the
    // Laplace's scale stretches more, and rows at 2.5–3.3 noise sds weigh just under ½
    expect(out.outliers.count).toBeGreaterThan(0.75 * planted.size);
    expect(out.outliers.count).toBeLessThanOrEqual(planted.size + 2);
    for (const row of out.outliers.rows) expect(planted.has(row.row), `row ${row.row}`).toBe(true);
  });

  it("Gaussian experts weigh no rows: no outliers in --json, no weight in the trace", async () => {
    const trace = join(dir, "trace-gaussian.csv");
    const r = await cli("fit", gaussian, "--set", "K=2", "--data", data, "--particles", "40", "--json", "--trace", trace);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).outliers).toBeUndefined();
    expect(readFileSync(trace, "utf8").split("\n")[0].split(",")).toEqual([...TRACE_COLUMNS]);
  });

  it("a saved list restores only when it is one: rows of the stream below the threshold, smallest first, no more than counted", () => {
    const good = { threshold: 0.5, count: 3, rows: [{ row: 7, weight: 0.02 }, { row: 2, weight: 0.3 }] };
    expect(OutlierRows.fromJSON(good, 10).outliers).toEqual(good);
    for (const bad of [
      { ...good, count: -3 },
      { ...good, count: 1 },
      { ...good, threshold: -1 },
      { ...good, rows: [{ row: 1.5, weight: 0.1 }] },
      { ...good, rows: [{ row: 11, weight: 0.1 }] },
      { ...good, rows: [{ row: 2, weight: 0.3 }, { row: 7, weight: 0.02 }] },
      { ...good, rows: [{ row: 2, weight: 0.7 }] },
    ]) {
      expect(() => OutlierRows.fromJSON(bad, 10), JSON.stringify(bad)).toThrow(/outliers/);
    }
  });
});
