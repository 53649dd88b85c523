/**
 * The grammar's API: text in, CST and lexing/parsing errors out, as data. Nothing here throws
 * on bad input.
 */
import type { CstNode, ILexingError, IRecognitionException, IToken } from "chevrotain";
import { HashComment, lexer, UnterminatedComment } from "./tokens.js";
import { MoeParser, parser } from "./parser.js";

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

/** Built on the first syntax error (see {@link parseCst}). */
let recoveringParser: MoeParser | undefined;

/**
 * Lexes and parses `text` with the `program` rule. Most input is valid, so it is parsed first
 * without recovery, which is quicker; only when that parse fails is it parsed again with
 * recovery, to report every error. Recovery acts only on errors, so the two parsers agree on
 * valid input, and both fail on the same input.
 */
export function parseCst(text: string): CstResult {
  const lexed = lexer.tokenize(text);
  const errorTokens = lexed.groups.errors ?? [];
  const unterminatedComments = errorTokens.filter((t) => t.tokenType === UnterminatedComment);
  const hashComments = errorTokens.filter((t) => t.tokenType === HashComment);
  parser.input = lexed.tokens;
  let cst = parser.program();
  let parseErrors = parser.errors;
  if (parseErrors.length > 0) {
    recoveringParser ??= new MoeParser(true);
    recoveringParser.input = lexed.tokens;
    cst = recoveringParser.program();
    parseErrors = recoveringParser.errors;
  }
  return { cst, lexErrors: lexed.errors, unterminatedComments, hashComments, parseErrors };
}

export { parser, MoeParser } from "./parser.js";
export * as tokens from "./tokens.js";
