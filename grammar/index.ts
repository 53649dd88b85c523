/**
 * The grammar's API: text in, CST and lexing/parsing errors out, as data. Nothing here throws
 * on bad input nested within the compiler's limit: the parser recurses once per bracket, so
 * compiler/1-parse measures the nesting of the tokens before it parses them.
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

/** The tokens of a text and the lexing errors met on the way. */
export interface LexResult {
  tokens: IToken[];
  lexErrors: ILexingError[];
  /** Block comments that never close. */
  unterminatedComments: IToken[];
  /** `#` comments, which the language does not have. */
  hashComments: IToken[];
}

/** Lexes `text`; comments and white space are dropped, error tokens set apart. */
export function lexText(text: string): LexResult {
  const lexed = lexer.tokenize(text);
  const errorTokens = lexed.groups.errors ?? [];
  const unterminatedComments = errorTokens.filter((t) => t.tokenType === UnterminatedComment);
  const hashComments = errorTokens.filter((t) => t.tokenType === HashComment);
  return { tokens: lexed.tokens, lexErrors: lexed.errors, unterminatedComments, hashComments };
}

/** Built on the first syntax error (see {@link parseTokens}). */
let recoveringParser: MoeParser | undefined;

/**
 * Parses tokens with the `program` rule. Most input is valid, so it is parsed first without
 * recovery, which is quicker; only when that parse fails, and `recover` allows, is it parsed
 * again with recovery, to report every error. Recovery acts only on errors, so the two
 * parsers agree on valid input, and both fail on the same input.
 */
export function parseTokens(tokens: IToken[], recover = true): Pick<CstResult, "cst" | "parseErrors"> {
  parser.input = tokens;
  let cst = parser.program();
  let parseErrors = parser.errors;
  if (parseErrors.length > 0 && recover) {
    recoveringParser ??= new MoeParser(true);
    recoveringParser.input = tokens;
    cst = recoveringParser.program();
    parseErrors = recoveringParser.errors;
  }
  return { cst, parseErrors };
}

/** Lexes and parses `text` with the `program` rule (see {@link parseTokens}). */
export function parseCst(text: string): CstResult {
  const lexed = lexText(text);
  return { ...parseTokens(lexed.tokens), lexErrors: lexed.lexErrors, unterminatedComments: lexed.unterminatedComments, hashComments: lexed.hashComments };
}

export { parser, MoeParser } from "./parser.js";
export * as tokens from "./tokens.js";
