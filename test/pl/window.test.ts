/**
 * The sweeps' window (spec §3.8, fixed lag): rows older than the last W are folded into fixed
 * statistics (the experts' sums, the sticks' (G, r) with the ω the last sweep drew, kept for the
 * fold) and dropped.
 * - With the default schedule every row is swept before it is folded, and the rows held stay
 *   within 2W.
 * - While n ≤ W nothing is folded: the fit is bit for bit the unwindowed one (here W = n).
 * - The moves stay valid on the extended target, so the evidence estimate stays unbiased:
 *   with W = 3 and a sweep after every row, the mean of p̂/p over independent filters is within
 *   4 Monte Carlo standard errors of 1, against exact evidence by enumeration, for a fixed gate
 *   (the experts' folding) and for a learnt gate with a Normal prior (the sticks' folding; the
 *   gate integral by quadrature).
 * - Memory: a long stream keeps O(W) rows and allocations, whatever its length.
 * - A snapshot taken after rows were folded continues bit for bit (also under `forget: "auto"`),
 *   and every fold of a long stream takes the statistics its sweep kept.
 */
import { describe, expect, it, vi } from "vitest";
import { readFileSync } from "node:fs";
import { compile } from "../../api.js";
import { Rng } from "../../runtime/rng/rng.js";
import { DEFAULT_SCHEDULE, isCheckpoint, mostHeldRows, type Schedule } from "../../runtime/pl/schedule.js";
import { LogitRegressions } from "../../runtime/rules/logit-regressions.js";
import { nigPosterior } from "../helpers/nig.js";

const flagship = readFileSync(new URL("../../stdlib/hsmoe.moe", import.meta.url), "utf8");
const EVERY_ROW = { denseEvery: 1, denseUntil: 1000 };

/** Mean of p̂/p over `runs` filters and its standard error. */
function ratioStats(logZ: (seed: number) => number, exact: number, runs: number) {
  const r = Array.from({ length: runs }, (_, s) => Math.exp(logZ(s + 1) - exact));
  const mean = r.reduce((a, b) => a + b, 0) / runs;
  const sd = Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / (runs - 1));
  return { mean, se: sd / Math.sqrt(runs) };
}

/** log Σ over every allocation z of 1..K per row of log prior(z) + Σ_k log NIG evidence of expert k's rows. */
function enumerate(y: number[], K: number, logPrior: (counts: number[], z: number[]) => number): number {
  const n = y.length;
  const z = new Array<number>(n).fill(0);
  const terms: number[] = [];
  for (let code = 0; code < K ** n; code++) {
    let c = code;
    for (let t = 0; t < n; t++) {
      z[t] = c % K;
      c = Math.floor(c / K);
    }
    const counts = Array.from({ length: K }, (_, k) => z.filter((v) => v === k).length);
    let l = logPrior(counts, z);
    for (let k = 0; k < K; k++) {
      const ys = y.filter((_, t) => z[t] === k);
      l += nigPosterior(ys.map(() => [1]), ys, [10], 2, 1).logEvidence;
    }
    terms.push(l);
  }
  const top = Math.max(...terms);
  return top + Math.log(terms.reduce((a, v) => a + Math.exp(v - top), 0));
}

const ys = (n: number, seed: number) => {
  const rng = Rng.fromSeed(seed);
  return Array.from({ length: n }, (_, t) => (t % 2 ? 1.5 : -1) + 0.5 * rng.normal());
};

/** n rows of the two-regime piecewise truth, x = [1, u], u ~ U(−3, 3). */
function piecewiseRows(n: number, seed: number) {
  const rng = Rng.fromSeed(seed);
  return Array.from({ length: n }, () => {
    const u = rng.uniform() * 6 - 3;
    return { x: [1, u], y: (u < 0 ? -1 - u : 1 + 2 * u) + 0.3 * rng.normal() };
  });
}

