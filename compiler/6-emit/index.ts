/**
 * Stage 6: kernel plan → JavaScript. Mechanical: each section prints what the plan decided,
 * with a comment pointing at the model lines it implements. The kernel imports nothing: it is
 * a function of the runtime object `rt` (runtime/kernel-runtime.ts) returning the
 * {@link KernelModule} of runtime/pl/kernel.ts. Model text reaches the output only through
 * safe.ts. Output is deterministic: the same plan gives the same bytes.
 */
import type { KernelPlan, Provenance } from "../5-plan/index.js";
import { commentText, nameLiteral, numberLiteral as num } from "./safe.js";
import { CodeWriter } from "./writer.js";

/** How the kernel is wrapped: an ES module, or a function expression for `new Function`. */
export type KernelFormat = "module" | "function";

function cite(w: CodeWriter, what: string, from: Provenance): void {
  from.statements.forEach((s, i) => w.line(`// ${what}: line ${from.lines[i]}: ${commentText(s)}`));
}

function header(w: CodeWriter, p: KernelPlan): void {
  w.line(`// hsmoe kernel for model ${commentText(p.model)} (${commentText(p.source.replace(/[^A-Za-z0-9_./-]/g, "_"))})`);
  w.line(`// compiled by hsmoe ${commentText(p.compiler)}; generated code, do not edit`);
  w.line("//");
  w.line("// inference plan:");
  const width = Math.max(...p.coverage.map((c) => c.node.length));
  for (const c of p.coverage) w.line(`//   ${commentText(c.node.padEnd(width))}  ${c.role.padEnd(10)}  ${c.rule}`);
}

function info(w: CodeWriter, p: KernelPlan): void {
  const hypers = Object.entries(p.hypers).map(([k, v]) => `[${nameLiteral(k)}, ${num(v)}]`).join(", ");
  const plan = p.coverage.map((c) => `{ node: ${nameLiteral(c.node)}, rule: ${JSON.stringify(c.rule)}, role: ${JSON.stringify(c.role)} }`);
  w.block("const info = {", () => {
    w.line(`model: ${nameLiteral(p.model)},`);
    w.line(`source: ${JSON.stringify(p.source)},`);
    w.line(`compiler: ${JSON.stringify(p.compiler)},`);
    w.line("experts: K,");
    w.line(`input: ${nameLiteral(p.input)},`);
    w.line(`inputSize: ${nameLiteral(p.inputSize)},`);
    w.line(`response: ${nameLiteral(p.response)},`);
    // Object.fromEntries: a hyperparameter named __proto__ stays an ordinary key.
    w.line(`hypers: Object.fromEntries([${hypers}]),`);
    w.block("plan: [", () => plan.forEach((line) => w.line(`${line},`)), "],");
  }, "};");
}

const pg = (p: KernelPlan) => p.gate.rule === "polya_gamma_stickbreaking";

function constructors(w: CodeWriter, p: KernelPlan): void {
  w.block("function blocks(N, D) {", () => {
    const e = p.expert;
    cite(w, "expert", e.from);
    if (e.rule === "normal_inverse_gamma_linear") {
      w.line(`const expert = new rt.rules.NigLinearState(N, K, D, { g: ${num(e.g)}, m0: new Float64Array(D).fill(${num(e.m0)}), a0: ${num(e.a0)}, b0: ${num(e.b0)} });`);
    } else {
      w.line(`const expert = new rt.rules.KnownVarianceLinearState(N, K, D, { s: ${num(e.s)}, g: ${num(e.g)}, m0: new Float64Array(D).fill(${num(e.m0)}) });`);
    }
    if (p.gate.rule === "polya_gamma_stickbreaking") {
      cite(w, "gate", p.gate.from);
      w.line("const gate = new rt.rules.StickGateState(N, K, D);");
      const q = p.gatePrior!;
      cite(w, "gate prior", q.from);
      if (q.rule === "horseshoe_makalic_schmidt") {
        w.line(`const prior = new rt.rules.HorseshoeState(N, S, D, { grouped: ${q.grouped}, A: ${num(q.globalScale)}, B: ${num(q.localScale)} });`);
      } else {
        w.line(`const prior = new rt.rules.FixedNormalPrior(N, S, D, ${num(q.sd)});`);
      }
      w.line("return { expert, gate, prior };");
    } else {
      w.line("return { expert, gate: null, prior: null };");
    }
  });
}

