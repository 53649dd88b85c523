/**
 * Bit-exact serialisation of the rule states' typed arrays, for `toJSON` / `fromJSON`
 * (DESIGN.md §4: a restored filter continues bit-for-bit).
 *
 * Conventions: a `Float64Array` is written as base64 of its IEEE-754 bytes in little-endian
 * order (through a `DataView`, so the text does not depend on the platform's byte order); NaN
 * payloads, signed zeros and subnormals survive the round trip. Only `btoa`/`atob` are used,
 * which Node ≥ 16 and browsers both provide, so the runtime stays import-free of Node APIs.
 * These run at snapshot time, off the hot path; they allocate freely.
 */

/** Bytes per base64 chunk passed to `String.fromCharCode` (a multiple of 3 keeps chunks aligned). */
const CHUNK = 3 * 8192;

/** Base64 text of the little-endian IEEE-754 bytes of `a`. */
export function encodeFloat64(a: Float64Array): string {
  const bytes = new Uint8Array(a.length * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < a.length; i++) view.setFloat64(8 * i, a[i], true);
  let text = "";
  for (let s = 0; s < bytes.length; s += CHUNK) {
    text += btoa(String.fromCharCode.apply(null, Array.from(bytes.subarray(s, s + CHUNK))));
  }
  return text;
}

/**
 * Inverse of {@link encodeFloat64}.
 * @throws Error if the text is not valid base64 or does not hold exactly `length` doubles.
 */
export function decodeFloat64(text: string, length: number): Float64Array {
  const binary = fromBase64(text);
  if (binary.length !== 8 * length) {
    throw new Error(`snapshot field holds ${binary.length} bytes, expected ${8 * length}`);
  }
  const view = new DataView(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) view.setUint8(i, binary.charCodeAt(i));
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = view.getFloat64(8 * i, true);
  return out;
}

/** Whether a character code is in the base64 alphabet (padding aside). */
const isBase64Code = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47;

/**
 * `atob` with its failure (a DOMException) turned into a plain Error that says what is wrong.
 * Checked by a loop, not a regular expression: a pattern with a repeated group overflows the
 * regular-expression stack on the megabytes of a long stream's histories.
 */
function fromBase64(text: unknown): string {
  if (typeof text !== "string") throw new Error(`snapshot field is ${text === null ? "null" : typeof text}, not base64 text`);
  let end = text.length;
  if (end % 4 !== 0) throw new Error("snapshot field is not valid base64");
  if (end > 0 && text.charCodeAt(end - 1) === 61) end--;
  if (end > 0 && text.charCodeAt(end - 1) === 61) end--;
  for (let i = 0; i < end; i++) if (!isBase64Code(text.charCodeAt(i))) throw new Error("snapshot field is not valid base64");
  return atob(text);
}

/**
 * Checks that a parsed snapshot is an object of the expected `kind`, so that restoring the
 * wrong rule's state fails loudly instead of producing garbage.
 * @throws Error if `json` is not an object whose `kind` equals `kind`.
 */
export function expectKind(json: unknown, kind: string): Record<string, unknown> {
  if (typeof json !== "object" || json === null || (json as { kind?: unknown }).kind !== kind) {
    throw new Error(`not a ${kind} snapshot`);
  }
  return json as Record<string, unknown>;
}

/**
 * Base64 text of non-negative integers below 2³¹ in the narrowest of 1, 2 or 4 little-endian
 * bytes that holds them all, prefixed by the width (`"1:"`, `"2:"`, `"4:"`). Allocation histories
 * hold one small integer per particle and row, so the width decides whether a long fit's state
 * fits in one JavaScript string at all.
 */
export function encodeIntegers(a: ArrayLike<number>): string {
  let max = 0;
  for (let i = 0; i < a.length; i++) if (a[i] > max) max = a[i];
  const width = max < 256 ? 1 : max < 65536 ? 2 : 4;
  const bytes = new Uint8Array(a.length * width);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < a.length; i++) {
    if (width === 1) bytes[i] = a[i];
    else if (width === 2) view.setUint16(2 * i, a[i], true);
    else view.setInt32(4 * i, a[i], true);
  }
  let text = `${width}:`;
  for (let s = 0; s < bytes.length; s += CHUNK) text += btoa(String.fromCharCode.apply(null, Array.from(bytes.subarray(s, s + CHUNK))));
  return text;
}

/**
 * Inverse of {@link encodeIntegers}: exactly `length` integers (as many as the text holds when
 * undefined), each in `[0, bound)`.
 * @throws Error if the text is malformed, of another length, or holds a value out of range.
 */
export function decodeIntegers<T extends Int32Array | Uint16Array | Uint8Array = Int32Array>(text: string, length: number | undefined, bound: number, into?: T): T {
  const width = text.charCodeAt(0) - 48;
  if (typeof text !== "string" || text.charCodeAt(1) !== 58 || (width !== 1 && width !== 2 && width !== 4)) throw new Error("integer field has no width prefix");
  const binary = fromBase64(text.slice(2));
  length ??= Math.floor(binary.length / width);
  if (binary.length !== width * length) throw new Error(`integer field holds ${binary.length} bytes, expected ${width * length}`);
  const out = into ?? (new Int32Array(length) as T);
  const view = new DataView(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) view.setUint8(i, binary.charCodeAt(i));
  for (let i = 0; i < length; i++) {
    const v = width === 1 ? view.getUint8(i) : width === 2 ? view.getUint16(2 * i, true) : view.getInt32(4 * i, true);
    if (!(v >= 0 && v < bound)) throw new Error(`integer field holds ${v}, outside [0, ${bound})`);
    out[i] = v;
  }
  return out;
}
