/**
 * Saved states (`fit --save`, read by `predict`): a versioned JSON document holding the model
 * source, its hyperparameters, the input columns (and which of them feed which of the model's
 * inputs) and the filter snapshot, with a SHA-256 checksum of the payload. Loading checks
 * everything before use — format and version, the checksum, every field's type, the source
 * against its hash, the columns against the snapshot's input sizes — and the filter's own restore
 * then checks the snapshot against the compiled model.
 * Whatever is wrong is a {@link StateError} (exit 1) that says what: "corrupt state" for a
 * damaged or edited file, "state from another model" for one that does not fit.
 *
 * The checker is written out rather than taken from a schema package: the payload's bulk is the
 * filter snapshot, whose fields only the runtime's restore can check (sizes depend on the model),
 * and the few envelope fields read plainly below.
 */
import { createHash } from "node:crypto";
import type { FilterSnapshot } from "../runtime/pl/filter.js";

/** The format tag of states this version writes. */
export const STATE_FORMAT = "hsmoe-state/3";

/** What a state holds besides its envelope. */
export interface StatePayload {
  /** The model file's name when it was fitted (for messages). */
  file: string;
  /** The model source. */
  source: string;
  /** SHA-256 of `source`, hex. */
  sourceHash: string;
  /** Hyperparameters set with `--set` (an array's entries as a list). */
  hypers: Record<string, number | readonly number[]>;
  /** Input columns, in order; as many as the snapshot's input size. */
  inputColumns: string[];
  /**
   * The columns of each of the model's inputs, in row order: `inputColumns` split by input.
   * States saved before the CLI read several inputs lack it (their model has one input).
   */
  inputs?: { name: string; columns: string[] }[];
  snapshot: FilterSnapshot;
}

/** A saved state that cannot be used (exit 1): corrupt, or of another model. */
export class StateError extends Error {}

/** SHA-256 of text, hex. */
export function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/**
 * The payload's JSON text in pieces, so a large snapshot (one piece per particle set) never has
 * to be one string; the pieces joined equal `JSON.stringify(payload)`.
 */
function* payloadPieces(p: StatePayload): Generator<string> {
  const { snapshot, ...envelope } = p;
  const { sets, ...head } = snapshot;
  yield JSON.stringify(envelope).slice(0, -1) + ',"snapshot":' + JSON.stringify(head).slice(0, -1) + ',"sets":[';
  for (let m = 0; m < sets.length; m++) yield (m > 0 ? "," : "") + JSON.stringify(sets[m]);
  yield "]}}";
}

/** The state file's text in pieces: format, payload, then the payload's checksum. */
export function* statePieces(p: StatePayload): Generator<string> {
  const hash = createHash("sha256");
  yield `{"format":"${STATE_FORMAT}","payload":`;
  for (const piece of payloadPieces(p)) {
    hash.update(piece, "utf8");
    yield piece;
  }
  yield `,"checksum":"sha256:${hash.digest("hex")}"}\n`;
}

function payloadChecksum(p: StatePayload): string {
  const hash = createHash("sha256");
  for (const piece of payloadPieces(p)) hash.update(piece, "utf8");
  return `sha256:${hash.digest("hex")}`;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
export const isColumnList = (v: unknown): v is string[] => Array.isArray(v) && v.length > 0 && v.every((c) => typeof c === "string");

/**
 * Parses and checks a state file's text.
 * @throws StateError saying what is wrong.
 */
export function parseState(text: string, path: string): StatePayload {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new StateError(`corrupt state ${path}: it is not JSON (truncated or damaged?)`);
  }
  return checkState(doc, path);
}

/**
 * Checks a parsed state file.
 * @throws StateError saying what is wrong.
 */
export function checkState(doc: unknown, path: string): StatePayload {
  const corrupt = (why: string) => new StateError(`corrupt state ${path}: ${why}`);
  if (!isObject(doc)) throw corrupt("it is not a JSON object");
  // Format 2 states hold model states without D and with scalar prior scales (before design rows).
  if (doc.format === "hsmoe-state/1" || doc.format === "hsmoe-state/2") {
    throw new StateError(`${path} was saved by an older hsmoe (format ${doc.format}); fit again to save it in this version's format`);
  }
  if (doc.format !== STATE_FORMAT) throw new StateError(`${path} is not a state saved by hsmoe fit --save (format ${JSON.stringify(doc.format)?.slice(0, 40)}, expected "${STATE_FORMAT}")`);
  const p = doc.payload;
  if (!isObject(p)) throw corrupt("it has no payload");
  const fields: [keyof StatePayload, (v: unknown) => boolean, string][] = [
    ["file", (v) => typeof v === "string", "text"],
    ["source", (v) => typeof v === "string", "text"],
    ["sourceHash", (v) => typeof v === "string" && /^[0-9a-f]{64}$/.test(v), "a SHA-256 hex digest"],
    ["hypers", (v) => isObject(v) && Object.values(v).every((h) => (Array.isArray(h) ? h : [h]).every((x) => typeof x === "number" && Number.isFinite(x))), "an object of finite numbers and lists of them"],
    ["inputColumns", isColumnList, "a list of column names"],
    ["inputs", (v) => v === undefined || (Array.isArray(v) && v.length > 0 && v.every((x) => isObject(x) && typeof x.name === "string" && isColumnList(x.columns))), "a list of inputs with their columns"],
    ["snapshot", isObject, "an object"],
  ];
  for (const [name, ok, what] of fields) if (!ok(p[name])) throw corrupt(`payload.${name} is not ${what}`);
  const payload = p as unknown as StatePayload;
  if (typeof doc.checksum !== "string") throw corrupt("it has no checksum");
  if (doc.checksum !== payloadChecksum(payload)) throw corrupt("the checksum does not match (the file was changed after it was saved)");
  if (sha256(payload.source) !== payload.sourceHash) throw corrupt("the model source does not match its hash");
  if (payload.inputColumns.length !== payload.snapshot.D) {
    throw corrupt(`it names ${payload.inputColumns.length} input columns but its filter has ${String(payload.snapshot.D).slice(0, 20)} inputs`);
  }
  if (payload.inputs !== undefined) {
    const flat = payload.inputs.flatMap((x) => x.columns);
    if (flat.length !== payload.inputColumns.length || flat.some((c, j) => c !== payload.inputColumns[j])) throw corrupt("its inputs' columns are not its input columns");
    const lengths = payload.inputs.map((x) => x.columns.length);
    const sizes: unknown = payload.snapshot.inputs ?? [payload.snapshot.D];
    if (!Array.isArray(sizes) || sizes.length !== lengths.length || sizes.some((n, q) => n !== lengths[q])) {
      throw corrupt(`its inputs read ${lengths.join(", ")} columns but its filter's inputs have ${JSON.stringify(sizes).slice(0, 40)} entries`);
    }
  }
  return payload;
}
