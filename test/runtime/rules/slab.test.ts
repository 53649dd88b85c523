/**
 * The regularised horseshoe's slab in the scale-mixture prior (spec §1.5): each slabbed
 * variance v becomes c²v/(c² + v), c² ~ IG(2, 8). A Geweke joint-distribution test (oracle 14's
 * form): from the prior, alternating φ | scales (from its prior N(0, v̄)) with the block's
 * Gibbs/MH steps for the scales given φ must leave every scale at its prior marginal; with the
 * √(v + c²) factor left out of the acceptance, c² drifts and the test fails.
 */
import { describe, expect, it } from "vitest";
import { Rng } from "../../../runtime/rng/index.js";
import { ScalePrior } from "../../../runtime/rules/scale-prior.js";
import { horseshoeTree } from "../../helpers/trees.js";
import { ksTest, P_MIN, regularizedGammaQ } from "../../helpers/stats.js";

const halfCauchySqCdf = (v: number) => (v <= 0 ? 0 : (2 / Math.PI) * Math.atan(Math.sqrt(v)));
const igCdf = (a: number, b: number) => (v: number) => (v <= 0 ? 0 : regularizedGammaQ(a, b / v));

/** τ global, λ per stick and column, both half-Cauchy(1); the slab on every coefficient. */
const tree = horseshoeTree({ shape: 2, rate: 8 });

describe("the regularised horseshoe's slab", () => {
  it("prior → (φ | scales, then the scales' moves) × 8 leaves c², τ² and λ² at their prior marginals", () => {
    const N = 20_000;
    const S = 2;
    const d = 3;
    const prior = new ScalePrior(N, S, d, { tree });
    const rng = Rng.fromSeed("slab-geweke");
    const phi = new Float64Array(S * d);
    const D = new Float64Array(d);
    for (let i = 0; i < N; i++) {
      prior.init(rng, i);
      for (let round = 0; round < 8; round++) {
        for (let l = 0; l < S; l++) {
          prior.precisionDiagonal(i, l, D, 0);
          for (let j = 0; j < d; j++) phi[l * d + j] = rng.normal() / Math.sqrt(D[j]);
        }
        prior.gibbs(rng, i, phi, 0);
      }
    }
    const node = (m: number) => Float64Array.from({ length: N }, (_, i) => prior.v[i * prior.M + m]);
    expect(ksTest(prior.slab, igCdf(2, 8)).pValue).toBeGreaterThan(P_MIN);
    expect(ksTest(node(0), halfCauchySqCdf).pValue).toBeGreaterThan(P_MIN);
    // the first and the last local scale (nodes 2 and 2 + S·d − 1)
    expect(ksTest(node(2), halfCauchySqCdf).pValue).toBeGreaterThan(P_MIN);
    expect(ksTest(node(2 + S * d - 1), halfCauchySqCdf).pValue).toBeGreaterThan(P_MIN);
  });

  it("no prior variance exceeds the slab's, and the precision is 1/v + 1/c²", () => {
    const prior = new ScalePrior(1, 2, 3, { tree });
    prior.init(Rng.fromSeed(1), 0);
    prior.v.fill(1e6);
    prior.slab[0] = 4;
    const D = new Float64Array(3);
    prior.precisionDiagonal(0, 0, D, 0);
    for (const p of D) expect(p).toBeCloseTo(1 / 1e12 + 1 / 4, 12);
  });
});
