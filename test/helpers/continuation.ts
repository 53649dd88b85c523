/** Snapshot continuation: a filter restored mid-stream continues bit for bit. */
import { expect } from "vitest";
import type { CompiledModel } from "../../api.js";
import { Filter } from "../../runtime/pl/filter.js";

/**
 * For each option set: two equal filters see the first `cut` rows, the second is snapshotted
 * (through JSON) and restored, and both see the rest; the evidence and the final snapshots must
 * agree bit for bit.
 */
export function expectContinuation(model: CompiledModel, D: number, data: readonly { x: number[]; y: number }[], cut: number, optionSets: readonly object[]): void {
  for (const options of optionSets) {
    const make = () => model.filter({ particles: 40, seed: 2, D, ...options });
    const a = make();
    const b = make();
    for (const r of data.slice(0, cut)) {
      a.observe(r.x, r.y);
      b.observe(r.x, r.y);
    }
    const c = Filter.restore(model.kernel, JSON.parse(JSON.stringify(b.snapshot())));
    for (const r of data.slice(cut)) {
      a.observe(r.x, r.y);
      c.observe(r.x, r.y);
    }
    expect(c.logEvidence).toBe(a.logEvidence);
    expect(JSON.stringify(c.snapshot())).toBe(JSON.stringify(a.snapshot()));
  }
}
