/**
 * Names a model may not declare: words kept for the language's own future use, and
 * spellings of special numbers that would read as something they are not. Function and
 * distribution names are not reserved: calls and values live in separate namespaces, so
 * `beta` can name a coefficient while `beta(a, b)` is the distribution.
 */
export const reservedNames: ReadonlyMap<string, string> = new Map([
  ["for", "keyword"], ["if", "keyword"], ["else", "keyword"], ["while", "keyword"],
  ["function", "keyword"], ["return", "keyword"], ["target", "keyword"],
  ["true", "constant"], ["false", "constant"], ["inf", "constant"], ["nan", "constant"],
  ["Infinity", "constant"], ["NaN", "constant"], ["pi", "constant"], ["e", "constant"],
]);
