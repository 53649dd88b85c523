/**
 * Reading a CSV file's text into the numeric table a model fits or predicts from (DESIGN §3).
 *
 * Column rules: the first non-blank row is the header. A model's one input vector `x` is read
 * from the columns `x1..xD` when any column is named that way (numeric order, contiguous from 1;
 * other columns are then ignored), otherwise from every column except the response, in file
 * order. With several inputs each reads its own prefix (`x1..xD`, `w1..wP`; a single number `s`
 * the column `s`, else `s1`), and no input falls back to "every other column". The response is
 * the column named like the model's response. Columns named for an input (`--input NAME=…`, or
 * a saved fit's) are read exactly, in that order. A row is the inputs' columns concatenated in
 * the model's input order. Blank lines are skipped; cells may be quoted and padded with spaces.
 *
 * Bad input never stops at the first problem and never escapes as a stack trace: every problem is
 * collected with its line, column and column name, and one {@link DataError} is thrown at the end
 * (DESIGN §5). A returned table therefore holds only finite numbers.
 */
import { FilterError } from "../../runtime/pl/errors.js";
import { parse, CsvError, type Options } from "csv-parse/sync";
import { RESPONSE_KINDS, type ResponseKind } from "../../runtime/rules/roles.js";
import { DataError, MAX_DATA_PROBLEMS, dataProblem, type DataProblem, type DataProblemCode } from "./errors.js";

/** The problem a response cell of the wrong kind is reported as. */
const NOT_OF_KIND: Readonly<Record<Exclude<ResponseKind, "real">, DataProblemCode>> = { binary: "data_not_binary", count: "data_not_count" };

/** The header names one of the model's inputs was read from, in order. */
export interface InputColumns {
  /** The input's name in the model. */
  name: string;
  columns: string[];
}

/** A numeric table: `n` rows of `D` inputs (all the model's inputs, concatenated) and, when fitting, a response. */
export interface DataTable {
  n: number;
  D: number;
  /** The header names the row was read from, in order (all inputs' columns, concatenated). */
  inputColumns: string[];
  /** The columns of each input, in the model's input order (save them with a fit). */
  inputs: InputColumns[];
  /** Inputs, `n*D`, row-major: row `i`, component `j` is `x[i*D + j]`. */
  x: Float64Array;
  /** Responses, length `n`; present when a response name was given. */
  y?: Float64Array;
}

/** One of the model's inputs, and the columns it reads when they are fixed. */
export interface InputSpec {
  /** The input's name in the model: a vector `w` reads columns `w1..wP`. */
  name: string;
  /** A single number (`data s: real`): read from the column named like it when there is one. */
  scalar?: boolean;
  /** Exactly these columns, in this order (`--input NAME=…`, or a saved fit's). */
  columns?: readonly string[];
  /**
   * The columns were named on the command line: one the header lacks is a
   * {@link ColumnMappingError}, not a data problem.
   */
  given?: boolean;
}

/** How to read a table: the file name for messages, the model's data names, forced columns. */
export interface ReadDataOptions {
  /** Shown in every problem (`train.csv:5:3: …`); the text is not read from it. */
  file: string;
  /** Name of the model's one input vector, e.g. `x` (columns `x1..xD`); or give {@link inputs}. */
  input?: string;
  /** The model's inputs in row order (see {@link csvInputs}); replaces `input` and `inputColumns`. */
  inputs?: readonly InputSpec[];
  /** Name of the model's response, e.g. `y`; omit when predicting. */
  response?: string;
  /** Read the response only if the header has it (predicting from rows that may carry it). */
  responseOptional?: boolean;
  /** What the response must be (the model's experts' {@link ResponseKind}); any finite number without. */
  responseKind?: ResponseKind;
  /** With `input`: exactly these input columns in this order (from a saved fit). */
  inputColumns?: readonly string[];
}

/**
 * Columns named for inputs that the header cannot serve: a column it lacks, the response, or a
 * column two inputs would both read. The mapping is the user's to change (exit 2 in the CLI).
 */
export class ColumnMappingError extends Error {}

/** What a whole scan found: the table's shape, without its values. */
export interface TableShape {
  n: number;
  D: number;
  inputColumns: string[];
  /** The columns of each input, in the model's input order. */
  inputs: InputColumns[];
  /** Whether rows carry a response. */
  hasResponse: boolean;
}

/** One parsed record: its fields and the 1-based line it starts on. */
interface CsvRecord {
  line: number;
  fields: string[];
}

