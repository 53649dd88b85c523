/**
 * The only doors from the model file into emitted code. Names are validated against the
 * identifier grammar and only ever emitted inside string literals (JSON-escaped); comments
 * carry canonical printed statements, checked to hold nothing but identifier characters,
 * numbers, spaces and operators, so no text can close a comment or start code. Numbers are
 * checked finite. Any violation is a compiler bug and throws.
 */

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const COMMENT = /^[A-Za-z0-9_ .,:;()[\]*+\-/^~=<>]*$/;

/** A model name as a JavaScript string literal. */
export function nameLiteral(name: string): string {
  if (!NAME.test(name)) throw new Error(`internal: refusing to emit the name ${JSON.stringify(name)}`);
  return JSON.stringify(name);
}

/** A finite number as a JavaScript literal that reads back to the same double. */
export function numberLiteral(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`internal: refusing to emit the number ${v}`);
  return Object.is(v, -0) ? "-0" : String(v);
}

/** Text for a `//` comment: printed model statements only. */
export function commentText(text: string): string {
  if (!COMMENT.test(text)) throw new Error(`internal: refusing to emit the comment ${JSON.stringify(text)}`);
  return text;
}
