/**
 * The change alarms on the prequential score (runtime/pl/trace.ts, spec §3.8), measured on fits:
 * false alarms on stationary streams (the piecewise truth, and a one-expert regression whose
 * scores are Student-t, not Gaussian), and on streams whose regimes swap halfway how often the
 * alarm fires after the change and how many rows it takes. The flagship at K = 3, 200
 * particles in 4 sets, sweeps on; 10 seeds per stream.
 */
import { readFileSync } from "node:fs";
import { compile } from "../api.js";
import { Rng } from "../runtime/rng/rng.js";
import { printTable } from "./util.js";

const flagship = readFileSync(new URL("../../stdlib/hsmoe.moe", import.meta.url), "utf8");
const linear = readFileSync(new URL("../../stdlib/linear-regression.moe", import.meta.url), "utf8");
const ROWS = 5000;
const SEEDS = 10;

type Truth = (u: number, t: number) => number;
const piecewise: Truth = (u) => (u < 0 ? -1 - u : 1 + 2 * u);
const swapped: Truth = (u, t) => (t < ROWS / 2 ? piecewise(u, t) : u < 0 ? 1 + u : -1 - 2 * u);
const line: Truth = (u) => 0.5 + 1.2 * u;

function alarms(source: string, hypers: Record<string, number>, truth: Truth, seed: number) {
  const rng = Rng.fromSeed(seed);
  const f = compile(source, hypers).filter({ particles: 200, seed });
  for (let t = 0; t < ROWS; t++) {
    const u = rng.uniform() * 6 - 3;
    f.observe([1, u], truth(u, t) + 0.3 * rng.normal());
  }
  return f.alarms;
}

export default function run(): void {
  const rows: (string | number)[][] = [];
  for (const [name, source, hypers, truth] of [
    ["piecewise, stationary", flagship, { K: 3 }, piecewise],
    ["line, one expert, stationary", linear, {}, line],
  ] as const) {
    let count = 0;
    for (let seed = 1; seed <= SEEDS; seed++) count += alarms(source, hypers, truth, seed).length;
    rows.push([name, SEEDS * ROWS, count, (1e4 * count) / (SEEDS * ROWS), "", ""]);
  }
  const delays: number[] = [];
  let caught = 0;
  let early = 0;
  for (let seed = 1; seed <= SEEDS; seed++) {
    const a = alarms(flagship, { K: 3 }, swapped, seed);
    early += a.filter((x) => x.row <= ROWS / 2).length;
    const after = a.find((x) => x.row > ROWS / 2);
    if (after) {
      caught++;
      delays.push(after.row - ROWS / 2);
    }
  }
  delays.sort((x, y) => x - y);
  rows.push(["piecewise, regimes swap at 2,500", SEEDS * ROWS, early, (1e4 * early) / (SEEDS * ROWS / 2), `${caught} / ${SEEDS}`, delays.length ? `${delays[0]} / ${delays[Math.floor(delays.length / 2)]} / ${delays.at(-1)}` : "-"]);
  printTable(["stream", "rows", "false alarms", "per 10⁴ rows", "change caught", "delay min / median / max"], rows);
}
