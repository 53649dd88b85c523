import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    pool: "forks",
    // two files at a time: vitest's default (cores − 1) runs one at a time on the 2-core CI
    // machine, where most files are single-threaded fits
    maxWorkers: 2,
  },
});
