/**
 * The rule table: every conjugacy or augmentation rule the compiler knows, with what it
 * covers — prior family, link, dependent family, the streaming update it implies (for the
 * particle-learning step) and the full conditional it implies (for the resample-move sweep) —
 * its matcher, and the runtime block that implements it (whose own table of statistics is what
 * the rule tracks: see {@link ruleStatistics}). Analysis tries the rules of each
 * role in table order; adding a rule is adding a row here and its runtime block.
 */
import type { GraphNode, ModelGraph } from "../3-graph/index.js";
import { kernelBlocks, type KernelBlockName } from "../../runtime/kernel-runtime.js";
import type { Statistic } from "../../runtime/rules/statistics.js";
import { matchBinomialExpert, matchCountExpert, matchKnownVarianceExpert, matchLaplaceExpert, matchLogisticExpert, matchNigExpert, matchStudentExpert } from "./expert-rules.js";
import { matchFixedGate, matchFixedScale, matchHorseshoe, matchPolyaGammaGate, matchSoftmaxGate } from "./gate-rules.js";
import { matchScaleMixture } from "./scale-rules.js";
import type { ConstantCheck } from "./constants.js";
import type { CoefficientGroup } from "./matches.js";
import type { ExpertMatch, GateMatch, GatePriorMatch, MatchBase, MatchResult, Role, RuleId } from "./matches.js";

/** One row of the rule table. */
export interface Rule<M> {
  id: RuleId;
  role: Role;
  prior: string;
  link: string;
  dependent: string;
  /** The streaming update (particle-learning step): the block's methods that make it, and the equations they implement. */
  update: BlockStep;
  /** The full conditional (rejuvenation sweep): the block's methods and their equations. */
  conditional: BlockStep;
  /** Whether it is an exact conjugate update or needs augmentation first. */
  kind: "conjugate" | "augmented" | "fixed";
  /**
   * Tries the rule on a node: the response, the allocation, or the gate's first coefficient
   * family (with every family of the gate in `families`).
   */
  match: (g: ModelGraph, node: GraphNode, families: readonly GraphNode[]) => MatchResult<M>;
  /**
   * The constants it passes to the runtime and what the runtime's update needs of each
   * (checked after a match, reported where the model sets them).
   */
  constants(m: M): ConstantCheck[];
  /** The runtime block that implements the rule (a class of the kernel runtime's `blocks`). */
  block: KernelBlockName;
  /** The constants the block's `create` takes, from the match (numbers final, names never). */
  build(m: M): BlockConstants;
  /** The moves the block makes in a resample-move sweep, for the plan dump and the reference. */
  moves: readonly string[];
}

/** A step of a rule: the names of its block's methods that implement it (checked to exist), and what they compute. */
export interface BlockStep {
  readonly methods: readonly string[];
  readonly spec: string;
}

/**
 * A block's constant: a number, a flag, a word of the runtime's vocabulary (`stick`), or lists
 * and records of them, printed as a literal in the kernel.
 */
export type BlockValue = number | boolean | string | readonly BlockValue[] | { readonly [key: string]: BlockValue };

/** A block's constants, by the names its `create` reads. */
export type BlockConstants = Readonly<Record<string, BlockValue>>;

/**
 * The Pólya-Gamma gate's schedule (spec §3.6–3.7): φ and the prior scales are refreshed every
 * max(R, d) rows — between refreshes rows only add ω to the sticks' statistics; a per-row φ
 * redraw is valid but cost a fifth of the stream's time without measurably changing the fit (the
 * staleness that matters is in the frozen ω, which the sweeps revisit) — and each sweep makes
 * this many scale moves per stick.
 */
