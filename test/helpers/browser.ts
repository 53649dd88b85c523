/**
 * Headless Chromium for the browser tests: Debian's package driven by playwright-core (no browser
 * download; `scripts/ensure-browser.mjs` installs it). The flags keep Chromium from reaching for
 * the network, which this machine's closed network refuses.
 */
import { chromium, type Browser, type Page } from "playwright-core";

/** Path of the Chromium executable the tests drive. */
export const chromiumPath = process.env.HSMOE_CHROMIUM ?? "/usr/bin/chromium";

/** Launches headless Chromium. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/**
 * Collects what a page reports as going wrong: console errors, uncaught exceptions, and every
 * request that leaves the machine (a self-contained page makes none).
 */
export function watchPage(page: Page): { errors: string[]; requests: string[] } {
  const errors: string[] = [];
  const requests: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("request", (r) => {
    const url = r.url();
    if (!url.startsWith("file:") && !url.startsWith("data:") && !url.startsWith("blob:") && !url.startsWith("http://127.0.0.1") && !url.startsWith("http://localhost")) requests.push(url);
  });
  return { errors, requests };
}
