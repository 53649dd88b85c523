/**
 * The report pages in a real browser (Debian Chromium via playwright-core): the piecewise and
 * sparse-routing fits and every example folder's command (examples/screenshots.ts, with 100
 * particles) write pages that open from a file with no console error and no network request,
 * and every chart draws a non-empty SVG. Screenshots go to test-output/ for a look by eye.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { launchBrowser, watchPage } from "../helpers/browser.js";
import { cli } from "../helpers/cli.js";
import { EXAMPLES, expectedCharts } from "../../examples/screenshots.js";

const dir = mkdtempSync(join(tmpdir(), "hsmoe-report-browser-"));
const shots = "test-output";
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
  mkdirSync(shots, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
});

describe("report in Chromium", () => {
  it.each([
    ["piecewise", ["stdlib/hsmoe.moe", "--set", "K=3", "--data", "examples/data/piecewise-train.csv", "--test", "examples/data/piecewise-test.csv"], 7],
    ["sparse", ["stdlib/hsmoe.moe", "--set", "K=3", "--data", "examples/data/sparse-train.csv", "--test", "examples/data/sparse-test.csv"], 9],
    // every example folder's command, its own particle count replaced by 100 (one input along which to plot: 7 charts besides these two)
    // (and each carries the charts its README talks about: test/examples/reports.test.ts checks the README quotes the command)
    ...EXAMPLES.map((e) => [`examples/${e.name}`, e.args.filter((a, i, all) => a !== "--particles" && all[i - 1] !== "--particles"), ["mcycle", "drift", "robust"].includes(e.name) ? 7 : 9, expectedCharts(e)]),
  ])("%s: opens offline, no console errors, every chart non-empty", async (name, args, charts, ids) => {
    const out = join(dir, `${String(name).replace(/\W/g, "-")}.html`);
    const r = await cli("report", ...(args as string[]), "--particles", "100", "-o", out);
    expect(r.code).toBe(0);
    const html = readFileSync(out, "utf8");
    for (const id of (ids as string[] | undefined) ?? []) expect(html).toContain(`id="${id}"`);
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const seen = watchPage(page);
    await page.goto(`file://${out}`);
    await page.waitForFunction(() => Array.from(document.querySelectorAll<HTMLElement>(".chart")).every((e) => e.dataset.rendered === "true" || e.classList.contains("chart-error")), null, { timeout: 30_000 });
    // the count of active experts always; the coverage–risk curve with held-out rows
    const expected = (charts as number) + 1 + ((args as string[]).includes("--test") ? 1 : 0);
    const marks = await page.$$eval(".chart", (els) => els.map((e) => ({ id: e.id, svg: e.querySelectorAll("svg").length, marks: e.querySelectorAll("svg .mark-area path, svg .mark-line path, svg .mark-symbol path, svg .mark-rect path, svg .mark-rule line, svg .mark-text text, svg .mark-tick rect").length })));
    expect(marks).toHaveLength(expected);
    for (const m of marks) {
      expect(m.svg, m.id).toBe(1);
      expect(m.marks, m.id).toBeGreaterThan(0);
    }
    expect(await page.locator(".chart-error").count()).toBe(0);
    await page.screenshot({ path: join(shots, `report-${String(name).replace(/\W/g, "-")}.png`), fullPage: true });
    expect(seen.errors).toEqual([]);
    expect(seen.requests).toEqual([]);
    await page.close();
  });
});
