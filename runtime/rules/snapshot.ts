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
  const binary = atob(text);
  if (binary.length !== 8 * length) {
    throw new Error(`snapshot field holds ${binary.length} bytes, expected ${8 * length}`);
  }
  const view = new DataView(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) view.setUint8(i, binary.charCodeAt(i));
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = view.getFloat64(8 * i, true);
  return out;
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
