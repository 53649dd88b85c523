/**
 * The catalogue of data-file problems: every code the CSV reader can report and its message
 * template. `{name}` placeholders are filled by {@link dataProblem}. Codes are stable (`--json`
 * consumers and tests depend on them) and all start with `data_`; add a code here, never inline a
 * message at the point of use. {@link DataError} carries every problem found in one file, so a
 * user fixes a file in one pass rather than one error per run.
 */

/** Every data problem, by code: its message template and when it is reported. */
export const dataCatalogue = {
  data_empty_file: {
    message: "the file is empty; expected a header row and data rows",
    explanation: "The file has no characters other than white space and a byte-order mark.",
  },
  data_no_rows: {
    message: "the file has a header but no data rows",
    explanation: "Only the header row is present (blank lines are not rows).",
  },
  data_empty_column_name: {
    message: "column {column} has an empty name in the header",
    explanation: "A header field is empty, so the column cannot be referred to.",
  },
  data_duplicate_column: {
    message: "column '{name}' appears more than once in the header (first as column {first})",
    explanation: "Two header fields have the same name, so which one is meant is ambiguous.",
  },
  data_missing_response: {
    message: "no column named '{name}' for the response; the header has {header}",
    explanation: "Fitting needs a response column named like the model's response, and there is none.",
  },
  data_missing_input: {
    message: "no column named '{name}' for the input '{input}'; the header has {header}",
    explanation:
      "A column that the saved fit was trained on is missing, or no column is left for the input vector.",
  },
  data_input_gap: {
    message: "input columns must run {first}..{last} without gaps, but '{name}' is missing",
    explanation: "Columns `x1..xD` are present but one index in between is not.",
  },
  data_ragged_row: {
    message: "this row has {found} but the header has {expected}",
    explanation: "A row has too few or too many fields for the header (often a stray comma).",
  },
  data_empty_cell: {
    message: "column '{name}': the cell is empty; missing values are not supported",
    explanation: "A cell that the model reads is empty or only white space.",
  },
  data_not_numeric: {
    message: "column '{name}': '{value}' is not a number",
    explanation: "A cell that the model reads is not a decimal number such as `-1.5` or `2e-3`.",
  },
  data_not_binary: {
    message: "column '{name}': '{value}' is not 0 or 1; the model's experts are binary",
    explanation: "The model's response is binary (a logistic expert), and this cell of the response column is another number.",
  },
  data_not_count: {
    message: "column '{name}': '{value}' is not a count (0, 1, 2, …); the model's experts model counts",
    explanation: "The model's response is a count (a negative-binomial expert), and this cell of the response column is negative or not a whole number.",
  },
  data_not_finite: {
    message: "column '{name}': '{value}' is not a finite number",
    explanation: "A cell is NaN or infinite, written as such or too large for a double (`1e999`).",
  },
  data_unterminated_quote: {
    message: "a quoted field opened here is never closed",
    explanation: "A `\"` opens a field and no closing `\"` follows before the end of the file.",
  },
  data_bad_quote: {
    message: "misplaced quote: {detail}",
    explanation:
      'A `"` inside an unquoted field, or text after a closing quote; write a literal quote as `""` inside a quoted field.',
  },
  data_malformed: {
    message: "the CSV parser rejected this line: {detail}",
    explanation: "Any other CSV syntax error reported by csv-parse.",
  },
} as const satisfies Record<string, { message: string; explanation: string }>;

/** A stable data-problem code. */
export type DataProblemCode = keyof typeof dataCatalogue;

/** One problem in a data file, located by 1-based line and 1-based column (field) number. */
export interface DataProblem {
  code: DataProblemCode;
  message: string;
  file: string;
  line: number;
  column: number;
  /** The header name of the column, when the column has one. */
  columnName?: string;
}

/** At most this many problems are kept per file; the rest are only counted. */
export const MAX_DATA_PROBLEMS = 20;

/** Builds a problem from its code, filling the catalogue template with `args`. */
export function dataProblem(
  code: DataProblemCode,
  where: { file: string; line: number; column: number; columnName?: string },
  args: Record<string, string | number> = {},
): DataProblem {
  const message = dataCatalogue[code].message.replace(/\{(\w+)\}/g, (m, key: string) =>
    key in args ? String(args[key]) : m,
  );
  const problem: DataProblem = { code, message, file: where.file, line: where.line, column: where.column };
  if (where.columnName !== undefined) problem.columnName = where.columnName;
  return problem;
}

/** Thrown by the data reader: every problem found (up to {@link MAX_DATA_PROBLEMS}) in one file. */
export class DataError extends Error {
  /** The problems kept, in file order. */
  readonly problems: DataProblem[];
  /** How many further problems were found but not kept. */
  readonly omitted: number;

  constructor(problems: DataProblem[], omitted = 0) {
    super(renderProblems(problems, omitted));
    this.name = "DataError";
    this.problems = problems;
    this.omitted = omitted;
  }

  /** One line per problem, `file:line:column: error[code]: message`, then the count of the rest. */
  render(): string {
    return renderProblems(this.problems, this.omitted);
  }

  /** JSON-safe form for `--json` output. */
  toJSON(): { problems: DataProblem[]; omitted: number } {
    return { problems: this.problems.map((p) => ({ ...p })), omitted: this.omitted };
  }
}

function renderProblems(problems: DataProblem[], omitted: number): string {
  const lines = problems.map((p) => `${p.file}:${p.line}:${p.column}: error[${p.code}]: ${p.message}`);
  if (omitted > 0) {
    const file = problems.length > 0 ? `${problems[0].file}: ` : "";
    lines.push(`${file}… and ${omitted} more problem${omitted === 1 ? "" : "s"} not shown`);
  }
  return lines.join("\n");
}
