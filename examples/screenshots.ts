/**
 * Rebuilds the checked-in screenshots of the example folders:
 *
 *     npm run build && npx tsx examples/screenshots.ts [NAME ...]
 *
 * For each example (or only those named) it runs the folder's `hsmoe report` command with the
 * built CLI into a temporary directory, opens the page in headless Chromium (test/helpers/
 * browser.ts), waits until every chart has rendered and writes a full-page `report.png` into the
 * folder. It fails if the command fails, a chart does not render, or the page logs an error or
 * reaches for the network.
 *
 * `browser` (included when no name is given) is the playground: {@link playground} bundles it
 * (`npm run bundle`), serves it with scripts/serve.mjs on a free port, loads the sample, fits it
 * with the page's defaults and writes `examples/browser/screenshot.png` once the fit is done.
 *
 * {@link EXAMPLES} is also what test/examples/reports.test.ts runs, and each README quotes
 * {@link commandLine} of its example (the test checks that too).
 */
import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { Browser } from "playwright-core";

/** One example folder and its `hsmoe report` command (arguments after `report`, without `-o`). */
export interface Example {
  /** Folder under examples/. */
  name: string;
  args: string[];
  /** Whether the model has a horseshoe on the gate (the page then has the shrinkage heat map). */
  horseshoe: boolean;
}

export const EXAMPLES: readonly Example[] = [
  {
    name: "mcycle",
    args: ["stdlib/hsmoe.moe", "--set", "K=4", "--set", "b0=0.1", "--data", "examples/mcycle/mcycle-prepared.csv", "--particles", "10000"],
    horseshoe: true,
  },
  {
    name: "sparse-routing",
    args: ["stdlib/hsmoe.moe", "--set", "K=3", "--data", "examples/data/sparse-train.csv", "--test", "examples/data/sparse-test.csv"],
    horseshoe: true,
  },
  {
    name: "group-horseshoe",
    args: ["stdlib/hsmoe-group.moe", "--set", "K=3", "--data", "examples/data/sparse-train.csv", "--test", "examples/data/sparse-test.csv"],
    horseshoe: true,
  },
  {
    name: "drift",
    args: ["stdlib/hsmoe.moe", "--set", "K=3", "--data", "examples/drift/drift.csv", "--forget", "auto"],
    horseshoe: true,
  },
  {
    name: "binary",
    args: ["stdlib/logistic-moe.moe", "--set", "K=3", "--data", "examples/binary/binary-train.csv", "--test", "examples/binary/binary-test.csv"],
    horseshoe: true,
  },
  {
    name: "robust",
    args: ["stdlib/robust-moe.moe", "--set", "K=2", "--data", "examples/robust/robust-train.csv", "--test", "examples/robust/robust-test.csv"],
    horseshoe: true,
  },
  {
    name: "counts",
    args: ["stdlib/count-moe.moe", "--set", "K=3", "--data", "examples/counts/counts-train.csv", "--test", "examples/counts/counts-test.csv"],
    horseshoe: true,
  },
  {
    name: "binomial",
    args: ["stdlib/binomial-moe.moe", "--set", "K=3", "--data", "examples/binomial/binomial-train.csv", "--test", "examples/binomial/binomial-test.csv"],
    horseshoe: true,
  },
  {
    name: "softmax",
    args: ["stdlib/softmax-moe.moe", "--set", "K=3", "--data", "examples/softmax/softmax-train.csv", "--test", "examples/softmax/softmax-test.csv"],
    horseshoe: true,
  },
  {
    name: "paper-4-1",
    args: ["stdlib/hsmoe.moe", "--set", "K=10", "--data", "examples/data/paper41-train.csv", "--test", "examples/data/paper41-test.csv"],
    horseshoe: true,
  },
];

/** The chart ids every example's page must carry. */
export function expectedCharts(e: Example): string[] {
  return ["predictive", "gate", "usage", "ess", "score", "evidence", ...(e.horseshoe ? ["shrinkage"] : [])].map((id) => `chart-${id}`);
}

/** The command as the README shows it, run from the repository root. */
export function commandLine(e: Example, out = `examples/${e.name}/report.html`): string {
  return ["npx hsmoe report", ...e.args, "-o", out].join(" ");
}

const root = fileURLToPath(new URL("..", import.meta.url));

/** The playground's screenshot target, beside the report examples. */
const PLAYGROUND = "browser";

/**
 * Writes `examples/browser/screenshot.png`: the playground, bundled and served as by
 * `npm run playground`, after fitting the bundled sample with the page's default settings and
 * routing a point near a boundary between regimes.
 */