function create(w: CodeWriter, p: KernelPlan): void {
  w.block("function create(N, D, rng) {", () => {
    w.line("const b = blocks(N, D);");
    w.block("for (let i = 0; i < N; i++) {", () => {
      w.line("b.expert.init(i);");
      if (pg(p)) {
        w.line("b.prior.init(rng, i);");
        w.line('if (!b.gate.init(rng, i, b.prior)) throw new Error("the gate prior precision is not positive definite");');
      }
    });
    w.line("return state(N, D, b.expert, b.gate, b.prior);");
  });
  w.block("function restore(json) {", () => {
    const cls = p.expert.rule === "normal_inverse_gamma_linear" ? "NigLinearState" : "KnownVarianceLinearState";
    w.line(`const expert = rt.rules.${cls}.fromJSON(json.expert);`);
    if (pg(p)) {
      w.line("const gate = rt.rules.StickGateState.fromJSON(json.gate);");
      w.line(`const prior = rt.rules.${p.gatePrior!.rule === "horseshoe_makalic_schmidt" ? "HorseshoeState" : "FixedNormalPrior"}.fromJSON(json.prior);`);
      w.line("return state(expert.N, expert.d, expert, gate, prior);");
    } else {
      w.line("return state(expert.N, expert.d, expert, null, null);");
    }
  });
}

/** Writes log g_k(x; φ_i) for k < K at `out[off …]` (x row at `xs[xo …]`). */
function gateLog(w: CodeWriter, p: KernelPlan, xs: string, xo: string, out: string, off: string): void {
  if (p.gate.rule === "polya_gamma_stickbreaking") w.line(`gate.logGate(i, ${xs}, ${xo}, ${out}, ${off});`);
  else if (p.gate.rule === "fixed_stickbreaking") w.line(`for (let k = 0; k < K; k++) ${out}[${off} + k] = LOG_GATE[k];`);
  else w.line(`${out}[${off}] = 0;`);
}

function weigh(w: CodeWriter, p: KernelPlan): void {
  w.block("weigh(x, y, ell) {", () => {
    w.block("for (let i = 0; i < N; i++) {", () => {
      if (p.gate.rule !== "single_expert") cite(w, "gate", p.gate.from);
      gateLog(w, p, "x", "0", "ell", "i * K");
      cite(w, "expert", p.expert.from);
      w.line("expert.predictive(i, x, 0, y, pred, 0);");
      w.line("for (let k = 0; k < K; k++) ell[i * K + k] += pred[k];");
    });
  }, "},");
}

function propagate(w: CodeWriter, p: KernelPlan): void {
  w.block("propagate(rng, x, y, ell, z, t) {", () => {
    w.block("for (let i = 0; i < N; i++) {", () => {
      w.line(p.gate.rule === "single_expert" ? "const k = 0;" : "const k = rt.categoricalLog(rng, ell, i * K, K); // step 4: the allocation");
      w.line("z[i] = k;");
      w.line("if (!expert.updateStashed(i, k, x, 0, y)) return false; // step 5: rank-one update of expert k");
      if (pg(p)) {
        w.line("if (!gate.update(rng, i, k, x, 0)) return false; // step 6: PG draws and updates of the visited sticks");
      }
    });
    if (pg(p)) {
      w.line("// steps 7 and 8: gate coefficients and prior scales every max(R, D) rows (spec §3.6)");
      w.line("if ((t + 1) % REFRESH === 0) return refreshGate(rng);");
    }
    w.line("return true;");
  }, "},");
}

