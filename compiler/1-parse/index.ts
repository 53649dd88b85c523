/**
 * Stage 1: source text → AST, or diagnostics. Lexing and parsing errors are collected
 * (chevrotain recovers and carries on), turned into catalogue diagnostics, and the AST is
 * built only from an error-free parse. Tokens nested deeper than {@link MAX_NESTING} are
 * reported before anything recursive runs over them, so no stage can run out of stack.
 */
import type { IRecognitionException, IToken } from "chevrotain";
import { lexText, parseTokens } from "../../grammar/index.js";
import type { ProgramCstNode } from "../../grammar/generated/cst.js";
import type { Model } from "../ast.js";
import { diagnose, type Diagnostic } from "../diagnostics/diagnostic.js";
import { ruleContexts, tokenDescriptions } from "../diagnostics/catalogue.js";
import { programToAst } from "./cst-to-ast.js";
import { MAX_NESTING, MAX_RECOVERY_NESTING, measureNesting } from "./nesting.js";
import { span } from "./span.js";

export { MAX_NESTING } from "./nesting.js";

/** The result of {@link parse}: an AST when there were no errors, and the diagnostics. */
export interface ParseResult {
  model: Model | undefined;
  diagnostics: Diagnostic[];
}

function describeToken(token: IToken): string {
  if (token.tokenType.name === "EOF") return "the end of the file";
  return `\`${token.image}\``;
}

/** The span to blame: the token itself, or for the end of the file the point just after the last token. */
function blameSpan(e: IRecognitionException, textLength: number) {
  const token = e.token;
  if (Number.isNaN(token.startOffset) || token.tokenType.name === "EOF") {
    const prev = (e as IRecognitionException & { previousToken?: IToken }).previousToken;
    const at = prev && !Number.isNaN(prev.startOffset) ? (prev.endOffset ?? prev.startOffset) + 1 : textLength;
    return span(at, at + 1);
  }
  return span(token.startOffset, (token.endOffset ?? token.startOffset) + 1);
}

/** Words the token kinds the parser expected (see grammar/errors.ts): "`)` or `,`". */
function expectedFrom(e: IRecognitionException): string {
  const m = /^expected:(.*)$/.exec(e.message);
  const names = m ? m[1].split("|").filter((n) => n.length > 0) : [];
  if (names.length === 0) return "something else";
  const words = names.map((n) => tokenDescriptions[n] ?? `\`${n.toLowerCase()}\``);
  return words.length === 1 ? words[0] : `${words.slice(0, -1).join(", ")} or ${words[words.length - 1]}`;
}

function recognitionDiagnostic(e: IRecognitionException, text: string): Diagnostic {
  const token = e.token;
  const span = blameSpan(e, text.length);
  if (e.name === "NotAllInputParsedException") return diagnose("trailing_input", span, { found: describeToken(token) });
  const rule = e.context.ruleStack[e.context.ruleStack.length - 1] ?? "program";
  const context = ruleContexts[rule] ?? "in an expression";
  return diagnose("syntax_error", span, { expected: expectedFrom(e), context, found: describeToken(token) });
}

/**
 * Keeps the first diagnostic of each source line: after a syntax error the parser's recovery
 * often trips again on the rest of the same line, and those follow-on errors only add noise.
 * The diagnostics are in source order, so one sweep over the text finds their lines.
 */
function onePerLine(diagnostics: Diagnostic[], text: string): Diagnostic[] {
  let scanned = 0;
  let line = 0;
  let lastLine = -1;
  return diagnostics.filter((d) => {
    for (; scanned < d.span.start; scanned++) if (text.charCodeAt(scanned) === 10) line++;
    if (line === lastLine) return false;
    lastLine = line;
    return true;
  });
}

/** The diagnostic for a character that starts no token, naming it readably. */
function unexpectedCharacter(text: string, offset: number): Diagnostic {
  const char = String.fromCodePoint(text.codePointAt(offset) ?? 0xfffd);
  const code = `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
  const shown = /^[\x21-\x7e]$/.test(char) ? `\`${char}\`` : /^\p{L}|\p{N}|\p{S}|\p{P}$/u.test(char) ? `\`${char}\` (${code})` : code;
  return diagnose("unexpected_character", span(offset, offset + Math.max(1, char.length)), { char: shown });
}

/** Parses a model's source text. */
export function parse(text: string): ParseResult {
  const lexed = lexText(text);
  const diagnostics: Diagnostic[] = [];
  for (const e of lexed.lexErrors) diagnostics.push(unexpectedCharacter(text, e.offset));
  for (const t of lexed.unterminatedComments) diagnostics.push(diagnose("unterminated_comment", span(t.startOffset, t.startOffset + 2)));
  for (const t of lexed.hashComments) diagnostics.push(diagnose("hash_comment", span(t.startOffset, t.startOffset + 1)));
  const nesting = measureNesting(lexed.tokens);
  if (nesting.tooDeep) {
    const t = nesting.tooDeep;
    diagnostics.push(diagnose("too_deep", span(t.startOffset, (t.endOffset ?? t.startOffset) + 1), { limit: MAX_NESTING }));
  } else {
    const r = parseTokens(lexed.tokens, nesting.depth <= MAX_RECOVERY_NESTING);
    for (const e of r.parseErrors) diagnostics.push(recognitionDiagnostic(e, text));
    if (diagnostics.length === 0 && r.cst) return { model: programToAst(r.cst as ProgramCstNode), diagnostics };
  }
  diagnostics.sort((a, b) => a.span.start - b.span.start);
  return { model: undefined, diagnostics: onePerLine(diagnostics, text) };
}
