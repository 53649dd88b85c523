/**
 * Files in and out. Reading: every way a read can go wrong (missing, a directory, unreadable,
 * over a size limit, not UTF-8) is a usage error. Data files are read in pieces, so memory does
 * not grow with them. Writing: every file goes to a temporary file in the same directory, is
 * flushed and renamed into place, so a failed write never leaves a damaged file where a good one
 * was; an output that would overwrite an input is refused.
 */
import { chmodSync, closeSync, constants as fsConstants, fstatSync, fsyncSync, openSync, readFileSync, readSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

/** Where the CLI writes. */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr is a terminal (a progress bar is drawn only then). */
  isTTY?: boolean;
}

/** A problem with how the command was called (exit code 2). */
export class UsageError extends Error {}

/** Model files larger than this are refused: no real model is near it. */
export const MAX_MODEL_BYTES = 1_000_000;

/** Saved states larger than this are refused (a state is parsed whole). */
export const MAX_STATE_BYTES = 500_000_000;

/** Bytes read at a time from a data file. */
const PIECE = 1 << 20;

/** Reads a model file as UTF-8 text (a leading byte-order mark is dropped). */
export function readModelFile(path: string): string {
  return readTextFile(path, "model file", MAX_MODEL_BYTES);
}

/** Reads a UTF-8 text file (model, data or saved state), with every failure a usage error. */
export function readTextFile(path: string, what: string, maxBytes: number): string {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new UsageError(`${path} is a directory, not a ${what}`);
    if (!st.isFile()) throw new UsageError(`${path} is not a regular file`);
    size = st.size;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot read ${path}: ${describeFsError(e)}`);
  }
  if (size > maxBytes) throw new UsageError(`${path} is ${size} bytes; a ${what} is limited to ${maxBytes} bytes`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${describeFsError(e)}`);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes); // drops a byte-order mark
  } catch {
    throw new UsageError(`${path} is not valid UTF-8 text`);
  }
}

/**
 * Reads a UTF-8 text file in pieces, handing each decoded piece to `onText`; a piece may end
 * inside a line. Returns when the file is read.
 * @throws UsageError when the file cannot be read or is not UTF-8.
 */