function sweep(w: CodeWriter, p: KernelPlan): void {
  w.block("sweep(rng, rows, hist, stride) {", () => {
    if (p.gate.rule === "single_expert") {
      w.line("return true; // one expert: its statistics are exact and there is no allocation to revisit");
      return;
    }
    w.line("const n = rows.n, X = rows.x, Y = rows.y;");
    w.line("if (byExpert.length < K * n) byExpert = new Int32Array(2 * K * n);");
    w.block("for (let i = 0; i < N; i++) {", () => {
      w.line("const h = i * stride;");
      w.line("// 1. expert parameters from their conditionals (auxiliary, discarded after the sweep)");
      if (p.expert.rule === "normal_inverse_gamma_linear") w.line("for (let k = 0; k < K; k++) s2[k] = expert.drawParams(rng, i, k, beta, k * D);");
      else w.line(`for (let k = 0; k < K; k++) { expert.drawBeta(rng, i, k, beta, k * D); s2[k] = ${num(p.expert.s * p.expert.s)}; }`);
      w.line("// 2. every allocation from gate × expert density (ω marginalised); log N(y; μ, σ²) = c_k − r²/(2σ²)");
      w.line("for (let k = 0; k < K; k++) logNorm[k] = -0.5 * Math.log(2 * Math.PI * s2[k]);");
      w.block("for (let s = 0; s < n; s++) {", () => {
        gateLog(w, p, "X", "s * D", "lw", "0");
        w.block("for (let k = 0; k < K; k++) {", () => {
          w.line("const r = Y[s] - rt.dot(X, s * D, beta, k * D, D);");
          w.line("lw[k] += logNorm[k] - (0.5 * r * r) / s2[k];");
        });
        w.line("hist[h + s] = rt.categoricalLog(rng, lw, 0, K);");
      });
      if (pg(p)) {
        w.line(`// 3. scale moves on each stick, ω marginalised${p.schedule.jointScaleMove ? ", and one joint (τ, φ) move" : ""}`);
        w.line(`for (let l = 0; l < S; l++) for (let m = 0; m < ${num(p.schedule.scaleMoves)}; m++) gate.scaleMove(rng, i, l, prior, X, hist, h, n);`);
        if (p.schedule.jointScaleMove) w.line("rt.rules.jointScaleMove(rng, i, gate, prior, X, hist, h, n);");
        w.line("// 4. fresh ω and stick statistics from scratch");
        w.line("if (!gate.rebuild(rng, i, X, hist, h, n, prior)) return false;");
      }
      w.line(`${pg(p) ? "// 4." : "// 3."} expert statistics from scratch, from the rows now allocated to each`);
      w.line("count.fill(0);");
      w.line("for (let s = 0; s < n; s++) { const k = hist[h + s]; byExpert[k * n + count[k]++] = s; }");
      w.line("for (let k = 0; k < K; k++) if (!expert.rebuild(i, k, X, Y, byExpert.subarray(k * n, (k + 1) * n), count[k])) return false;");
      if (pg(p)) {
        w.line("// 5. coefficients given the statistics, then the prior scales given them");
        w.line("for (let l = 0; l < S; l++) gate.drawPhi(rng, i, l);");
        if (p.gatePrior!.rule === "horseshoe_makalic_schmidt") {
          w.line("prior.gibbs(rng, i, gate.phi, i * S * D);");
          w.line("for (let l = 0; l < S; l++) if (!gate.refactor(i, l, prior)) return false;");
        }
      }
    });
    w.line("return true;");
  }, "},");
}

