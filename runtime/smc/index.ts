/**
 * Sequential Monte Carlo numerics: particle weights (log-sum-exp normalisation, ESS) and
 * resampling schemes. Conventions are stated in `./weights.ts` and `./resampling.ts`: `lw`
 * log-weights, `W` normalised weights, `n` particles, `m` draws, `A` ancestor indices
 * (Int32Array), all buffers caller-provided or allocated once in a {@link Resampler}.
 */
export {
  DegenerateWeightsError,
  type DegenerateReason,
  logMeanExp,
  normaliseLogWeights,
  ess,
  essFromLogWeights,
} from "./weights.js";
export {
  type ResamplingScheme,
  type SchemeName,
  inverseCdf,
  multinomial,
  stratified,
  systematic,
  residual,
  residualStratified,
  RESAMPLING_SCHEMES,
  SCHEME_NAMES,
  resamplingScheme,
  Resampler,
} from "./resampling.js";
