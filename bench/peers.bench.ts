/**
 * hsmoe beside JAGS (issue 13 item 8): the same model on the same rows, fitted once by hsmoe's
 * particle filter and once by MCMC in JAGS, for each expert family (Gaussian, binary, binomial,
 * count, Student-t, Laplace) and for the softmax gate (the stdlib models and bundled data of
 * bench/peers/families.ts; `PEERS=a,b` picks families by name). JAGS is the
 * reference: a long Gibbs chain on the full batch is what a streaming fit should match.
 *
 * Measured per family: the held-out mean log predictive density per test row of each, their
 * difference, and each one's wall seconds with the ratio JAGS/hsmoe. The issue's goal is hsmoe
 * within 0.01 nats/row of JAGS and at least 20× faster; the figures are reported, not tuned.
 * - hsmoe: `filter({ particles: 1000, seed: 1 })` (its default four sets, in this one thread),
 *   every training row observed, then `finish()`. Timed from the filter's creation to the end
 *   of `finish()`: compiling the model (milliseconds) and the held-out predictions are excluded.
 *   Its score is the mean of `predict(x).logDensity(y)`. Also timed: the same fit as a user runs
 *   it, `hsmoe fit MODEL --data TRAIN --test TEST --json` (the same four sets and seed, on two
 *   worker threads, the default), as a whole process: reading the CSVs, the fit and the
 *   held-out scoring included; its held-out score is checked equal to the API's.
 * - JAGS: one chain, seed 1, of 500 adaptive and 500 burn-in iterations then 1000 saved,
 *   unthinned, with latent z[i] ~ dcat (the `.moe` model as written). Timed as the whole `jags`
 *   process (parsing, compiling, sampling, writing CODA); writing its inputs and reading the
 *   draws are excluded. Its score for a test row is log of the mean over the saved draws of
 *   p(y | x, θ) = Σ_k g_k(x; φ) p_k(y | x, β_k, σ²_k), the posterior predictive, so the labels'
 *   switching does not matter.
 *
 * `jags` comes from the Debian package, installed here when missing and running as root; else the
 * bench says how to install it and stops. Never run by CI: the JAGS chains take minutes.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compile } from "../api.js";
import { readCsvRows } from "../examples/data/write.js";
import { logSumExp, log1mSigmoid, logSigmoid } from "../runtime/math/special.js";
import { ensureJags, runJags, type Chain, type ChainSettings } from "./peers/jags.js";
import { FAMILIES, jagsModel, type Family } from "./peers/families.js";
import { printTable } from "./util.js";

const PARTICLES = 1000;
const SEED = 1;
const CHAIN: ChainSettings = { adapt: 500, burnIn: 500, samples: 1000, seed: SEED };

/**
 * Training and test rows of a family, each row `x1, …, xD, [n,] y` with x1 = 1 (the columns the
 * family ignores dropped), and where y sits in a row (D, or D + 1 after a column of trials).
 */
interface Data {
  train: number[][];
  test: number[][];
  D: number;
  at: number;
}

const url = (family: Family, part: string) => new URL(`../../examples/${family.data}-${part}.csv`, import.meta.url);

function readData(family: Family): Data {
  const read = (part: string) => readCsvRows(url(family, part)).map((r) => r.slice(0, r.length - (family.ignored ?? 0)));
  const train = read("train");
  const at = train[0].length - 1;
  return { train, test: read("test"), D: family.trials ? at - 1 : at, at };
}

/** hsmoe's held-out mean lpd per row and the seconds of its filter (see the module header). */
function fitHsmoe(family: Family, data: Data): { lpd: number; seconds: number } {
  const model = compile(readFileSync(new URL(`../../stdlib/${family.moe}`, import.meta.url), "utf8"), family.hypers);
  const t0 = performance.now();
  const f = model.filter({ particles: PARTICLES, seed: SEED, ...(family.trials ? { inputs: [data.D, 1] } : { D: data.D }) });
  for (const row of data.train) f.observe(row.slice(0, data.at), row[data.at]);
  f.finish();
  const seconds = (performance.now() - t0) / 1000;
  let lpd = 0;
  for (const row of data.test) lpd += f.predict(row.slice(0, data.at), []).logDensity(row[data.at]);
  return { lpd: lpd / data.test.length, seconds };
}

