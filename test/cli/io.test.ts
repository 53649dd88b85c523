/**
 * Files in and out (cli/io.ts): atomic writes keep modes, write through links, fit long names,
 * refuse oversized output without touching the target and leave no temporary file; data files
 * must be regular files (they are read twice) and a file that changes between reads is caught.
 */
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, chmodSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readTextPieces, UsageError, WriteError, writeFileAtomic } from "../../cli/io.js";

const dir = mkdtempSync(join(tmpdir(), "hsmoe-io-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const leftovers = () => readdirSync(dir).filter((f) => f.endsWith(".tmp"));

describe("writeFileAtomic", () => {
  it("keeps a private file private and writes through a link", () => {
    const path = join(dir, "private.json");
    writeFileSync(path, "old");
    chmodSync(path, 0o600);
    writeFileAtomic(path, ["new"]);
    expect(readFileSync(path, "utf8")).toBe("new");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const link = join(dir, "link.json");
    symlinkSync(path, link);
    writeFileAtomic(link, ["through"]);
    expect(readFileSync(path, "utf8")).toBe("through");
  });

  it("writes a file whose name is near the system's limit", () => {
    const path = join(dir, "s".repeat(250));
    writeFileAtomic(path, ["ok"]);
    expect(readFileSync(path, "utf8")).toBe("ok");
  });

  it("refuses output over the size limit and leaves the target as it was", () => {
    const path = join(dir, "big.json");
    writeFileSync(path, "good");
    expect(() => writeFileAtomic(path, ["0123456789", "0123456789"], 15)).toThrow(WriteError);
    expect(readFileSync(path, "utf8")).toBe("good");
    expect(leftovers()).toEqual([]);
  });

  it("refuses devices and directories", () => {
    expect(() => writeFileAtomic("/dev/null", ["x"])).toThrow(/not a regular file/);
    expect(() => writeFileAtomic(dir, ["x"])).toThrow(/is a directory/);
  });
});

describe("readTextPieces", () => {
  it("refuses devices, which cannot be read twice", async () => {
    await expect(readTextPieces("/dev/zero", "data file", () => {})).rejects.toThrow(/not a regular file/);
  });

  it("notices a file that changed between two reads", async () => {
    const path = join(dir, "data.csv");
    writeFileSync(path, "x1,y\n1,2\n");
    const first = await readTextPieces(path, "data file", () => {});
    expect(await readTextPieces(path, "data file", () => {}, first)).toEqual(first);
    writeFileSync(path, "x1,y\n1,2\n3,4\n");
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    await expect(readTextPieces(path, "data file", () => {}, first)).rejects.toThrow(UsageError);
  });
});
