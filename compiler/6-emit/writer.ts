/** A small indenting code writer (Birch's IndentableGenerator shape): lines and blocks. */
export class CodeWriter {
  private readonly lines: string[] = [];
  private depth = 0;

  /** Writes one line at the current indentation (an empty call writes a blank line). */
  line(text = ""): this {
    this.lines.push(text === "" ? "" : "  ".repeat(this.depth) + text);
    return this;
  }

  /** Writes `open`, the body indented one level, then `close`. */
  block(open: string, body: () => void, close = "}"): this {
    this.line(open);
    this.depth++;
    body();
    this.depth--;
    return this.line(close);
  }

  toString(): string {
    return this.lines.join("\n") + "\n";
  }
}
