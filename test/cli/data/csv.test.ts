/**
 * The CSV reader: column rules, CSV syntax (BOM, CRLF, quotes, blank lines), and every data
 * problem code with its line, column and column name.
 */
import { afterAll, describe, expect, it, vi } from "vitest";
import { CsvError, normalize_options, parse } from "csv-parse/sync";
import { readDataTable, type ReadDataOptions } from "../../../cli/data/csv.js";
import { DataError, MAX_DATA_PROBLEMS, dataCatalogue, type DataProblemCode } from "../../../cli/data/errors.js";

// Pass-through, so one test can make csv-parse fail in a way real text cannot (data_malformed).
vi.mock("csv-parse/sync", async (importOriginal) => {
  const actual = await importOriginal<typeof import("csv-parse/sync")>();
  return { ...actual, parse: vi.fn(actual.parse) };
});

const FIT: ReadDataOptions = { file: "train.csv", input: "x", response: "y" };

function read(text: string, options: Partial<ReadDataOptions> = {}) {
  return readDataTable(text, { ...FIT, ...options });
}

function dataError(text: string, options: Partial<ReadDataOptions> = {}): DataError {
  try {
    read(text, options);
  } catch (e) {
    if (e instanceof DataError) return e;
    throw e;
  }
  throw new Error("expected a DataError");
}

const seen = new Set<DataProblemCode>();

/** The problems as `[code, line, column, columnName]`, recording which codes the tests reach. */
function problems(text: string, options: Partial<ReadDataOptions> = {}) {
  const e = dataError(text, options);
  for (const p of e.problems) seen.add(p.code);
  return e.problems.map((p) => [p.code, p.line, p.column, p.columnName]);
}

describe("column rules", () => {
  it("reads x1..xD in numeric order and ignores other columns", () => {
    const t = read("y,x2,id,x1,x10,x3,x4,x5,x6,x7,x8,x9\n1,2,a,3,4,5,6,7,8,9,10,11\n");
    expect(t.n).toBe(1);
    expect(t.D).toBe(10);
    expect(t.inputColumns).toEqual(["x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10"]);
    expect([...t.x]).toEqual([3, 2, 5, 6, 7, 8, 9, 10, 11, 4]);
    expect([...t.y!]).toEqual([1]);
  });

  it("reads every column but the response when no x1..xD exist", () => {
    const t = read("a,y,b\n1,2,3\n4,5,6\n");
    expect(t.inputColumns).toEqual(["a", "b"]);
    expect([...t.x]).toEqual([1, 3, 4, 6]);
    expect([...t.y!]).toEqual([2, 5]);
  });

  it("uses the model's data names", () => {
    const t = readDataTable("u2,u1,resp\n1,2,3\n", { file: "f.csv", input: "u", response: "resp" });
    expect(t.inputColumns).toEqual(["u1", "u2"]);
    expect([...t.x]).toEqual([2, 1]);
    expect([...t.y!]).toEqual([3]);
  });

  it("does not take x0 or x01 for numbered inputs", () => {
    expect(read("x0,x01,x1,y\n1,2,3,4\n").inputColumns).toEqual(["x1"]);
  });

  it("forces inputColumns in their order, with or without a response", () => {
    const t = read("x1,b,a,y\n1,2,3,4\n", { inputColumns: ["a", "b"], response: undefined });
    expect(t.inputColumns).toEqual(["a", "b"]);
    expect([...t.x]).toEqual([3, 2]);
    expect(t.y).toBeUndefined();
    const u = read("x1,b,a,y\n1,2,3,4\n", { inputColumns: ["x1", "a"] });
    expect([...u.x]).toEqual([1, 3]);
    expect([...u.y!]).toEqual([4]);
  });

  it("predicts without a response column", () => {
    const t = read("x1,x2\n1,2\n", { response: undefined });
    expect(t.y).toBeUndefined();
    expect([...t.x]).toEqual([1, 2]);
  });

  it("does not check cells of columns it does not read", () => {
    expect(read("x1,name,y\n1,Ann,2\n1,,3\n").n).toBe(2);
  });
});

