/**
 * Oracle 20 (spec §6): the same seed gives bit-identical results, and a filter snapshotted
 * after t rows, serialised to JSON text and restored continues bit for bit like an
 * uninterrupted run — across rejuvenation checkpoints, for every stdlib gate prior.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { compile } from "../../api.js";
import { piecewise } from "../../examples/data/simulate.js";

const rows = piecewise(3).train.slice(0, 70);

function summary(f: ReturnType<ReturnType<typeof compile>["filter"]>) {
  const p = f.predict([1, 0.3]);
  return [f.logEvidence, f.logEvidenceSE, f.ess, f.ancestors, p.mean, p.sd, ...p.quantiles.map((q) => q.value), JSON.stringify(f.experts()), JSON.stringify(f.shrinkage())];
}

describe.each(["hsmoe.moe", "hsmoe-group.moe", "moe-normal-gate.moe"])("%s", (file) => {
  const model = compile(readFileSync(new URL(`../../stdlib/${file}`, import.meta.url), "utf8"), { K: 3 });
  const run = (seed: number) => {
    const f = model.filter({ particles: 40, seed, D: 2 });
    for (const r of rows) f.observe(r.x, r.y);
    return f;
  };

  it("same seed, same bits; another seed, other bits", () => {
    expect(summary(run(5))).toEqual(summary(run(5)));
    expect(summary(run(6))).not.toEqual(summary(run(5)));
  });

  it("snapshot after 35 rows, restore from JSON text, continue: bit-identical to an uninterrupted run", () => {
    const whole = run(9);
    const first = model.filter({ particles: 40, seed: 9, D: 2 });
    for (const r of rows.slice(0, 35)) first.observe(r.x, r.y);
    const text = JSON.stringify(first.snapshot());
    const resumed = model.restore(JSON.parse(text));
    for (const r of rows.slice(35)) resumed.observe(r.x, r.y);
    expect(summary(resumed)).toEqual(summary(whole));
    expect(JSON.stringify(resumed.snapshot())).toBe(JSON.stringify(whole.snapshot()));
  });

  it("a snapshot saved before kernels recorded whether they weigh rows restores (it weighed none)", () => {
    const first = model.filter({ particles: 40, seed: 9, D: 2 });
    for (const r of rows.slice(0, 10)) first.observe(r.x, r.y);
    const old = JSON.parse(JSON.stringify(first.snapshot()));
    delete old.info.weighsRows;
    expect(summary(model.restore(old))).toEqual(summary(first));
  });
});
