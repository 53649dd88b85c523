#!/usr/bin/env node
// Entry point of the `hsmoe` command; the CLI itself is compiled to dist/ by `npm run build`
// (run automatically by `npm ci` / `npm install`).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const main = new URL("../dist/cli/main.js", import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write("hsmoe: not built yet; run `npm install` (or `npm run build`) in the hsmoe folder\n");
  process.exit(2);
}
// A closed pipe (`hsmoe predict … | head`) ends the output quietly, as other tools do.
process.stdout.on("error", (e) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});
const { runCli } = await import(main.href);
process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  isTTY: process.stderr.isTTY === true,
});