describe("CSV syntax", () => {
  it("drops a byte-order mark", () => {
    expect(read("\uFEFFx1,y\n1,2\n").inputColumns).toEqual(["x1"]);
  });

  it("reads CRLF and CR line endings, and counts lines right with them", () => {
    expect([...read("x1,y\r\n1,2\r\n3,4\r\n").x]).toEqual([1, 3]);
    expect([...read("x1,y\r1,2\r3,4").y!]).toEqual([2, 4]);
    expect(problems("x1,y\r\n1,2\r\n\r\n3,q\r\n")).toEqual([["data_not_numeric", 4, 2, "y"]]);
  });

  it("reads quoted fields, padded fields and doubled quotes in unread columns", () => {
    const t = read('"x1", x2 ,"note",y\n" 1.5 ", 2 ,"say ""hi"", twice",3\n');
    expect([...t.x]).toEqual([1.5, 2]);
    expect([...t.y!]).toEqual([3]);
  });

  it("skips blank lines but keeps their line numbers", () => {
    expect(read("\n\nx1,y\n\n1,2\n   \n3,4\n\n").n).toBe(2);
    expect(problems("\nx1,y\n\n1,2\n\n3,oops\n")).toEqual([["data_not_numeric", 6, 2, "y"]]);
  });

  it("locates a problem after a multi-line quoted cell on its own line", () => {
    expect(problems('x1,note,y\n1,"two\nlines",2\n3,ok,zz\n')).toEqual([["data_not_numeric", 4, 3, "y"]]);
  });

  it("accepts the usual spellings of decimal numbers", () => {
    const t = read("x1,y\n-0,1e-3\n.5,+2\n3.,-1.25E+2\n");
    expect([...t.x]).toEqual([-0, 0.5, 3]);
    expect([...t.y!]).toEqual([0.001, 2, -125]);
  });
});