const GATE_SCHEDULE = { refreshEvery: 10, scaleMoves: 5 } as const;

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
 * (`constants` and `build` are methods, so a row fits the role's table.)
 */
function row<M>(r: Rule<M>): Rule<M> {
  return r;
}

/** The prior mean and variance of every coefficient group, checked finite and positive. */
function groupConstants(groups: readonly CoefficientGroup[], scaleWhat: string): ConstantCheck[] {
  // A mean vector's entries were checked finite with the hyperparameter that gives them.
  return groups.flatMap((c) => [
    ...(typeof c.mean === "number" ? [{ what: `the prior mean of \`${c.name}\``, value: c.mean, keys: [`${c.name}.mean`], from: c.origins.mean, constraint: "finite" as const }] : []),
    { what: `the prior ${scaleWhat} of \`${c.name}\``, value: c.scale, keys: [`${c.name}.scale`], from: c.origins.scale, constraint: "positive" as const },
    { what: `the prior precision of \`${c.name}\``, value: 1 / c.scale, keys: [`${c.name}.scale`], from: c.origins.scale, constraint: "positive" as const },
  ]);
}

/** The NIG experts' constants: each group's prior, and the noise variance's inverse-gamma prior. */
function nigConstants(m: { groups: readonly CoefficientGroup[]; variance: string; a0: number; b0: number; origins: MatchBase["origins"] }): ConstantCheck[] {
  return [
    ...groupConstants(m.groups, "variance scale (in units of the noise variance)"),
    { what: `the shape of the invgamma prior of \`${m.variance}\``, value: m.a0, keys: ["a0"], from: m.origins.a0, constraint: "positive" },
    { what: `the scale of the invgamma prior of \`${m.variance}\``, value: m.b0, keys: ["b0"], from: m.origins.b0, constraint: "positive" },
  ];
}

/** Expert rules, tried on the observed response. */
export const expertRules: readonly Rule<ExpertMatch>[] = [
  row({
    id: "normal_inverse_gamma_linear",
    role: "expert",
    prior: "beta[k] ~ mvnormal(m0, g·sigma2[k]·I), sigma2[k] ~ invgamma(a0, b0); or a shrinkage prior, beta[k, j] ~ normal(m0, scales·sqrt(sigma2[k])) with half-Cauchy or inverse-gamma scales (a slab too: the regularised horseshoe)",
    link: "identity: mean dot(beta[z], x), sd sqrt(sigma2[z])",
    dependent: "normal",
    update: { methods: ["predictive", "updateStashed"], spec: "E10–E11: Student-t predictive; rank-one Cholesky update and Sherman–Morrison mean" },
    conditional: { methods: ["drawParameters", "rebuildAll"], spec: "E12: σ², β (and a random g) drawn; statistics rebuilt from the allocated rows" },
    kind: "conjugate",
    match: matchNigExpert,
    block: "NigLinearState",
    build: (m) => ({
      a0: m.a0,
      b0: m.b0,
      shared: m.shared,
      ...(m.priorScale ? { gPrior: { a: m.priorScale.a, b: m.priorScale.b } } : {}),
      ...(m.shrinkage ? { shrinkage: { tree: m.shrinkage.tree as unknown as BlockValue } } : {}),
    }),
    moves: ["(β, σ²) of every expert from its NIG posterior (then a random prior scale g, or the shrinkage prior's scales, from their inverse-gamma conditionals)", "statistics rebuilt from the allocated rows"],
    constants: (m) => [
      ...nigConstants(m),
      ...(m.shrinkage?.checks ?? []),
      ...(m.priorScale
        ? [
            { what: `the shape of the invgamma prior of \`${m.priorScale.name}\``, value: m.priorScale.a, keys: ["ga"], from: m.origins.ga, constraint: "positive" as const },
            { what: `the scale of the invgamma prior of \`${m.priorScale.name}\``, value: m.priorScale.b, keys: ["gb"], from: m.origins.gb, constraint: "positive" as const },
          ]
        : []),
    ],
  }),
  row({
    id: "normal_known_variance_linear",
    role: "expert",
    prior: "beta[k] ~ mvnormal(m0, c·I)",
    link: "identity: mean dot(beta[z], x), sd constant",
    dependent: "normal",
    update: { methods: ["predictive", "updateStashed"], spec: "E11 with σ² = s²: Gaussian predictive N(xᵀm, s² + xᵀVx), rank-one precision update" },
    conditional: { methods: ["drawParameters", "rebuildAll"], spec: "β drawn; statistics rebuilt from the allocated rows" },
    kind: "conjugate",
    match: matchKnownVarianceExpert,
    block: "KnownVarianceLinearState",
    build: (m) => ({ s: m.sd }),
    moves: ["β of every expert from its Gaussian posterior", "statistics rebuilt from the allocated rows"],
    constants: (m) => [
      ...groupConstants(m.groups, "variance"),
      { what: `the noise sd of \`${m.response}\``, value: m.sd, keys: ["sd"], from: m.origins.sd, constraint: "positive" },
      // The update works in noise units, with the prior precision s²/c of each group.
      ...m.groups.map((c) => ({
        what: `the prior precision s²/c of \`${c.name}\` in noise units`,
        value: (m.sd * m.sd) / c.scale,
        keys: ["sd", `${c.name}.scale`],
        from: [...m.origins.sd, ...c.origins.scale],
        constraint: "positive" as const,
        // s and c can each be positive and finite while s²/c overflows: say what must change.
        fix: (hypers: readonly string[]) =>
          hypers.length > 0 ? `give ${hypers.map((h) => `\`${h}\``).join(", ")} ${hypers.length === 1 ? "a value that keeps" : "values that keep"} s²/c finite, e.g. \`${hypers[0]}: real = 1\`` : "use an sd and a prior variance whose ratio s²/c is finite",
      })),
    ],
  }),
  row({
    id: "polya_gamma_logistic_linear",
    role: "expert",
    prior: "beta[k] ~ mvnormal(m0, c·I)",
    link: "logit: P(y = 1) = logistic(dot(beta[z], x))",
    dependent: "bernoulli_logit (or bernoulli of a logistic)",
    update: { methods: ["predictive", "updateStashed"], spec: "§2.4: weight σ(±xᵀβ_k) at the particle's β; ω ~ PG(1, xᵀβ_k), rank-one update of the precision, β redrawn" },
    conditional: { methods: ["drawParameters", "rebuildAll"], spec: "§2.4: allocations given β; ω and statistics rebuilt; β drawn (an MH test under forgetting)" },
    kind: "augmented",
    match: matchLogisticExpert,
    block: "LogisticExpertState",
    build: () => ({}),
    moves: ["every allocation given the particle's β", "ω ~ PG(1, xᵀβ) and statistics from scratch", "β ~ N(P̃⁻¹h, P̃⁻¹)"],
    constants: (m) => groupConstants(m.groups, "variance"),
  }),
  row({
    id: "polya_gamma_binomial_linear",
    role: "expert",
    prior: "beta[k] ~ mvnormal(m0, c·I)",
    link: "logit: success probability logistic(dot(beta[z], x)) in each of n trials",
    dependent: "binomial_logit (or binomial of a logistic), n trials per row from the data",
    update: { methods: ["predictive", "updateStashed"], spec: "§2.7: weight Binomial(y; n, σ(xᵀβ_k)) at the particle's β; ω ~ PG(n, xᵀβ_k), rank-one update of the precision, β redrawn" },
    conditional: { methods: ["drawParameters", "rebuildAll"], spec: "§2.7: allocations given β; ω and statistics rebuilt; β drawn (an MH test under forgetting)" },
    kind: "augmented",
    match: matchBinomialExpert,
    block: "BinomialExpertState",
    build: () => ({}),
    moves: ["every allocation given the particle's β", "ω ~ PG(n, xᵀβ) and statistics from scratch", "β ~ N(P̃⁻¹h, P̃⁻¹)"],
    constants: (m) => groupConstants(m.groups, "variance"),
  }),
  row({
    id: "polya_gamma_negbinomial_linear",
    role: "expert",
    prior: "beta[k] ~ mvnormal(m0, c·I); dispersion r constant",
    link: "log: mean exp(dot(beta[z], x)), success probability logistic(dot(beta[z], x) − log r)",
    dependent: "negbinomial_log (or negbinomial of an exp)",
    update: { methods: ["predictive", "updateStashed"], spec: "§2.6: weight NB(y; r, σ(ψ)) at the particle's β, ψ = xᵀβ_k − log r; ω ~ PG(y + r, ψ), rank-one update of the precision, β redrawn" },
    conditional: { methods: ["drawParameters", "rebuildAll"], spec: "§2.6: allocations given β; ω and statistics rebuilt; β drawn (an MH test under forgetting)" },
    kind: "augmented",
    match: matchCountExpert,
    block: "NegBinomialExpertState",
    build: (m) => ({ r: m.r }),
    moves: ["every allocation given the particle's β", "ω ~ PG(y + r, xᵀβ − log r) and statistics from scratch", "β ~ N(P̃⁻¹h, P̃⁻¹)"],
    constants: (m) => [
      ...groupConstants(m.groups, "variance"),
      { what: `the dispersion of \`${m.response}\``, value: m.r, keys: ["r"], from: m.origins.r, constraint: "positive" },
    ],
  }),
  row({
    id: "normal_scale_mixture_studentt_linear",
    role: "expert",
    prior: "beta[k] ~ mvnormal(m0, g·sigma2[k]·I), sigma2[k] ~ invgamma(a0, b0); ν constant",
    link: "identity: location dot(beta[z], x), scale sqrt(sigma2[z])",
    dependent: "studentt (a normal scale mixture: y | λ ~ normal(μ, σ/√λ), λ ~ gamma(ν/2, ν/2))",
    update: { methods: ["predictive", "updateStashed"], spec: "§2.5: weight t_ν(y; xᵀβ_k, σ_k) at the particle's draws; λ from its gamma conditional, the row scaled by √λ into E11, (σ², β) redrawn" },
    conditional: { methods: ["drawParameters", "rebuildAll"], spec: "§2.5: allocations given (β, σ²); λ and statistics rebuilt; (σ², β) drawn (exact under forgetting too)" },
    kind: "augmented",
    match: matchStudentExpert,
    block: "StudentLinearState",
    build: (m) => ({ a0: m.a0, b0: m.b0, nu: m.nu }),
    moves: ["every allocation given the particle's (β, σ²)", "every row's scale λ from its gamma conditional and statistics from scratch", "(σ², β) from the NIG posterior"],
    constants: (m) => [
      ...nigConstants(m),
      { what: `the degrees of freedom of \`${m.response}\``, value: m.nu, keys: ["nu"], from: m.origins.nu, constraint: "positive" },
    ],
  }),
  row({
    id: "normal_scale_mixture_laplace_linear",
    role: "expert",
    prior: "beta[k] ~ mvnormal(m0, g·sigma2[k]·I), sigma2[k] ~ invgamma(a0, b0)",
    link: "identity: location dot(beta[z], x), scale sqrt(sigma2[z])",
    dependent: "laplace (a normal scale mixture: y | λ ~ normal(μ, σ/√λ), 1/λ ~ exponential(½))",
    update: { methods: ["predictive", "updateStashed"], spec: "§2.5: weight Laplace(y; xᵀβ_k, σ_k) at the particle's draws; λ from its inverse-Gaussian conditional, the row scaled by √λ into E11, (σ², β) redrawn" },
    conditional: { methods: ["drawParameters", "rebuildAll"], spec: "§2.5: allocations given (β, σ²); λ and statistics rebuilt; (σ², β) drawn (exact under forgetting too)" },
    kind: "augmented",
    match: matchLaplaceExpert,
    block: "LaplaceLinearState",
    build: (m) => ({ a0: m.a0, b0: m.b0 }),
    moves: ["every allocation given the particle's (β, σ²)", "every row's precision weight λ from its inverse-Gaussian conditional and statistics from scratch", "(σ², β) from the NIG posterior"],
    constants: (m) => nigConstants(m),
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
    update: { methods: ["logGate", "update", "refresh"], spec: "E5, E15: ω ~ PG(1, η) per visited stick, rank-one update of G + D; φ ~ N(Q⁻¹r, Q⁻¹) on the schedule" },
    conditional: { methods: ["sweep"], spec: "§3.7: scale moves on each stick, ω and statistics rebuilt, φ drawn" },
    kind: "augmented",
    match: matchPolyaGammaGate,
    block: "PolyaGammaGate",
    build: () => GATE_SCHEDULE,
    moves: ["every allocation from gate × expert weights", "scale moves on each stick (ω marginalised)", "ω and stick statistics from scratch", "φ ~ N(Q⁻¹r, Q⁻¹)"],
    constants: () => [],
  }),
  row({
    id: "polya_gamma_softmax",
    role: "gate",
    prior: "Gaussian prior on each category's coefficients (a gate-prior rule)",
    link: "softmax: P(z = k) ∝ exp(dot(phi[k], x)), the last logit pinned at 0 (append_row(phi * x, 0)) or every category free",
    dependent: "categorical: given the other categories' coefficients, one Bernoulli-logit term per free category (one-vs-rest, spec §2.9)",
    update: { methods: ["logGate", "update", "refresh"], spec: "§2.9: ω ~ PG(1, η_k − C_k) per free category at the φ in force, rank-one update of G + D; φ ~ N(Q⁻¹r, Q⁻¹) on the schedule" },
    conditional: { methods: ["sweep"], spec: "§2.9: scale moves on each category; then, category by category, C and ω rebuilt from the current φ and φ_k drawn (Gibbs)" },
    kind: "augmented",
    match: matchSoftmaxGate,
    block: "SoftmaxGate",
    build: (m) => ({ ...GATE_SCHEDULE, pinned: m.pinned }),
    moves: ["every allocation from gate × expert weights", "scale moves on each category (ω marginalised)", "per category: C and ω from the current φ, statistics from scratch, φ_k ~ N(Q⁻¹r, Q⁻¹)"],
    constants: () => [],
  }),
  row({
    id: "fixed_stickbreaking",
    role: "gate",
    prior: "none: the stop probabilities are constants",
    link: "stickbreaking with constant stops",
    dependent: "stickbreaking",
    update: { methods: ["logGate"], spec: "E5 with constant stops" },
    conditional: { methods: [], spec: "nothing of its own" },
    kind: "fixed",
    match: matchFixedGate,
    block: "FixedGate",
    build: (m) => ({ logProbs: stickLogProbs(m.stops) }),
    moves: ["every allocation from gate × expert weights"],
    // The stop probabilities are checked by the matcher: outside (0, 1) they are no gate.
    constants: () => [],
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
    update: { methods: ["gibbs", "precisionDiagonal"], spec: "E8–E9, E16 on the gate's schedule" },
    conditional: { methods: ["sweepMoves", "gibbs"], spec: "§3.7: the joint (τ, φ) move, then E16" },
    kind: "conjugate",
    match: matchHorseshoe,
    block: "HorseshoeState",
    build: (m) => ({ grouped: m.grouped, A: m.globalScale, B: m.localScale }),
    moves: ["joint (τ, φ) scale move", "λ², ν, τ², ξ from their inverse-gamma conditionals (E16)"],
    constants: (m) => [
      { what: `the scale of the halfcauchy prior of \`${m.global}\``, value: m.globalScale, keys: ["globalScale"], from: m.origins.globalScale, constraint: "positive" },
      { what: `the inverse squared scale of the halfcauchy prior of \`${m.global}\``, value: 1 / (m.globalScale * m.globalScale), keys: ["globalScale"], from: m.origins.globalScale, constraint: "positive" },
      { what: `the scale of the halfcauchy prior of \`${m.local}\``, value: m.localScale, keys: ["localScale"], from: m.origins.localScale, constraint: "positive" },
      { what: `the inverse squared scale of the halfcauchy prior of \`${m.local}\``, value: 1 / (m.localScale * m.localScale), keys: ["localScale"], from: m.origins.localScale, constraint: "positive" },
    ],
  }),
  row({
    id: "normal_fixed_scale",
    role: "gate_prior",
    prior: "phi ~ normal(0, s) with s constant (no shrinkage)",
    link: "none",
    dependent: "normal (the gate coefficients)",
    update: { methods: ["precisionDiagonal"], spec: "a constant precision" },
    conditional: { methods: [], spec: "nothing of its own" },
    kind: "fixed",
    match: matchFixedScale,
    block: "FixedNormalPrior",
    build: (m) => ({ s: m.sd }),
    moves: [],
    constants: (m) => [
      { what: `the prior variance of \`${m.coefficients}\``, value: m.variance, keys: ["sd"], from: m.origins.sd, constraint: "positive" },
      { what: `the prior sd of \`${m.coefficients}\``, value: m.sd, keys: ["sd"], from: m.origins.sd, constraint: "positive" },
      { what: `the prior precision of \`${m.coefficients}\``, value: 1 / m.variance, keys: ["sd"], from: m.origins.sd, constraint: "positive" },
    ],
  }),
  row({
    id: "scale_mixture_normal",
    role: "gate_prior",
    prior: "phi ~ normal(0, c · Π scales): half-Cauchy scales (squared) or inverse-gamma variances, indexed by stick, feature, both or neither; a half-Cauchy's scale constant, half-Cauchy or sqrt(inverse-gamma); optionally a slab, sqrt(c2 · V / (c2 + V)) with c2 ~ invgamma (the regularised horseshoe)",
    link: "scale: each coefficient's variance is a product of scale nodes",
    dependent: "normal (the gate coefficients)",
    update: { methods: ["gibbs", "precisionDiagonal"], spec: "E16 generalised: every node from its inverse-gamma conditional, locals before globals (under a slab, MH steps with those conditionals as proposals, §1.5)" },
    conditional: { methods: ["sweepMoves", "gibbs"], spec: "§3.7: a joint (scale, φ) move per node that scales whole sticks, then the Gibbs sweep" },
    kind: "conjugate",
    match: matchScaleMixture,
    constants: (m) => m.checks,
    block: "ScalePrior",
    build: (m) => ({ tree: m.tree as unknown as BlockValue }),
    moves: ["joint (scale, φ) moves for the nodes that scale whole sticks", "every scale node from its inverse-gamma conditional"],
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

/** The statistics a rule tracks per particle: its runtime block's own table, which the block gathers from. */
export function ruleStatistics(rule: Rule<unknown>): readonly Statistic[] {
  return kernelBlocks[rule.block].statistics;
}
