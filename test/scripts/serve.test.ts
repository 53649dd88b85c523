/**
 * scripts/serve.mjs, the playground's static server, against hostile input: files it cannot
 * read, paths outside what the page needs, foreign Host headers (DNS rebinding), symlinks out of
 * the served tree, and bad command lines. Each case runs the real script on a free port.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { basename, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const script = join(root, "scripts/serve.mjs");
const NOT_SERVED = [403, 404];

interface Server {
  child: ChildProcess;
  port: number;
  stderr: string[];
}

/**
 * Starts serve.mjs on a free port. `unprivileged`: as root, run it as nobody, so that file
 * permissions apply to it (root reads a mode-000 file anyway).
 */
async function startServer(unprivileged = false): Promise<Server> {
  const asNobody = unprivileged && process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const child = spawn(process.execPath, [script, "--port", "0"], { cwd: root, stdio: ["ignore", "pipe", "pipe"], ...asNobody });
  const stderr: string[] = [];
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => stderr.push(chunk));
  const [line] = (await once(createInterface({ input: child.stdout! }), "line")) as [string];
  return { child, port: Number(new URL(line).port), stderr };
}

async function stopServer(server: Server | undefined): Promise<void> {
  if (!server || server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = once(server.child, "exit");
  server.child.kill();
  await exited;
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request to the server, with the Host header a browser would send unless `host` is given. */
function get(port: number, path: string, options: { host?: string; method?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers = { host: options.host ?? `127.0.0.1:${port}` };
    const req = request({ host: "127.0.0.1", port, path, method: options.method ?? "GET", headers, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

// A scratch folder inside a served one (git-ignored), for files the repository does not have.
let scratch: string;
let scratchUrl: string;
beforeAll(() => {
  scratch = mkdtempSync(join(root, "examples/browser/serve-test-"));
  chmodSync(scratch, 0o755); // mkdtemp makes it 0700; the unprivileged server must enter it
  scratchUrl = `/examples/browser/${basename(scratch)}/`;
  writeFileSync(join(scratch, "ok.txt"), "fine\n");
  writeFileSync(join(scratch, "unreadable.txt"), "secret\n");
  chmodSync(join(scratch, "unreadable.txt"), 0o000);
  writeFileSync(join(scratch, ".env"), "TOKEN=1\n");
  mkdirSync(join(scratch, ".hidden"));
  writeFileSync(join(scratch, ".hidden/x.txt"), "hidden\n");
  execFileSync("mkfifo", [join(scratch, "fifo.csv")]); // opening it for reading would wait for a writer
  symlinkSync("/etc/passwd", join(scratch, "passwd.txt"));
  symlinkSync(join(root, "package.json"), join(scratch, "package.json"));
  symlinkSync(root, join(scratch, "repo"));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("serve.mjs", () => {
  let server: Server | undefined;
  afterAll(() => stopServer(server));
  const port = () => server!.port;
  beforeAll(async () => {
    server = await startServer();
  });

  it("serves the playground page, its styles, sample data and model, uncached", async () => {
    const page = await get(port(), "/examples/browser/");
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.headers["cache-control"]).toBe("no-store");
    expect(page.body).toContain("hsmoe playground");
    for (const path of ["/examples/browser/styles.css", "/examples/data/piecewise-train.csv", "/stdlib/hsmoe.moe", `${scratchUrl}ok.txt`]) {
      expect((await get(port(), path)).status, path).toBe(200);
    }
    const head = await get(port(), "/stdlib/hsmoe.moe", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.body).toBe("");
    expect(Number(head.headers["content-length"])).toBeGreaterThan(0);
    expect((await get(port(), "/stdlib/hsmoe.moe", { method: "POST" })).status).toBe(405);
  });

  it("serves nothing outside what the page needs, and no dotfiles", async () => {
    const paths = [
      "/",
      "/.git/HEAD",
      "/.git/config",
      "/.gitignore",
      "/package.json",
      "/node_modules/vega/package.json",
      "/test/scripts/serve.test.ts",
      "/scripts/serve.mjs",
      "/index.ts",
      "/examples/",
      "/examples/browser/../../package.json",
      "/examples/browser/%2e%2e/%2e%2e/package.json",
      "/examples/browser%2f..%2f..%2fpackage.json",
      "/stdlib/..%2fpackage.json",
      `${scratchUrl}.env`,
      `${scratchUrl}.hidden/x.txt`,
      `${scratchUrl}%2ehidden/x.txt`,
      `${scratchUrl}fifo.csv`,
      "/stdlib/hsmoe.moe%00.txt",
    ];
    for (const path of paths) expect(NOT_SERVED, path).toContain((await get(port(), path)).status);
    expect((await get(port(), "/examples/browser/%zz")).status).toBe(400);
  });

  it("answers only requests addressed to the loopback names with its port", async () => {
    for (const host of [`127.0.0.1:${port()}`, `localhost:${port()}`, `[::1]:${port()}`, `LOCALHOST:${port()}`]) {
      expect((await get(port(), "/examples/browser/", { host })).status, host).toBe(200);
    }
    for (const host of ["evil.example", `evil.example:${port()}`, "localhost", "127.0.0.1", `127.0.0.1:${port() + 1}`, `127.0.0.1.evil.example:${port()}`, `localhost:${port()}@evil.example`]) {
      const reply = await get(port(), "/examples/browser/", { host });
      expect([403, 421], host).toContain(reply.status);
      expect(reply.body, host).not.toContain("hsmoe playground");
    }
  });

  it("does not follow symlinks out of the served folders", async () => {
    for (const path of [`${scratchUrl}passwd.txt`, `${scratchUrl}package.json`, `${scratchUrl}repo/package.json`, `${scratchUrl}repo/.git/HEAD`]) {
      const reply = await get(port(), path);
      expect(NOT_SERVED, path).toContain(reply.status);
      expect(reply.body, path).not.toMatch(/root:|"name"|ref:/);
    }
    // A symlink that stays inside a served folder is fine.
    expect((await get(port(), `${scratchUrl}repo/stdlib/hsmoe.moe`)).status).toBe(200);
  });
});

describe("serve.mjs, a file it cannot open", () => {
  let server: Server | undefined;
  afterAll(() => stopServer(server));

  it("answers an error and keeps serving", async () => {
    server = await startServer(true);
    expect((await get(server.port, `${scratchUrl}ok.txt`)).status).toBe(200);
    expect([404, 500]).toContain((await get(server.port, `${scratchUrl}unreadable.txt`)).status);
    expect((await get(server.port, `${scratchUrl}ok.txt`)).body).toBe("fine\n");
    expect(server.child.exitCode).toBeNull();
    expect(server.stderr.join("")).toContain("unreadable.txt");
  });
});

describe("serve.mjs command line", () => {
  const bad = [["--port", "-1"], ["--port", "abc"], ["--port", "70000"], ["--port", ""], ["--port", "1.5"], ["--port"], ["--bogus"], ["extra"]];
  it.each(bad.map((args) => [JSON.stringify(args), args] as const))("%s: one line on stderr, exit 2", (_, args) => {
    // A timeout, in case a bad port is taken for a good one and the server starts.
    const r = spawnSync(process.execPath, [script, ...args], { cwd: root, encoding: "utf8", timeout: 10_000 });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^serve: [^\n]+\n$/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
