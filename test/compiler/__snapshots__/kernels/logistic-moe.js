// model source:
// | // Horseshoe mixture of logistic experts: a binary response y (0 or 1) whose log-odds are linear
// | // in x within each expert, routed by the HS-MoE gate. Given Pólya-Gamma auxiliaries each
// | // expert's coefficients are Gaussian, as the gate's are (docs/spec.md §2.4).
// | model logistic_moe(K: int = 3, c: real = 4) {
// |   data x: vector[D]          // one input row; D comes from the data
// |   data y: int                // the response: 0 or 1
// | 
// |   // horseshoe on the gating coefficients
// |   tau ~ halfcauchy(1)
// |   lambda[k in 1..K-1, j in 1..D] ~ halfcauchy(1)
// |   phi[k in 1..K-1, j in 1..D] ~ normal(0, tau * lambda[k, j])
// | 
// |   // logistic experts with a Normal prior of variance c on each coefficient
// |   beta[k in 1..K] ~ mvnormal(0, c * I(D))
// | 
// |   z ~ stickbreaking(logistic(phi * x))       // the gate: which expert explains y
// |   y ~ bernoulli_logit(dot(beta[z], x))       // the expert: P(y = 1) = logistic(dot(beta[z], x))
// | }

// hsmoe kernel for model logistic_moe (stdlib/logistic-moe.moe)
// compiled by hsmoe 0.1.0; generated code, do not edit
//
// inference plan:
//   y       expert      polya_gamma_logistic_linear
//   beta    expert      polya_gamma_logistic_linear
//   z       gate        polya_gamma_stickbreaking
//   phi     gate_prior  horseshoe_makalic_schmidt
//   tau     gate_prior  horseshoe_makalic_schmidt
//   lambda  gate_prior  horseshoe_makalic_schmidt

export default function createKernel(rt) {
  "use strict";
  const K = 3; // experts
  const info = {
    model: "logistic_moe",
    source: "stdlib/logistic-moe.moe",
    compiler: "0.1.0",
    experts: K,
    inputs: [{ name: "x", size: "D" }],
    response: "y",
    responseKind: "binary",
    weighsRows: false,
    hypers: Object.fromEntries([["K", 3], ["c", 4]]),
    plan: [
      { node: "y", rule: "polya_gamma_logistic_linear", role: "expert" },
      { node: "beta", rule: "polya_gamma_logistic_linear", role: "expert" },
      { node: "z", rule: "polya_gamma_stickbreaking", role: "gate" },
      { node: "phi", rule: "horseshoe_makalic_schmidt", role: "gate_prior" },
      { node: "tau", rule: "horseshoe_makalic_schmidt", role: "gate_prior" },
      { node: "lambda", rule: "horseshoe_makalic_schmidt", role: "gate_prior" },
    ],
  };
  // prior: rule horseshoe_makalic_schmidt, runtime block HorseshoeState
  // prior: line 11: phi[k, j] ~ normal(0, tau * lambda[k, j])
  // prior: line 9: tau ~ halfcauchy(1)
  // prior: line 10: lambda[k, j] ~ halfcauchy(1)
  const PRIOR = Object.freeze({ grouped: false, A: 1, B: 1 });
  // gate: rule polya_gamma_stickbreaking, runtime block PolyaGammaGate
  // gate: line 16: z ~ stickbreaking(logistic(phi * x))
  const GATE = Object.freeze({ refreshEvery: 10, scaleMoves: 5 });
  // expert: rule polya_gamma_logistic_linear, runtime block LogisticExpertState
  // expert: line 17: y ~ bernoulli_logit(dot(beta[z], x))
  // expert: line 14: beta[k] ~ mvnormal(0, c * I(D))
  const EXPERT = Object.freeze({ m0: 0, g: 4 });
  function build(N, sizes, json) {
    if (!Array.isArray(sizes) || sizes.length !== 1 || !sizes.every((v) => Number.isInteger(v) && v >= 1)) throw new Error("the model reads 1 input: give its length");
    const at = [0];
    const D = at[0] + sizes[0];
    const prior = json ? rt.blocks.HorseshoeState.restore(json.prior, PRIOR, undefined, N) : rt.blocks.HorseshoeState.create(N, K, D, PRIOR, undefined);
    const gate = json ? rt.blocks.PolyaGammaGate.restore(json.gate, GATE, prior, N) : rt.blocks.PolyaGammaGate.create(N, K, D, GATE, prior);
    const expert = json ? rt.blocks.LogisticExpertState.restore(json.expert, EXPERT, undefined, N) : rt.blocks.LogisticExpertState.create(N, K, D, EXPERT, undefined);
    return { expert, gate, blocks: { expert, gate, prior }, sizes };
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
