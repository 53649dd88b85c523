/**
 * The parser's error messages, as data rather than prose: `expected:Name|Name` lists the
 * token kinds that would have fitted. The compiler turns these into catalogue diagnostics,
 * so the wording lives in one place.
 */
import type { IParserErrorMessageProvider, TokenType } from "chevrotain";

function firstTokens(paths: TokenType[][]): string[] {
  const names = new Set<string>();
  for (const path of paths) if (path.length > 0) names.add(path[0].name);
  return [...names];
}

/** Encodes expected token kinds so the compiler can word them. */
export const errorMessageProvider: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected }) => `expected:${expected.name}`,
  buildNotAllInputParsedMessage: () => "trailing",
  buildNoViableAltMessage: ({ expectedPathsPerAlt }) => `expected:${firstTokens(expectedPathsPerAlt.flat()).join("|")}`,
  buildEarlyExitMessage: ({ expectedIterationPaths }) => `expected:${firstTokens(expectedIterationPaths).join("|")}`,
};
