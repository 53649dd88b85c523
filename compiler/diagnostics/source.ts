/**
 * Source files and position lookup. Spans are offsets; line and column (both 1-based,
 * columns counted in Unicode code points) are computed here, when something is printed.
 * Every lookup is a binary search over tables built in one pass over the text, so printing a
 * diagnostic costs the same on a line of a million characters as on a short one.
 */

/** A 1-based line and column (columns count Unicode code points). */
export interface Position {
  /** Line, from 1. */
  line: number;
  /** Column, from 1. */
  column: number;
}

/** The number of entries of a sorted array that are below `value`. */
function countBelow(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function isHigh(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLow(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** A named source text with its line starts precomputed for position lookups. */
export class SourceFile {
  /** Offset of the first character of each line. */
  readonly lineStarts: number[];
  /**
   * Offsets of the second halves of surrogate pairs: code units that start no code point,
   * so a column is the offset within its line less the pair halves before it.
   */
  private readonly pairEnds: number[] = [];

  /**
   * @param name - the file name shown in diagnostics
   * @param text - the whole source text
   */
  constructor(
    readonly name: string,
    readonly text: string,
  ) {
    this.lineStarts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.lineStarts.push(i + 1);
      else if (isLow(c) && i > 0 && isHigh(text.charCodeAt(i - 1))) this.pairEnds.push(i);
    }
  }

  /** The 1-based line of an offset (clamped to the text). */
  private lineOf(at: number): number {
    return countBelow(this.lineStarts, at + 1);
  }

  /** Code points in `[from, to)`: offsets less the surrogate halves that start none. */
  codePoints(from: number, to: number): number {
    return to - from - (countBelow(this.pairEnds, to) - countBelow(this.pairEnds, from));
  }

  /** The 1-based line and column of an offset (clamped to the text). */
  position(offset: number): Position {
    const at = Math.max(0, Math.min(offset, this.text.length));
    const line = this.lineOf(at);
    return { line, column: this.codePoints(this.lineStarts[line - 1], at) + 1 };
  }

  /** The offsets `[start, end)` of a 1-based line, without its line break (`\n` or `\r\n`). */
  lineRange(line: number): {
    /** Offset of the line's first character. */
    start: number;
    /** Offset just past its last character. */
    end: number;
  } {
    const start = this.lineStarts[line - 1] ?? this.text.length;
    const next = this.lineStarts[line];
    let end = next === undefined ? this.text.length : next - 1;
    if (end > start && this.text.charCodeAt(end - 1) === 13) end--;
    return { start, end };
  }

  /** The text of a 1-based line, without its line break. */
  lineText(line: number): string {
    const { start, end } = this.lineRange(line);
    return this.text.slice(start, end);
  }
}