export async function readTextPieces(path: string, what: string, onText: (text: string) => void | Promise<void>, expected?: FileIdentity): Promise<FileIdentity> {
  let fd: number;
  let identity: FileIdentity;
  try {
    // non-blocking, so a pipe with no writer cannot hang the open; regular files are unaffected
    fd = openSync(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
    const st = fstatSync(fd);
    identity = { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, dev: st.dev };
    const refuse = (why: string) => {
      closeSync(fd);
      throw new UsageError(why);
    };
    if (st.isDirectory()) refuse(`${path} is a directory, not a ${what}`);
    // data are read twice (checked, then fitted), which a pipe or device cannot give
    if (!st.isFile()) refuse(`${path} is not a regular file; a ${what} is read twice, so save it to a file first`);
    if (expected && (expected.size !== identity.size || expected.mtimeMs !== identity.mtimeMs || expected.ino !== identity.ino || expected.dev !== identity.dev)) {
      refuse(`${path} changed while it was being read; fit again once it is complete`);
    }
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot read ${path}: ${describeFsError(e)}`);
  }
  const decoder = new TextDecoder("utf-8", { fatal: true }); // drops a byte-order mark
  const buffer = Buffer.allocUnsafe(PIECE);
  try {
    for (;;) {
      let got: number;
      try {
        got = readSync(fd, buffer, 0, PIECE, null);
      } catch (e) {
        throw new UsageError(`cannot read ${path}: ${describeFsError(e)}`);
      }
      let text: string;
      try {
        text = decoder.decode(buffer.subarray(0, got), { stream: got > 0 });
      } catch {
        throw new UsageError(`${path} is not valid UTF-8 text`);
      }
      if (text) await onText(text);
      if (got === 0) return identity;
    }
  } finally {
    closeSync(fd);
  }
}

/** What identifies a file's content between two reads of it. */
export interface FileIdentity {
  size: number;
  mtimeMs: number;
  ino: number;
  dev: number;
}

/** A file the tool could not write (exit 1): the path and the reason. */
export class WriteError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`cannot write ${path}: ${reason}`);
  }
}

/** A file's identity for the "output is an input" check: its real path when it exists. */
function identity(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    try {
      return join(realpathSync(dirname(resolve(path))), basename(path));
    } catch {
      return resolve(path);
    }
  }
}

/**
 * Refuses an output path that names one of the inputs (or another output), before any work.
 * @throws UsageError naming both options.
 */
export function checkOutputs(inputs: Record<string, string | undefined>, outputs: Record<string, string | undefined>): void {
  const seen = new Map<string, string>();
  for (const [flag, path] of Object.entries(inputs)) if (path !== undefined) seen.set(identity(path), flag);
  for (const [flag, path] of Object.entries(outputs)) {
    if (path === undefined) continue;
    const id = identity(path);
    const other = seen.get(id);
    if (other !== undefined) throw new UsageError(`${flag} ${path} would overwrite the ${other} file; choose another path`);
    seen.set(id, flag);
  }
}

/**
 * A file written atomically as it is produced: the pieces go to a temporary file beside the
 * target, which {@link commit} flushes to disk and renames over it; {@link abort} (or any
 * failure) removes the temporary file and leaves the target untouched. A large output never
 * has to exist as one string, and a stream's output can be written while it runs.
 */
export class AtomicFile {
  private fd: number | undefined;
  private readonly temporary: string;
  private readonly target: string;
  private written = 0;

  /** @throws WriteError naming the path and the reason (a directory, a device, no permission). */
  constructor(
    readonly path: string,
    private readonly maxBytes = Infinity,
  ) {
    // a link is written through, as a plain write would: the file it names is replaced
    let target = path;
    try {
      target = realpathSync(path);
    } catch {
      // does not exist yet
    }
    this.target = target;
    // short and fixed in length, so a long but legal target name still leaves room
    this.temporary = join(dirname(target), `.hsmoe-${process.pid}-${Math.random().toString(36).slice(2, 8)}.tmp`);
    this.guard(() => {
      let mode = 0o644;
      try {
        const st = statSync(target);
        if (st.isDirectory()) throw new WriteError(path, "it is a directory");
        // a rename would replace a device or pipe (say /dev/null) with a plain file
        if (!st.isFile()) throw new WriteError(path, "it is not a regular file");
        mode = st.mode & 0o777; // a state made private stays private
      } catch (e) {
        if (e instanceof WriteError) throw e;
      }
      this.fd = openSync(this.temporary, "wx", mode);
      chmodSync(this.temporary, mode); // the umask may have narrowed it
    });
  }

  /** Appends a piece. @throws WriteError (the temporary file is then gone). */
  write(piece: string): void {
    this.guard(() => {
      if (this.fd === undefined) throw new WriteError(this.path, "it was already closed");
      const bytes = Buffer.from(piece, "utf8");
      this.written += bytes.length;
      if (this.written > this.maxBytes) throw new WriteError(this.path, `it would be larger than ${this.maxBytes} bytes, more than can be read back`);
      let off = 0;
      while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off);
    });
  }

  /** Flushes the file and renames it over the target. @throws WriteError (the target is then untouched). */
  commit(): void {
    this.guard(() => {
      if (this.fd === undefined) throw new WriteError(this.path, "it was already closed");
      fsyncSync(this.fd);
      closeSync(this.fd);
      this.fd = undefined;
      renameSync(this.temporary, this.target);
      syncDirectory(dirname(this.target));
    });
  }

  /** Drops what was written; the target stays as it was. Safe to call more than once. */
  abort(): void {
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // already failing; the error the caller handles is the one to report
      }
      this.fd = undefined;
    }
    try {
      unlinkSync(this.temporary);
    } catch {
      // never created, or already renamed
    }
  }

  private guard(body: () => void): void {
    try {
      body();
    } catch (e) {
      this.abort();
      if (e instanceof WriteError) throw e;
      throw new WriteError(this.path, describeFsError(e));
    }
  }
}

/**
 * Writes a file atomically (see {@link AtomicFile}): pieces are written one at a time.
 * @throws WriteError naming the path and the reason; the target is then untouched.
 */
export function writeFileAtomic(path: string, pieces: Iterable<string>, maxBytes = Infinity): void {
  const file = new AtomicFile(path, maxBytes);
  try {
    for (const piece of pieces) file.write(piece);
  } catch (e) {
    file.abort();
    throw e instanceof WriteError ? e : new WriteError(path, describeFsError(e));
  }
  file.commit();
}

/** Flushes a directory, so a rename in it survives a crash; not every system allows it. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // the file itself is safe; only the rename's durability is best effort
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** A file-system error in words a user can act on. */
export function describeFsError(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  if (code === "ENOENT") return "no such file or directory";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "it is a directory";
  if (code === "ENOSPC") return "no space left on the device";
  if (code === "EDQUOT") return "disk quota exceeded";
  if (code === "EFBIG" || code === "ERR_FS_FILE_TOO_LARGE") return "the file is too large for this system or its limits";
  if (code === "EROFS") return "the file system is read-only";
  if (code === "ENOTDIR") return "a part of the path is not a directory";
  if (code === "ENAMETOOLONG") return "the path is too long";
  if (e instanceof RangeError) return "the output is too large to build in memory";
  return typeof code === "string" ? code : e instanceof Error ? e.message : String(e);
}