describe("data problems", () => {
  it("data_empty_file", () => {
    expect(problems("")).toEqual([["data_empty_file", 1, 1, undefined]]);
    expect(problems("\uFEFF \r\n\n")).toEqual([["data_empty_file", 1, 1, undefined]]);
  });

  it("data_no_rows", () => {
    expect(problems("x1,y\n\n")).toEqual([["data_no_rows", 1, 1, undefined]]);
  });

  it("data_empty_column_name", () => {
    expect(problems("a,,y\n1,2,3\n")).toEqual([["data_empty_column_name", 1, 2, undefined]]);
  });

  it("data_duplicate_column, at every repeat", () => {
    expect(problems("x1,y,x1,y\n1,2,3,4\n")).toEqual([
      ["data_duplicate_column", 1, 3, "x1"],
      ["data_duplicate_column", 1, 4, "y"],
    ]);
  });

  it("data_missing_response", () => {
    const e = dataError("x1,x2\n1,2\n");
    expect(e.problems.map((p) => [p.code, p.columnName])).toEqual([["data_missing_response", "y"]]);
    expect(e.problems[0].message).toBe("no column named 'y' for the response; the header has 'x1', 'x2'");
    seen.add("data_missing_response");
  });

  it("data_missing_input: a saved fit's column is gone, or nothing is left for x", () => {
    expect(problems("a,y\n1,2\n", { inputColumns: ["a", "b", "c"] })).toEqual([
      ["data_missing_input", 1, 1, "b"],
      ["data_missing_input", 1, 1, "c"],
    ]);
    expect(problems("y\n1\n")).toEqual([["data_missing_input", 1, 1, "x1"]]);
  });

  it("data_input_gap", () => {
    expect(problems("x1,x4,y\n1,2,3\n")).toEqual([
      ["data_input_gap", 1, 1, "x2"],
      ["data_input_gap", 1, 1, "x3"],
    ]);
  });

  it("data_ragged_row, too few and too many fields", () => {
    expect(problems("x1,x2,y\n1\n1,2,3,4\n1,2,3\n")).toEqual([
      ["data_ragged_row", 2, 2, "x2"],
      ["data_ragged_row", 3, 4, undefined],
    ]);
    expect(dataError("x1,y\n1\n").problems[0].message).toBe("this row has 1 field but the header has 2 fields");
  });

  it("data_empty_cell, empty or blank, quoted or not", () => {
    expect(problems('x1,x2,y\n,1,2\n1," ",2\n1,2,""\n')).toEqual([
      ["data_empty_cell", 2, 1, "x1"],
      ["data_empty_cell", 3, 2, "x2"],
      ["data_empty_cell", 4, 3, "y"],
    ]);
  });

  it("data_not_numeric, including spellings Number() would accept", () => {
    expect(problems("x1,y\nabc,0x10\n1_000,NA\n1 2,1.2.3\n")).toEqual([
      ["data_not_numeric", 2, 1, "x1"],
      ["data_not_numeric", 2, 2, "y"],
      ["data_not_numeric", 3, 1, "x1"],
      ["data_not_numeric", 3, 2, "y"],
      ["data_not_numeric", 4, 1, "x1"],
      ["data_not_numeric", 4, 2, "y"],
    ]);
  });

  it("data_not_finite, written as such or overflowing", () => {
    const e = dataError("x1,y\nNaN,Infinity\n-Infinity,inf\n1e999,-nan\n");
    expect(e.problems.map((p) => [p.code, p.line, p.column])).toEqual([
      ["data_not_finite", 2, 1],
      ["data_not_finite", 2, 2],
      ["data_not_finite", 3, 1],
      ["data_not_finite", 3, 2],
      ["data_not_finite", 4, 1],
      ["data_not_finite", 4, 2],
    ]);
    expect(e.problems[4].message).toBe("column 'x1': '1e999' is not a finite number");
    seen.add("data_not_finite");
  });

  it("data_not_binary: a binary model's response other than 0 or 1, by row and column; 0 and 1 in any spelling pass", () => {
    expect(problems("x1,y\n1,1\n2,0.5\n3,2\n4,-0\n5,1.0\n6,0e3\n", { responseKind: "binary" })).toEqual([
      ["data_not_binary", 3, 2, "y"],
      ["data_not_binary", 4, 2, "y"],
    ]);
    expect(dataError("x1,y\n1,2\n", { responseKind: "binary" }).problems[0].message).toBe("column 'y': '2' is not 0 or 1; the model's experts are binary");
    // a cell that is no number at all is reported as such, once
    expect(problems("x1,y\n1,yes\n", { responseKind: "binary" })).toEqual([["data_not_numeric", 2, 2, "y"]]);
    expect(read("x1,y\n1,1\n2,0\n", { responseKind: "binary" }).y).toEqual(Float64Array.of(1, 0));
  });

  it("data_not_count: a count model's response that is negative or not whole, by row and column", () => {
    expect(problems("x1,y\n1,3\n2,0.5\n3,-1\n4,0\n5,2e1\n", { responseKind: "count" })).toEqual([
      ["data_not_count", 3, 2, "y"],
      ["data_not_count", 4, 2, "y"],
    ]);
    expect(read("x1,y\n1,3\n2,0\n3,2e1\n", { responseKind: "count" }).y).toEqual(Float64Array.of(3, 0, 20));
  });

  it("data_unterminated_quote at the opening quote, and the lines after it are still checked", () => {
    expect(problems('x1,x2,y\n1,2,3\n1,"2,3\n4,5,6\n7,8,q\n')).toEqual([
      ["data_unterminated_quote", 3, 2, undefined],
      ["data_not_numeric", 5, 3, "y"],
    ]);
  });

  it("data_unterminated_quote in the header loses the header and says only that", () => {
    expect(problems('"x1,y\n1,2\n')).toEqual([["data_unterminated_quote", 1, 1, undefined]]);
  });

  it("data_bad_quote: a quote inside a field, text after a closing quote", () => {
    expect(problems('x1,y\n1,2"\n"3"x,4\n"5" 6,7\nq,8\n')).toEqual([
      ["data_bad_quote", 2, 2, undefined],
      ["data_bad_quote", 3, 1, undefined],
      ["data_bad_quote", 4, 1, undefined],
      ["data_not_numeric", 5, 1, "x1"],
    ]);
  });

  it("data_bad_quote points at the opening quote of a field that swallowed lines", () => {
    const e = dataError('x1,y\n"1,2\n3,4\n5,6"7\n8,9\nq,1\n');
    expect(e.problems.map((p) => [p.code, p.line, p.column])).toEqual([
      ["data_bad_quote", 2, 1],
      ["data_not_numeric", 6, 1],
    ]);
    expect(e.problems[0].message).toContain("closes on line 4");
  });

  it("data_malformed for any other csv-parse error", () => {
    vi.mocked(parse).mockImplementationOnce(() => {
      throw new CsvError("CSV_MAX_RECORD_SIZE", "Max Record Size: record exceed the maximum", normalize_options({}), { lines: 2, index: 0 });
    });
    expect(problems("x1,y\n1,2\n")).toEqual([["data_malformed", 2, 1, undefined]]);
  });

  it("reports every problem of a file together, in file order", () => {
    expect(problems("x1,x1,y\n1,2\n1,2,z\n,2,3\n")).toEqual([
      ["data_duplicate_column", 1, 2, "x1"],
      ["data_ragged_row", 2, 3, "y"],
      ["data_not_numeric", 3, 3, "y"],
      ["data_empty_cell", 4, 1, "x1"],
    ]);
  });

  it("every catalogue code is reached by a test above", () => {
    expect([...seen].sort()).toEqual(Object.keys(dataCatalogue).sort());
  });
});

