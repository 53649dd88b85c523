/**
 * What a rule found when it matched: the model's names for each role and the constants the
 * kernel needs. These are the analysis results the plan is built from.
 */
import type { Expr, Span } from "../ast.js";
import type { DiagnosticCode } from "../diagnostics/catalogue.js";
import type { Affine } from "../lang/affine.js";
import type { DataExpr } from "../lang/data-expr.js";
import type { ScaleTree } from "../../runtime/rules/scale-prior.js";
import type { ConstantCheck } from "./constants.js";

/** Every rule's id: `<prior>_<likelihood>` in the Birch style. */
export type RuleId =
  | "normal_inverse_gamma_linear"
  | "normal_known_variance_linear"
  | "polya_gamma_logistic_linear"
  | "normal_scale_mixture_studentt_linear"
  | "normal_scale_mixture_laplace_linear"
  | "polya_gamma_negbinomial_linear"
  | "polya_gamma_binomial_linear"
  | "polya_gamma_stickbreaking"
  | "polya_gamma_softmax"
  | "fixed_stickbreaking"
  | "horseshoe_makalic_schmidt"
  | "normal_fixed_scale"
  | "scale_mixture_normal";

/** The role a rule plays in a mixture of experts. */
export type Role = "expert" | "gate" | "gate_prior";

/** What every match records. */
export interface MatchBase {
  /** Graph nodes this rule accounts for. */
  covers: string[];
  /** Statements it implements, for comments in the emitted kernel. */
  spans: Span[];
  /**
   * The expressions each constant of the match was computed from, by field name (`a0`,
   * `priorScale`, …): where a diagnostic about its value points.
   */
  origins: Readonly<Record<string, readonly Expr[]>>;
  /** Warnings about what it matched, reported with the analysis. */
  warnings?: { code: DiagnosticCode; span: Span; args: Record<string, string> }[];
}

/** A prior mean vector: the array hyperparameter that gives it, and its entries. */
export interface PriorMeanVector {
  name: string;
  entries: readonly number[];
}

/** One coefficient group of a linear predictor with its prior. */
export interface CoefficientGroup {
  /** The coefficient family's name (for labels). */
  name: string;
  /** Entries per expert: undefined for a scalar coefficient, the vector's length otherwise. */
  length: Affine | undefined;
  /** What multiplies each entry in the design row. */
  regressor: DataExpr;
  /** Prior mean of every entry, or of each entry of a vector family (an array hyperparameter, `mvnormal(m0, …)`). */
  mean: number | PriorMeanVector;
  /** Prior variance of every entry: in units of the noise variance (NIG), or absolute (known variance). */
  scale: number;
  /** The parameter with an invgamma prior that also multiplies the variance (NIG's `g ~ invgamma`), if any. */
  random?: string;
  /** Scale parameters multiply the variance: the experts' shrinkage prior ({@link NigExpertMatch.shrinkage}) governs it. */
  shrink?: true;
  /** The expressions the mean and the scale come from. */
  origins: { mean: readonly Expr[]; scale: readonly Expr[] };
}

/** What both Gaussian linear expert rules find. */
interface LinearExpertMatch extends MatchBase {
  response: string;
  /** The allocation that indexes the experts; undefined for a single expert. */
  allocation: string | undefined;
  /** The mean's coefficient groups in design order, with their priors. */
  groups: CoefficientGroup[];
  /** The mean's data-only part; undefined when zero. */
  offset: DataExpr | undefined;
}

/** Gaussian linear experts with a Normal-inverse-gamma prior (spec §2.1), the variance per expert or shared. */
export interface NigExpertMatch extends LinearExpertMatch {
  rule: "normal_inverse_gamma_linear";
  variance: string;
  /** A random scale g ~ IG(a, b) on the groups flagged `random`. */
  priorScale?: { name: string; a: number; b: number };
  /**
   * A shrinkage prior on the coefficients (a horseshoe, per expert and feature or grouped): the
   * scale tree over every group, each variance in units of the noise variance (spec §2.8).
   */
  shrinkage?: { tree: ScaleTree; checks: ConstantCheck[] };
  /** One noise variance for all experts. */
  shared: boolean;
  a0: number;
  b0: number;
}

/** Gaussian linear experts with a known noise sd and Normal priors on the coefficients. */
export interface KnownVarianceExpertMatch extends LinearExpertMatch {
  rule: "normal_known_variance_linear";
  sd: number;
}

/** Student-t linear experts: NIG given the rows' scales (spec §2.5), ν constant, one variance per expert. */
export interface StudentExpertMatch extends Omit<NigExpertMatch, "rule"> {
  rule: "normal_scale_mixture_studentt_linear";
  nu: number;
}

