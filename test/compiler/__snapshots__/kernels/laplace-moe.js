// model source:
// | // Horseshoe mixture of median-regression experts: Laplace linear experts (least absolute
// | // deviations), whose tails sit between the Gaussian's and the Student-t's; routed by the HS-MoE
// | // gate. Given each row's precision weight the experts are Normal-inverse-gamma regressions
// | // (docs/spec.md §2.5).
// | model laplace_moe(K: int = 4, a0: real = 2, b0: real = 1, g: real = 10, slab_a: real = 2, slab_b: real = 8) {
// |   data x: vector[D]          // one input row; D comes from the data
// |   data y: real               // its response
// | 
// |   // regularised horseshoe on the gating coefficients: robust experts take the outliers
// |   // themselves, so a stick's rows can separate and the plain horseshoe's coefficients run away;
// |   // the slab c2 (mean slab_b / (slab_a - 1) = 8) bounds their prior variance, per unit of each
// |   // input and the intercept's too: rescale inputs or raise slab_b for a sharper gate (spec §8.4)
// |   tau ~ halfcauchy(1)
// |   c2 ~ invgamma(slab_a, slab_b)
// |   lambda[k in 1..K-1, j in 1..D] ~ halfcauchy(1)
// |   phi[k in 1..K-1, j in 1..D] ~ normal(0, sqrt(c2 * tau^2 * lambda[k, j]^2 / (c2 + tau^2 * lambda[k, j]^2)))
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
//   c2      gate_prior  scale_mixture_normal
//   phi     gate_prior  scale_mixture_normal
//   tau     gate_prior  scale_mixture_normal
//   lambda  gate_prior  scale_mixture_normal

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
    hypers: Object.fromEntries([["K", 4], ["a0", 2], ["b0", 1], ["g", 10], ["slab_a", 2], ["slab_b", 8]]),
    plan: [
      { node: "y", rule: "normal_scale_mixture_laplace_linear", role: "expert" },
      { node: "beta", rule: "normal_scale_mixture_laplace_linear", role: "expert" },
      { node: "sigma2", rule: "normal_scale_mixture_laplace_linear", role: "expert" },
      { node: "z", rule: "polya_gamma_stickbreaking", role: "gate" },
      { node: "c2", rule: "scale_mixture_normal", role: "gate_prior" },
      { node: "phi", rule: "scale_mixture_normal", role: "gate_prior" },
      { node: "tau", rule: "scale_mixture_normal", role: "gate_prior" },
      { node: "lambda", rule: "scale_mixture_normal", role: "gate_prior" },
    ],
  };
  // prior: rule scale_mixture_normal, runtime block ScalePrior
  // prior: line 14: c2 ~ invgamma(slab_a, slab_b)
  // prior: line 16: phi[k, j] ~ normal(0, sqrt(c2 * tau^2 * lambda[k, j]^2 / (c2 + tau^2 * lambda[k, j]^2)))
  // prior: line 13: tau ~ halfcauchy(1)
  // prior: line 15: lambda[k, j] ~ halfcauchy(1)
  const PRIOR = Object.freeze({ tree: { families: [{ dims: [], shape: 0.5, rate: { parent: 1 }, scale: true }, { dims: [], shape: 0.5, rate: { constant: 1 }, scale: false }, { dims: ["stick", "column"], shape: 0.5, rate: { parent: 3 }, scale: true }, { dims: ["stick", "column"], shape: 0.5, rate: { constant: 1 }, scale: false }], groups: [{ base: 1, factors: [{ family: 0, index: [] }, { family: 2, index: ["stick", "column"] }], slab: true }], slab: { shape: 2, rate: 8 } } });
  // gate: rule polya_gamma_stickbreaking, runtime block PolyaGammaGate
  // gate: line 22: z ~ stickbreaking(logistic(phi * x))
  const GATE = Object.freeze({ refreshEvery: 10, scaleMoves: 5 });
  // expert: rule normal_scale_mixture_laplace_linear, runtime block LaplaceLinearState
  // expert: line 23: y ~ laplace(dot(beta[z], x), sqrt(sigma2[z]))
  // expert: line 20: beta[k] ~ mvnormal(0, g * sigma2[k] * I(D))
  // expert: line 19: sigma2[k] ~ invgamma(a0, b0)
  const EXPERT = Object.freeze({ a0: 2, b0: 1, m0: 0, g: 10 });
  function build(N, sizes, json) {
    if (!Array.isArray(sizes) || sizes.length !== 1 || !sizes.every((v) => Number.isInteger(v) && v >= 1)) throw new Error("the model reads 1 input: give its length");
    const at = [0];
    const D = at[0] + sizes[0];
    const prior = json ? rt.blocks.ScalePrior.restore(json.prior, PRIOR, undefined, N) : rt.blocks.ScalePrior.create(N, K, D, PRIOR, undefined);
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
