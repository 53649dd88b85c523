/** The grammar's railroad-diagram page opens offline in Chromium and draws every rule. */
import { expect, it } from "vitest";
import { resolve } from "node:path";
import { launchBrowser, watchPage } from "../helpers/browser.js";

it("grammar/generated/diagrams.html draws a diagram per rule with no request and no error", async () => {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const seen = watchPage(page);
    await page.goto(`file://${resolve("grammar/generated/diagrams.html")}`);
    await page.waitForSelector("svg.railroad-diagram");
    expect(await page.locator("svg.railroad-diagram").count()).toBeGreaterThan(10);
    expect(seen.errors).toEqual([]);
    expect(seen.requests).toEqual([]);
  } finally {
    await browser.close();
  }
});