/** Laplace linear experts: NIG given the rows' precision weights (spec §2.5), one variance per expert. */
export interface LaplaceExpertMatch extends Omit<NigExpertMatch, "rule"> {
  rule: "normal_scale_mixture_laplace_linear";
}

/** Logistic (Bernoulli-logit) linear experts, Gaussian in their coefficients given Pólya-Gamma auxiliaries (spec §2.4). */
export interface LogisticExpertMatch extends LinearExpertMatch {
  rule: "polya_gamma_logistic_linear";
}

/** Negative-binomial log-linear experts with a constant dispersion, Gaussian in their coefficients given Pólya-Gamma auxiliaries (spec §2.6). */
export interface CountExpertMatch extends LinearExpertMatch {
  rule: "polya_gamma_negbinomial_linear";
  /** The dispersion r: variance μ + μ²/r. */
  r: number;
}

/** Binomial logit-linear experts with n trials per row, Gaussian in their coefficients given Pólya-Gamma auxiliaries (spec §2.7). */
export interface BinomialExpertMatch extends LinearExpertMatch {
  rule: "polya_gamma_binomial_linear";
  /** The trials of a row: a data expression (an input, or a constant). */
  trials: DataExpr;
}

/** What both Pólya-Gamma gates find: logits linear in coefficient families with one row per stick or category. */
interface LogitGateMatch extends MatchBase {
  allocation: string;
  /** The coefficient families, in design order (an intercept per row, a row of coefficients per row, …). */
  coefficients: string[];
  /** What multiplies each family's coefficients: its length per row (undefined for one) and its regressor. */
  design: { name: string; length: Affine | undefined; regressor: DataExpr }[];
  /** The logits' data-only part, the same for every row; undefined when zero. */
  offset: DataExpr | undefined;
}

/** A stick-breaking logistic gate made conditionally Gaussian by Pólya-Gamma augmentation (spec §2.2). */
export interface StickGateMatch extends LogitGateMatch {
  rule: "polya_gamma_stickbreaking";
  sticks: number;
}

/** A softmax gate, each category's coefficients Gaussian given the others' and Pólya-Gamma auxiliaries (spec §2.9). */
export interface SoftmaxGateMatch extends LogitGateMatch {
  rule: "polya_gamma_softmax";
  /** Categories with coefficients: K − 1 when the last logit is pinned at 0, K otherwise. */
  categories: number;
  pinned: boolean;
}

/** A stick-breaking gate with constant stop probabilities (no gate parameters to learn). */
export interface FixedGateMatch extends MatchBase {
  rule: "fixed_stickbreaking";
  allocation: string;
  stops: number[];
}

/** Horseshoe scales on the gate coefficients, as inverse-gamma auxiliaries (spec §2.3). */
export interface HorseshoeMatch extends MatchBase {
  rule: "horseshoe_makalic_schmidt";
  coefficients: string;
  global: string;
  local: string;
  /** One local scale per stick, shared by its coefficients. */
  grouped: boolean;
  globalScale: number;
  localScale: number;
}

/** A Normal prior with a fixed sd on the gate coefficients (no shrinkage). */
export interface FixedScaleMatch extends MatchBase {
  rule: "normal_fixed_scale";
  coefficients: string;
  /** The prior variance: c of `mvnormal(0, c * I(D))`, or s² of `normal(0, s)`. */
  variance: number;
  sd: number;
}

export type ExpertMatch = NigExpertMatch | KnownVarianceExpertMatch | LogisticExpertMatch | StudentExpertMatch | LaplaceExpertMatch | CountExpertMatch | BinomialExpertMatch;
export type GateMatch = StickGateMatch | SoftmaxGateMatch | FixedGateMatch;
/** A Normal prior whose variance is a product of inverse-gamma scale nodes (any grouping; ./scale-rules.ts). */
export interface ScaleMixtureMatch extends MatchBase {
  rule: "scale_mixture_normal";
  /** The gate's coefficient families, one group of the tree each. */
  coefficients: string[];
  /** The hierarchy the runtime samples. */
  tree: ScaleTree;
  /** Its constants and what each must be. */
  checks: ConstantCheck[];
}

export type GatePriorMatch = HorseshoeMatch | FixedScaleMatch | ScaleMixtureMatch;

/** Why a rule did not match, where, and what would make it match. */
export interface Mismatch {
  reason: string;
  fix: string;
  span: Span;
  /** How far the match got: the deepest mismatch is the one reported. */
  depth: number;
}

/** A rule's verdict on a term. */
export type MatchResult<M> = { ok: true; match: M } | { ok: false; why: Mismatch };