async function playground(browser: Browser): Promise<void> {
  const { watchPage } = await import("../test/helpers/browser.js");
  const started = Date.now();
  execFileSync(process.execPath, [join(root, "scripts/bundle.mjs")], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  const server = spawn(process.execPath, [join(root, "scripts/serve.mjs"), "--port", "0"], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
  try {
    // serve.mjs prints the page's address first, once it listens.
    const [url] = (await once(createInterface({ input: server.stdout! }), "line")) as [string];
    const page = await browser.newPage({ viewport: { width: 1360, height: 820 } });
    const seen = watchPage(page);
    await page.goto(url);
    await page.waitForFunction(() => document.getElementById("check-status")?.textContent?.startsWith("compiles:"), null, { timeout: 30_000 });
    await page.click("#load-sample");
    await page.waitForFunction(() => /: \d+ rows$/.test(document.getElementById("data-label")?.textContent ?? ""), null, { timeout: 30_000 });
    await page.click("#fit");
    await page.waitForFunction(() => ["done", "error"].includes(document.getElementById("status")?.dataset.state ?? ""), null, { timeout: 120_000 });
    const status = (await page.textContent("#status")) ?? "";
    const stats = (await page.textContent("#stats")) ?? "";
    // a point near the first regimes' boundary, routed to its top two experts
    if (status.startsWith("done:")) {
      await page.fill("#route-at", "-1");
      await page.waitForFunction(() => !(document.getElementById("route") as HTMLTableElement).hidden, null, { timeout: 10_000 });
    }
    const shot = await page.screenshot({ fullPage: true });
    await page.close();
    const problems = [
      ...(status.startsWith("done:") ? [] : [`the fit did not finish: ${status}`]),
      ...seen.errors.map((m) => `console error: ${m}`),
      ...seen.requests.map((u) => `request: ${u}`),
    ];
    if (problems.length > 0) throw new Error(`${PLAYGROUND}:\n  ${problems.join("\n  ")}`);
    writeFileSync(join(root, "examples", PLAYGROUND, "screenshot.png"), shot);
    console.log(`${PLAYGROUND}: wrote examples/${PLAYGROUND}/screenshot.png (${status}; ${stats}; ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } finally {
    server.kill();
  }
}

/** Writes `examples/NAME/report.png` for each example, and the playground's screenshot. */
async function main(names: string[]): Promise<void> {
  const known = [...EXAMPLES.map((e) => e.name), PLAYGROUND];
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) throw new Error(`unknown example ${unknown.join(", ")} (examples: ${known.join(", ")})`);
  const examples = EXAMPLES.filter((e) => names.length === 0 || names.includes(e.name));
  if (examples.length > 0 && !existsSync(join(root, "dist/cli/main.js"))) throw new Error("no built CLI: run `npm run build` first");
  const { launchBrowser, watchPage } = await import("../test/helpers/browser.js");
  const dir = mkdtempSync(join(tmpdir(), "hsmoe-examples-"));
  const browser = await launchBrowser();
  try {
    if (names.length === 0 || names.includes(PLAYGROUND)) await playground(browser);
    for (const e of examples) {
      const html = join(dir, `${e.name}.html`);
      const started = Date.now();
      execFileSync(process.execPath, [join(root, "bin/hsmoe.js"), "report", ...e.args, "-o", html], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      const seen = watchPage(page);
      await page.goto(`file://${html}`);
      await page.waitForFunction(() => Array.from(document.querySelectorAll<HTMLElement>(".chart")).every((el) => el.dataset.rendered === "true" || el.classList.contains("chart-error")), null, { timeout: 60_000 });
      const charts = await page.$$eval(".chart", (els) => els.map((el) => ({ id: el.id, rendered: (el as HTMLElement).dataset.rendered === "true" })));
      const shot = await page.screenshot({ fullPage: true });
      await page.close();
      const problems = [
        ...expectedCharts(e).filter((id) => !charts.some((c) => c.id === id)).map((id) => `the page lacks ${id}`),
        ...charts.filter((c) => !c.rendered).map((c) => `${c.id} did not render`),
        ...seen.errors.map((m) => `console error: ${m}`),
        ...seen.requests.map((u) => `request: ${u}`),
      ];
      if (problems.length > 0) throw new Error(`${e.name}:\n  ${problems.join("\n  ")}`);
      writeFileSync(join(root, "examples", e.name, "report.png"), shot);
      const ids = charts.map((c) => c.id);
      console.log(`${e.name}: wrote examples/${e.name}/report.png (${ids.length} charts, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
}
