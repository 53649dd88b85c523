/**
 * Prepares the motorcycle data for `stdlib/hsmoe.moe`:
 *
 *     npx tsx examples/mcycle/prepare.ts [--shuffle SEED] [-o OUT.csv]
 *
 * reads `mcycle.csv` (`times` in ms, `accel` in g) next to this script and writes
 * `mcycle-prepared.csv` (or OUT.csv) with the columns `intercept,time,y`: a column of ones, the
 * standardised time and the standardised acceleration (`(v - mean) / sd`, sd with the n − 1
 * divisor), rounded to 6 decimals. The model's response is `y`; every other column is an input,
 * in file order.
 *
 * The rows keep the raw file's order, sorted by time; particle learning reads them in that order.
 * `--shuffle SEED` writes them in a fixed pseudo-random order instead, for comparing the two (the
 * README does): the posterior does not depend on the order, the particle approximation does.
 *
 * It prints the scaling constants the README quotes, to map back to milliseconds and g.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));

/** Mean and sample standard deviation (n − 1 divisor). */
export function meanSd(v: number[]): { mean: number; sd: number } {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1));
  return { mean, sd };
}

/** Mulberry32: a small seeded generator, enough for a reproducible shuffle. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Fisher–Yates permutation of 0..n−1 from `seed`. */
export function permutation(n: number, seed: number): number[] {
  const rand = mulberry32(seed);
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

/**
 * The prepared CSV text and the scaling constants, from the raw CSV text: rows in file order, or
 * shuffled by {@link permutation} when a seed is given.
 */
export function prepare(raw: string, seed?: number): { csv: string; time: { mean: number; sd: number }; accel: { mean: number; sd: number } } {
  const [header, ...lines] = raw.trim().split(/\r?\n/);
  if (header.trim() !== "times,accel") throw new Error(`expected the header 'times,accel', got '${header}'`);
  const rows = lines.map((l) => l.split(",").map(Number));
  const times = rows.map((r) => r[0]);
  const accel = rows.map((r) => r[1]);
  const time = meanSd(times);
  const acc = meanSd(accel);
  const round = (v: number) => String(Math.round(v * 1e6) / 1e6);
  const order = seed === undefined ? rows.map((_, i) => i) : permutation(rows.length, seed);
  const out = order.map((i) => `1,${round((times[i] - time.mean) / time.sd)},${round((accel[i] - acc.mean) / acc.sd)}`);
  return { csv: ["intercept,time,y", ...out].join("\n") + "\n", time, accel: acc };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { shuffle: { type: "string" }, out: { type: "string", short: "o" } } });
  const seed = values.shuffle === undefined ? undefined : Number(values.shuffle);
  if (seed !== undefined && !Number.isInteger(seed)) throw new Error(`--shuffle takes an integer seed, got '${values.shuffle}'`);
  const out = values.out === undefined ? here("mcycle-prepared.csv") : resolve(values.out);
  const { csv, time, accel } = prepare(readFileSync(here("mcycle.csv"), "utf8"), seed);
  writeFileSync(out, csv);
  console.log(`wrote ${out}: ${csv.trim().split("\n").length - 1} rows${seed === undefined ? " (sorted by time)" : ` (shuffled, seed ${seed})`}`);
  const centred = (name: string, m: number) => `(${name} ${m < 0 ? "+" : "-"} ${Math.abs(m).toFixed(6)})`;
  console.log(`time = ${centred("times", time.mean)} / ${time.sd.toFixed(6)}   (times in ms)`);
  console.log(`y    = ${centred("accel", accel.mean)} / ${accel.sd.toFixed(6)}   (accel in g)`);
}
