// model source:
// | // HS-MoE with a horseshoe on the experts' coefficients too: each expert keeps the inputs its
// | // line needs and switches the others off, as the gate's horseshoe does for routing. Given its
// | // scales an expert is the Normal-inverse-gamma regression of stdlib/hsmoe.moe (docs/spec.md §2.8).
// | model hsmoe_sparse_experts(K: int = 4, a0: real = 2, b0: real = 1) {
// |   data x: vector[D]          // one input row; D comes from the data
// |   data y: real               // its response
// | 
// |   // horseshoe on the gating coefficients
// |   tau ~ halfcauchy(1)
// |   lambda[k in 1..K-1, j in 1..D] ~ halfcauchy(1)
// |   phi[k in 1..K-1, j in 1..D] ~ normal(0, tau * lambda[k, j])
// | 
// |   // Gaussian linear experts with a horseshoe per expert: a global scale tau_b[k] and a local
// |   // scale per input, both in units of the expert's noise sd
// |   sigma2[k in 1..K] ~ invgamma(a0, b0)
// |   tau_b[k in 1..K] ~ halfcauchy(1)
// |   lambda_b[k in 1..K, j in 1..D] ~ halfcauchy(1)
// |   beta[k in 1..K, j in 1..D] ~ normal(0, tau_b[k] * lambda_b[k, j] * sqrt(sigma2[k]))
// | 
// |   z ~ stickbreaking(logistic(phi * x))                  // the gate: which expert explains y
// |   y ~ normal(dot(beta[z], x), sqrt(sigma2[z]))          // the expert
// | }

// hsmoe kernel for model hsmoe_sparse_experts (stdlib/hsmoe-sparse-experts.moe)
// compiled by hsmoe 0.1.0; generated code, do not edit
//
// inference plan:
//   y         expert      normal_inverse_gamma_linear
//   beta      expert      normal_inverse_gamma_linear
//   sigma2    expert      normal_inverse_gamma_linear
//   tau_b     expert      normal_inverse_gamma_linear
//   lambda_b  expert      normal_inverse_gamma_linear
//   z         gate        polya_gamma_stickbreaking
//   phi       gate_prior  horseshoe_makalic_schmidt
//   tau       gate_prior  horseshoe_makalic_schmidt
//   lambda    gate_prior  horseshoe_makalic_schmidt

export default function createKernel(rt) {
  "use strict";
  const K = 4; // experts
  const info = {
    model: "hsmoe_sparse_experts",
    source: "stdlib/hsmoe-sparse-experts.moe",
    compiler: "0.1.0",
    experts: K,
    inputs: [{ name: "x", size: "D" }],
    response: "y",
    responseKind: "real",
    weighsRows: false,
    hypers: Object.fromEntries([["K", 4], ["a0", 2], ["b0", 1]]),
    plan: [
      { node: "y", rule: "normal_inverse_gamma_linear", role: "expert" },
      { node: "beta", rule: "normal_inverse_gamma_linear", role: "expert" },
      { node: "sigma2", rule: "normal_inverse_gamma_linear", role: "expert" },
      { node: "tau_b", rule: "normal_inverse_gamma_linear", role: "expert" },
      { node: "lambda_b", rule: "normal_inverse_gamma_linear", role: "expert" },
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
  // gate: line 20: z ~ stickbreaking(logistic(phi * x))
  const GATE = Object.freeze({ refreshEvery: 10, scaleMoves: 5 });
  // expert: rule normal_inverse_gamma_linear, runtime block NigLinearState
  // expert: line 21: y ~ normal(dot(beta[z], x), sqrt(sigma2[z]))
  // expert: line 18: beta[k, j] ~ normal(0, tau_b[k] * lambda_b[k, j] * sqrt(sigma2[k]))
  // expert: line 15: sigma2[k] ~ invgamma(a0, b0)
  // expert: line 16: tau_b[k] ~ halfcauchy(1)
  // expert: line 17: lambda_b[k, j] ~ halfcauchy(1)
  const EXPERT = Object.freeze({ a0: 2, b0: 1, shared: false, shrinkage: { tree: { families: [{ dims: ["stick"], shape: 0.5, rate: { parent: 1 }, scale: true }, { dims: ["stick"], shape: 0.5, rate: { constant: 1 }, scale: false }, { dims: ["stick", "column"], shape: 0.5, rate: { parent: 3 }, scale: true }, { dims: ["stick", "column"], shape: 0.5, rate: { constant: 1 }, scale: false }], groups: [{ base: 1, factors: [{ family: 0, index: ["stick"] }, { family: 2, index: ["stick", "column"] }] }] } }, m0: 0, g: 1 });
  function build(N, sizes, json) {
    if (!Array.isArray(sizes) || sizes.length !== 1 || !sizes.every((v) => Number.isInteger(v) && v >= 1)) throw new Error("the model reads 1 input: give its length");
    const at = [0];
    const D = at[0] + sizes[0];
    const prior = json ? rt.blocks.HorseshoeState.restore(json.prior, PRIOR, undefined, N) : rt.blocks.HorseshoeState.create(N, K, D, PRIOR, undefined);
    const gate = json ? rt.blocks.PolyaGammaGate.restore(json.gate, GATE, prior, N) : rt.blocks.PolyaGammaGate.create(N, K, D, GATE, prior);
    const expert = json ? rt.blocks.NigLinearState.restore(json.expert, EXPERT, undefined, N) : rt.blocks.NigLinearState.create(N, K, D, EXPERT, undefined);
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
