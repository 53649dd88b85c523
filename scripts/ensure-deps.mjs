// Installs dependencies when node_modules is missing or older than the lockfile, so that
// `npm test` and `npm run demo` work on a fresh clone. Uses only Node built-ins.
import { existsSync, statSync } from "node:fs";
import { execSync } from "node:child_process";

const marker = "node_modules/.package-lock.json";
const stale = !existsSync(marker) || statSync(marker).mtimeMs < statSync("package-lock.json").mtimeMs;
if (stale) {
  process.stderr.write("hsmoe: installing dependencies (npm ci)…\n");
  execSync("npm ci --no-audit --no-fund", { stdio: "inherit" });
} else if (!existsSync("dist/cli/main.js")) {
  execSync("npm run build --silent", { stdio: "inherit" });
}
