/**
 * The grammar's API: text in, CST and lexing/parsing errors out, as data. Nothing here throws
 * on bad input.
 */
import type { CstNode, ILexingError, IRecognitionException, IToken } from "chevrotain";
import { HashComment, lexer, UnterminatedComment } from "./tokens.js";
import { parser } from "./parser.js";

/** What {@link parseCst} returns: a (possibly partial) CST and the errors met on the way. */
export interface CstResult {
  /** The `program` CST node; partial when there were syntax errors (chevrotain recovery). */
  cst: CstNode | undefined;
  lexErrors: ILexingError[];
  /** Block comments that never close. */
  unterminatedComments: IToken[];
  /** `#` comments, which the language does not have. */
  hashComments: IToken[];
  parseErrors: IRecognitionException[];
}

/** Lexes and parses `text` with the `program` rule. */
export function parseCst(text: string): CstResult {
  const lexed = lexer.tokenize(text);
  const errorTokens = lexed.groups.errors ?? [];
  const unterminatedComments = errorTokens.filter((t) => t.tokenType === UnterminatedComment);
  const hashComments = errorTokens.filter((t) => t.tokenType === HashComment);
  parser.input = lexed.tokens;
  const cst = parser.program();
  return { cst, lexErrors: lexed.errors, unterminatedComments, hashComments, parseErrors: [...parser.errors] };
}

export { parser, MoeParser } from "./parser.js";
export * as tokens from "./tokens.js";
