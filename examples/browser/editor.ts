/**
 * The model editor: a textarea beside a gutter of line numbers, in which the lines that carry a
 * diagnostic are marked. The textarea does not wrap, so gutter row i is source line i; the two
 * share font and line height (styles.css), and the gutter follows the textarea's scrolling.
 */

/** What a marked line shows: the worst severity on it and its messages (the row's tooltip). */
export interface LineMark {
  severity: "error" | "warning" | "note";
  message: string;
}

/** A textarea with a line-number gutter. */
export class Editor {
  private marks = new Map<number, LineMark>();

  constructor(
    readonly textarea: HTMLTextAreaElement,
    private readonly gutter: HTMLElement,
  ) {
    textarea.addEventListener("scroll", () => (gutter.scrollTop = textarea.scrollTop));
    textarea.addEventListener("input", () => this.renderGutter());
    this.renderGutter();
  }

  /** The model source. */
  get text(): string {
    return this.textarea.value;
  }

  set text(value: string) {
    this.textarea.value = value;
    this.renderGutter();
  }

  /** Replaces the marked lines (1-based line → mark). */
  mark(marks: Map<number, LineMark>): void {
    this.marks = marks;
    this.renderGutter();
  }

  /** Selects source offsets [start, end) and scrolls them into view. */
  select(start: number, end: number): void {
    const { textarea } = this;
    textarea.focus();
    textarea.setSelectionRange(start, Math.max(start + 1, end));
    const line = textarea.value.slice(0, start).split("\n").length;
    const lineHeight = parseFloat(getComputedStyle(textarea).lineHeight);
    const top = (line - 1) * lineHeight;
    if (top < textarea.scrollTop || top > textarea.scrollTop + textarea.clientHeight - 2 * lineHeight) {
      textarea.scrollTop = Math.max(0, top - textarea.clientHeight / 3);
    }
  }

  private renderGutter(): void {
    const lines = this.textarea.value.split("\n").length;
    const rows: HTMLElement[] = [];
    for (let line = 1; line <= lines; line++) {
      const row = document.createElement("div");
      row.textContent = String(line);
      const mark = this.marks.get(line);
      if (mark) {
        row.className = mark.severity;
        row.title = mark.message;
      }
      rows.push(row);
    }
    this.gutter.replaceChildren(...rows);
    this.gutter.scrollTop = this.textarea.scrollTop;
  }
}