/** Collects problems in file order, keeping the first {@link MAX_DATA_PROBLEMS} and counting all. */
class ProblemSink {
  readonly kept: DataProblem[] = [];
  count = 0;
  constructor(readonly file: string) {}

  add(code: DataProblemCode, line: number, column: number, columnName: string | undefined, args: Record<string, string | number> = {}): void {
    this.count++;
    if (this.kept.length < MAX_DATA_PROBLEMS) this.kept.push(dataProblem(code, { file: this.file, line, column, columnName }, args));
  }
}

/**
 * Reads CSV text into a {@link DataTable} held in memory (the browser, reports, tests).
 * @throws DataError listing every problem found, when there is any.
 */
export function readDataTable(text: string, options: ReadDataOptions): DataTable {
  let x = new Float64Array(1024);
  let y = new Float64Array(128);
  let n = 0;
  const scan = new TableScanner(options, (xs, ys) => {
    if ((n + 1) * xs.length > x.length) x = grow(x, (n + 1) * xs.length);
    if (n >= y.length) y = grow(y, n + 1);
    x.set(xs, n * xs.length);
    y[n++] = ys;
  });
  scan.push(text);
  const shape = scan.end();
  const table: DataTable = { n, D: shape.D, inputColumns: shape.inputColumns, inputs: shape.inputs, x: x.slice(0, n * shape.D) };
  if (shape.hasResponse) table.y = y.slice(0, n);
  return table;
}

function grow(a: Float64Array<ArrayBuffer>, need: number): Float64Array<ArrayBuffer> {
  let size = a.length;
  while (size < need) size *= 2;
  const b = new Float64Array(size);
  b.set(a);
  return b;
}

/**
 * A CSV table read as a stream: text goes in by {@link push} in pieces of any size, and every
 * data row is handed to `onRow` as soon as it is complete — while no problem has been found —
 * so memory does not depend on the file's size. {@link end} returns the table's shape, or throws
 * one {@link DataError} with every problem (by position). Scanning a file once without `onRow`
 * validates it; a second scan then feeds a filter rows known to be good.
 */
export class TableScanner {
  private readonly parseSink: ProblemSink;
  private readonly sink: ProblemSink;
  private readonly records: RecordReader;
  private header: CsvRecord | undefined;
  private columns: Columns | undefined;
  private headerLost = false;
  private sawText = false;
  private n = 0;
  private xRow = new Float64Array(0);
  /** A `\r` at the end of a piece, held back in case a `\n` starts the next. */
  private carry = "";

  constructor(
    private readonly options: ReadDataOptions,
    private readonly onRow?: (x: Float64Array, y: number, line: number) => void,
  ) {
    this.parseSink = new ProblemSink(options.file);
    this.sink = new ProblemSink(options.file);
    this.records = new RecordReader(this.parseSink, (r) => this.record(r));
  }

  /** Rows handed over so far. */
  get rows(): number {
    return this.n;
  }

  /** Feeds the next piece of the text. */
  push(text: string): void {
    // csv-parse 7's `raw` record text drops the `\n` of a CRLF delimiter, and line numbers are
    // derived from that text, so line endings are made uniform first. Only line breaks inside
    // quoted cells change, which a numeric table never needs.
    let t = this.carry + text;
    this.carry = "";
    if (t.endsWith("\r")) {
      this.carry = "\r";
      t = t.slice(0, -1);
    }
    t = t.replace(/\r\n?/g, "\n");
    if (!this.sawText && /[^\s\uFEFF]/.test(t)) this.sawText = true;
    this.records.push(t);
  }

  /**
   * Ends the text and reports.
   * @throws DataError listing every problem found, when there is any.
   */
  end(): TableShape {
    if (this.carry) this.records.push("\n");
    this.records.end();
    const { file } = this.options;
    if (!this.sawText) throw new DataError([dataProblem("data_empty_file", { file, line: 1, column: 1 })]);
    if (this.header === undefined || this.headerLost) throw new DataError(this.parseSink.kept, this.parseSink.count - this.parseSink.kept.length);
    if (this.n === 0 && this.sink.count === 0 && this.parseSink.count === 0) this.sink.add("data_no_rows", this.header.line, 1, undefined);
    const problems = mergeByPosition(this.parseSink.kept, this.sink.kept);
    const total = this.parseSink.count + this.sink.count;
    if (total > 0) throw new DataError(problems.slice(0, MAX_DATA_PROBLEMS), total - Math.min(problems.length, MAX_DATA_PROBLEMS));
    const { inputs, sizes, response } = this.columns!;
    const names = this.header.fields;
    const specs = inputSpecs(this.options);
    let at = 0;
    const perInput = sizes.map((size, q) => ({ name: specs[q].name, columns: inputs.slice(at, (at += size)).map((j) => names[j]) }));
    return { n: this.n, D: inputs.length, inputColumns: inputs.map((j) => names[j]), inputs: perInput, hasResponse: response !== undefined };
  }

