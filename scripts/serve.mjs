// `npm run playground` (after the bundle): serves the playground on 127.0.0.1 and prints its
// address. The page needs http rather than file:// because browsers refuse module workers and
// fetch() from file URLs.
//
//   node scripts/serve.mjs [--port N]    default 8000; 0 picks a free port
//
// The first line on stdout is the address (the browser test reads it); a bad argument is one
// line on stderr and exit status 2. Any web page the user has open can send requests to
// 127.0.0.1, so only what the playground loads is served: the folders in SERVED, at their
// repository paths, without dotfiles, and not through symlinks that lead out of them. A request
// must name 127.0.0.1, localhost or [::1] with the port in its Host header, which turns away
// DNS rebinding (a hostile name resolving to 127.0.0.1). Only GET and HEAD are answered; nothing
// is cached, so a rebuilt bundle shows on reload.
import { createServer } from "node:http";
import { constants, realpathSync } from "node:fs";
import { open, realpath, stat } from "node:fs/promises";
import { extname, join, relative, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";

const root = realpathSync(fileURLToPath(new URL("..", import.meta.url)));
const PAGE = "/examples/browser/";
/** The page, its bundle (scripts/bundle.mjs), and the sample data and model it fetches. */
const SERVED = ["examples/browser", "dist/browser", "examples/data", "stdlib"];
const USAGE = "usage: node scripts/serve.mjs [--port N]";

const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".moe": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

/** Whether a root-relative, /-separated path lies in a served folder and has no dot segment. */
function isServed(path) {
  if (path.split("/").some((segment) => segment === "" || segment.startsWith("."))) return false;
  return SERVED.some((folder) => path === folder || path.startsWith(folder + "/"));
}

/**
 * The real path of a root-relative path, or undefined unless both it and the real path are
 * served: checking the real path keeps symlinks from leading out of the served folders.
 */
async function servedPath(path) {
  if (!isServed(path)) return undefined;
  const real = await realpath(join(root, path)).catch(() => undefined);
  return real !== undefined && isServed(relative(root, real).split(sep).join("/")) ? real : undefined;
}

async function handle(request, response) {
  const send = (code, text) =>
    response.writeHead(code, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" }).end(text);
  if (!hosts.has(request.headers.host?.toLowerCase())) return send(403, "forbidden: unexpected Host header\n");
  if (request.method !== "GET" && request.method !== "HEAD") return send(405, "method not allowed\n");
  let path;
  try {
    path = decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname).replace(/^\/|\/$/g, "");
  } catch {
    return send(400, "bad request\n"); // a malformed %-escape
  }
  let real = await servedPath(path);
  if (real !== undefined && (await stat(real)).isDirectory()) real = await servedPath(path + "/index.html");
  if (real === undefined) return send(404, "not found\n");
  // O_NONBLOCK: opening a FIFO would otherwise wait for a writer; it is refused below instead.
  const file = await open(real, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = await file.stat();
    if (!info.isFile()) return send(404, "not found\n");
    response.writeHead(200, {
      "content-type": types[extname(real)] ?? "application/octet-stream",
      "content-length": info.size,
      "cache-control": "no-store",
    });
    if (request.method === "GET") await pipeline(file.createReadStream({ autoClose: false }), response);
    else response.end();
  } finally {
    await file.close();
  }
}

/** The --port the command line asks for; anything else ends the process with status 2. */
function portFromArgs(args) {
  const usageError = (message) => {
    process.stderr.write(`serve: ${message} (${USAGE})\n`);
    process.exit(2);
  };
  let text = "8000";
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--port" && i + 1 < args.length) text = args[++i];
    else if (args[i].startsWith("--port=")) text = args[i].slice("--port=".length);
    else usageError(args[i] === "--port" ? "--port needs a value" : `unexpected argument ${JSON.stringify(args[i])}`);
  }
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) usageError(`--port expects a number from 0 to 65535, got ${JSON.stringify(text)}`);
  return Number(text);
}

const port = portFromArgs(process.argv.slice(2));
let hosts; // the Host headers accepted, known once listening (--port 0)
const server = createServer((request, response) => {
  handle(request, response).catch((error) => {
    // A client that goes away mid-file is not worth a message.
    if (error.code !== "ERR_STREAM_PREMATURE_CLOSE") process.stderr.write(`serve: ${request.url}: ${error.message}\n`);
    if (!response.headersSent) response.writeHead(500, { "cache-control": "no-store" }).end();
    else response.destroy();
  });
});
server.on("error", (error) => {
  const hint = error.code === "EADDRINUSE" ? ` (port ${port} is taken; try --port 0 for a free one)` : "";
  process.stderr.write(`serve: ${error.message}${hint}\n`);
  process.exit(1);
});
server.listen(port, "127.0.0.1", () => {
  const actual = server.address().port;
  const names = ["127.0.0.1", "localhost", "[::1]"];
  // Browsers leave the default port out of the Host header.
  hosts = new Set([...names.map((name) => `${name}:${actual}`), ...(actual === 80 ? names : [])]);
  process.stdout.write(`http://127.0.0.1:${actual}${PAGE}\n`);
});
