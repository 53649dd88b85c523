/**
 * Reading a model file with every way it can go wrong turned into a usage error: missing,
 * a directory, unreadable, over the size limit, or not UTF-8.
 */
import { readFileSync, statSync } from "node:fs";

/** A problem with how the command was called (exit code 2). */
export class UsageError extends Error {}

/** Model files larger than this are refused: no real model is near it. */
export const MAX_MODEL_BYTES = 1_000_000;

/** Data files larger than this are refused (the whole file is held in memory). */
export const MAX_DATA_BYTES = 1_000_000_000;

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

function describeFsError(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "it is a directory";
  return code ?? String(e);
}
