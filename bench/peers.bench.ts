/**
 * hsmoe beside JAGS (issue 13 item 8): the same model on the same rows, fitted once by hsmoe's
 * particle filter and once by MCMC in JAGS, for each expert family (Gaussian, binary, count,
 * Student-t, Laplace; the stdlib models and bundled data of bench/peers/families.ts; `PEERS=a,b`
 * picks families by name). JAGS is the
 * reference: a long Gibbs chain on the full batch is what a streaming fit should match.
 *
 * Measured per family: the held-out mean log predictive density per test row of each, their
 * difference, and each one's wall seconds with the ratio JAGS/hsmoe. The issue's goal is hsmoe
 * within 0.01 nats/row of JAGS and at least 20× faster; the figures are reported, not tuned.
 * - hsmoe: `filter({ particles: 1000, seed: 1 })` (its default four sets, in this one thread),
 *   every training row observed, then `finish()`. Timed from the filter's creation to the end
 *   of `finish()`: compiling the model (milliseconds) and the held-out predictions are excluded.
 *   Its score is the mean of `predict(x).logDensity(y)`.
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
import { readFileSync } from "node:fs";
import { compile } from "../api.js";
import { readCsvRows } from "../examples/data/write.js";
import { logSumExp, log1mSigmoid, logSigmoid } from "../runtime/math/special.js";
import { ensureJags, runJags, type Chain, type ChainSettings } from "./peers/jags.js";
import { FAMILIES, jagsModel, type Family } from "./peers/families.js";
import { printTable } from "./util.js";

const PARTICLES = 1000;
const SEED = 1;
const CHAIN: ChainSettings = { adapt: 500, burnIn: 500, samples: 1000, seed: SEED };

/** Training and test rows of a family, each row `x1, …, xD, y` with x1 = 1. */
interface Data {
  train: number[][];
  test: number[][];
  D: number;
}

function readData(family: Family): Data {
  const url = (part: string) => new URL(`../../examples/${family.data}-${part}.csv`, import.meta.url);
  const train = readCsvRows(url("train"));
  return { train, test: readCsvRows(url("test")), D: train[0].length - 1 };
}

/** hsmoe's held-out mean lpd per row and the seconds of its filter (see the module header). */
function fitHsmoe(family: Family, data: Data): { lpd: number; seconds: number } {
  const model = compile(readFileSync(new URL(`../../stdlib/${family.moe}`, import.meta.url), "utf8"), family.hypers);
  const t0 = performance.now();
  const f = model.filter({ particles: PARTICLES, seed: SEED, D: data.D });
  for (const row of data.train) f.observe(row.slice(0, data.D), row[data.D]);
  f.finish();
  const seconds = (performance.now() - t0) / 1000;
  let lpd = 0;
  for (const row of data.test) lpd += f.predict(row.slice(0, data.D), []).logDensity(row[data.D]);
  return { lpd: lpd / data.test.length, seconds };
}

/** One chain of the family's model in JAGS on the training rows. */
function fitJags(family: Family, data: Data): Chain {
  const { train, D } = data;
  const values = { N: train.length, D, x: train.map((r) => r.slice(0, D)), y: train.map((r) => r[D]), ...family.hypers };
  return runJags(jagsModel(family), values, family.scaled ? ["phi", "beta", "sigma2"] : ["phi", "beta"], CHAIN);
}

/**
 * Held-out mean lpd per row of JAGS's draws: per test row, log of the mean over draws of the
 * mixture density, with the gate's stick-breaking weights in log space.
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
  for (const row of data.test) {
    const y = row[D];
    for (let s = 0; s < S; s++) {
      let logRest = 0; // log ∏_{l<k} (1 − v_l)
      for (let k = 0; k < K; k++) {
        let logGate = logRest;
        if (k < K - 1) {
          let u = 0;
          for (let j = 0; j < D; j++) u += phi[k][j][s] * row[j];
          logGate += logSigmoid(u);
          logRest += log1mSigmoid(u);
        }
        let eta = 0;
        for (let j = 0; j < D; j++) eta += beta[k][j][s] * row[j];
        byExpert[k] = logGate + family.logDensity(y, eta, sigma2 ? sigma2[k][s] : NaN, family.hypers);
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
    const chain = fitJags(family, data);
    const theirs = jagsLpd(family, chain, data);
    rows.push([
      family.name,
      ours.lpd.toFixed(4),
      theirs.toFixed(4),
      (ours.lpd - theirs).toFixed(4),
      ours.seconds.toFixed(2),
      chain.seconds.toFixed(1),
      (chain.seconds / ours.seconds).toFixed(1),
    ]);
    const hypers = Object.entries(family.hypers).map(([k, v]) => `${k} = ${v}`).join(", ");
    settings.push(
      `${family.name}: stdlib/${family.moe} (${hypers}), ${data.train.length} train / ${data.test.length} test rows, D = ${data.D}; ` +
        `JAGS ${chain.version}, 1 chain, seed ${CHAIN.seed}, ${CHAIN.adapt} adaptive + ${CHAIN.burnIn} burn-in + ${CHAIN.samples} saved iterations${chain.adapted ? "" : " (JAGS: adaptation incomplete)"}`,
    );
  }
  printTable(["family", "hsmoe lpd", "JAGS lpd", "hsmoe − JAGS", "hsmoe s", "JAGS s", "JAGS/hsmoe"], rows);
  for (const line of settings) console.log(line);
  console.log(`goal: |hsmoe − JAGS| ≤ 0.01 nats/row and JAGS/hsmoe ≥ 20; hsmoe: ${PARTICLES} particles, seed ${SEED}, one thread`);
}