describe("the sweeps' window", () => {
  it("every row is swept before it is folded, and at most 2W rows are held", () => {
    const custom: Schedule = { denseEvery: 25, denseUntil: 200 };
    const cases: [Schedule, number[]][] = [
      // windows shorter than the dense phase's step included: they get a checkpoint every W rows
      [DEFAULT_SCHEDULE, [2, 3, 5, 7, 9, 10, 50, 150, 300, 1000, 4096, 5000]],
      [custom, [4, 20, 24, 25, 60, 333]],
    ];
    for (const [schedule, windows] of cases) {
      for (const W of windows) {
        let base = 0; // the first row held
        let swept = 0; // rows 0 … swept − 1 have been in a sweep
        for (let n = 1; n <= 5 * W + 7 + 2 * schedule.denseUntil; n++) {
          if (!isCheckpoint(n, schedule, W)) continue;
          expect(n - base).toBeLessThanOrEqual(mostHeldRows(W));
          const fold = n - base - W;
          if (fold > 0) {
            expect(base + fold, `W = ${W}, checkpoint ${n}`).toBeLessThanOrEqual(swept);
            base += fold;
          }
          swept = n;
        }
        expect(base).toBeGreaterThan(0);
      }
    }
  });

  it("a window of at least the dense step leaves the dense phase's checkpoints as they were", () => {
    for (const W of [10, 11, 50, 99, 100]) {
      for (let n = 1; n <= 100; n++) expect(isCheckpoint(n, DEFAULT_SCHEDULE, W)).toBe(n % 10 === 0);
    }
  });

  it("while n ≤ W nothing is folded: the same fit bit for bit", () => {
    const model = compile(flagship, { K: 3 });
    const rows = piecewiseRows(300, 2);
    const a = model.filter({ particles: 120, seed: 3, window: 300 });
    const b = model.filter({ particles: 120, seed: 3, window: 1e9 });
    for (const { x, y } of rows) {
      a.observe(x, y);
      b.observe(x, y);
    }
    a.finish();
    b.finish();
    expect(a.logEvidence).toBe(b.logEvidence);
    // The windowed fit also keeps, for the fold it foresees at row 600, the last sweep's
    // statistics of the 300 rows that fold will take (nextRows, nextG, nextR): nothing else differs.
    const kept = new Set(["nextRows", "nextG", "nextR"]);
    const strip = (s: ReturnType<typeof a.snapshot>) => JSON.stringify({ ...s, options: { ...s.options, window: 0 } }, (k, v) => (kept.has(k) ? undefined : v));
    expect(JSON.stringify(a.snapshot())).toContain('"nextRows":300');
    expect(strip(a.snapshot())).toBe(strip(b.snapshot()));
  });

  it("fixed gate, W = 3, a sweep after every row: the evidence stays unbiased (enumeration of 3^8 allocations)", () => {
    const source = `model fixed(a0: real = 2, b0: real = 1, g: real = 10) {
      data x: vector[D]
      data y: real
      stop[k in 1..2] = 0.5
      sigma2[k in 1..3] ~ invgamma(a0, b0)
      beta[k in 1..3] ~ mvnormal(0, g * sigma2[k] * I(D))
      z ~ stickbreaking(stop)
      y ~ normal(dot(beta[z], x), sqrt(sigma2[z]))
    }`;
    const y = ys(8, 7);
    const logP = [Math.log(0.5), Math.log(0.25), Math.log(0.25)];
    const exact = enumerate(y, 3, (_, z) => z.reduce((a, k) => a + logP[k], 0));
    const model = compile(source);
    const { mean, se } = ratioStats((seed) => {
      const f = model.filter({ particles: 30, sets: 1, seed, window: 3, schedule: EVERY_ROW });
      y.forEach((v) => f.observe([1], v));
      expect(f.filter.rows.held).toBeLessThanOrEqual(4);
      return f.logEvidence;
    }, exact, 300);
    expect(Math.abs(mean - 1)).toBeLessThan(4 * se);
  });

  it("learnt gate with a Normal prior, W = 3, a sweep after every row: the evidence stays unbiased (enumeration of 2^8 allocations, the gate by quadrature)", () => {
    const source = `model learnt(s: real = 1.5) {
      data x: vector[D]
      data y: real
      phi[k in 1..1, j in 1..D] ~ normal(0, s)
      sigma2[k in 1..2] ~ invgamma(2, 1)
      beta[k in 1..2] ~ mvnormal(0, 10 * sigma2[k] * I(D))
      z ~ stickbreaking(logistic(phi * x))
      y ~ normal(dot(beta[z], x), sqrt(sigma2[z]))
    }`;
    const y = ys(8, 9);
    // ∫ σ(φ)^{n1} σ(−φ)^{n2} N(φ; 0, 1.5²) dφ on a fine grid
    const logGate = (n1: number, n2: number) => {
      let acc = 0;
      const h = 0.001;
      for (let phi = -12; phi <= 12; phi += h) {
        const ls = -Math.log1p(Math.exp(-phi));
        const lf = -Math.log1p(Math.exp(phi));
        acc += Math.exp(n1 * ls + n2 * lf - (phi * phi) / (2 * 2.25)) * h;
      }
      return Math.log(acc / Math.sqrt(2 * Math.PI * 2.25));
    };
    const exact = enumerate(y, 2, (counts) => logGate(counts[0], counts[1]));
    const model = compile(source);
    const { mean, se } = ratioStats((seed) => {
      const f = model.filter({ particles: 40, sets: 1, seed, window: 3, schedule: EVERY_ROW });
      y.forEach((v) => f.observe([1], v));
      return f.logEvidence;
    }, exact, 300);
    expect(Math.abs(mean - 1)).toBeLessThan(4 * se);
  });

  it("a long stream keeps O(W) rows and allocations; every fold takes the kept statistics; a snapshot after folding continues bit for bit", () => {
    const foldKept = vi.spyOn(LogitRegressions.prototype, "foldKept");
    const model = compile(flagship, { K: 3 });
    const rows = piecewiseRows(6_000, 5);
    const W = 200;
    const f = model.filter({ particles: 40, seed: 1, window: W });
    let saved: ReturnType<typeof f.snapshot> | undefined;
    rows.forEach(({ x, y }, t) => {
      f.observe(x, y);
      expect(f.filter.rows.held).toBeLessThanOrEqual(2 * W);
      if (t === 2999) saved = JSON.parse(JSON.stringify(f.snapshot()));
    });
    // growth stops at the window plus the rows between checkpoints, instead of doubling past it
    for (const s of f.filter.sets) expect(s.history.stride).toBe(2 * W);
    expect(f.filter.rows.x.length).toBeLessThanOrEqual(4 * W * 2);
    expect(Number.isFinite(f.logEvidence)).toBe(true);
    // the posterior still finds both regimes
    expect(f.predict([1, -2]).mean).toBeCloseTo(1, 0);
    expect(f.predict([1, 2]).mean).toBeCloseTo(5, 0);
    const g = model.restore(saved!);
    for (const s of g.filter.sets) expect(s.history.stride).toBeLessThanOrEqual(2 * W);
    rows.slice(3000).forEach(({ x, y }) => g.observe(x, y));
    expect(g.logEvidence).toBe(f.logEvidence);
    expect(JSON.stringify(g.snapshot())).toBe(JSON.stringify(f.snapshot()));
    // folds at rows 400, 600, …, 6000 in each set: 29 in f, 15 in g (after row 3000), each
    // from what the sweep before it kept
    expect(foldKept.mock.results.length).toBe(4 * (29 + 15));
    expect(foldKept.mock.results.every((r) => r.value === true)).toBe(true);
    foldKept.mockRestore();
    // a snapshot whose kept statistics no fold of its set could take is refused
    type Snapshot = { sets: { state: { gate: Record<string, unknown> } }[]; options: Record<string, unknown> };
    const tampered = (edit: (s: Snapshot) => void) => {
      const s = JSON.parse(JSON.stringify(saved)) as Snapshot;
      edit(s);
      return () => model.restore(s as unknown as typeof saved & object);
    };
    expect((saved as unknown as Snapshot).sets[0].state.gate).toHaveProperty("nextRows", W);
    expect(tampered((s) => void (s.sets[0].state.gate = { ...s.sets[0].state.gate, nextRows: 3 * W }))).toThrow(/would not make/);
    expect(tampered((s) => void (s.options = { ...s.options, forget: 0.99 }))).toThrow(/would not make/);
  });

  it("a window shorter than the dense step: every fold takes the statistics its sweep kept", () => {
    const foldKept = vi.spyOn(LogitRegressions.prototype, "foldKept");
    const model = compile(flagship, { K: 3 });
    const f = model.filter({ particles: 20, seed: 4, window: 4 });
    for (const { x, y } of piecewiseRows(150, 9)) f.observe(x, y);
    // checkpoints every 4 rows and every 10: from row 8 on each one folds, 4 sets each time
    const checkpoints = Array.from({ length: 150 }, (_, t) => t + 1).filter((n) => isCheckpoint(n, DEFAULT_SCHEDULE, 4));
    expect(foldKept.mock.results.length).toBe(4 * checkpoints.filter((n) => n > 4).length);
    expect(foldKept.mock.results.every((r) => r.value === true)).toBe(true);
    foldKept.mockRestore();
    expect(f.filter.rows.held).toBeLessThanOrEqual(8);
  });

  it("under forget: \"auto\" a snapshot taken after folding continues bit for bit", () => {
    const model = compile(flagship, { K: 3 });
    const rows = piecewiseRows(1_500, 8);
    const W = 100;
    const f = model.filter({ particles: 40, seed: 2, window: W, forget: "auto" });
    let saved: ReturnType<typeof f.snapshot> | undefined;
    rows.forEach(({ x, y }, t) => {
      f.observe(x, y);
      if (t === 749) saved = JSON.parse(JSON.stringify(f.snapshot()));
    });
    // rows were folded before the snapshot, and the sets hold no more than the window allows
    expect(f.filter.rows.n - f.filter.rows.held).toBeGreaterThan(0);
    expect(f.filter.rows.held).toBeLessThanOrEqual(2 * W);
    const g = model.restore(saved!);
    rows.slice(750).forEach(({ x, y }) => g.observe(x, y));
    expect(g.logEvidence).toBe(f.logEvidence);
    expect(JSON.stringify(g.snapshot())).toBe(JSON.stringify(f.snapshot()));
  });
});
