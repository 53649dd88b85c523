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
    input: "x",
    inputSize: "D",
    response: "y",
    hypers: Object.fromEntries([["a0", 2], ["b0", 1], ["g", 10]]),
    plan: [
      { node: "y", rule: "normal_inverse_gamma_linear", role: "expert" },
      { node: "beta", rule: "normal_inverse_gamma_linear", role: "expert" },
      { node: "sigma2", rule: "normal_inverse_gamma_linear", role: "expert" },
    ],
  };
  function blocks(N, D) {
    // expert: line 9: y ~ normal(dot(beta, x), sqrt(sigma2))
    // expert: line 8: beta ~ mvnormal(0, g * sigma2 * I(D))
    // expert: line 7: sigma2 ~ invgamma(a0, b0)
    const expert = new rt.rules.NigLinearState(N, K, D, { g: 10, m0: new Float64Array(D).fill(0), a0: 2, b0: 1 });
    return { expert, gate: null, prior: null };
  }
  function create(N, D, rng) {
    const b = blocks(N, D);
    for (let i = 0; i < N; i++) {
      b.expert.init(i);
    }
    return state(N, D, b.expert, b.gate, b.prior);
  }
  function restore(json) {
    const expert = rt.rules.NigLinearState.fromJSON(json.expert);
    return state(expert.N, expert.d, expert, null, null);
  }
  function state(N, D, expert, gate, prior) {
    const pred = new Float64Array(K), lw = new Float64Array(K), mom = new Float64Array(4);
    const beta = new Float64Array(K * D), s2 = new Float64Array(K), logNorm = new Float64Array(K), count = new Int32Array(K);
    let byExpert = new Int32Array(0);
    return {
      N, K, D,
      weigh(x, y, ell) {
        for (let i = 0; i < N; i++) {
          ell[i * K] = 0;
          // expert: line 9: y ~ normal(dot(beta, x), sqrt(sigma2))
          // expert: line 8: beta ~ mvnormal(0, g * sigma2 * I(D))
          // expert: line 7: sigma2 ~ invgamma(a0, b0)
          expert.predictive(i, x, 0, y, pred, 0);
          for (let k = 0; k < K; k++) ell[i * K + k] += pred[k];
        }
      },
      gather(a) { expert.gather(a); },
      propagate(rng, x, y, ell, z, t) {
        for (let i = 0; i < N; i++) {
          const k = 0;
          z[i] = k;
          if (!expert.updateStashed(i, k, x, 0, y)) return false; // step 5: rank-one update of expert k
        }
        return true;
      },
      sweep(rng, rows, hist, stride) {
        return true; // one expert: its statistics are exact and there is no allocation to revisit
      },
      predictive(x, out) {
        for (let i = 0; i < N; i++) {
          lw[0] = 0;
          for (let k = 0; k < K; k++) {
            const o = (i * K + k) * 5;
            expert.predictiveMoments(i, k, x, 0, mom, 0);
            out[o] = Math.exp(lw[k]);
            out[o + 1] = mom[0]; out[o + 2] = mom[1]; out[o + 3] = mom[2]; out[o + 4] = mom[3];
          }
        }
      },
      gateProbabilities(x, out) {
        for (let i = 0; i < N; i++) {
          out[i * K] = 0;
          for (let k = 0; k < K; k++) out[i * K + k] = Math.exp(out[i * K + k]);
        }
      },
      shrinkage(weights) {
        return null;
      },
      expertCounts(out) { out.set(expert.count); },
      noiseVariances(k, out) {
        for (let i = 0; i < N; i++) {
          const b = i * K + k;
          out[i] = expert.a[b] > 1 ? expert.b[b] / (expert.a[b] - 1) : NaN; // E[σ²] of IG(a, b)
        }
      },
      coefficientMarginals(k, out) { for (let i = 0; i < N; i++) expert.coefficientMarginals(i, k, out, i * D * 3); },
      toJSON() {
        return { expert: expert.toJSON() };
      },
    };
  }
  return { info, create, restore };
}
