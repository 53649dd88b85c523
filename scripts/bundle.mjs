// `npm run bundle`: the browser build in dist/browser/.
//
//   hsmoe.js       the library (index.ts) as one self-contained ES module
//   playground.js  the playground page's script (examples/browser/main.ts)
//   worker.js      the playground's fit worker (examples/browser/worker.ts)
//   vega.min.js    copied from node_modules, so the page loads nothing from another origin
//
// The page scripts import the library from `../../index.js` for the type checker; here that
// import becomes the external `./hsmoe.js`, so the page runs on the very bundle a user would
// ship and the library is not copied into each script. The worker reads CSV with the CLI's
// reader (cli/data/csv.ts) for the same column rules and messages; its csv-parse import is
// pointed at csv-parse's browser build, whose Buffer is a bundled polyfill.
import * as esbuild from "esbuild";
import { copyFile, mkdir, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = join(root, "dist/browser");
const libraryEntry = join(root, "index.ts");

const common = {
  absWorkingDir: root,
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  minify: true,
  sourcemap: "linked",
  legalComments: "linked",
  logLevel: "warning",
  outdir: out,
};

/** Resolves imports of the library's entry (index.ts) to the separately built hsmoe.js. */
const libraryAsExternal = {
  name: "hsmoe-library-external",
  setup(build) {
    build.onResolve({ filter: /(^|\/)index\.js$/ }, (args) => {
      const target = resolve(args.resolveDir, args.path).replace(/\.js$/, ".ts");
      return target === libraryEntry ? { path: "./hsmoe.js", external: true } : undefined;
    });
  },
};

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
await Promise.all([
  esbuild.build({ ...common, entryPoints: { hsmoe: "index.ts" } }),
  esbuild.build({
    ...common,
    entryPoints: { playground: "examples/browser/main.ts", worker: "examples/browser/worker.ts" },
    alias: { "csv-parse/sync": "csv-parse/browser/esm/sync" },
    plugins: [libraryAsExternal],
  }),
  copyFile(join(root, "node_modules/vega/build/vega.min.js"), join(out, "vega.min.js")),
]);
process.stdout.write(`hsmoe: browser bundle written to ${out}\n`);