  private record(r: CsvRecord): void {
    if (this.headerLost) return;
    if (this.header === undefined) {
      // A syntax error before the first record parsed means the header itself was lost.
      if (this.parseSink.count > 0) {
        this.headerLost = true;
        return;
      }
      this.header = r;
      this.columns = resolveColumns(r, this.options, this.sink);
      this.xRow = new Float64Array(this.columns.inputs.length);
      return;
    }
    const { header, columns, sink, xRow } = this;
    const { line, fields } = r;
    const width = header.fields.length;
    if (fields.length !== width) {
      const column = Math.min(fields.length, width) + 1;
      sink.add("data_ragged_row", line, column, header.fields[column - 1], { found: fieldCount(fields.length), expected: fieldCount(width) });
      return;
    }
    const before = sink.count;
    for (let j = 0; j < xRow.length; j++) xRow[j] = readCell(fields, columns!.inputs[j], header, line, sink);
    const y = columns!.response !== undefined ? readCell(fields, columns!.response, header, line, sink) : NaN;
    const kind = this.options.responseKind;
    if (sink.count === before && kind && kind !== "real" && columns!.response !== undefined && !RESPONSE_KINDS[kind].accepts(y)) {
      const j = columns!.response;
      sink.add(NOT_OF_KIND[kind], line, j + 1, header.fields[j], { name: header.fields[j], value: shown(fields[j].trim()) });
    }
    if (sink.count === before) {
      this.n++;
      if (this.onRow && sink.count === 0 && this.parseSink.count === 0) this.onRow(xRow, y, line);
    }
  }
}

/** csv-parse is given windows of text from this many characters up to the larger size (see {@link RecordReader}). */
const MIN_WINDOW = 1 << 12;
const MAX_WINDOW = 1 << 18;
/** A quoted field longer than this is reported as never closed rather than read on to the end of a huge file. */
const MAX_QUOTED = 1 << 24;

/**
 * Parses records with csv-parse as the text streams in. A syntax error (a stray or unclosed
 * quote) stops csv-parse, so it is reported and parsing resumes on the line after it: the other
 * lines still get checked. The text goes in windows that end at a line break, because csv-parse
 * copies all the text it is given: resuming on the whole rest of the file would make a file with a
 * bad quote on every line cost time quadratic in its length. Windows start small after an error
 * and double while parsing goes well. A window that ends inside a quoted field (which may close
 * further on) is read again from that record, twice as large, once more text has arrived.
 */
class RecordReader {
  /** Text not yet parsed; it starts on line {@link line}. */
  private text = "";
  private line = 1;
  private window = MIN_WINDOW;
  private first = true;
  /** Dropping the rest of an overlong line. */
  private skipLine = false;

  constructor(
    private readonly sink: ProblemSink,
    private readonly onRecord: (r: CsvRecord) => void,
  ) {}

  push(text: string): void {
    if (this.skipLine) {
      const nl = text.indexOf("\n");
      if (nl < 0) return;
      this.skipLine = false;
      this.line++;
      text = text.slice(nl + 1);
    }
    this.text += text;
    this.drain(false);
  }

  end(): void {
    this.drain(true);
  }

