/**
 * The sweeps' window (spec §3.8): held-out lpd, wall time and rows held against the window W on
 * streams longer than the bundled data (which are all shorter than the default W = 4096, so
 * there the window changes nothing). Piecewise (20,000 rows) and sparse routing (8,000 rows)
 * from examples/data/simulate.ts, the flagship at K = 3, 200 particles in 4 sets, one thread;
 * W = ∞ is the unwindowed filter.
 */
import { readFileSync } from "node:fs";
import { compile } from "../api.js";
import { heldoutLpd, piecewise, sparseRouting, type SyntheticData } from "../examples/data/simulate.js";
import { printTable } from "./util.js";

const flagship = readFileSync(new URL("../../stdlib/hsmoe.moe", import.meta.url), "utf8");

function run(data: SyntheticData, window: number) {
  const f = compile(flagship, { K: 3 }).filter({ particles: 200, seed: 1, window });
  const t0 = performance.now();
  let held = 0;
  for (const r of data.train) {
    f.observe(r.x, r.y);
    held = Math.max(held, f.filter.rows.held);
  }
  f.finish();
  const seconds = (performance.now() - t0) / 1000;
  let lpd = 0;
  for (const r of data.test) lpd += f.predict(r.x, []).logDensity(r.y);
  return { lpd: lpd / data.test.length, seconds, held };
}

export default function bench(): void {
  const rows: (string | number)[][] = [];
  for (const [name, data] of [
    ["piecewise", piecewise(7, { nTrain: 20_000, nTest: 2_000 })],
    ["sparse routing", sparseRouting(7, { nTrain: 8_000, nTest: 2_000 })],
  ] as const) {
    const truth = heldoutLpd(data);
    for (const W of [250, 1000, 4096, 1e9]) {
      const r = run(data, W);
      rows.push([name, W === 1e9 ? "∞" : String(W), r.lpd, truth, r.seconds, String(r.held)]);
    }
  }
  printTable(["stream", "W", "held-out lpd", "truth", "wall s", "rows held (max)"], rows);
}
