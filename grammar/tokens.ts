/**
 * Tokens of the `.moe` language.
 *
 * Keywords are declared with `longer_alt: Identifier` so that `database` lexes as one
 * identifier, not `data` + `base`; `int` is listed before `in` for the same reason. Identifiers are ASCII only: a model's names end up as
 * (mangled) identifiers in emitted JavaScript, and ASCII keeps that path simple and safe.
 * Numbers need a digit after a decimal point, so `1..K` lexes as `1`, `..`, `K`.
 */
import { createToken, Lexer, type IToken, type TokenType } from "chevrotain";

export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\r\n\f]+/, group: Lexer.SKIPPED });
export const LineComment = createToken({ name: "LineComment", pattern: /\/\/[^\n\r]*/, group: Lexer.SKIPPED });
export const BlockComment = createToken({ name: "BlockComment", pattern: /\/\*[\s\S]*?\*\//, group: Lexer.SKIPPED });
/** A block comment that runs to the end of the file; reported, then dropped. */
export const UnterminatedComment = createToken({ name: "UnterminatedComment", pattern: /\/\*[\s\S]*/, group: "errors" });

/** `# …`: a comment in another language's style; reported with a hint, then skipped to the line end. */
export const HashComment = createToken({ name: "HashComment", pattern: /#[^\n\r]*/, group: "errors" });

export const Identifier = createToken({ name: "Identifier", pattern: /[A-Za-z_][A-Za-z0-9_]*/ });

function keyword(name: string, word: string): TokenType {
  return createToken({ name, pattern: new RegExp(word), longer_alt: Identifier });
}
export const Model = keyword("Model", "model");
export const Data = keyword("Data", "data");
export const Param = keyword("Param", "param");
export const In = keyword("In", "in");
export const Int = keyword("Int", "int");
export const Real = keyword("Real", "real");
export const Vector = keyword("Vector", "vector");
export const Matrix = keyword("Matrix", "matrix");

export const NumberLiteral = createToken({ name: "NumberLiteral", pattern: /\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/ });

export const LParen = createToken({ name: "LParen", pattern: "(" });
export const RParen = createToken({ name: "RParen", pattern: ")" });
export const LCurly = createToken({ name: "LCurly", pattern: "{" });
export const RCurly = createToken({ name: "RCurly", pattern: "}" });
export const LBracket = createToken({ name: "LBracket", pattern: "[" });
export const RBracket = createToken({ name: "RBracket", pattern: "]" });
export const Comma = createToken({ name: "Comma", pattern: "," });
export const Semicolon = createToken({ name: "Semicolon", pattern: ";" });
export const Colon = createToken({ name: "Colon", pattern: ":" });
export const Tilde = createToken({ name: "Tilde", pattern: "~" });
export const Equals = createToken({ name: "Equals", pattern: "=" });
export const Range = createToken({ name: "Range", pattern: ".." });
export const Plus = createToken({ name: "Plus", pattern: "+" });
export const Minus = createToken({ name: "Minus", pattern: "-" });
export const Star = createToken({ name: "Star", pattern: "*" });
export const Slash = createToken({ name: "Slash", pattern: "/" });
export const Caret = createToken({ name: "Caret", pattern: "^" });

/** Every token, in lexer priority order (comments before `/`, keywords before Identifier). */
export const allTokens: TokenType[] = [
  WhiteSpace, LineComment, BlockComment, UnterminatedComment, HashComment,
  Model, Data, Param, Int, In, Real, Vector, Matrix,
  Identifier, NumberLiteral,
  LParen, RParen, LCurly, RCurly, LBracket, RBracket,
  Comma, Semicolon, Colon, Tilde, Equals, Range,
  Plus, Minus, Star, Slash, Caret,
];

/** The keywords, for did-you-mean suggestions and for the reference page. */
export const keywords: readonly string[] = ["model", "data", "param", "in", "int", "real", "vector", "matrix"];

/**
 * A token exactly as chevrotain's "full" position tracking makes it, but built by a class.
 * Chevrotain builds tokens as object literals of the same shape as its end-of-file token,
 * whose offsets are NaN, so V8 keeps the offsets, lines and columns of every token as separate
 * heap numbers (seven allocations per token). Instances of a class get a hidden class of their
 * own and keep those fields as small integers, which more than halves the time spent lexing.
 */
class Token implements IToken {
  endOffset: number;
  endLine: number;
  endColumn: number;

  constructor(
    public image: string,
    public startOffset: number,
    public tokenTypeIdx: number,
    public tokenType: TokenType,
    public startLine: number,
    public startColumn: number,
    imageLength: number,
  ) {
    this.endOffset = startOffset + imageLength - 1;
    this.endLine = startLine;
    this.endColumn = startColumn + imageLength - 1;
  }
}

/** Chevrotain's lexer, making its tokens as {@link Token}s. */
class MoeLexer extends Lexer {
  /** Replaces chevrotain's (untyped) method of this name, which it calls to make each token. */
  createFullToken(
    image: string,
    startOffset: number,
    tokenTypeIdx: number,
    tokenType: TokenType,
    startLine: number,
    startColumn: number,
    imageLength: number,
  ): IToken {
    return new Token(image, startOffset, tokenTypeIdx, tokenType, startLine, startColumn, imageLength);
  }
}

export const lexer: Lexer = new MoeLexer(allTokens, { ensureOptimizations: true, positionTracking: "full" });