  private drain(eof: boolean): void {
    const { sink } = this;
    const text = this.text;
    let offset = 0;
    if (this.first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) offset = 1;
      this.first = false;
    }
    let line = this.line;
    let window = this.window;
    while (offset < text.length) {
      const cut = text.indexOf("\n", offset + window);
      if (cut < 0 && !eof) {
        if (text.length - offset > MAX_QUOTED && text.indexOf("\n", offset) < 0) {
          // one line longer than any table needs (a binary file, a runaway field): report it
          // and drop it, rather than hold and rescan it as it grows
          sink.add("data_malformed", line, 1, undefined, { detail: `the line is longer than ${MAX_QUOTED} characters` });
          offset = text.length;
          this.skipLine = true;
        }
        break; // wait for a full window
      }
      const end = cut < 0 ? text.length : cut + 1;
      let consumed = 0;
      let cursor = line;
      const options: Options = {
        bom: true,
        trim: true,
        skip_empty_lines: true,
        relax_column_count: true,
        raw: true,
        // With `raw`, csv-parse hands over `{ record, raw }`; its typings do not model that.
        on_record: (rec: unknown) => {
          const { record, raw } = rec as { record: string[]; raw: string };
          this.onRecord({ line: cursor + leadingNewlines(raw), fields: record });
          cursor += countNewlines(raw, 0, raw.length);
          consumed += raw.length;
          return null;
        },
      };
      try {
        parse(text.slice(offset, end), options);
        line += countNewlines(text, offset, end);
        offset = end;
        window = Math.min(2 * window, MAX_WINDOW);
        continue;
      } catch (e) {
        if (!(e instanceof CsvError)) throw e;
        const start = offset + consumed;
        if (e.code === "CSV_QUOTE_NOT_CLOSED" && (end < text.length || !eof) && window < MAX_QUOTED) {
          offset = start;
          line = cursor;
          window *= 2;
          if (end < text.length) continue;
          break; // read on: the quote may close in text still to come
        }
        const errLine = reportSyntaxError(e, text, start, cursor, line, sink);
        // Resume at the start of the line after the error.
        let resume = start;
        let at = cursor;
        while (at <= errLine && resume < text.length) {
          const nl = text.indexOf("\n", resume);
          resume = nl < 0 ? text.length : nl + 1;
          at++;
        }
        offset = resume;
        line = at;
        window = MIN_WINDOW;
      }
    }
    this.text = text.slice(offset);
    this.line = line;
    this.window = window;
  }
}

/** Number of `\n` in `s[from, to)`. */
function countNewlines(s: string, from: number, to: number): number {
  let c = 0;
  for (let i = from; i < to; i++) if (s.charCodeAt(i) === 10) c++;
  return c;
}

/** Number of line breaks in the blank lines csv-parse skipped before a record's first field. */
function leadingNewlines(raw: string): number {
  const firstNonBlank = raw.search(/\S/);
  return countNewlines(raw, 0, firstNonBlank < 0 ? raw.length : firstNonBlank);
}

/** csv-parse errors about a quoted field, located by {@link scanQuotes}. */
const QUOTE_ERRORS = new Set(["CSV_QUOTE_NOT_CLOSED", "CSV_INVALID_CLOSING_QUOTE", "CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE"]);

/**
 * Reports a csv-parse syntax error at the place a user should look, and returns the line after
 * which parsing can resume. `start` is the text offset, and `cursor` the line, where the failing
 * record begins; `line` is the line the parsed chunk began on (csv-parse counts from there).
 */
function reportSyntaxError(e: CsvError, text: string, start: number, cursor: number, line: number, sink: ProblemSink): number {
  const errLine = line + Number(e.lines) - 1;
  const errColumn = Number(e.index) + 1;
  if (e.code === "INVALID_OPENING_QUOTE") {
    sink.add("data_bad_quote", errLine, errColumn, undefined, { detail: 'a `"` inside an unquoted field; quote the whole field and double the quote' });
    return errLine;
  }
  if (!QUOTE_ERRORS.has(e.code)) {
    sink.add("data_malformed", errLine, errColumn, undefined, { detail: e.message });
    return errLine;
  }
  const q = scanQuotes(text, start, cursor);
  if (q === undefined) {
    sink.add("data_malformed", errLine, errColumn, undefined, { detail: e.message });
    return errLine;
  }
  if (q.closeLine === undefined) {
    sink.add("data_unterminated_quote", q.line, q.column, undefined);
    // The rest of the file sits inside the quote; checking the lines after it is more useful.
    return q.line;
  }
  const detail =
    q.closeLine === q.line
      ? "text after the closing quote of this field"
      : `the quoted field opened here closes on line ${q.closeLine} and text follows; is a quote missing?`;
  sink.add("data_bad_quote", q.line, q.column, undefined, { detail });
  return Math.max(errLine, q.closeLine);
}

/**
 * Re-reads the failing record, starting at offset `start` on line `line`, with csv-parse's quoting
 * rules (a quote opens a field only at its start; `""` is a literal quote; spaces may pad a field)
 * to find the quoted field at fault: its opening line and field number, and for text after a
 * closing quote the closing line. Undefined if the record has neither fault.
 */
