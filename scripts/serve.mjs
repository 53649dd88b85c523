// `npm run playground` (after the bundle): serves the repository root on 127.0.0.1 and prints
// the playground's address. The page needs http rather than file:// because browsers refuse
// module workers and fetch() from file URLs.
//
//   node scripts/serve.mjs [--port N]    default 8000; 0 picks a free port
//
// The first line on stdout is the address (the browser test reads it). Only GET and HEAD of
// files under the root are answered; nothing is cached, so a rebuilt bundle shows on reload.
import { createServer } from "node:http";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
const PAGE = "/examples/browser/";

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

/** The file a URL path names, or undefined when it would leave the root. */
function fileOf(urlPath) {
  const path = resolve(root, "." + decodeURIComponent(urlPath));
  return path === root || path.startsWith(root + sep) ? path : undefined;
}

async function handle(request, response) {
  const send = (code, text) => response.writeHead(code, { "content-type": "text/plain; charset=utf-8" }).end(text);
  if (request.method !== "GET" && request.method !== "HEAD") return send(405, "method not allowed\n");
  let path;
  try {
    path = fileOf(new URL(request.url ?? "/", "http://localhost").pathname);
  } catch {
    return send(400, "bad request\n"); // a malformed %-escape
  }
  if (!path) return send(403, "forbidden\n");
  let info = await stat(path).catch(() => undefined);
  if (info?.isDirectory()) {
    path = join(path, "index.html");
    info = await stat(path).catch(() => undefined);
  }
  if (!info?.isFile()) return send(404, "not found\n");
  response.writeHead(200, {
    "content-type": types[extname(path)] ?? "application/octet-stream",
    "content-length": info.size,
    "cache-control": "no-store",
  });
  if (request.method === "HEAD") return response.end();
  createReadStream(path).pipe(response);
}

const { values } = parseArgs({ options: { port: { type: "string", default: "8000" } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`serve: --port expects a port number, got '${values.port}'\n`);
  process.exit(2);
}

const server = createServer((request, response) => {
  handle(request, response).catch((error) => {
    process.stderr.write(`serve: ${request.url}: ${error.message}\n`);
    if (!response.headersSent) response.writeHead(500).end();
    else response.destroy();
  });
});
server.on("error", (error) => {
  const hint = error.code === "EADDRINUSE" ? ` (port ${port} is taken; try --port 0 for a free one)` : "";
  process.stderr.write(`serve: ${error.message}${hint}\n`);
  process.exit(1);
});
server.listen(port, "127.0.0.1", () => {
  process.stdout.write(`http://127.0.0.1:${server.address().port}${PAGE}\n`);
});
