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
import { routeWith } from "../../runtime/pl/router.js";

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
        // a probability and its 90 % interval; the interval need not hold the mean, which less
        // than 5 % of the posterior far below it can pull under the interval's lower end
        expect(e.mean >= 0 && e.mean <= 1).toBe(true);
        expect(0 <= e.interval[0] && e.interval[0] <= e.interval[1] && e.interval[1] <= 1).toBe(true);
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
    // a count of experts and its 90 % interval (which need not hold the mean: see above)
    expect(a.mean >= 1 && a.mean <= 3).toBe(true);
    expect(1 <= a.interval[0] && a.interval[0] <= a.interval[1] && a.interval[1] <= 3).toBe(true);
    const text = await cli("fit", flagship, "--set", "K=3", "--data", data, "--particles", "200");
    expect(text.stdout).toMatch(/\nactive experts \(holding ≥ 5 % of the rows\): \d\.\d\d \[\d, \d\]/);
  });

  it("rows with the response: the coverage–risk curve after the rows, as the API's", async () => {
    const scored = join(dir, "scored.csv");
    writeFileSync(scored, "x1,x2,y\n1,-2,1.1\n1,0.1,1.3\n1,2.5,6.1\n1,-0.2,-0.7\n");
    const r = await cli("route", state, "--data", scored, "--json");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    const { payload } = JSON.parse(readFileSync(state, "utf8"));
    const f = compile(payload.source, payload.hypers, { file: payload.file }).restore(payload.snapshot);
    const withY = [[-2, 1.1], [0.1, 1.3], [2.5, 6.1], [-0.2, -0.7]].map(([u, y]) => ({ x: [1, u], y }));
    expect(out.selective).toEqual(JSON.parse(JSON.stringify(f.coverageRisk(withY))));
    const text = await cli("route", state, "--data", scored);
    expect(text.stdout).toContain("\ncoverage–risk: the rows whose top expert's mean − 1·sd is highest first\ncoverage\trows\tconfidence ≥\tlpd\tRMSE\n10 %\t1\t");
    // without the response there is nothing to score
    expect(JSON.parse((await cli("route", state, "--data", rows, "--json")).stdout).selective).toBeUndefined();
    // one expert: every route is the same, so there is no curve to draw
    const one = join(dir, "one.json");
    expect((await cli("fit", flagship, "--set", "K=1", "--data", join(dir, "train.csv"), "--particles", "50", "--save", one)).code).toBe(0);
    expect(JSON.parse((await cli("route", one, "--data", scored, "--json")).stdout).selective).toBeUndefined();
    // a response the model cannot score is an error naming the row, not a −∞ in the curve
    writeFileSync(scored, "x1,x2,y\n1,-2,1.1\n1,0.1,1e300\n");
    const off = await cli("route", state, "--data", scored, "--json");
    expect(off.code).toBe(1);
    expect(off.stderr).toContain(":3: row 2: the response 1e+300 has predictive density 0");
  });

  it("--export writes a router; route reads it in place of the state, as routeWith routes", async () => {
    const router = join(dir, "router.json");
    const w = await cli("route", state, "--export", router, "--draws", "64", "--seed", "3");
    expect(w.code).toBe(0);
    expect(w.stderr).toContain("64 draws of the gate of 3 experts over 2 inputs");
    const file = JSON.parse(readFileSync(router, "utf8"));
    expect(file).toMatchObject({ kind: "hsmoe-router", gate: "stickbreaking", K: 3, S: 2, d: 2, model: "hsmoe", input: { name: "x", columns: ["x1", "x2"] } });
    expect(file.order).toHaveLength(64 * 3);
    const r = await cli("route", router, "--data", rows, "--top", "2", "--json");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    const direct = [[1, -2], [1, 0], [1, 2.5]].map((x) => routeWith(file, x, { k: 2 }));
    expect(out.rows).toEqual(JSON.parse(JSON.stringify(direct)));
    expect(out.selective).toBeUndefined(); // a router has no experts to score rows with
    // the draws are the API's
    const { payload } = JSON.parse(readFileSync(state, "utf8"));
    const f = compile(payload.source, payload.hypers, { file: payload.file }).restore(payload.snapshot);
    expect(file.phi).toEqual(f.exportRouter(64, 3).phi);
  });

  it("refuses a damaged router and --export mixed with routing options", async () => {
    const router = join(dir, "router.json");
    await cli("route", state, "--export", router);
    const doc = JSON.parse(readFileSync(router, "utf8"));
    const damaged = join(dir, "damaged.json");
    writeFileSync(damaged, JSON.stringify({ ...doc, order: doc.order.map(() => 0) }));
    let r = await cli("route", damaged, "--data", rows);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`corrupt router ${damaged}: its draws do not fit together`);
    writeFileSync(damaged, JSON.stringify({ ...doc, input: { name: "x", columns: ["x1"] } }));
    r = await cli("route", damaged, "--data", rows);
    expect(r.stderr).toContain("does not name its model and the columns its input reads");
    writeFileSync(damaged, JSON.stringify({ ...doc, input: { name: "x", columns: ["x1", "x1"] } }));
    r = await cli("route", damaged, "--data", rows);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("its input's columns are not distinct names");
    // keys in any order (a router reformatted by a JSON tool) is still a router
    const sorted = Object.fromEntries(Object.entries(doc).sort(([a], [b]) => (a < b ? -1 : 1)));
    writeFileSync(damaged, JSON.stringify(sorted, null, 2));
    r = await cli("route", damaged, "--data", rows, "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).n).toBe(3);
    // a router is no state to export from
    r = await cli("route", router, "--export", join(dir, "again.json"));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("is not a state saved by hsmoe fit --save");
    for (const extra of [["--data", rows], ["--top", "2"], ["--json"]]) {
      r = await cli("route", state, "--export", router, ...extra);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("route --export writes a router");
    }
    r = await cli("route", state, "--data", rows, "--draws", "5");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--draws and --seed go with --export");
    r = await cli("route", state, "--export", router, "--draws", "0");
    expect(r.stderr).toContain("--draws takes a positive integer");
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
