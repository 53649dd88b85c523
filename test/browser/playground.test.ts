/**
 * The playground (examples/browser) in headless Chromium, built and served by the same scripts
 * as `npm run playground`: diagnostics appear as a model is typed, and a fit of the bundled
 * sample runs in the worker and redraws the predictive band as its reports arrive; a point picked
 * on the plot is routed from the exported router. The page must
 * log no errors and request nothing from another origin. Leaves test-output/playground.png
 * (gitignored); the checked-in examples/browser/screenshot.png is made by examples/screenshots.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { Browser } from "playwright-core";
import { launchBrowser, watchPage } from "../helpers/browser.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const flagship = readFileSync(join(root, "stdlib/hsmoe.moe"), "utf8");
const SAMPLE_ROWS = 600; // examples/data/piecewise-train.csv
const poll = { timeout: 10_000, interval: 50 };

let server: ChildProcess | undefined;
let browser: Browser | undefined;
let url: string;

beforeAll(async () => {
  await promisify(execFile)(process.execPath, [join(root, "scripts/bundle.mjs")], { cwd: root });
  server = spawn(process.execPath, [join(root, "scripts/serve.mjs"), "--port", "0"], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
  // serve.mjs prints the page's address first, once it listens.
  [url] = (await once(createInterface({ input: server.stdout! }), "line")) as [string];
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  server?.kill();
});

/** 1-based line and column of the first occurrence of `needle` in `text`. */
function positionOf(text: string, needle: string): { line: number; column: number } {
  const offset = text.indexOf(needle);
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

describe("browser playground", () => {
  it("shows diagnostics while typing, then fits the sample in a worker and redraws the band", async () => {
    const page = await browser!.newPage({ viewport: { width: 1360, height: 820 } });
    const watched = watchPage(page);
    await page.goto(url);
    await expect.poll(() => page.textContent("#check-status"), poll).toMatch(/^compiles: hsmoe\(K=3/);

    // A misspelt distribution: the diagnostic names its line and column, the gutter marks the line.
    const misspelt = flagship.replace("tau ~ halfcauchy(1)", "tau ~ halfcauhy(1)");
    const at = positionOf(misspelt, "halfcauhy");
    await page.fill("#source", misspelt);
    await expect.poll(() => page.locator("#diagnostics li").allTextContents(), poll).toEqual([
      expect.stringContaining(`${at.line}:${at.column} error[unknown_distribution] unknown distribution \`halfcauhy\``),
    ]);
    expect(await page.locator("#diagnostics .hint").textContent()).toContain("halfcauchy");
    expect(await page.locator("#gutter .error").allTextContents()).toEqual([String(at.line)]);
    expect(await page.isDisabled("#fit")).toBe(true);

    // Fix it by typing over the misspelt name, key by key.
    const offset = misspelt.indexOf("halfcauhy");
    await page.focus("#source");
    await page.evaluate(([start, end]) => (document.getElementById("source") as HTMLTextAreaElement).setSelectionRange(start, end), [offset, offset + 9]);
    await page.keyboard.type("halfcauchy");
    await expect.poll(() => page.locator("#diagnostics li").count(), poll).toBe(0);
    expect(await page.inputValue("#source")).toBe(flagship);
    expect(await page.locator("#gutter .error").count()).toBe(0);

    await page.fill("#particles", "200");
    await page.fill("#every", "50");

    // A CSV with a bad cell: the worker's reader says where, and nothing is drawn.
    await page.setInputFiles("#csv-file", { name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from("x1,x2,y\n1,0.5,1.2\n1,oops,0.3\n") });
    await expect.poll(() => page.textContent("#data-label"), poll).toBe("bad.csv: 2 rows");
    await page.click("#fit");
    await expect.poll(() => page.getAttribute("#status", "data-state"), poll).toBe("error");
    expect(await page.textContent("#status")).toContain("bad.csv:3:2: error[data_not_numeric]");
    expect(await page.evaluate(() => document.querySelector(".band90 path")?.getAttribute("d") ?? "")).toBe("");

    await page.click("#load-sample");
    await expect.poll(() => page.textContent("#data-label"), poll).toBe(`piecewise-train.csv: ${SAMPLE_ROWS} rows`);

    // Every distinct shape of the 90 % band, and every status, as the page draws them.
    await page.evaluate(() => {
      const seen = { bands: [] as string[], states: [document.getElementById("status")!.dataset.state!] };
      (window as unknown as { seen: typeof seen }).seen = seen;
      new MutationObserver(() => {
        const d = document.querySelector(".band90 path")?.getAttribute("d") ?? "";
        if (d !== "" && d !== seen.bands[seen.bands.length - 1]) seen.bands.push(d);
        const state = document.getElementById("status")!.dataset.state!;
        if (state !== seen.states[seen.states.length - 1]) seen.states.push(state);
      }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    });

    const started = Date.now();
    const [worker] = await Promise.all([page.waitForEvent("worker"), page.click("#fit")]);
    expect(worker.url()).toBe(new URL("../../dist/browser/worker.js", url).href);
    await expect.poll(() => page.getAttribute("#status", "data-state"), { ...poll, timeout: 45_000 }).toBe("done");
    const fitSeconds = (Date.now() - started) / 1000;

    const seen = await page.evaluate(() => (window as unknown as { seen: { bands: string[]; states: string[] } }).seen);
    expect(seen.states).toEqual(["error", "fitting", "done"]);
    // A report every 50 of 600 rows plus the final one: the band is redrawn many times.
    expect(seen.bands.length).toBeGreaterThanOrEqual(5);
    expect(new Set(seen.bands).size).toBe(seen.bands.length);
    expect(await page.evaluate(() => document.querySelector(".mean path")?.getAttribute("d"))).toMatch(/^M/);
    expect(await page.evaluate(() => (document.getElementById("progress") as HTMLProgressElement).value)).toBe(SAMPLE_ROWS);
    expect(await page.textContent("#status")).toMatch(new RegExp(`^done: ${SAMPLE_ROWS} rows in `));
    expect(await page.textContent("#stats")).toMatch(/^log evidence -\d+\.\d ± \d+\.\d · ESS \d+ of 200$/);

    // Routing a picked point (issue 14 item 6): a click on the plot routes its x2 from the
    // exported router, the other inputs at their means; the table gives the top 2 experts.
    expect(await page.isDisabled("#route-at")).toBe(false);
    await page.click("#plot svg", { position: { x: 330, y: 200 } });
    await expect.poll(() => page.isHidden("#route"), poll).toBe(false);
    const picked = Number(await page.inputValue("#route-at"));
    expect(picked).toBeGreaterThan(-3);
    expect(picked).toBeLessThan(3);
    expect(await page.locator("#route tbody tr").count()).toBe(2);
    expect(await page.textContent("#route-status")).toMatch(/^(sure|uncertain): .* · routing entropy \d\.\d{3} nats$/);
    expect(await page.evaluate(() => document.querySelector(".pickRule line, .pickRule path") !== null)).toBe(true);
    // far into the left regime one expert takes the point, surely
    await page.fill("#route-at", "-2.5");
    await page.fill("#route-k", "1");
    await expect.poll(() => page.textContent("#route-status"), poll).toMatch(/^sure: /);
    const cells = await page.locator("#route tbody tr td").allTextContents();
    expect(cells.slice(0, 2)).toEqual(["1", expect.stringMatching(/^[1-3]$/)]);
    expect(Number(cells[2])).toBeGreaterThan(0.9);

    mkdirSync(join(root, "test-output"), { recursive: true });
    await page.screenshot({ path: join(root, "test-output/playground.png") });
    expect(watched.errors).toEqual([]);
    expect(watched.requests).toEqual([]);
    console.log(`playground fit: ${SAMPLE_ROWS} rows, 200 particles, K = 3 in ${fitSeconds.toFixed(1)} s`);
  }, 90_000);
});