describe("DataError", () => {
  it("renders file:line:column: error[code]: message", () => {
    const e = dataError("x1,x2,y\n1,2,3\n1,2,3\n1,2,3\n1,abc,3\n");
    expect(e.render()).toBe("train.csv:5:2: error[data_not_numeric]: column 'x2': 'abc' is not a number");
    expect(e.message).toBe(e.render());
    expect(e).toBeInstanceOf(Error);
  });

  it(`keeps ${MAX_DATA_PROBLEMS} problems and counts the rest`, () => {
    const e = dataError("x1,y\n" + "a,b\n".repeat(25));
    expect(e.problems).toHaveLength(MAX_DATA_PROBLEMS);
    expect(e.omitted).toBe(30);
    expect(e.render().split("\n").at(-1)).toBe("train.csv: … and 30 more problems not shown");
  });

  it("counts the rest across syntax and cell problems", () => {
    const e = dataError("x1,y\n" + 'a"",1\n'.repeat(15) + "b,1\n".repeat(15));
    expect(e.problems).toHaveLength(MAX_DATA_PROBLEMS);
    expect(e.problems.map((p) => p.code).slice(14, 16)).toEqual(["data_bad_quote", "data_not_numeric"]);
    expect(e.omitted).toBe(10);
  });

  it("serialises to JSON without a stack", () => {
    const json = JSON.parse(JSON.stringify(dataError("x1,y\n1,\n")));
    expect(json).toEqual({
      problems: [
        {
          code: "data_empty_cell",
          message: "column 'y': the cell is empty; missing values are not supported",
          file: "train.csv",
          line: 2,
          column: 2,
          columnName: "y",
        },
      ],
      omitted: 0,
    });
  });
});

describe("a large file", () => {
  afterAll(() => vi.restoreAllMocks());

  it("reads 100,000 rows of 11 columns", () => {
    const D = 10;
    const n = 100_000;
    const lines = [[...Array.from({ length: D }, (_, j) => `x${j + 1}`), "y"].join(",")];
    for (let i = 0; i < n; i++) lines.push(Array.from({ length: D + 1 }, (_, j) => ((i + j) % 997) / 8).join(","));
    const t = read(lines.join("\r\n") + "\r\n");
    expect(t.n).toBe(n);
    expect(t.D).toBe(D);
    expect(t.x[(n - 1) * D + 3]).toBe(((n - 1 + 3) % 997) / 8);
    expect(t.y![n - 1]).toBe(((n - 1 + D) % 997) / 8);
    expect(t.x.every(Number.isFinite)).toBe(true);
  });
});
