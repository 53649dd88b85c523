/**
 * Rebuilds the checked-in report screenshots of the example folders:
 *
 *     npm run build && npx tsx examples/screenshots.ts [NAME ...]
 *
 * For each example (or only those named) it runs the folder's `hsmoe report` command with the
 * built CLI into a temporary directory, opens the page in headless Chromium (test/helpers/
 * browser.ts), waits until every chart has rendered and writes a full-page `report.png` into the
 * folder. It fails if the command fails, a chart does not render, or the page logs an error or
 * reaches for the network.
 *
 * {@link EXAMPLES} is also what test/examples/reports.test.ts runs, and each README quotes
 * {@link commandLine} of its example (the test checks that too).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

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
    name: "paper-4-1",
    args: ["stdlib/hsmoe.moe", "--set", "K=10", "--data", "examples/data/paper41-train.csv", "--test", "examples/data/paper41-test.csv"],
    horseshoe: true,
  },
];

/** The chart ids every example's page must carry. */
export function expectedCharts(e: Example): string[] {
  return ["predictive", "gate", "usage", "ess", "evidence", ...(e.horseshoe ? ["shrinkage"] : [])].map((id) => `chart-${id}`);
}

/** The command as the README shows it, run from the repository root. */
export function commandLine(e: Example, out = `examples/${e.name}/report.html`): string {
  return ["npx hsmoe report", ...e.args, "-o", out].join(" ");
}

const root = fileURLToPath(new URL("..", import.meta.url));

/** Writes `examples/NAME/report.png` for each example. */
async function main(names: string[]): Promise<void> {
  const unknown = names.filter((n) => !EXAMPLES.some((e) => e.name === n));
  if (unknown.length > 0) throw new Error(`unknown example ${unknown.join(", ")} (examples: ${EXAMPLES.map((e) => e.name).join(", ")})`);
  if (!existsSync(join(root, "dist/cli/main.js"))) throw new Error("no built CLI: run `npm run build` first");
  const { launchBrowser, watchPage } = await import("../test/helpers/browser.js");
  const dir = mkdtempSync(join(tmpdir(), "hsmoe-examples-"));
  const browser = await launchBrowser();
  try {
    for (const e of EXAMPLES.filter((e) => names.length === 0 || names.includes(e.name))) {
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
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
}