/** `hsmoe fit` as a user runs it (two threads), timed as a whole process; its held-out lpd per row. */
function fitCli(family: Family): { lpd: number; seconds: number } {
  const bin = new URL("../../bin/hsmoe.js", import.meta.url).pathname;
  const model = new URL(`../../stdlib/${family.moe}`, import.meta.url).pathname;
  const sets = Object.entries(family.hypers).flatMap(([k, v]) => ["--set", `${k}=${v}`]);
  const dir = mkdtempSync(join(tmpdir(), "hsmoe-peers-"));
  try {
    // Columns the model does not read (a true regime) are left out of the files the CLI reads.
    const files = ["train", "test"].map((part) => {
      if (!family.ignored) return url(family, part).pathname;
      const lines = readFileSync(url(family, part), "utf8").trim().split("\n").map((l) => l.split(",").slice(0, -family.ignored!).join(","));
      const file = join(dir, `${part}.csv`);
      writeFileSync(file, lines.join("\n") + "\n");
      return file;
    });
    const t0 = performance.now();
    const out = execFileSync(process.execPath, [bin, "fit", model, ...sets, "--data", files[0], "--test", files[1], "--particles", String(PARTICLES), "--seed", String(SEED), "--json"], { encoding: "utf8", maxBuffer: 1 << 26 });
    const seconds = (performance.now() - t0) / 1000;
    return { lpd: (JSON.parse(out) as { heldout: { lpd: number } }).heldout.lpd, seconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One chain of the family's model in JAGS on the training rows. */
function fitJags(family: Family, data: Data): Chain {
  const { train, D, at } = data;
  const values = { N: train.length, D, x: train.map((r) => r.slice(0, D)), y: train.map((r) => r[at]), ...(family.trials ? { n: train.map((r) => r[D]) } : {}), ...family.hypers };
  return runJags(jagsModel(family), values, family.scaled ? ["phi", "beta", "sigma2"] : ["phi", "beta"], CHAIN);
}

/**
 * Held-out mean lpd per row of JAGS's draws: per test row, log of the mean over draws of the
 * mixture density, with the gate's weights (stick-breaking or softmax) in log space.
 */
function jagsLpd(family: Family, chain: Chain, data: Data): number {
  const { K } = family.hypers;
  const { D } = data;
  const draws = (name: string) => {
    const d = chain.draws.get(name);
    if (!d) throw new Error(`JAGS saved no draws of ${name}`);
    return d;
  };
  const grid = (name: string, rows: number) => Array.from({ length: rows }, (_, a) => Array.from({ length: D }, (_, j) => draws(`${name}[${a + 1},${j + 1}]`)));
  const phi = grid("phi", K - 1);
  const beta = grid("beta", K);
  const sigma2 = family.scaled ? Array.from({ length: K }, (_, k) => draws(`sigma2[${k + 1}]`)) : undefined;
  const S = beta[0][0].length;
  const byDraw = new Float64Array(S);
  const byExpert = new Float64Array(K);
  let total = 0;
  const logits = new Float64Array(K);
  for (const row of data.test) {
    const y = row[data.at];
    const n = family.trials ? row[D] : NaN;
    for (let s = 0; s < S; s++) {
      for (let k = 0; k < K - 1; k++) {
        let u = 0;
        for (let j = 0; j < D; j++) u += phi[k][j][s] * row[j];
        logits[k] = u;
      }
      logits[K - 1] = 0;
      const norm = family.gate === "softmax" ? logSumExp(logits) : 0;
      let logRest = 0; // stick-breaking: log ∏_{l<k} (1 − v_l)
      for (let k = 0; k < K; k++) {
        let logGate: number;
        if (family.gate === "softmax") logGate = logits[k] - norm;
        else {
          logGate = logRest + (k < K - 1 ? logSigmoid(logits[k]) : 0);
          if (k < K - 1) logRest += log1mSigmoid(logits[k]);
        }
        let eta = 0;
        for (let j = 0; j < D; j++) eta += beta[k][j][s] * row[j];
        byExpert[k] = logGate + family.logDensity(y, eta, sigma2 ? sigma2[k][s] : NaN, family.hypers, n);
      }
      byDraw[s] = logSumExp(byExpert);
    }
    total += logSumExp(byDraw) - Math.log(S);
  }
  return total / data.test.length;
}

export default function run(): void {
  if (!ensureJags()) return;
  const rows: string[][] = [];
  const settings: string[] = [];
  // PEERS=Laplace,count runs those families alone (by name, case-insensitive); all by default.
  const only = process.env.PEERS?.toLowerCase().split(",").map((x) => x.trim());
  for (const family of FAMILIES.filter((f) => !only || only.includes(f.name.toLowerCase()))) {
    const data = readData(family);
    const ours = fitHsmoe(family, data);
    const cli = fitCli(family);
    // the CLI runs the same four sets on threads: its score is the API's up to summation order
    if (Math.abs(cli.lpd - ours.lpd) > 1e-9) throw new Error(`${family.name}: hsmoe fit scored ${cli.lpd}, the API ${ours.lpd}`);
    const chain = fitJags(family, data);
    const theirs = jagsLpd(family, chain, data);
    rows.push([
      family.name,
      ours.lpd.toFixed(4),
      theirs.toFixed(4),
      (ours.lpd - theirs).toFixed(4),
      ours.seconds.toFixed(2),
      cli.seconds.toFixed(2),
      chain.seconds.toFixed(1),
      (chain.seconds / ours.seconds).toFixed(1),
      (chain.seconds / cli.seconds).toFixed(1),
    ]);
    const hypers = Object.entries(family.hypers).map(([k, v]) => `${k} = ${v}`).join(", ");
    settings.push(
      `${family.name}: stdlib/${family.moe} (${hypers}), ${data.train.length} train / ${data.test.length} test rows, D = ${data.D}; ` +
        `JAGS ${chain.version}, 1 chain, seed ${CHAIN.seed}, ${CHAIN.adapt} adaptive + ${CHAIN.burnIn} burn-in + ${CHAIN.samples} saved iterations${chain.adapted ? "" : " (JAGS: adaptation incomplete)"}`,
    );
  }
  printTable(["family", "hsmoe lpd", "JAGS lpd", "hsmoe − JAGS", "hsmoe s", "hsmoe fit s", "JAGS s", "JAGS/hsmoe", "JAGS/hsmoe fit"], rows);
  for (const line of settings) console.log(line);
  console.log(`goal: |hsmoe − JAGS| ≤ 0.01 nats/row and JAGS/hsmoe ≥ 20; hsmoe: ${PARTICLES} particles, seed ${SEED}, one thread (API) and \`hsmoe fit\` on two (a whole process, scoring included)`);
}
