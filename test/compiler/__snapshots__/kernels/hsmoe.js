// model source:
// | // Horseshoe mixture of experts (HS-MoE).
// | // Gaussian linear experts with a Normal-inverse-gamma prior, a stick-breaking logistic
// | // gate, and a horseshoe prior on the gate coefficients: one global scale `tau` and one
// | // local scale per stick and feature.
// | model hsmoe(K: int = 4, a0: real = 2, b0: real = 1, g: real = 10) {
// |   data x: vector[D]          // one input row; D comes from the data
// |   data y: real               // its response
// | 
// |   // horseshoe on the gating coefficients
// |   tau ~ halfcauchy(1)
// |   lambda[k in 1..K-1, j in 1..D] ~ halfcauchy(1)
// |   phi[k in 1..K-1, j in 1..D] ~ normal(0, tau * lambda[k, j])
// | 
// |   // Gaussian linear experts with a Normal-inverse-gamma prior
// |   sigma2[k in 1..K] ~ invgamma(a0, b0)
// |   beta[k in 1..K] ~ mvnormal(0, g * sigma2[k] * I(D))
// | 
// |   z ~ stickbreaking(logistic(phi * x))          // the gate: which expert explains y
// |   y ~ normal(dot(beta[z], x), sqrt(sigma2[z]))  // the expert (normal takes an sd)
// | }

// hsmoe kernel for model hsmoe (stdlib/hsmoe.moe)
// compiled by hsmoe 0.1.0; generated code, do not edit
//
// inference plan:
//   y       expert      normal_inverse_gamma_linear
//   beta    expert      normal_inverse_gamma_linear
//   sigma2  expert      normal_inverse_gamma_linear
//   z       gate        polya_gamma_stickbreaking
//   phi     gate_prior  horseshoe_makalic_schmidt
//   tau     gate_prior  horseshoe_makalic_schmidt
//   lambda  gate_prior  horseshoe_makalic_schmidt