function scanQuotes(text: string, start: number, line: number): { line: number; column: number; closeLine?: number } | undefined {
  let field = 1;
  let atFieldStart = true;
  let open: { line: number; column: number } | undefined;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (open !== undefined) {
      if (c === "\n") line++;
      else if (c === '"' && text[i + 1] === '"') i++;
      else if (c === '"') {
        let k = i + 1;
        while (text[k] === " " || text[k] === "\t") k++;
        if (k < text.length && text[k] !== "," && text[k] !== "\n") return { ...open, closeLine: line };
        open = undefined;
        atFieldStart = false;
      }
    } else if (c === '"' && atFieldStart) {
      open = { line, column: field };
    } else if (c === ",") {
      field++;
      atFieldStart = true;
    } else if (c === "\n") {
      line++;
      field = 1;
      atFieldStart = true;
    } else if (c !== " " && c !== "\t") {
      atFieldStart = false;
    }
  }
  return open;
}

/** Which header positions hold the inputs (all inputs' columns, in row order) and the response. */
interface Columns {
  inputs: number[];
  /** How many of {@link inputs} each of the model's inputs takes, in order. */
  sizes: number[];
  response?: number;
}

/** The inputs the options describe: {@link ReadDataOptions.inputs}, or the one `input`. */
function inputSpecs(options: ReadDataOptions): readonly InputSpec[] {
  if (options.inputs !== undefined) return options.inputs;
  if (options.input === undefined) throw new TypeError("ReadDataOptions needs input or inputs");
  return [{ name: options.input, columns: options.inputColumns }];
}

