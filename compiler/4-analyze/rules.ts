/**
 * The rule table: every conjugacy or augmentation rule the compiler knows, with what it
 * covers — prior family, link, dependent family, the sufficient statistics it tracks, the
 * streaming update it implies (for the particle-learning step) and the full conditional it
 * implies (for the resample-move sweep) — and its matcher. Analysis tries the rules of each
 * role in table order; adding a rule is adding a row here and its runtime block.
 */
import type { GraphNode, ModelGraph } from "../3-graph/index.js";
import type { KernelBlockName } from "../../runtime/kernel-runtime.js";
import { matchKnownVarianceExpert, matchNigExpert } from "./expert-rules.js";
import { matchFixedGate, matchFixedScale, matchHorseshoe, matchPolyaGammaGate } from "./gate-rules.js";
import type { ConstantSpec } from "./constants.js";
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
  /**
   * The constants it passes to the runtime and what the runtime's update needs of each
   * (checked after a match, reported where the model sets them).
   */
  constants: readonly ConstantSpec<M>[];
  /** The runtime block that implements the rule (a class of the kernel runtime's `blocks`). */
  block: KernelBlockName;
  /** The constants the block's `create` takes, from the match (numbers final, names never). */
  build(m: M): BlockConstants;
  /** The moves the block makes in a resample-move sweep, for the plan dump and the reference. */
  moves: readonly string[];
}

/** A block's constants: plain numbers, flags and number lists, printed as literals in the kernel. */
export type BlockConstants = Readonly<Record<string, number | boolean | readonly number[]>>;

/**
 * The Pólya-Gamma gate's schedule (spec §3.6–3.7): φ and the prior scales are refreshed every
 * max(R, d) rows — between refreshes rows only add ω to the sticks' statistics; a per-row φ
 * redraw is valid but cost a fifth of the stream's time without measurably changing the fit (the
 * staleness that matters is in the frozen ω, which the sweeps revisit) — and each sweep makes
 * this many scale moves per stick.
 */
export const GATE_SCHEDULE = { refreshEvery: 10, scaleMoves: 5 } as const;

/** log g_k of a stick-breaking gate with constant stop probabilities: log p_k + Σ_{l<k} log(1 − p_l). */
function stickLogProbs(stops: readonly number[]): number[] {
  let rest = 0; // log of the probability of passing every stick so far
  const out = stops.map((p) => {
    const v = rest + Math.log(p);
    rest += Math.log1p(-p);
    return v;
  });
  out.push(rest);
  return out;
}

/**
 * A table row, typed by its own matcher's result so its constants read that match's fields.
 * (The members of {@link ConstantSpec} are methods, so a row fits the role's table.)
 */
function row<M>(r: Rule<M>): Rule<M> {
  return r;
}

/** Expert rules, tried on the observed response. */
export const expertRules: readonly Rule<ExpertMatch>[] = [
  row({
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
    block: "NigLinearState",
    build: (m) => ({ g: m.priorScale, m0: m.priorMean, a0: m.a0, b0: m.b0 }),
    moves: ["(β, σ²) of every expert from its NIG posterior", "statistics rebuilt from the allocated rows"],
    constants: [
      { what: (m) => `the prior mean of \`${m.coefficients}\``, value: (m) => m.priorMean, from: ["priorMean"], constraint: "finite" },
      { what: (m) => `the prior covariance scale of \`${m.coefficients}\``, value: (m) => m.priorScale, from: ["priorScale"], constraint: "positive" },
      { what: (m) => `the prior precision scale 1/g of \`${m.coefficients}\``, value: (m) => 1 / m.priorScale, from: ["priorScale"], constraint: "positive" },
      { what: (m) => `the shape of the invgamma prior of \`${m.variance}\``, value: (m) => m.a0, from: ["a0"], constraint: "positive" },
      { what: (m) => `the scale of the invgamma prior of \`${m.variance}\``, value: (m) => m.b0, from: ["b0"], constraint: "positive" },
    ],
  }),
  row({
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
    block: "KnownVarianceLinearState",
    build: (m) => ({ s: m.sd, g: m.priorScale, m0: m.priorMean }),
    moves: ["β of every expert from its Gaussian posterior", "statistics rebuilt from the allocated rows"],
    constants: [
      { what: (m) => `the prior mean of \`${m.coefficients}\``, value: (m) => m.priorMean, from: ["priorMean"], constraint: "finite" },
      { what: (m) => `the prior covariance scale of \`${m.coefficients}\``, value: (m) => m.priorScale, from: ["priorScale"], constraint: "positive" },
      { what: (m) => `the noise sd of \`${m.response}\``, value: (m) => m.sd, from: ["sd"], constraint: "positive" },
      { what: (m) => `the prior precision s²/c of \`${m.coefficients}\` in noise units`, value: (m) => (m.sd * m.sd) / m.priorScale, from: ["sd", "priorScale"], constraint: "positive" },
    ],
  }),
];

