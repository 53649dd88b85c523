/**
 * Source files and position lookup. Spans are offsets; line and column (both 1-based,
 * columns counted in Unicode code points) are computed here, when something is printed.
 */

/** A 1-based line and column (columns count Unicode code points). */
export interface Position {
  /** Line, from 1. */
  line: number;
  /** Column, from 1. */
  column: number;
}

/** A named source text with its line starts precomputed for position lookups. */
export class SourceFile {
  /** Offset of the first character of each line. */
  readonly lineStarts: number[];

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
      if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    }
  }

  /** The 1-based line and column of an offset (clamped to the text). */
  position(offset: number): Position {
    const at = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= at) lo = mid;
      else hi = mid - 1;
    }
    const column = [...this.text.slice(this.lineStarts[lo], at)].length + 1;
    return { line: lo + 1, column };
  }

  /** The text of a 1-based line, without its line break. */
  lineText(line: number): string {
    const start = this.lineStarts[line - 1] ?? this.text.length;
    const next = this.lineStarts[line];
    const end = next === undefined ? this.text.length : next - 1;
    return this.text.slice(start, end).replace(/\r$/, "");
  }
}
