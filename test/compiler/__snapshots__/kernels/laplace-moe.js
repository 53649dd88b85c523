// model source:
// | // Horseshoe mixture of median-regression experts: Laplace linear experts (least absolute
// | // deviations), whose tails sit between the Gaussian's and the Student-t's; routed by the HS-MoE
// | // gate. Given each row's precision weight the experts are Normal-inverse-gamma regressions
// | // (docs/spec.md §2.5).
// | model laplace_moe(K: int = 4, a0: real = 2, b0: real = 1, g: real = 10) {
// |   data x: vector[D]          // one input row; D comes from the data
// |   data y: real               // its response
// | 
// |   // horseshoe on the gating coefficients
// |   tau ~ halfcauchy(1)
// |   lambda[k in 1..K-1, j in 1..D] ~ halfcauchy(1)
// |   phi[k in 1..K-1, j in 1..D] ~ normal(0, tau * lambda[k, j])
// | 
// |   // Laplace linear experts: scale² sigma2[k] (the scale is the mean absolute deviation)
// |   sigma2[k in 1..K] ~ invgamma(a0, b0)
// |   beta[k in 1..K] ~ mvnormal(0, g * sigma2[k] * I(D))
// | 
// |   z ~ stickbreaking(logistic(phi * x))                  // the gate: which expert explains y
// |   y ~ laplace(dot(beta[z], x), sqrt(sigma2[z]))         // the expert (laplace takes a scale)
// | }

// hsmoe kernel for model laplace_moe (stdlib/laplace-moe.moe)
// compiled by hsmoe 0.1.0; generated code, do not edit
//
// inference plan:
//   y       expert      normal_scale_mixture_laplace_linear
//   beta    expert      normal_scale_mixture_laplace_linear
//   sigma2  expert      normal_scale_mixture_laplace_linear
//   z       gate        polya_gamma_stickbreaking
//   phi     gate_prior  horseshoe_makalic_schmidt
//   tau     gate_prior  horseshoe_makalic_schmidt
//   lambda  gate_prior  horseshoe_makalic_schmidt

export default function createKernel(rt) {
  "use strict";
  const K = 4; // experts
  const info = {
    model: "laplace_moe",
    source: "stdlib/laplace-moe.moe",
    compiler: "0.1.0",
    experts: K,
    inputs: [{ name: "x", size: "D" }],
    response: "y",
    responseKind: "real",
    weighsRows: true,
    hypers: Object.fromEntries([["K", 4], ["a0", 2], ["b0", 1], ["g", 10]]),
    plan: [
      { node: "y", rule: "normal_scale_mixture_laplace_linear", role: "expert" },
      { node: "beta", rule: "normal_scale_mixture_laplace_linear", role: "expert" },
      { node: "sigma2", rule: "normal_scale_mixture_laplace_linear", role: "expert" },
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
  // gate: line 18: z ~ stickbreaking(logistic(phi * x))
  const GATE = Object.freeze({ refreshEvery: 10, scaleMoves: 5 });
  // expert: rule normal_scale_mixture_laplace_linear, runtime block LaplaceLinearState
  // expert: line 19: y ~ laplace(dot(beta[z], x), sqrt(sigma2[z]))
  // expert: line 16: beta[k] ~ mvnormal(0, g * sigma2[k] * I(D))
  // expert: line 15: sigma2[k] ~ invgamma(a0, b0)
  const EXPERT = Object.freeze({ a0: 2, b0: 1, m0: 0, g: 10 });
  function build(N, sizes, json) {
    if (!Array.isArray(sizes) || sizes.length !== 1 || !sizes.every((v) => Number.isInteger(v) && v >= 1)) throw new Error("the model reads 1 input: give its length");
    const at = [0];
    const D = at[0] + sizes[0];
    const prior = json ? rt.blocks.HorseshoeState.restore(json.prior, PRIOR, undefined, N) : rt.blocks.HorseshoeState.create(N, K, D, PRIOR, undefined);
    const gate = json ? rt.blocks.PolyaGammaGate.restore(json.gate, GATE, prior, N) : rt.blocks.PolyaGammaGate.create(N, K, D, GATE, prior);
    const expert = json ? rt.blocks.LaplaceLinearState.restore(json.expert, EXPERT, undefined, N) : rt.blocks.LaplaceLinearState.create(N, K, D, EXPERT, undefined);
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
