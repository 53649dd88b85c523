/** Did-you-mean: the closest candidate by optimal-string-alignment edit distance. */
import type { MessageArgs } from "../diagnostics/diagnostic.js";

function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  const d: number[][] = Array.from({ length: m + 1 }, (_, i) => [i, ...new Array<number>(n).fill(0)]);
  for (let j = 0; j <= n; j++) d[0][j] = j;
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[m][n];
}

/** Longest name a did-you-mean is looked for. */
const MAX_SUGGESTED_LENGTH = 64;

/**
 * The candidate closest to `name`, if it is close enough to be a plausible typo: at most one
 * edit for short names, about a third of the length for longer ones; case differences are free.
 */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  // The search costs the product of the lengths per candidate; nobody mistypes a name this long.
  if (name.length > MAX_SUGGESTED_LENGTH) return undefined;
  const limit = Math.max(1, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    // The distance is at least the difference in length.
    if (c === name || Math.abs(c.length - name.length) > limit) continue;
    const score = c.toLowerCase() === name.toLowerCase() ? 0.5 : editDistance(name, c);
    if (score <= limit && score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

/**
 * The arguments `{ name, suggestion? }` of an unknown-name diagnostic, as a function: the
 * search over every candidate runs only for the diagnostics kept under the error cap.
 */
export function didYouMean(name: string, candidates: () => Iterable<string>): () => MessageArgs {
  return (): MessageArgs => {
    const suggestion = suggest(name, candidates());
    return suggestion ? { name, suggestion } : { name };
  };
}