function summaries(w: CodeWriter, p: KernelPlan): void {
  w.block("predictive(x, out) {", () => {
    w.block("for (let i = 0; i < N; i++) {", () => {
      gateLog(w, p, "x", "0", "lw", "0");
      w.block("for (let k = 0; k < K; k++) {", () => {
        w.line("const o = (i * K + k) * 5;");
        w.line("expert.predictiveMoments(i, k, x, 0, mom, 0);");
        w.line("out[o] = Math.exp(lw[k]);");
        if (p.expert.rule === "normal_inverse_gamma_linear") {
          w.line("out[o + 1] = mom[0]; out[o + 2] = mom[1]; out[o + 3] = mom[2]; out[o + 4] = mom[3];");
        } else {
          w.line("out[o + 1] = mom[0]; out[o + 2] = mom[1]; out[o + 3] = Infinity; out[o + 4] = mom[1]; // Gaussian: infinite dof");
        }
      });
    });
  }, "},");
  w.block("gateProbabilities(x, out) {", () => {
    w.block("for (let i = 0; i < N; i++) {", () => {
      gateLog(w, p, "x", "0", "out", "i * K");
      w.line("for (let k = 0; k < K; k++) out[i * K + k] = Math.exp(out[i * K + k]);");
    });
  }, "},");
  w.block("shrinkage(weights) {", () => {
    if (!pg(p) || p.gatePrior!.rule !== "horseshoe_makalic_schmidt") {
      w.line("return null;");
      return;
    }
    w.line("const kappa = new Float64Array(D), mean = Array.from({ length: S }, () => new Array(D).fill(0));");
    w.line("for (let i = 0; i < N; i++) for (let l = 0; l < S; l++) { prior.shrinkage(i, l, kappa, 0); for (let j = 0; j < D; j++) mean[l][j] += weights[i] * kappa[j]; }");
    w.line("return mean;");
  }, "},");
  w.line("expertCounts(out) { out.set(expert.count); },");
  w.block("noiseVariances(k, out) {", () => {
    w.block("for (let i = 0; i < N; i++) {", () => {
      if (p.expert.rule === "normal_inverse_gamma_linear") {
        w.line("const b = i * K + k;");
        w.line("out[i] = expert.a[b] > 1 ? expert.b[b] / (expert.a[b] - 1) : NaN; // E[σ²] of IG(a, b)");
      } else w.line(`out[i] = ${num(p.expert.s * p.expert.s)};`);
    });
  }, "},");
  w.line("coefficientMarginals(k, out) { for (let i = 0; i < N; i++) expert.coefficientMarginals(i, k, out, i * D * 3); },");
  w.block("toJSON() {", () => {
    w.line(pg(p) ? "return { expert: expert.toJSON(), gate: gate.toJSON(), prior: prior.toJSON() };" : "return { expert: expert.toJSON() };");
  }, "},");
}

function stateFactory(w: CodeWriter, p: KernelPlan): void {
  w.block("function state(N, D, expert, gate, prior) {", () => {
    w.line("const pred = new Float64Array(K), lw = new Float64Array(K), mom = new Float64Array(4);");
    w.line("const beta = new Float64Array(K * D), s2 = new Float64Array(K), logNorm = new Float64Array(K), count = new Int32Array(K);");
    w.line("let byExpert = new Int32Array(0);");
    if (pg(p)) {
      w.line(`const REFRESH = Math.max(${num(p.schedule.gateRefreshEvery)}, D);`);
      w.block("function refreshGate(rng) {", () => {
        w.block("for (let i = 0; i < N; i++) {", () => {
          if (p.gatePrior!.rule === "horseshoe_makalic_schmidt") {
            w.line("prior.gibbs(rng, i, gate.phi, i * S * D);");
            w.line("for (let l = 0; l < S; l++) if (!gate.refactor(i, l, prior)) return false;");
          }
          w.line("for (let l = 0; l < S; l++) gate.drawPhi(rng, i, l);");
        });
        w.line("return true;");
      });
    }
    w.block("return {", () => {
      w.line("N, K, D,");
      weigh(w, p);
      w.line(`gather(a) { expert.gather(a);${pg(p) ? " gate.gather(a); prior.gather(a);" : ""} },`);
      propagate(w, p);
      sweep(w, p);
      summaries(w, p);
    }, "};");
  });
}

/** Emits the JavaScript source of the kernel for `plan`. */
export function emitKernel(plan: KernelPlan, format: KernelFormat = "module"): string {
  const w = new CodeWriter();
  header(w, plan);
  w.line();
  const open = format === "module" ? "export default function createKernel(rt) {" : "(function createKernel(rt) {";
  w.block(open, () => {
    w.line('"use strict";');
    w.line(`const K = ${num(plan.experts)}; // experts`);
    if (plan.gate.rule === "polya_gamma_stickbreaking") w.line(`const S = ${num(plan.gate.sticks)}; // sticks of the gate`);
    if (plan.gate.rule === "fixed_stickbreaking") w.line(`const LOG_GATE = [${plan.gate.logProbs.map(num).join(", ")}]; // log g_k, constant`);
    info(w, plan);
    constructors(w, plan);
    create(w, plan);
    stateFactory(w, plan);
    w.line("return { info, create, restore };");
  }, format === "module" ? "}" : "})");
  return w.toString();
}
