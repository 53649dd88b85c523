/**
 * `hsmoe route` (issue 14 item 1, DESIGN §3): per row of a CSV, the top experts by the lower
 * bound of their gate probability from a saved fit, in the JSON shape DESIGN gives, the same as
 * the API's `route`; usage errors exit 2 and bad rows exit 1 with their row and column. And
 * `fit`'s active experts (item 2): `activeExperts` in `--json`, a line in the summary.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli } from "../helpers/cli.js";
import { compile } from "../../api.js";

const flagship = new URL("../../stdlib/hsmoe.moe", import.meta.url).pathname;
const source = new URL("../../examples/data/piecewise-train.csv", import.meta.url).pathname;

let dir: string;
let state: string;
let rows: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "hsmoe-route-"));
  const data = join(dir, "train.csv");
  writeFileSync(data, readFileSync(source, "utf8").split("\n").slice(0, 401).join("\n") + "\n");
  state = join(dir, "state.json");
  const r = await cli("fit", flagship, "--set", "K=3", "--data", data, "--particles", "200", "--save", state);
  expect(r.code).toBe(0);
  rows = join(dir, "new.csv");
  writeFileSync(rows, "x1,x2\n1,-2\n1,0\n1,2.5\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("hsmoe route", () => {
  it("--json: per row the top experts with mean and interval, the entropy and the flag, as the API routes", async () => {
    const r = await cli("route", state, "--data", rows, "--top", "2", "--alpha", "1.5", "--json");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.n).toBe(3);
    expect(out.rows).toHaveLength(3);
    for (const row of out.rows) {
      expect(row.top).toHaveLength(2);
      for (const e of row.top) {
        expect(Object.keys(e).sort()).toEqual(["bound", "expert", "interval", "mean", "sd"]);
        // (an expert the gate never picks there has probabilities at rounding level, 1e−15)
        expect(e.interval[0]).toBeLessThanOrEqual(e.mean + 1e-12);
        expect(e.mean).toBeLessThanOrEqual(e.interval[1] + 1e-12);
      }
      expect(typeof row.entropy).toBe("number");
      expect(typeof row.uncertain).toBe("boolean");
    }
    // the same routes from the saved state through the library
    const { payload } = JSON.parse(readFileSync(state, "utf8"));
    const f = compile(payload.source, payload.hypers, { file: payload.file }).restore(payload.snapshot);
    const api = [[1, -2], [1, 0], [1, 2.5]].map((x) => f.route(x, { k: 2, alpha: 1.5 }));
    expect(out.rows).toEqual(JSON.parse(JSON.stringify(api)));
  });

  it("prints a table by default; --top defaults to 1", async () => {
    const r = await cli("route", state, "--data", rows);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toBe("row\trank 1: expert mean [90 % interval]\tentropy\tuncertain");
    expect(lines).toHaveLength(4);
    expect(lines[3]).toMatch(/^3\t[1-3] [01]\.\d{3} \[[01]\.\d{3}, [01]\.\d{3}\]\t\d\.\d{3}\t(yes|no)$/);
  });

  it.each([
    [["--top", "4"], "more than the fit's 3 experts"],
    [["--top", "0"], "--top takes a positive integer"],
    [["--alpha=-1"], "--alpha takes a number ≥ 0"],
    [["--alpha", "x"], "--alpha takes a number ≥ 0"],
  ])("exits 2 for %j", async (extra, message) => {
    const r = await cli("route", state, "--data", rows, ...extra);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it("fit reports the active experts: --json as DESIGN gives it, and a summary line", async () => {
    const data = join(dir, "train.csv");
    const r = await cli("fit", flagship, "--set", "K=3", "--data", data, "--particles", "200", "--json");
    expect(r.code).toBe(0);
    const a = JSON.parse(r.stdout).activeExperts;
    expect(Object.keys(a).sort()).toEqual(["collapsed", "interval", "mean", "threshold", "unused"]);
    expect(a.interval[0]).toBeLessThanOrEqual(a.mean);
    expect(a.mean).toBeLessThanOrEqual(a.interval[1]);
    const text = await cli("fit", flagship, "--set", "K=3", "--data", data, "--particles", "200");
    expect(text.stdout).toMatch(/\nactive experts \(holding ≥ 5 % of the rows\): \d\.\d\d \[\d, \d\]/);
  });

  it("exits 1 with the row and column of a bad row", async () => {
    const bad = join(dir, "bad.csv");
    writeFileSync(bad, "x1,x2\n1,0.5\n1,abc\n");
    const r = await cli("route", state, "--data", bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("bad.csv:3:2");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
