// model source:
// | // Mixture of experts with a softmax gate (the textbook gate): P(z = k | x) is proportional to
// | // exp(dot(phi[k], x)), the last expert's logit pinned at 0 so that the others' coefficients are
// | // identified, and a horseshoe on them. Unlike stick-breaking, no expert is favoured by its place
// | // in the order. Each expert's coefficients are drawn given the others' by one-vs-rest
// | // Pólya-Gamma augmentation (docs/spec.md §2.9).
// | model softmax_moe(K: int = 4, a0: real = 2, b0: real = 1, g: real = 10) {
// |   data x: vector[D]          // one input row; D comes from the data
// |   data y: real               // its response
// | 
// |   // horseshoe on the gating coefficients of the K - 1 free experts
// |   tau ~ halfcauchy(1)
// |   lambda[k in 1..K-1, j in 1..D] ~ halfcauchy(1)
// |   phi[k in 1..K-1, j in 1..D] ~ normal(0, tau * lambda[k, j])
// | 
// |   // Gaussian linear experts with a Normal-inverse-gamma prior
// |   sigma2[k in 1..K] ~ invgamma(a0, b0)
// |   beta[k in 1..K] ~ mvnormal(0, g * sigma2[k] * I(D))
// | 
// |   z ~ categorical(softmax(append_row(phi * x, 0)))  // the gate: expert K's logit is 0
// |   y ~ normal(dot(beta[z], x), sqrt(sigma2[z]))
// | }

// hsmoe kernel for model softmax_moe (stdlib/softmax-moe.moe)
// compiled by hsmoe 0.1.0; generated code, do not edit
//
// inference plan:
//   y       expert      normal_inverse_gamma_linear
//   beta    expert      normal_inverse_gamma_linear
//   sigma2  expert      normal_inverse_gamma_linear
//   z       gate        polya_gamma_softmax
//   phi     gate_prior  horseshoe_makalic_schmidt
//   tau     gate_prior  horseshoe_makalic_schmidt
//   lambda  gate_prior  horseshoe_makalic_schmidt

export default function createKernel(rt) {
  "use strict";
  const K = 4; // experts
  const info = {
    model: "softmax_moe",
    source: "stdlib/softmax-moe.moe",
    compiler: "0.1.0",
    experts: K,
    inputs: [{ name: "x", size: "D" }],
    response: "y",
    responseKind: "real",
    weighsRows: false,
    gateRows: "expert",
    hypers: Object.fromEntries([["K", 4], ["a0", 2], ["b0", 1], ["g", 10]]),
    plan: [
      { node: "y", rule: "normal_inverse_gamma_linear", role: "expert" },
      { node: "beta", rule: "normal_inverse_gamma_linear", role: "expert" },
      { node: "sigma2", rule: "normal_inverse_gamma_linear", role: "expert" },
      { node: "z", rule: "polya_gamma_softmax", role: "gate" },
      { node: "phi", rule: "horseshoe_makalic_schmidt", role: "gate_prior" },
      { node: "tau", rule: "horseshoe_makalic_schmidt", role: "gate_prior" },
      { node: "lambda", rule: "horseshoe_makalic_schmidt", role: "gate_prior" },
    ],
  };
  // prior: rule horseshoe_makalic_schmidt, runtime block HorseshoeState
  // prior: line 13: phi[k, j] ~ normal(0, tau * lambda[k, j])
  // prior: line 11: tau ~ halfcauchy(1)
  // prior: line 12: lambda[k, j] ~ halfcauchy(1)
  const PRIOR = Object.freeze({ grouped: false, A: 1, B: 1 });
  // gate: rule polya_gamma_softmax, runtime block SoftmaxGate
  // gate: line 19: z ~ categorical(softmax(append_row(phi * x, 0)))
  const GATE = Object.freeze({ refreshEvery: 10, scaleMoves: 5, pinned: true });
  // expert: rule normal_inverse_gamma_linear, runtime block NigLinearState
  // expert: line 20: y ~ normal(dot(beta[z], x), sqrt(sigma2[z]))
  // expert: line 17: beta[k] ~ mvnormal(0, g * sigma2[k] * I(D))
  // expert: line 16: sigma2[k] ~ invgamma(a0, b0)
  const EXPERT = Object.freeze({ a0: 2, b0: 1, shared: false, m0: 0, g: 10 });
  function build(N, sizes, json) {
    if (!Array.isArray(sizes) || sizes.length !== 1 || !sizes.every((v) => Number.isInteger(v) && v >= 1)) throw new Error("the model reads 1 input: give its length");
    const at = [0];
    const D = at[0] + sizes[0];
    const prior = json ? rt.blocks.HorseshoeState.restore(json.prior, PRIOR, undefined, N) : rt.blocks.HorseshoeState.create(N, K, D, PRIOR, undefined);
    const gate = json ? rt.blocks.SoftmaxGate.restore(json.gate, GATE, prior, N) : rt.blocks.SoftmaxGate.create(N, K, D, GATE, prior);
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
