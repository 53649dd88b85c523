/**
 * The rule table: every conjugacy or augmentation rule the compiler knows, with what it
 * covers — prior family, link, dependent family, the sufficient statistics it tracks, the
 * streaming update it implies (for the particle-learning step) and the full conditional it
 * implies (for the resample-move sweep) — and its matcher. Analysis tries the rules of each
 * role in table order; adding a rule is adding a row here and its runtime block.
 */
import type { GraphNode, ModelGraph } from "../3-graph/index.js";
import { matchKnownVarianceExpert, matchNigExpert } from "./expert-rules.js";
import { matchFixedGate, matchFixedScale, matchHorseshoe, matchPolyaGammaGate } from "./gate-rules.js";
import type { ExpertMatch, GateMatch, GatePriorMatch, MatchResult, Role, RuleId } from "./matches.js";

/** One row of the rule table. */
export interface Rule<M> {
  id: RuleId;
  role: Role;
  prior: string;
  link: string;
  dependent: string;
  statistics: string;
  /** The streaming update (particle-learning step). */
  update: string;
  /** The full conditional (rejuvenation sweep). */
  conditional: string;
  /** Whether it is an exact conjugate update or needs augmentation first. */
  kind: "conjugate" | "augmented" | "fixed";
  match: (g: ModelGraph, node: GraphNode) => MatchResult<M>;
}

/** Expert rules, tried on the observed response. */
export const expertRules: readonly Rule<ExpertMatch>[] = [
  {
    id: "normal_inverse_gamma_linear",
    role: "expert",
    prior: "beta[k] ~ mvnormal(m0, g·sigma2[k]·I), sigma2[k] ~ invgamma(a0, b0)",
    link: "identity: mean dot(beta[z], x), sd sqrt(sigma2[z])",
    dependent: "normal",
    statistics: "per expert: Cholesky factor of the precision, mean m, a, b, count",
    update: "rank-one Cholesky update and Sherman–Morrison mean (spec E11); Student-t predictive (E10)",
    conditional: "sigma2[k] ~ IG(a, b), beta[k] ~ N(m, sigma2[k] V); statistics rebuilt from the allocated rows (E12)",
    kind: "conjugate",
    match: matchNigExpert,
  },
  {
    id: "normal_known_variance_linear",
    role: "expert",
    prior: "beta[k] ~ mvnormal(m0, c·I)",
    link: "identity: mean dot(beta[z], x), sd constant",
    dependent: "normal",
    statistics: "per expert: Cholesky factor of the precision, mean, count",
    update: "rank-one precision update; Gaussian predictive N(xᵀm, s² + xᵀVx)",
    conditional: "beta[k] ~ N(m, V); statistics rebuilt from the allocated rows",
    kind: "conjugate",
    match: matchKnownVarianceExpert,
  },
];

/** Gate rules, tried on the per-row allocation. */
export const gateRules: readonly Rule<GateMatch>[] = [
  {
    id: "polya_gamma_stickbreaking",
    role: "gate",
    prior: "Gaussian prior on each stick's coefficients (a gate-prior rule)",
    link: "logit: stop probability logistic(dot(phi[l], x)) on stick l",
    dependent: "stickbreaking: one Bernoulli-logit term per visited stick (spec E6)",
    statistics: "per stick: G = Σ ω x xᵀ, r = Σ κ x, Cholesky factor of G + D, current phi",
    update: "ω ~ PG(1, xᵀphi) for each visited stick, rank-one update of G + D, phi ~ N(Q⁻¹r, Q⁻¹) (spec E15)",
    conditional: "every allocation from its gate × expert weights; ω rebuilt; scale moves on each stick; phi ~ N(Q⁻¹r, Q⁻¹)",
    kind: "augmented",
    match: matchPolyaGammaGate,
  },
  {
    id: "fixed_stickbreaking",
    role: "gate",
    prior: "none: the stop probabilities are constants",
    link: "stickbreaking with constant stops",
    dependent: "stickbreaking",
    statistics: "none",
    update: "the allocation is drawn from constant gate weights × expert predictives",
    conditional: "every allocation from its gate × expert weights",
    kind: "fixed",
    match: matchFixedGate,
  },
];

/** Gate-prior rules, tried on the gate coefficients. */
export const gatePriorRules: readonly Rule<GatePriorMatch>[] = [
  {
    id: "horseshoe_makalic_schmidt",
    role: "gate_prior",
    prior: "tau ~ halfcauchy(A), lambda ~ halfcauchy(B) (per coefficient, or per stick when grouped)",
    link: "scale: phi ~ normal(0, tau·lambda)",
    dependent: "normal (the gate coefficients)",
    statistics: "lambda², nu (per coefficient or per stick), tau², xi",
    update: "inverse-gamma auxiliaries (spec E8–E9); Gibbs updates E16 on a schedule, then refactor each stick's G + D",
    conditional: "E16 given phi; joint (tau, phi) scale move",
    kind: "conjugate",
    match: matchHorseshoe,
  },
  {
    id: "normal_fixed_scale",
    role: "gate_prior",
    prior: "phi ~ normal(0, s) with s constant (no shrinkage)",
    link: "none",
    dependent: "normal (the gate coefficients)",
    statistics: "none: the prior precision 1/s² is constant",
    update: "none",
    conditional: "none",
    kind: "fixed",
    match: matchFixedScale,
  },
];

/** Every rule, for the reference page and for tests that iterate over the table. */
export const allRules: readonly Rule<unknown>[] = [...expertRules, ...gateRules, ...gatePriorRules];
