/**
 * The CSV reader as a stream: text fed in pieces of any size (cut inside a line, a quoted
 * field, a CRLF pair or a byte-order mark) gives exactly what the whole text gives — the same
 * rows, or the same problems at the same lines and columns — and rows reach the callback as they
 * complete, so a fit's memory does not grow with the file.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { TableScanner, type ReadDataOptions } from "../../../cli/data/csv.js";
import { DataError } from "../../../cli/data/errors.js";

const FIT: ReadDataOptions = { file: "train.csv", input: "x", response: "y" };

/** Rows and problems from feeding `text` cut at `cuts`. */
function scan(text: string, cuts: number[]) {
  const rows: number[][] = [];
  const scanner = new TableScanner(FIT, (x, y, line) => rows.push([line, ...x, y]));
  let at = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    scanner.push(text.slice(at, c));
    at = c;
  }
  scanner.push(text.slice(at));
  try {
    return { shape: scanner.end(), rows };
  } catch (e) {
    if (!(e instanceof DataError)) throw e;
    return { problems: e.problems.map((p) => [p.code, p.line, p.column]), omitted: e.omitted };
  }
}

const texts = [
  "\uFEFFx1,x2,y\r\n1,2,3\r\n\r\n4,5,6\r\n",
  'x1,y\n"1",2\n"3\n",4\n5,"6"\n',
  "x1,y\n1,2\n3,\n5,abc\n7,8,9\n",
  'x1,y\n1,"2\n3,4\n5,6\n',
  'x1,y\n1,2"x\n3,4\n"5"x,6\n7,8\n',
  "x1,y\n" + Array.from({ length: 3000 }, (_, i) => `${i},${i % 7}`).join("\n") + "\n",
  '"x1","y"\r\n' + Array.from({ length: 500 }, (_, i) => `"${i}", ${i}`).join("\r\n"),
];

describe("TableScanner", () => {
  it.each(texts.map((t, i) => [i, t]))("text %i: any cut points give what the whole text gives", (_, text) => {
    const whole = scan(text as string, []);
    fc.assert(
      fc.property(fc.array(fc.nat((text as string).length), { maxLength: 12 }), (cuts) => {
        expect(scan(text as string, cuts)).toEqual(whole);
      }),
      { seed: 7, numRuns: 150 },
    );
  });

  it("hands rows over as they complete", () => {
    const seen: number[] = [];
    const scanner = new TableScanner(FIT, (x) => seen.push(x[0]));
    scanner.push("x1,y\n");
    for (let i = 0; i < 20_000; i++) scanner.push(`${i},1\n`);
    expect(seen.length).toBeGreaterThan(15_000); // at most one parsing window (256 KiB) is held back
    scanner.end();
    expect(seen).toHaveLength(20_000);
  });
});
