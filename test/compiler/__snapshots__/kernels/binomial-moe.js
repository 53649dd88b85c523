// model source:
// | // Horseshoe mixture of binomial experts: y successes out of n trials per row, whose log-odds are
// | // linear in x within each expert, routed by the HS-MoE gate. Given Pólya-Gamma auxiliaries,
// | // PG(n, ·) per row, each expert's coefficients are Gaussian, as the gate's are (docs/spec.md §2.7).
// | model binomial_moe(K: int = 3, c: real = 4) {
// |   data x: vector[D]          // one input row; D comes from the data
// |   data n: int                // the row's trials
// |   data y: int                // the row's successes: 0 to n
// | 
// |   // horseshoe on the gating coefficients
// |   tau ~ halfcauchy(1)
// |   lambda[k in 1..K-1, j in 1..D] ~ halfcauchy(1)
// |   phi[k in 1..K-1, j in 1..D] ~ normal(0, tau * lambda[k, j])
// | 
// |   // binomial experts with a Normal prior of variance c on each coefficient
// |   beta[k in 1..K] ~ mvnormal(0, c * I(D))
// | 
// |   z ~ stickbreaking(logistic(phi * x))          // the gate: which expert explains y
// |   y ~ binomial_logit(n, dot(beta[z], x))        // the expert: P(success) = logistic(dot(beta[z], x))
// | }

// hsmoe kernel for model binomial_moe (stdlib/binomial-moe.moe)
// compiled by hsmoe 0.1.0; generated code, do not edit
//
// inference plan:
//   y       expert      polya_gamma_binomial_linear
//   beta    expert      polya_gamma_binomial_linear
//   z       gate        polya_gamma_stickbreaking
//   phi     gate_prior  horseshoe_makalic_schmidt
//   tau     gate_prior  horseshoe_makalic_schmidt
//   lambda  gate_prior  horseshoe_makalic_schmidt

export default function createKernel(rt) {
  "use strict";
  const K = 3; // experts
  const info = {
    model: "binomial_moe",
    source: "stdlib/binomial-moe.moe",
    compiler: "0.1.0",
    experts: K,
    inputs: [{ name: "x", size: "D" }, { name: "n", size: "1" }],
    response: "y",
    responseKind: "count",
    weighsRows: false,
    hypers: Object.fromEntries([["K", 3], ["c", 4]]),
    plan: [
      { node: "y", rule: "polya_gamma_binomial_linear", role: "expert" },
      { node: "beta", rule: "polya_gamma_binomial_linear", role: "expert" },
      { node: "z", rule: "polya_gamma_stickbreaking", role: "gate" },
      { node: "phi", rule: "horseshoe_makalic_schmidt", role: "gate_prior" },
      { node: "tau", rule: "horseshoe_makalic_schmidt", role: "gate_prior" },
      { node: "lambda", rule: "horseshoe_makalic_schmidt", role: "gate_prior" },
    ],
  };
  // prior: rule horseshoe_makalic_schmidt, runtime block HorseshoeState
  // prior: line 12: phi[k, j] ~ normal(0, tau * lambda[k, j])
  // prior: line 10: tau ~ halfcauchy(1)
  // prior: line 11: lambda[k, j] ~ halfcauchy(1)
  const PRIOR = Object.freeze({ grouped: false, A: 1, B: 1 });
  // gate: rule polya_gamma_stickbreaking, runtime block PolyaGammaGate
  // gate: line 17: z ~ stickbreaking(logistic(phi * x))
  const GATE = Object.freeze({ refreshEvery: 10, scaleMoves: 5 });
  // expert: rule polya_gamma_binomial_linear, runtime block BinomialExpertState
  // expert: line 18: y ~ binomial_logit(n, dot(beta[z], x))
  // expert: line 15: beta[k] ~ mvnormal(0, c * I(D))
  const EXPERT = Object.freeze({});
  function gateDesign(sizes, at) {
    const n0 = sizes[0]; // phi
    const o0 = 0;
    const d = o0 + n0;
    return Object.freeze({
      d,
      offset: false,
      groups: [["phi", n0, true]],
      fill(x, xo, h, ho) {
        for (let j = 0; j < n0; j++) h[ho + o0 + j] = x[xo + j];
        return 0;
      },
    });
  }
  function expertDesign(sizes, at) {
    if (sizes[1] < 1) throw new Error("the model reads " + "n" + "[1], but the rows give it " + sizes[1] + " entries");
    const n0 = sizes[0]; // beta
    const o0 = 0;
    const d = o0 + n0;
    const m0 = new Float64Array(d), g = new Float64Array(d);
    m0.fill(0, o0, o0 + n0);
    g.fill(4, o0, o0 + n0);
    return Object.freeze({
      d, m0, g,
      width: d + 1,
      offset: false,
      groups: [["beta", n0, true]],
      fill(x, xo, h, ho) {
        for (let j = 0; j < n0; j++) h[ho + o0 + j] = x[xo + j];
        h[ho + d] = x[xo + at[1] + 0];
        return 0;
      },
    });
  }
  function build(N, sizes, json) {
    if (!Array.isArray(sizes) || sizes.length !== 2 || !sizes.every((v) => Number.isInteger(v) && v >= 1)) throw new Error("the model reads 2 inputs: give their lengths");
    if (sizes[1] !== 1) throw new Error("the input " + "n" + " has " + sizes[1] + " entries; the model says " + "1");
    const at = [0, sizes[0]];
    const D = at[1] + sizes[1];
    const gateRow = gateDesign(sizes, at);
    const expertRow = expertDesign(sizes, at);
    const prior = json ? rt.blocks.HorseshoeState.restore(json.prior, { ...PRIOR, columns: gateRow.groups.map((g) => g[1]) }, undefined, N) : rt.blocks.HorseshoeState.create(N, K, gateRow.d, { ...PRIOR, columns: gateRow.groups.map((g) => g[1]) }, undefined);
    const gate = json ? rt.blocks.PolyaGammaGate.restore(json.gate, GATE, prior, N) : rt.blocks.PolyaGammaGate.create(N, K, gateRow.d, GATE, prior);
    const expert = json ? rt.blocks.BinomialExpertState.restore(json.expert, { ...EXPERT, m0: expertRow.m0, g: expertRow.g }, undefined, N) : rt.blocks.BinomialExpertState.create(N, K, expertRow.d, { ...EXPERT, m0: expertRow.m0, g: expertRow.g }, undefined);
    return { expert, gate, blocks: { expert, gate, prior }, sizes, gateDesign: gateRow, expertDesign: expertRow };
  }
  function create(N, sizes, rng) {
    return rt.composeState(build(N, sizes, null), rng);
  }
  function restore(json) {
    const expert = json && typeof json === "object" ? json.expert : undefined;
    if (!expert || typeof expert !== "object") throw new Error("not a snapshot of this kernel: no expert block");
    return rt.composeState(build(expert.N, json.sizes, json));
  }
  return { info, create, restore };
}
