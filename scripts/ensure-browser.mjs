// The browser tests drive Debian's Chromium through playwright-core (no browser download). When
// it is missing and this runs as root with apt-get (CI, a fresh machine), it is installed here;
// otherwise the message says how. HSMOE_CHROMIUM names another executable.
import { existsSync } from "node:fs";
import { execSync } from "node:child_process";

const path = process.env.HSMOE_CHROMIUM ?? "/usr/bin/chromium";
if (!existsSync(path)) {
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  let apt = false;
  try {
    execSync("command -v apt-get", { stdio: "ignore" });
    apt = true;
  } catch {
    // no apt-get: say what to do below
  }
  if (!root || !apt) {
    process.stderr.write(`hsmoe: the browser tests need Chromium at ${path}; install Debian's chromium package (apt-get install chromium) or set HSMOE_CHROMIUM\n`);
    process.exit(1);
  }
  process.stderr.write("hsmoe: installing Chromium for the browser tests (apt-get install chromium)…\n");
  execSync("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium", { stdio: "inherit" });
}
