/** examples/routing: the committed data are exactly what generate.ts writes, and the baseline's EM climbs. */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { ROUTING, routingCsv } from "../../examples/routing/generate.js";
import { fitMixture, predict } from "../../examples/routing/baseline.js";
import { readCsvRows } from "../../examples/data/write.js";

describe("examples/routing", () => {
  it.each(Object.entries(ROUTING))("routing-%s.csv is what generate.ts writes", (name, { rows, seed }) => {
    const text = routingCsv(rows, seed);
    expect(text.split("\n").length - 2).toBe(rows);
    expect(readFileSync(new URL(`../../examples/routing/routing-${name}.csv`, import.meta.url), "utf8"), `routing-${name}.csv is stale: run npx tsx examples/routing/generate.ts`).toBe(text);
  });

  it("the baseline's EM never lowers its penalised likelihood, and keeps the best start", () => {
    // 300 training rows on x1..x4 keep it fast; K = 4 experts for seven regimes, so EM has work to do
    const rows = readCsvRows(new URL("../../examples/routing/routing-train.csv", import.meta.url)).slice(0, 300);
    const D = 4;
    const X = Float64Array.from(rows.flatMap((r) => r.slice(0, D)));
    const y = Float64Array.from(rows, (r) => r[16]);
    const fit = fitMixture(X, y, { K: 4, restarts: 3, seed: 7, maxIterations: 60 });
    expect(fit.history.length).toBeGreaterThan(5);
    for (let i = 1; i < fit.history.length; i++) expect(fit.history[i]).toBeGreaterThanOrEqual(fit.history[i - 1] - 1e-9 * Math.abs(fit.history[i - 1]));
    expect(fit.history.at(-1)).toBe(Math.max(...fit.restarts));
    // the expert of the last gate row is the reference: its logit stays 0
    expect(Array.from(fit.gate.subarray(3 * D))).toEqual([0, 0, 0, 0]);
    const p = predict(fit, X.subarray(0, D));
    expect(p.gate.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 12);
    expect(p.probability).toBe(Math.max(...p.gate));
    // the dense mixture holds the routed expert's term, weighted by its gate probability
    expect(p.dense.logDensity(y[0])).toBeGreaterThanOrEqual(Math.log(p.probability) + p.top1.logDensity(y[0]));
  });
});
