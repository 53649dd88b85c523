/**
 * Running JAGS from the peers benchmark: finding or installing the `jags` program, writing its
 * inputs (R dump format, which is what JAGS reads), running one chain through a command script
 * and reading the CODA files it writes back as one array of draws per monitored scalar.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** How one chain is run: iterations of each phase and the seed of JAGS's own generator. */
export interface ChainSettings {
  /** Adaptive iterations (samplers tune their step sizes; discarded). */
  adapt: number;
  /** Further burn-in iterations after adaptation (discarded). */
  burnIn: number;
  /** Iterations saved, unthinned. */
  samples: number;
  seed: number;
}

/** The draws of one chain by scalar node name (`beta[2,1]`), the wall seconds of the `jags` process and its version. */
export interface Chain {
  draws: Map<string, Float64Array>;
  seconds: number;
  version: string;
  /** False when JAGS said its samplers had not finished adapting in the adaptive iterations. */
  adapted: boolean;
}

/** A value JAGS can read as data: a scalar, a vector or a matrix given by its rows. */
export type RValue = number | number[] | number[][];

/** Longest one JAGS run may take before it is killed (the bench is never run by CI). */
const TIMEOUT_MS = 30 * 60 * 1000;

function onPath(): boolean {
  return spawnSync("sh", ["-c", "command -v jags"], { stdio: "ignore" }).status === 0;
}

/**
 * True when `jags` is on PATH, installing the Debian package first when it is missing and the
 * process runs as root (the bench only; nothing else needs JAGS). Otherwise prints how to
 * install it and returns false, so the bench is skipped rather than failed.
 */
export function ensureJags(): boolean {
  if (onPath()) return true;
  if (process.getuid?.() === 0) {
    console.log("jags is not on PATH: installing the Debian package (apt-get install -y jags)");
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    const install = () => spawnSync("apt-get", ["install", "-y", "jags"], { stdio: "inherit", env }).status === 0;
    if (!install()) {
      // a fresh image may have no package lists yet
      spawnSync("apt-get", ["update"], { stdio: "inherit", env });
      install();
    }
    if (onPath()) return true;
  }
  console.log("jags is not on PATH; skipping. Install JAGS 4 (Debian/Ubuntu: `sudo apt-get install -y jags`; elsewhere https://mcmc-jags.sourceforge.io) and run `npm run bench -- peers` again.");
  return false;
}

/** A number as R reads it: JavaScript's shortest round-trip form, with R's names for the non-finite. */
function rNumber(v: number): string {
  if (Number.isNaN(v)) return "NA";
  if (!Number.isFinite(v)) return v > 0 ? "Inf" : "-Inf";
  return String(v);
}

/**
 * `values` in R dump format. A matrix is given by rows here but R stores it by columns, so its
 * entries are written column after column with a `.Dim` attribute.
 */
export function rDump(values: Record<string, RValue>): string {
  return Object.entries(values)
    .map(([name, v]) => {
      if (typeof v === "number") return `"${name}" <- ${rNumber(v)}`;
      if (typeof v[0] === "number") return `"${name}" <- c(${(v as number[]).map(rNumber).join(", ")})`;
      const rows = v as number[][];
      const byColumn = rows[0].flatMap((_, j) => rows.map((r) => rNumber(r[j])));
      return `"${name}" <- structure(c(${byColumn.join(", ")}), .Dim = c(${rows.length}, ${rows[0].length}))`;
    })
    .join("\n") + "\n";
}

/** Draws of every monitored scalar from `CODAindex.txt` (`name first last`) and `CODAchain1.txt` (`iteration value`). */
function readCoda(dir: string): Map<string, Float64Array> {
  const values = readFileSync(join(dir, "CODAchain1.txt"), "utf8")
    .trim()
    .split("\n")
    .map((l) => Number(l.trim().split(/\s+/)[1]));
  const draws = new Map<string, Float64Array>();
  for (const line of readFileSync(join(dir, "CODAindex.txt"), "utf8").trim().split("\n")) {
    const [name, first, last] = line.trim().split(/\s+/);
    draws.set(name, Float64Array.from(values.slice(Number(first) - 1, Number(last))));
  }
  return draws;
}

/**
 * Runs one chain of `model` (BUGS language) on `data` in a fresh temporary directory and
 * returns the saved draws of the `monitors`. The chain starts from `inits` where given (JAGS
 * draws the other nodes' initial values itself). The time is the whole `jags` process: parsing,
 * compiling the graph, adaptation, burn-in, sampling and writing CODA.
 * @throws Error when `jags` fails or times out, with its output
 */
export function runJags(model: string, data: Record<string, RValue>, monitors: string[], settings: ChainSettings, inits: Record<string, RValue> = {}): Chain {
  const dir = mkdtempSync(join(tmpdir(), "hsmoe-jags-"));
  try {
    writeFileSync(join(dir, "model.bug"), model);
    writeFileSync(join(dir, "data.R"), rDump(data));
    writeFileSync(join(dir, "inits.R"), `".RNG.name" <- "base::Mersenne-Twister"\n".RNG.seed" <- ${settings.seed}\n` + (Object.keys(inits).length ? rDump(inits) : ""));
    const script = [
      'model in "model.bug"',
      'data in "data.R"',
      "compile, nchains(1)",
      'parameters in "inits.R"',
      "initialize",
      `adapt ${settings.adapt}`,
      `update ${settings.burnIn}`,
      ...monitors.map((m) => `monitor ${m}`),
      `update ${settings.samples}`,
      "coda *",
      "exit",
    ];
    writeFileSync(join(dir, "script.cmd"), script.join("\n") + "\n");
    const t0 = performance.now();
    const run = spawnSync("jags", ["script.cmd"], { cwd: dir, encoding: "utf8", timeout: TIMEOUT_MS, maxBuffer: 64 << 20 });
    const seconds = (performance.now() - t0) / 1000;
    // an error in the script need not end the process with a failure status; no CODA file means one
    if (run.status !== 0 || !existsSync(join(dir, "CODAindex.txt"))) {
      throw new Error(`jags failed (status ${run.status}${run.error ? `, ${run.error.message}` : ""}):\n${run.stdout}\n${run.stderr}`);
    }
    return {
      draws: readCoda(dir),
      seconds,
      version: /JAGS (\S+)/.exec(run.stdout)?.[1] ?? "?",
      adapted: !/Adaptation incomplete/.test(run.stdout + run.stderr),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

