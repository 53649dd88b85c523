/**
 * Accuracy beside cost (issue 5's correctness goals, measured rather than asserted): held-out
 * mean log predictive density of the flagship (K = 3, N = 1000, rejuvenation on) on the bundled
 * piecewise and sparse-routing data for seeds 1–5, against the data-generating model's, with
 * the shrinkage of the sparse data's gate coefficients. The tests assert the tolerances; this
 * prints the figures.
 */
import { readFileSync } from "node:fs";
import { compile } from "../api.js";
import { heldoutLpd, piecewise, sparseRouting, type SyntheticData } from "../examples/data/simulate.js";
import { printTable } from "./util.js";

const source = readFileSync(new URL("../../stdlib/hsmoe.moe", import.meta.url), "utf8");

function fit(data: SyntheticData, seed: number, resampling: "ess" | "every"): { lpd: number; seconds: number; kappa: number[][] | null } {
  const t0 = performance.now();
  const f = compile(source, { K: 3 }).filter({ particles: 1000, seed, resampling, D: data.train[0].x.length });
  for (const r of data.train) f.observe(r.x, r.y);
  f.finish();
  const seconds = (performance.now() - t0) / 1000;
  let lpd = 0;
  for (const r of data.test) lpd += f.predict(r.x, []).logDensity(r.y);
  return { lpd: lpd / data.test.length, seconds, kappa: f.shrinkage() };
}

export default function run(): void {
  for (const [name, data] of [["piecewise", piecewise(1)], ["sparse", sparseRouting(1)]] as [string, SyntheticData][]) {
    const truth = heldoutLpd(data);
    console.log(`\n${name}: truth ${truth.toFixed(4)} nats/row`);
    for (const resampling of ["ess", "every"] as const) {
      const rows = [1, 2, 3, 4, 5].map((seed) => {
        const r = fit(data, seed, resampling);
        const k = r.kappa ? r.kappa.flat() : [];
        const f4 = (v: number) => v.toFixed(4);
        return [resampling, String(seed), f4(r.lpd), f4(r.lpd - truth), r.seconds.toFixed(2), k.length ? f4(Math.min(...k)) : "-", k.length ? f4(Math.max(...k)) : "-"];
      });
      printTable(["resampling", "seed", "held-out lpd", "minus truth", "seconds (1 thread)", "min κ", "max κ"], rows);
      const lpds = rows.map((r) => Number(r[2]));
      const mean = lpds.reduce((a, v) => a + v, 0) / lpds.length;
      console.log(`resampling ${resampling}: mean minus truth ${(mean - truth).toFixed(4)}, spread over seeds ${(Math.max(...lpds) - Math.min(...lpds)).toFixed(4)} nats/row`);
    }
  }
}
