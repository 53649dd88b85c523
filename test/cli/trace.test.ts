/**
 * `fit --trace FILE.csv` (DESIGN §3) and the change alarms in `--json`:
 * - one line per row with the documented columns; the scores add up to the log evidence;
 * - the trace written from worker threads equals the inline one, and both equal the API's
 *   trace rows (pooled the same way);
 * - on a stream whose regimes swap halfway the alarm fires just after the change, and on the
 *   same truth without a change it stays quiet;
 * - a trace that cannot be written is reported (exit 1) after the fit's summary; a fit that
 *   fails leaves no trace file behind.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compile } from "../../api.js";
import { Rng } from "../../runtime/rng/rng.js";
import { TRACE_COLUMNS } from "../../runtime/pl/trace.js";
import { cli } from "../helpers/cli.js";

const flagship = readFileSync(new URL("../../stdlib/hsmoe.moe", import.meta.url), "utf8");
const piecewise = (u: number, swapped: boolean) => (swapped ? (u < 0 ? 1 + u : -1 - 2 * u) : u < 0 ? -1 - u : 1 + 2 * u);

function stream(n: number, changeAt: number, seed: number) {
  const rng = Rng.fromSeed(seed);
  return Array.from({ length: n }, (_, t) => {
    const u = rng.uniform() * 6 - 3;
    return { x: [1, u], y: piecewise(u, t >= changeAt) + 0.3 * rng.normal() };
  });
}
const csv = (rows: { x: number[]; y: number }[]) => ["x1,x2,y", ...rows.map((r) => [...r.x, r.y].join(","))].join("\n") + "\n";

let dir: string;
let model: string;
const drift = stream(1200, 600, 1);
const still = stream(1200, Infinity, 1);
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "hsmoe-trace-"));
  model = join(dir, "hsmoe.moe");
  writeFileSync(model, flagship);
  writeFileSync(join(dir, "drift.csv"), csv(drift));
  writeFileSync(join(dir, "still.csv"), csv(still));
  writeFileSync(join(dir, "bad.csv"), csv(drift.slice(0, 50)) + "1,oops,2\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fit = (data: string, ...extra: string[]) => cli("fit", model, "--set", "K=3", "--data", join(dir, data), "--particles", "200", "--seed", "4", ...extra);
const readTrace = (path: string) => {
  const [header, ...lines] = readFileSync(path, "utf8").trimEnd().split("\n");
  return { header: header.split(","), rows: lines.map((l) => l.split(",").map(Number)) };
};

describe("fit --trace", () => {
  it("writes one line per row; inline and threaded traces equal the API's rows; the alarm fires just after the change", async () => {
    const inline = join(dir, "inline.csv");
    const threaded = join(dir, "threaded.csv");
    const a = await fit("drift.csv", "--trace", inline, "--threads", "1", "--json");
    const b = await fit("drift.csv", "--trace", threaded, "--threads", "2", "--json");
    for (const r of [a, b]) {
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
    }
    const ta = readTrace(inline);
    expect(ta.header).toEqual([...TRACE_COLUMNS]);
    expect(ta.rows).toHaveLength(drift.length);
    expect(readFileSync(threaded, "utf8")).toBe(readFileSync(inline, "utf8"));
    const out = JSON.parse(a.stdout);
    expect(out.window).toBe(4096);
    const col = (name: string) => TRACE_COLUMNS.indexOf(name as (typeof TRACE_COLUMNS)[number]);
    const sum = ta.rows.reduce((s, r) => s + r[col("logPredictive")], 0);
    expect(Math.abs(sum - out.logEvidence)).toBeLessThan(1e-8 * Math.abs(out.logEvidence));
    expect(ta.rows.at(-1)![col("logEvidence")]).toBeCloseTo(out.logEvidence, 8);
    // the API, fed the same rows, gives the same trace rows
    const f = compile(flagship, { K: 3 }).filter({ particles: 200, seed: 4, trace: true });
    drift.forEach(({ x, y }, t) => {
      const row = f.observe(x, y)!;
      expect(TRACE_COLUMNS.map((c) => row[c])).toEqual(ta.rows[t]);
    });
    // the alarm: in --json, in the trace's alarm column, and soon after row 600
    expect(out.alarms.length).toBeGreaterThanOrEqual(1);
    expect(out.alarms[0].row).toBeGreaterThan(600);
    expect(out.alarms[0].row).toBeLessThanOrEqual(640);
    expect(out.alarms).toEqual(f.alarms);
    expect(ta.rows.filter((r) => r[col("alarm")] > 0).map((r) => r[col("t")])).toEqual(out.alarms.map((x: { row: number }) => x.row));
  });

  it("stays quiet on the same truth without a change; a trace that cannot be written is reported after the summary", async () => {
    const into = join(dir, "a-directory");
    mkdirSync(into);
    const r = await fit("still.csv", "--trace", into);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/log evidence/);
    expect(r.stdout).toMatch(/change alarms: none/);
    expect(r.stderr).toMatch(/a-directory/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("a failed fit leaves no trace file behind", async () => {
    const lost = join(dir, "lost.csv");
    const bad = await fit("bad.csv", "--trace", lost);
    expect(bad.code).toBe(1);
    expect(existsSync(lost)).toBe(false);
    expect(readdirSync(dir).filter((n) => n.endsWith(".tmp"))).toEqual([]);
  });
});