export default function createKernel(rt) {
  "use strict";
  const K = 4; // experts
  const S = 3; // sticks of the gate
  const info = {
    model: "hsmoe",
    source: "stdlib/hsmoe.moe",
    compiler: "0.1.0",
    experts: K,
    input: "x",
    inputSize: "D",
    response: "y",
    hypers: Object.fromEntries([["K", 4], ["a0", 2], ["b0", 1], ["g", 10]]),
    plan: [
      { node: "y", rule: "normal_inverse_gamma_linear", role: "expert" },
      { node: "beta", rule: "normal_inverse_gamma_linear", role: "expert" },
      { node: "sigma2", rule: "normal_inverse_gamma_linear", role: "expert" },
      { node: "z", rule: "polya_gamma_stickbreaking", role: "gate" },
      { node: "phi", rule: "horseshoe_makalic_schmidt", role: "gate_prior" },
      { node: "tau", rule: "horseshoe_makalic_schmidt", role: "gate_prior" },
      { node: "lambda", rule: "horseshoe_makalic_schmidt", role: "gate_prior" },
    ],
  };
  function blocks(N, D) {
    // expert: line 19: y ~ normal(dot(beta[z], x), sqrt(sigma2[z]))
    // expert: line 16: beta[k] ~ mvnormal(0, g * sigma2[k] * I(D))
    // expert: line 15: sigma2[k] ~ invgamma(a0, b0)
    const expert = new rt.rules.NigLinearState(N, K, D, { g: 10, m0: new Float64Array(D).fill(0), a0: 2, b0: 1 });
    // gate: line 18: z ~ stickbreaking(logistic(phi * x))
    const gate = new rt.rules.StickGateState(N, K, D);
    // gate prior: line 12: phi[k, j] ~ normal(0, tau * lambda[k, j])
    // gate prior: line 10: tau ~ halfcauchy(1)
    // gate prior: line 11: lambda[k, j] ~ halfcauchy(1)
    const prior = new rt.rules.HorseshoeState(N, S, D, { grouped: false, A: 1, B: 1 });
    return { expert, gate, prior };
  }
  function create(N, D, rng) {
    const b = blocks(N, D);
    for (let i = 0; i < N; i++) {
      b.expert.init(i);
      b.prior.init(rng, i);
      if (!b.gate.init(rng, i, b.prior)) throw new Error("the gate prior precision is not positive definite");
    }
    return state(N, D, b.expert, b.gate, b.prior);
  }
  function restore(json) {
    const expert = rt.rules.NigLinearState.fromJSON(json.expert);
    const gate = rt.rules.StickGateState.fromJSON(json.gate);
    const prior = rt.rules.HorseshoeState.fromJSON(json.prior);
    return state(expert.N, expert.d, expert, gate, prior);
  }
  function state(N, D, expert, gate, prior) {
    const pred = new Float64Array(K), lw = new Float64Array(K), mom = new Float64Array(4);
    const beta = new Float64Array(K * D), s2 = new Float64Array(K), logNorm = new Float64Array(K), count = new Int32Array(K);
    let byExpert = new Int32Array(0);
    const REFRESH = Math.max(10, D);
    function refreshGate(rng) {
      for (let i = 0; i < N; i++) {
        prior.gibbs(rng, i, gate.phi, i * S * D);
        for (let l = 0; l < S; l++) if (!gate.refactor(i, l, prior)) return false;
        for (let l = 0; l < S; l++) gate.drawPhi(rng, i, l);
      }
      return true;
    }
    return {
      N, K, D,
      weigh(x, y, ell) {
        for (let i = 0; i < N; i++) {
          // gate: line 18: z ~ stickbreaking(logistic(phi * x))
          gate.logGate(i, x, 0, ell, i * K);
          // expert: line 19: y ~ normal(dot(beta[z], x), sqrt(sigma2[z]))
          // expert: line 16: beta[k] ~ mvnormal(0, g * sigma2[k] * I(D))
          // expert: line 15: sigma2[k] ~ invgamma(a0, b0)
          expert.predictive(i, x, 0, y, pred, 0);
          for (let k = 0; k < K; k++) ell[i * K + k] += pred[k];
        }
      },
      gather(a) { expert.gather(a); gate.gather(a); prior.gather(a); },
      propagate(rng, x, y, ell, z, t) {
        for (let i = 0; i < N; i++) {
          const k = rt.categoricalLog(rng, ell, i * K, K); // step 4: the allocation
          z[i] = k;
          if (!expert.updateStashed(i, k, x, 0, y)) return false; // step 5: rank-one update of expert k
          if (!gate.update(rng, i, k, x, 0)) return false; // step 6: PG draws and updates of the visited sticks
        }
        // steps 7 and 8: gate coefficients and prior scales every max(R, D) rows (spec §3.6)
        if ((t + 1) % REFRESH === 0) return refreshGate(rng);
        return true;
      },
      sweep(rng, rows, hist, stride) {
        const n = rows.n, X = rows.x, Y = rows.y;
        if (byExpert.length < K * n) byExpert = new Int32Array(2 * K * n);
        for (let i = 0; i < N; i++) {
          const h = i * stride;
          // 1. expert parameters from their conditionals (auxiliary, discarded after the sweep)
          for (let k = 0; k < K; k++) s2[k] = expert.drawParams(rng, i, k, beta, k * D);
          // 2. every allocation from gate × expert density (ω marginalised); log N(y; μ, σ²) = c_k − r²/(2σ²)
          for (let k = 0; k < K; k++) logNorm[k] = -0.5 * Math.log(2 * Math.PI * s2[k]);
          for (let s = 0; s < n; s++) {
            gate.logGate(i, X, s * D, lw, 0);
            for (let k = 0; k < K; k++) {
              const r = Y[s] - rt.dot(X, s * D, beta, k * D, D);
              lw[k] += logNorm[k] - (0.5 * r * r) / s2[k];
            }
            hist[h + s] = rt.categoricalLog(rng, lw, 0, K);
          }
          // 3. scale moves on each stick, ω marginalised, and one joint (τ, φ) move
          for (let l = 0; l < S; l++) for (let m = 0; m < 5; m++) gate.scaleMove(rng, i, l, prior, X, hist, h, n);
          rt.rules.jointScaleMove(rng, i, gate, prior, X, hist, h, n);
          // 4. fresh ω and stick statistics from scratch
          if (!gate.rebuild(rng, i, X, hist, h, n, prior)) return false;
          // 4. expert statistics from scratch, from the rows now allocated to each
          count.fill(0);
          for (let s = 0; s < n; s++) { const k = hist[h + s]; byExpert[k * n + count[k]++] = s; }
          for (let k = 0; k < K; k++) if (!expert.rebuild(i, k, X, Y, byExpert.subarray(k * n, (k + 1) * n), count[k])) return false;
          // 5. coefficients given the statistics, then the prior scales given them
          for (let l = 0; l < S; l++) gate.drawPhi(rng, i, l);
          prior.gibbs(rng, i, gate.phi, i * S * D);
          for (let l = 0; l < S; l++) if (!gate.refactor(i, l, prior)) return false;
        }
        return true;
      },
      predictive(x, out) {
        for (let i = 0; i < N; i++) {
          gate.logGate(i, x, 0, lw, 0);
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
          gate.logGate(i, x, 0, out, i * K);
          for (let k = 0; k < K; k++) out[i * K + k] = Math.exp(out[i * K + k]);
        }
      },
      shrinkage(weights) {
        const kappa = new Float64Array(D), mean = Array.from({ length: S }, () => new Array(D).fill(0));
        for (let i = 0; i < N; i++) for (let l = 0; l < S; l++) { prior.shrinkage(i, l, kappa, 0); for (let j = 0; j < D; j++) mean[l][j] += weights[i] * kappa[j]; }
        return mean;
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
        return { expert: expert.toJSON(), gate: gate.toJSON(), prior: prior.toJSON() };
      },
    };
  }
  return { info, create, restore };
}
