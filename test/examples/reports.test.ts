/**
 * The example folders with a report: each README quotes its `hsmoe report` command (the
 * command runs, with 100 particles, and its page carries every chart the README talks about in
 * test/browser/report.test.ts, which renders it in Chromium; the screenshots are made by
 * examples/screenshots.ts). Also: the prepared motorcycle CSV is
 * exactly what examples/mcycle/prepare.ts writes, in time order.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { EXAMPLES, commandLine } from "../../examples/screenshots.js";
import { prepare } from "../../examples/mcycle/prepare.js";

/** A README's text with shell line continuations joined. */
function readme(name: string): string {
  return readFileSync(`examples/${name}/README.md`, "utf8").replace(/[ \t]*\\\r?\n[ \t]*/g, " ");
}

describe.each(EXAMPLES)("examples/$name", (example) => {
  it("README quotes the command", () => {
    expect(readme(example.name)).toContain(commandLine(example));
  });
});

describe("examples/mcycle", () => {
  it("mcycle-prepared.csv is what prepare.ts writes", () => {
    const { csv, time, accel } = prepare(readFileSync("examples/mcycle/mcycle.csv", "utf8"));
    expect(readFileSync("examples/mcycle/mcycle-prepared.csv", "utf8")).toBe(csv);
    expect(csv.trim().split("\n")).toHaveLength(134);
    // The shared data's README checks, and the constants the example's README quotes.
    expect(time.mean).toBeCloseTo(25.178947, 6);
    expect(accel.mean).toBeCloseTo(-25.545865, 6);
    expect(time.sd).toBeCloseTo(13.132063, 6);
    expect(accel.sd).toBeCloseTo(48.32205, 6);
  });

  it("keeps the raw file's time order; --shuffle permutes the same rows", () => {
    const raw = readFileSync("examples/mcycle/mcycle.csv", "utf8");
    const rows = (csv: string) => csv.trim().split("\n").slice(1);
    const sorted = rows(prepare(raw).csv);
    const times = sorted.map((r) => Number(r.split(",")[1]));
    expect(times.every((t, i) => i === 0 || t >= times[i - 1])).toBe(true);
    const shuffled = rows(prepare(raw, 1).csv);
    expect(shuffled).not.toEqual(sorted);
    expect([...shuffled].sort()).toEqual([...sorted].sort());
  });
});