/** Applies the column rules to the header, reporting header problems. */
function resolveColumns(header: CsvRecord, options: ReadDataOptions, sink: ProblemSink): Columns {
  const names = header.fields;
  const line = header.line;
  const position = new Map<string, number>();
  names.forEach((name, j) => {
    if (name === "") sink.add("data_empty_column_name", line, j + 1, undefined, { column: j + 1 });
    else if (position.has(name)) sink.add("data_duplicate_column", line, j + 1, name, { name, first: position.get(name)! + 1 });
    else position.set(name, j);
  });
  // a header may be huge: name the first columns only, each shortened
  const headerList = names.slice(0, 12).map((s) => `'${shown(s)}'`).join(", ") + (names.length > 12 ? `, … (${names.length} columns)` : "");

  let response: number | undefined;
  if (options.response !== undefined) {
    response = position.get(options.response);
    if (response === undefined && !options.responseOptional) sink.add("data_missing_response", line, 1, options.response, { name: options.response, header: headerList });
  }

  const missingInput = (name: string, input: string) => sink.add("data_missing_input", line, 1, name, { name, input, header: headerList });
  /** Positions of `input1..inputK` (contiguous from 1, gaps reported), or undefined when there is none. */
  const numbered = (input: string): number[] | undefined => {
    const pattern = new RegExp(`^${input.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}([1-9][0-9]*)$`);
    const found = new Map<number, number>();
    for (const [name, j] of position) {
      const m = pattern.exec(name);
      if (m !== null && j !== response) found.set(Number(m[1]), j);
    }
    if (found.size === 0) return undefined;
    let D = 0;
    for (const k of found.keys()) D = Math.max(D, k);
    const inputs: number[] = [];
    for (let k = 1; k <= D; k++) {
      const j = found.get(k);
      if (j !== undefined) inputs.push(j);
      else sink.add("data_input_gap", line, 1, `${input}${k}`, { first: `${input}1`, last: `${input}${D}`, name: `${input}${k}` });
    }
    return inputs;
  };

  const specs = inputSpecs(options);
  const mapping: string[] = [];
  const chosen = specs.map((spec): number[] => {
    if (spec.columns !== undefined) {
      const inputs: number[] = [];
      for (const name of spec.columns) {
        const j = position.get(name);
        if (j === undefined) {
          if (spec.given) mapping.push(`input '${spec.name}': no column '${shown(name)}'; the header has ${headerList}`);
          else missingInput(name, spec.name);
        } else if (j === response) {
          mapping.push(`input '${spec.name}': column '${shown(name)}' is the response`);
        } else {
          inputs.push(j);
        }
      }
      return inputs;
    }
    if (specs.length > 1 && spec.scalar) {
      const j = position.get(spec.name);
      if (j !== undefined && j !== response) return [j];
    }
    const inputs = numbered(spec.name);
    if (inputs !== undefined) return inputs;
    if (specs.length === 1) {
      // the one input vector: every column but the response
      const all = names.map((_, j) => j).filter((j) => j !== response && names[j] !== "");
      if (all.length === 0) missingInput(`${spec.name}1`, spec.name);
      return all;
    }
    missingInput(spec.scalar ? spec.name : `${spec.name}1`, spec.name);
    return [];
  });

  // No column feeds two inputs (a prefix may reach another input's columns: `x` and `x1`).
  const owner = new Map<number, number>();
  chosen.forEach((inputs, q) => {
    for (const j of inputs) {
      const p = owner.get(j);
      if (p === undefined) owner.set(j, q);
      else if (p !== q) mapping.push(`column '${shown(names[j])}' would feed both input '${specs[p].name}' and input '${specs[q].name}'; name each input's columns with --input NAME=COL,COL,…`);
      else mapping.push(`input '${specs[q].name}': column '${shown(names[j])}' is named twice`);
    }
  });
  if (mapping.length > 0) throw new ColumnMappingError(mapping.map((m) => `${options.file}: ${m}`).join("\n"));
  return { inputs: chosen.flat(), sizes: chosen.map((c) => c.length), response };
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(?:nan|inf|infinity)$/i;

/** Reads one numeric cell; reports it and returns 0 when it is not a finite number. */
function readCell(fields: string[], j: number, header: CsvRecord, line: number, sink: ProblemSink): number {
  const raw = fields[j];
  const name = header.fields[j];
  const cell = raw.trim();
  if (cell === "") {
    sink.add("data_empty_cell", line, j + 1, name, { name });
    return 0;
  }
  if (DECIMAL.test(cell)) {
    const v = Number(cell);
    if (Number.isFinite(v)) return v;
  } else if (!NON_FINITE.test(cell)) {
    sink.add("data_not_numeric", line, j + 1, name, { name, value: shown(cell) });
    return 0;
  }
  sink.add("data_not_finite", line, j + 1, name, { name, value: shown(cell) });
  return 0;
}

/** "1 field", "3 fields". */
function fieldCount(n: number): string {
  return `${n} field${n === 1 ? "" : "s"}`;
}

/** A cell as shown in a message: one line, at most 40 characters. */
function shown(cell: string): string {
  const flat = cell.replace(/\n/g, "\\n");
  return flat.length > 40 ? `${flat.slice(0, 39)}…` : flat;
}

/** Both lists in one, by line then column (the sort is stable, so ties keep their order). */
function mergeByPosition(a: DataProblem[], b: DataProblem[]): DataProblem[] {
  return [...a, ...b].sort((p, q) => p.line - q.line || p.column - q.column);
}

/**
 * The CSV reader's view of a model's inputs (the kernel plan's, in row order): each reads its
 * prefix, or the columns `given` names for it (`--input NAME=COL,…`).
 */
export function csvInputs(inputs: readonly { name: string; size: string }[], given?: ReadonlyMap<string, readonly string[]>): InputSpec[] {
  return inputs.map((x) => {
    const columns = given?.get(x.name);
    return { name: x.name, ...(x.size === "1" ? { scalar: true } : {}), ...(columns !== undefined ? { columns, given: true } : {}) };
  });
}

/**
 * Checks the columns read for each input against the model's sizes: a fixed size (`vector[3]`,
 * a single number) and inputs that share a size name (`vector[D]` twice).
 * @throws FilterError("bad_input") saying which input and which columns.
 */
export function checkInputSizes(inputs: readonly { name: string; size: string }[], read: readonly InputColumns[], file: string): void {
  const listed = (c: InputColumns) => `${c.columns.length} column${c.columns.length === 1 ? "" : "s"} (${c.columns.slice(0, 8).map(shown).join(", ")}${c.columns.length > 8 ? ", …" : ""})`;
  inputs.forEach((x, q) => {
    const n = read[q].columns.length;
    if (/^[0-9]+$/.test(x.size)) {
      if (n !== Number(x.size)) throw new FilterError("bad_input", `${file}: the input ${x.name} reads ${listed(read[q])}; the model says it has ${x.size}`);
      return;
    }
    const first = inputs.findIndex((y) => y.size === x.size);
    if (first < q && n !== read[first].columns.length) {
      throw new FilterError("bad_input", `${file}: the input ${x.name} reads ${listed(read[q])} and ${inputs[first].name} ${listed(read[first])}; the model gives both the length ${x.size}`);
    }
  });
}
