// model source:
// | // Bayesian linear regression: one Gaussian linear expert with a Normal-inverse-gamma prior.
// | // The single-expert case of hsmoe; its posterior and evidence are exact (spec E12–E13).
// | model linear_regression(a0: real = 2, b0: real = 1, g: real = 10) {
// |   data x: vector[D]
// |   data y: real
// | 
// |   sigma2 ~ invgamma(a0, b0)
// |   beta ~ mvnormal(0, g * sigma2 * I(D))
// |   y ~ normal(dot(beta, x), sqrt(sigma2))
// | }

// hsmoe kernel for model linear_regression (stdlib/linear-regression.moe)
// compiled by hsmoe 0.1.0; generated code, do not edit
//
// inference plan:
//   y       expert      normal_inverse_gamma_linear
//   beta    expert      normal_inverse_gamma_linear
//   sigma2  expert      normal_inverse_gamma_linear

export default function createKernel(rt) {
  "use strict";
  const K = 1; // experts
  const info = {
    model: "linear_regression",
    source: "stdlib/linear-regression.moe",
    compiler: "0.1.0",
    experts: K,
    inputs: [{ name: "x", size: "D" }],
    response: "y",
    responseKind: "real",
    weighsRows: false,
    hypers: Object.fromEntries([["a0", 2], ["b0", 1], ["g", 10]]),
    plan: [
      { node: "y", rule: "normal_inverse_gamma_linear", role: "expert" },
      { node: "beta", rule: "normal_inverse_gamma_linear", role: "expert" },
      { node: "sigma2", rule: "normal_inverse_gamma_linear", role: "expert" },
    ],
  };
  // gate: rule single_expert, runtime block FixedGate
  const GATE = Object.freeze({ logProbs: [0] });
  // expert: rule normal_inverse_gamma_linear, runtime block NigLinearState
  // expert: line 9: y ~ normal(dot(beta, x), sqrt(sigma2))
  // expert: line 8: beta ~ mvnormal(0, g * sigma2 * I(D))
  // expert: line 7: sigma2 ~ invgamma(a0, b0)
  const EXPERT = Object.freeze({ a0: 2, b0: 1, shared: true, m0: 0, g: 10 });
  function build(N, sizes, json) {
    if (!Array.isArray(sizes) || sizes.length !== 1 || !sizes.every((v) => Number.isInteger(v) && v >= 1)) throw new Error("the model reads 1 input: give its length");
    const at = [0];
    const D = at[0] + sizes[0];
    const gate = json ? rt.blocks.FixedGate.restore(json.gate, GATE, undefined, N) : rt.blocks.FixedGate.create(N, K, D, GATE, undefined);
    const expert = json ? rt.blocks.NigLinearState.restore(json.expert, EXPERT, undefined, N) : rt.blocks.NigLinearState.create(N, K, D, EXPERT, undefined);
    return { expert, gate, blocks: { expert, gate }, sizes };
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
