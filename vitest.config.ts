import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The files that take minutes, longest first. On a clean clone vitest has no timings to order
 * by, and the recovery tier (about a third of all CPU time) ran last, on its own, for six
 * minutes at the end of the run: started first, it runs beside everything else.
 */
const SLOWEST = ["test/stdlib/recovery.test.ts", "test/browser/report.test.ts", "test/models/models.test.ts"];

/** Vitest's order, with {@link SLOWEST} moved to the front. */
class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const r = SLOWEST.findIndex((s) => f.moduleId.endsWith(s));
      return r < 0 ? SLOWEST.length : r;
    };
    const sorted = await super.sort(files);
    return sorted.map((f, i) => ({ f, i })).sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i).map(({ f }) => f);
  }
}

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    // Chromium starts in a beforeAll while the slowest files start beside it: 10 s was not always enough
    hookTimeout: 60_000,
    pool: "forks",
    // two files at a time: vitest's default (cores − 1) runs one at a time on the 2-core CI
    // machine, where most files are single-threaded fits
    maxWorkers: 2,
    sequence: { sequencer: SlowestFirst },
  },
});
