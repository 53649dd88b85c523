/**
 * How deeply a model nests, measured on its tokens before anything recursive runs over them.
 * The parser recurses once per bracket, and the AST, the checker and the analysis recurse once
 * per level of the tree except down the left operand of a binary operator (a flat chain
 * `a + b + … + z`, however long, is walked by a loop). So the depth of a token counts every
 * bracket around it and, within each bracket, what makes the tree deeper without a bracket:
 * prefix minus signs (`- - x`), the right-associative powers of a chain (`a ^ b ^ c`) and
 * chained index suffixes (`x[1][2]`). A binary `+ - * /`, a comma or the start of a
 * statement ends such a chain.
 */
import type { IToken, TokenType } from "chevrotain";
import * as T from "../../grammar/tokens.js";

/**
 * Most levels of nesting a model may have. Chevrotain's recursive descent takes about 2 KB of
 * stack per bracket before V8 optimises it; the default 984 KB stack of a Node main thread
 * (worker threads get 4 MB) overflowed at about 350 nested calls in a cold process. 128 leaves
 * that margin more than twice over, and no real model comes near it.
 */
export const MAX_NESTING = 128;

/**
 * Deepest nesting at which a model with syntax errors is parsed a second time, with error
 * recovery, to report all its errors: chevrotain's recovery takes about three times the stack
 * of a plain parse, overflowing at about 120 levels in a cold process. Deeper than this, the
 * first error (from the plain parse) is reported alone.
 */
export const MAX_RECOVERY_NESTING = 32;

/** The nesting of a token stream: its depth, or where it first went beyond the limit. */
export interface Nesting {
  /** Greatest depth met (up to the limit). */
  depth: number;
  /** The token at which the depth first exceeded {@link MAX_NESTING}. */
  tooDeep: IToken | undefined;
}

/** Tokens after which a `-` is binary: the end of an operand. */
const operandEnds: ReadonlySet<TokenType> = new Set([T.Identifier, T.NumberLiteral, T.RParen, T.RBracket]);
/** Tokens that end a chain of powers, signs and suffixes (a binary `-` also does). */
const chainEnds: ReadonlySet<TokenType> = new Set([
  T.Plus, T.Star, T.Slash, T.Comma, T.Range, T.Tilde, T.Equals, T.Colon, T.Semicolon, T.LCurly, T.RCurly, T.Data, T.Param, T.In,
]);

/** Measures the nesting of `tokens` (see the module comment), stopping at the first token too deep. */
export function measureNesting(tokens: readonly IToken[]): Nesting {
  // `base`: the depth at which the innermost open bracket's contents start; `depth`: that plus
  // the chain in progress. Each open bracket saves the two of the level it interrupts.
  const saved: { base: number; depth: number }[] = [];
  let base = 0;
  let depth = 0;
  let deepest = 0;
  let previous: TokenType | undefined;
  for (const token of tokens) {
    const type = token.tokenType;
    if (type === T.Minus) depth = previous !== undefined && operandEnds.has(previous) ? base : depth + 1;
    else if (type === T.Caret) depth++;
    else if (chainEnds.has(type)) depth = base;
    if (type === T.LParen || type === T.LBracket) {
      // A suffix on a suffix or a call (`x[1][2]`, `f(x)[1]`) nests the index in its target.
      const chained = type === T.LBracket && (previous === T.RBracket || previous === T.RParen);
      saved.push({ base, depth: chained ? depth + 1 : depth });
      base = depth = depth + (chained ? 2 : 1);
    } else if ((type === T.RParen || type === T.RBracket) && saved.length > 0) {
      // Back to the chain the bracket interrupted: it can go on (`a ^ (b) ^ c`).
      ({ base, depth } = saved.pop()!);
    }
    previous = type;
    if (depth > MAX_NESTING) return { depth: deepest, tooDeep: token };
    if (depth > deepest) deepest = depth;
  }
  return { depth: deepest, tooDeep: undefined };
}