/** Gate rules, tried on the per-row allocation. */
export const gateRules: readonly Rule<GateMatch>[] = [
  row({
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
    block: "PolyaGammaGate",
    build: () => GATE_SCHEDULE,
    moves: ["every allocation from gate × expert weights", "scale moves on each stick (ω marginalised)", "ω and stick statistics from scratch", "φ ~ N(Q⁻¹r, Q⁻¹)"],
    constants: [],
  }),
  row({
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
    block: "FixedGate",
    build: (m) => ({ logProbs: stickLogProbs(m.stops) }),
    moves: ["every allocation from gate × expert weights"],
    // The stop probabilities are checked by the matcher: outside (0, 1) they are no gate.
    constants: [],
  }),
];

/** Gate-prior rules, tried on the gate coefficients. */
export const gatePriorRules: readonly Rule<GatePriorMatch>[] = [
  row({
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
    block: "HorseshoeState",
    build: (m) => ({ grouped: m.grouped, A: m.globalScale, B: m.localScale }),
    moves: ["joint (τ, φ) scale move", "λ², ν, τ², ξ from their inverse-gamma conditionals (E16)"],
    constants: [
      { what: (m) => `the scale of the halfcauchy prior of \`${m.global}\``, value: (m) => m.globalScale, from: ["globalScale"], constraint: "positive" },
      { what: (m) => `the inverse squared scale of the halfcauchy prior of \`${m.global}\``, value: (m) => 1 / (m.globalScale * m.globalScale), from: ["globalScale"], constraint: "positive" },
      { what: (m) => `the scale of the halfcauchy prior of \`${m.local}\``, value: (m) => m.localScale, from: ["localScale"], constraint: "positive" },
      { what: (m) => `the inverse squared scale of the halfcauchy prior of \`${m.local}\``, value: (m) => 1 / (m.localScale * m.localScale), from: ["localScale"], constraint: "positive" },
    ],
  }),
  row({
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
    block: "FixedNormalPrior",
    build: (m) => ({ s: m.sd }),
    moves: [],
    constants: [
      { what: (m) => `the prior variance of \`${m.coefficients}\``, value: (m) => m.variance, from: ["sd"], constraint: "positive" },
      { what: (m) => `the prior sd of \`${m.coefficients}\``, value: (m) => m.sd, from: ["sd"], constraint: "positive" },
      { what: (m) => `the prior precision of \`${m.coefficients}\``, value: (m) => 1 / m.variance, from: ["sd"], constraint: "positive" },
    ],
  }),
];

/** Every rule, for the reference page and for tests that iterate over the table. */
export const allRules: readonly Rule<unknown>[] = [...expertRules, ...gateRules, ...gatePriorRules];

/** The table row of a rule id. */
export function ruleById(id: RuleId): Rule<unknown> {
  const r = allRules.find((x) => x.id === id);
  if (!r) throw new Error(`no rule ${id}`);
  return r;
}
