/**
 * Matchers of the expert rules: the observed response's likelihood, its mean decomposed as a
 * linear predictor (./linear.ts) and each coefficient group's prior, all indexed by the same
 * allocation. The noise variance is per expert (`sigma2[z]`) or shared (`sigma2`), or a known
 * constant. Each mismatch says what blocks conjugacy and what would fix it.
 */
import type { Expr, Span } from "../ast.js";
import type { GraphNode, ModelGraph } from "../3-graph/index.js";
import { constant, difference, formatAffine } from "../lang/affine.js";
import { distributions } from "../lang/distributions.js";
import { printExpr } from "../print.js";
import { linearize, type CoefficientTerm, type LinearForm } from "./linear.js";
import type { BinomialExpertMatch, CoefficientGroup, CountExpertMatch, KnownVarianceExpertMatch, LaplaceExpertMatch, LogisticExpertMatch, MatchResult, Mismatch, NigExpertMatch, StudentExpertMatch } from "./matches.js";
import { call, constantValue, declaration, indexedBy, inlineConstantFamilies, nodeRef, priorMean, type NodeRef } from "./patterns.js";
import { EXPERT_WORDING, matchScaleMixture } from "./scale-rules.js";
import { splitSlab, varianceMonomial } from "./monomial.js";

type Fail = { ok: false; why: Mismatch };

/** Names a statistician gives a variance: passed as an sd they are probably a mistake. */
const VARIANCE_NAME = /^(sigma_?2|sigma_?sq|s2|sig2|var|variance|tau_?2)(_|$)/i;
const fail = (depth: number, span: Span, reason: string, fix: string): Fail => ({ ok: false, why: { reason, fix, span, depth } });

/** The model's one per-row allocation, if it has one. */
function allocationOf(g: ModelGraph): GraphNode | undefined {
  return g.nodes.find((n) => n.kind === "latent");
}

/** The mean of y (or its log-odds: `noun`) as a linear form in the experts' coefficients. */
function linearMean(g: ModelGraph, y: GraphNode, mean: Expr, noun = "mean"): { form: LinearForm; allocation: GraphNode | undefined } | Fail {
  const z = allocationOf(g);
  const indexed = (t: CoefficientTerm) => t.node.plates.length > 0;
  const what = `the ${noun} of ${y.name}`;
  const fix = `write the mean as a sum of coefficient terms, e.g. \`alpha[${z?.name ?? "z"}] + dot(beta[${z?.name ?? "z"}], x)\``;
  const r = linearize(g, mean, { role: "expert", allocation: z?.name }, what, fix);
  if (!r.ok) {
    // Coefficients shared by every expert: the analysis then says the allocation indexes nothing.
    const shared = z ? linearize(g, mean, { role: "expert", allocation: undefined }, what, fix) : r;
    return shared.ok ? { form: shared.form, allocation: undefined } : r;
  }
  // A model without an allocation has one expert: its coefficients are not families.
  if (!z && r.form.terms.some(indexed)) return fail(1, mean.span, `the coefficients of ${y.name} are indexed but the model has no allocation`, "declare `z ~ stickbreaking(…)` or drop the index");
  return { form: r.form, allocation: r.form.terms.some(indexed) ? z : undefined };
}

/**
 * Experts indexed by z must be a family over exactly z's values, 1..K; coefficients may be
 * scalars over a second plate, the features (`beta[k in 1..K, j in 1..D]`).
 */
function expertFamily(g: ModelGraph, node: GraphNode, allocation: GraphNode | undefined, coefficients = false): string | undefined {
  if (!allocation) return node.plates.length === 0 ? undefined : `\`${node.name}\` is a family but the mean does not index it`;
  const z = allocation.elem;
  const zHi = z.kind === "int" && z.hi ? z.hi : undefined;
  const p = node.plates;
  const byFeature = coefficients && p.length === 2 && node.elem.kind !== "vector";
  if (p.length !== 1 && !byFeature) return `\`${node.name}\` must have exactly one index, the expert${coefficients ? " (a vector per expert), or two, the expert and the feature" : ""}`;
  const { lo, hi } = p[0].range;
  if (!zHi || difference(lo, constant(1), g.values) !== 0 || difference(hi, zHi, g.values) !== 0) {
    return `\`${node.name}\` must be declared over the same experts as \`${allocation.name}\` takes`;
  }
  return undefined;
}

/** The experts' noise variance, if the model declares one: a parameter with an invgamma prior, one per expert. */
function declaredVariance(g: ModelGraph, allocation: GraphNode | undefined): GraphNode | undefined {
  return allocation && g.nodes.find((n) => n.kind === "parameter" && n.distribution?.name === "invgamma" && expertFamily(g, n, allocation) === undefined);
}

/**
 * The fix for an sd that is a parameter with a prior (`s ~ halfcauchy(1)`): the experts'
 * variance in its place if the model declares one, else a value in place of its prior.
 */
function sdParameterFix(g: ModelGraph, s: GraphNode, allocation: GraphNode | undefined): string {
  const v = declaredVariance(g, allocation);
  // Replaced by the variance, `s` is left unused unless something else reads it.
  if (v) return `write the sd as \`sqrt(${v.name}[${allocation!.name}])\`, the experts' variance${s.children.length === 1 ? `, and remove \`${declaration(s)}\`` : ""}`;
  const k = allocation?.elem.kind === "int" && allocation.elem.hi ? `[k in 1..${formatAffine(allocation.elem.hi)}]` : "";
  return `replace \`${declaration(s)}\` by a known sd, e.g. \`${declaration(s, "= 1")}\` (to learn the noise instead, declare a variance \`sigma2${k} ~ invgamma(2, 1)\`, write the sd as \`sqrt(sigma2${allocation ? `[${allocation.name}]` : ""})\` and scale the coefficients' prior variance by \`sigma2${k ? "[k]" : ""}\`)`;
}

/** The noise: `sqrt(v[z])` / `sqrt(v)` with v a parameter, or a constant sd. */
type Noise = { kind: "variance"; ref: NodeRef; shared: boolean } | { kind: "known"; sd: number } | Fail;

function noiseOf(g: ModelGraph, y: GraphNode, sd: Expr, allocation: GraphNode | undefined): Noise {
  // A constant, possibly through families of equal constants (`s[k] = 0.5` used as `s[z]`).
  const known = constantValue(g, sd) ?? constantValue(g, inlineConstantFamilies(g, sd));
  if (known !== undefined) return { kind: "known", sd: known };
  const r = nodeRef(g, sd);
  const root = call(sd, "sqrt");
  const v = root && root.length === 1 ? nodeRef(g, root[0]) : undefined;
  const fix = `write the sd as \`sqrt(sigma2[${allocation?.name ?? "z"}])\` with \`sigma2[k in 1..K] ~ invgamma(a, b)\` (or \`sqrt(sigma2)\` for one variance shared by the experts), or a constant`;
  if (!v) {
    if (r?.node.distribution?.name === "invgamma") {
      return fail(2, sd.span, `\`normal\` takes a standard deviation, but \`${r.node.name}\` has an invgamma prior, as a variance does`, `write \`sqrt(${printExpr(sd)})\``);
    }
    return fail(2, sd.span, `the sd of ${y.name} is \`${printExpr(sd)}\`, neither a constant nor the square root of a variance parameter`, r?.node.kind === "parameter" ? sdParameterFix(g, r.node, allocation) : fix);
  }
  if (v.node.kind !== "parameter") return fail(2, sd.span, `\`${v.node.name}\` inside the sd of ${y.name} is not a parameter with a prior`, fix);
  const perExpert = allocation !== undefined && indexedBy(v.indices, [allocation.name]);
  if (!perExpert && v.indices.length > 0) {
    return fail(2, sd.span, `the variance \`${printExpr(root![0])}\` must be indexed by the allocation alone, or not at all (one shared variance)`, fix);
  }
  return { kind: "variance", ref: v, shared: !perExpert };
}

/**
 * The prior of one coefficient group: `normal(m, sd)` for a scalar family, `mvnormal(m, cov)`
 * with cov a multiple of the identity for a vector family; its mean and its variance as a
 * constant times the monomial `expected` (the noise variance for NIG, nothing when known).
 */
function groupPrior(
  g: ModelGraph,
  t: CoefficientTerm,
  expected: { node: GraphNode; indices: readonly string[] } | undefined,
  expert = "a Gaussian expert",
  constantWhen = "when the noise sd is known",
): CoefficientGroup | string | { reason: string; fix: string } {
  const n = t.node;
  const d = n.distribution;
  // A vector family takes mvnormal; scalars, one per expert or per expert and feature, normal.
  const vector = n.elem.kind === "vector";
  const family = vector ? "mvnormal" : "normal";
  if (!d || d.name !== family) return `\`${n.name}\` has ${d ? `a ${d.name}` : "no"} prior; a ${vector ? "vector" : "scalar"} coefficient of ${expert} needs ${family}`;
  const mean = priorMean(g, d.args[0], vector);
  if (mean === undefined) return `the prior mean of \`${n.name}\` must be a constant${vector ? " or a vector hyperparameter (`m0: vector[D] = [0, 1, 0]`)" : ""}`;
  // A regularised horseshoe's slab (`sqrt(c2 * M / (c2 + M))`) is the shrinkage prior's to read.
  const split = expected && !vector ? splitSlab(g, d.args[1]) : undefined;
  const mono = varianceMonomial(g, split ? split.sd : d.args[1], vector ? "covariance" : "sd");
  if (typeof mono === "string") return `the prior ${vector ? "covariance" : "sd"} of \`${n.name}\`: ${mono}`;
  const k = n.plates[0]?.index;
  const isNoise = (f: (typeof mono.factors)[number]) =>
    expected !== undefined && f.ref.node === expected.node && f.power === 1 && indexedBy(f.ref.indices, expected.indices.map((ix) => (ix === "k" ? k! : ix)));
  // Under NIG a scalar parameter with an invgamma prior may scale the variance too (g ~ IG(a, b)).
  const isScale = (f: (typeof mono.factors)[number]) =>
    expected !== undefined && f.power === 1 && f.ref.indices.length === 0 && f.ref.node.plates.length === 0 && f.ref.node.distribution?.name === "invgamma";
  const others = mono.factors.filter((f) => !isNoise(f));
  const scale = others.length === 1 && isScale(others[0]) ? others[0].ref.node : undefined;
  const matches = mono.factors.some(isNoise) === (expected !== undefined) && (others.length === 0 || scale !== undefined) && mono.factors.length === (expected ? 1 : 0) + others.length;
  const random = others.find((f) => f.ref.node.kind === "parameter");
  // Under NIG, scale parameters beyond one g make a shrinkage prior: its tree is read with the
  // experts' other groups ({@link expertShrinkage}).
  const shrink = (split !== undefined || !matches) && expected !== undefined && mono.factors.some(isNoise) && others.every((f) => f.ref.node.kind === "parameter");
  if (shrink) return { name: n.name, length: t.length, regressor: t.regressor, mean, scale: mono.c, shrink: true, origins: { mean: [d.args[0]], scale: mono.constants } };
  if (!matches && random) {
    const r = random.ref.node.name;
    // Scale parameters (half-Cauchy, or indexed) make a shrinkage prior: NIG experts take it in noise units.
    if (others.some((f) => f.ref.node.distribution?.name === "halfcauchy" || f.ref.indices.length > 0)) {
      if (!expected) return { reason: `\`${n.name}\` has a shrinkage prior (scaled by \`${r}\`); a shrinkage prior on the coefficients of ${expert} is not supported yet`, fix: `give \`${n.name}\` a constant prior variance, e.g. \`normal(0, 2)\`` };
      const v = `${expected.node.name}${expected.indices.length ? `[${k}]` : ""}`;
      return {
        reason: `the prior variance of \`${n.name}\` is scaled by \`${r}\` but not by its expert's noise variance \`${v}\`: a shrinkage prior on these experts' coefficients is in units of the noise variance`,
        fix: `multiply its sd by \`sqrt(${v})\`, e.g. \`normal(0, ${r}${random.ref.indices.length ? `[${random.ref.indices.map(printExpr).join(", ")}]` : ""} * … * sqrt(${v}))\``,
      };
    }
    return {
      reason: `the prior variance of \`${n.name}\` is scaled by the parameter \`${r}\`; a random prior scale on expert coefficients is not supported yet`,
      fix: `make \`${r}\` a hyperparameter with a value (\`model ${g.model}(${r}: real = 10)\`) instead of giving it a prior`,
    };
  }
  if (!matches) {
    return expected
      ? `the prior variance of \`${n.name}\` must be a constant times its expert's noise variance \`${expected.node.name}${expected.indices.length ? `[${k}]` : ""}\` for the Normal-inverse-gamma rule`
      : `the prior variance of \`${n.name}\` must be a constant ${constantWhen}`;
  }
  return { name: n.name, length: t.length, regressor: t.regressor, mean, scale: mono.c, ...(scale ? { random: scale.name } : {}), origins: { mean: [d.args[0]], scale: mono.constants } };
}

/**
 * A Gaussian expert in place of a likelihood the rules do not cover: a location-scale family
 * keeps its location and scale (the distribution table names them). Binary responses have
 * their own rule ({@link matchLogisticExpert}).
 */
function gaussianFix(y: GraphNode): string {
  const d = y.distribution!;
  const spec = distributions.get(d.name)!;
  const arg = (name: string): Expr | undefined => d.args[spec.params.findIndex((p) => p.name === name)];
  const [location, scale] = [arg("location"), arg("scale")];
  if (location && scale) {
    const [l, s] = [printExpr(location), printExpr(scale)];
    return `write \`${y.name} ~ studentt(3, ${l}, ${s})\`, a robust expert with heavy tails, or \`${y.name} ~ normal(${l}, ${s})\`, a Gaussian expert with the same location and scale`;
  }
  return "write `normal(mean, sd)`";
}

/** What the expert rules cover, for a likelihood none of them takes. */
const EXPERT_FAMILIES = "the expert rules cover normal, studentt (ν > 2), laplace, bernoulli_logit, binomial_logit and negbinomial_log likelihoods";

/** The location-scale likelihoods of linear experts: where each one's mean and sd are among its arguments. */
const LOCATION_SCALE = {
  normal: { mean: 0, sd: 1 },
  studentt: { mean: 1, sd: 2 },
  laplace: { mean: 0, sd: 1 },
} as const;

/** What the location-scale expert rules share: the linear mean, its groups, their priors. */
function linearExpert(
  g: ModelGraph,
  y: GraphNode,
  noiseFix: string,
  noiseWanted: (noise: Exclude<Noise, Fail>) => string | undefined,
  priorScale: (noise: Exclude<Noise, Fail>, allocation: GraphNode | undefined) => { node: GraphNode; indices: string[] } | undefined,
  rewrite: (noise: Exclude<Noise, Fail>, allocation: GraphNode | undefined) => string,
  family: keyof typeof LOCATION_SCALE = "normal",
) {
  const d = y.distribution!;
  const at = LOCATION_SCALE[family];
  if (d.name !== family) {
    return fail(0, y.span, `\`${y.name}\` has a ${d.name} likelihood; ${EXPERT_FAMILIES}`, gaussianFix(y));
  }
  const lin = linearMean(g, y, d.args[at.mean]);
  if ("ok" in lin) return lin;
  const noise = noiseOf(g, y, d.args[at.sd], lin.allocation);
  if ("ok" in noise) return noise;
  const wrong = noiseWanted(noise);
  if (wrong) return fail(2, d.args[at.sd].span, wrong, noiseFix);
  const groups: CoefficientGroup[] = [];
  for (const t of lin.form.terms) {
    const fam = expertFamily(g, t.node, lin.allocation, true);
    if (fam) return fail(3, t.node.span, fam, `declare it over \`[k in 1..K]\` and index it with the allocation`);
    const p = groupPrior(g, t, priorScale(noise, lin.allocation));
    if (typeof p === "string") return fail(4, t.node.span, p, rewrite(noise, lin.allocation));
    if ("reason" in p) return fail(4, t.node.span, p.reason, p.fix);
    groups.push(p);
  }
  return { lin, noise, groups };
}

const coversOf = (y: GraphNode, groups: readonly CoefficientGroup[], extra: GraphNode[]) => [y.name, ...groups.map((c) => c.name), ...extra.map((n) => n.name)];

/** Matches `y ~ normal(<linear in the coefficients>, sqrt(v[z]))` (or `sqrt(v)`) with NIG priors. */
export function matchNigExpert(g: ModelGraph, y: GraphNode): MatchResult<NigExpertMatch> {
  return nigExpert(g, y, "normal");
}

/** The NIG rule's match for a location-scale likelihood: its mean, its sd `sqrt(v)` and their priors. */
function nigExpert(g: ModelGraph, y: GraphNode, family: keyof typeof LOCATION_SCALE): MatchResult<NigExpertMatch> {
  const r = linearExpert(
    g,
    y,
    "the Normal-inverse-gamma rule needs the sd `sqrt(v)` of a variance parameter v ~ invgamma",
    (noise) => (noise.kind === "known" ? "the noise sd is a constant" : undefined),
    (noise) => (noise.kind === "variance" ? { node: noise.ref.node, indices: noise.shared ? [] : ["k"] } : undefined),
    (noise, z) => {
      const v = noise.kind === "variance" ? noise.ref.node.name : "sigma2";
      const vk = noise.kind === "variance" && noise.shared ? v : `${v}[k]`;
      return `write \`beta[k in 1..K] ~ mvnormal(0, g * ${vk} * I(D))\`, or \`alpha[k in 1..K] ~ normal(0, sqrt(c * ${vk}))\` for a scalar${z ? "" : ", without the index for one expert"}`;
    },
    family,
  );
  if ("ok" in r) return r;
  const { lin, noise, groups } = r;
  if (noise.kind !== "variance") throw new Error("internal: NIG without a variance");
  const v = noise.ref.node;
  const vd = v.distribution;
  if (vd?.name !== "invgamma") return fail(3, v.span, `\`${v.name}\` has ${vd ? `a ${vd.name}` : "no"} prior; the Normal-inverse-gamma rule needs invgamma`, "give it an inverse-gamma prior with constant arguments, e.g. `invgamma(2, 1)`");
  const a0 = constantValue(g, vd.args[0]);
  const b0 = constantValue(g, vd.args[1]);
  if (a0 === undefined || b0 === undefined) return fail(3, v.span, `the invgamma prior of \`${v.name}\` must have constant arguments`, "use literals or hyperparameters");
  // A random prior scale: one scalar g ~ invgamma(a, b) with constant arguments for every group it scales.
  const scaleNames = [...new Set(groups.flatMap((c) => (c.random ? [c.random] : [])))];
  let priorScale: NigExpertMatch["priorScale"];
  const scaleNode = scaleNames.length === 1 ? g.byName.get(scaleNames[0])! : undefined;
  if (scaleNames.length > 1) return fail(4, g.byName.get(scaleNames[1])!.span, `the experts' prior variances are scaled by ${scaleNames.map((x) => `\`${x}\``).join(" and ")}; one random scale is supported`, `use one scale, e.g. \`${scaleNames[0]}\`, for every group`);
  if (scaleNode) {
    const sd = scaleNode.distribution!;
    const a = constantValue(g, sd.args[0]);
    const b = constantValue(g, sd.args[1]);
    if (a === undefined || b === undefined) return fail(4, scaleNode.span, `the invgamma prior of \`${scaleNode.name}\` must have constant arguments`, "use literals or hyperparameters");
    priorScale = { name: scaleNode.name, a, b };
  }
  if (!noise.shared) {
    const fam = expertFamily(g, v, lin.allocation);
    if (fam) return fail(3, v.span, fam, "declare it over `[k in 1..K]` and index it with the allocation");
  } else if (v.plates.length > 0) {
    return fail(3, v.span, `\`${v.name}\` is a family but the sd uses it without an index`, `index it as \`${v.name}[${lin.allocation?.name ?? "z"}]\`, or declare one shared variance \`${v.name} ~ invgamma(a, b)\``);
  }
  const shrinkage = expertShrinkage(g, groups, v, lin.allocation, scaleNode);
  if (shrinkage && "ok" in shrinkage) return shrinkage;
  return {
    ok: true,
    match: {
      rule: "normal_inverse_gamma_linear",
      response: y.name,
      allocation: lin.allocation?.name,
      groups,
      offset: lin.form.offset,
      variance: v.name,
      shared: noise.shared,
      ...(priorScale ? { priorScale } : {}),
      ...(shrinkage ? { shrinkage: { tree: shrinkage.tree, checks: shrinkage.checks } } : {}),
      a0,
      b0,
      covers: [...coversOf(y, groups, scaleNode ? [v, scaleNode] : [v]), ...(shrinkage?.covers.filter((c) => !groups.some((q) => q.name === c)) ?? [])],
      spans: [y.span, ...groups.map((c) => g.byName.get(c.name)!.span), v.span, ...(scaleNode ? [scaleNode.span] : []), ...(shrinkage?.spans.slice(groups.length) ?? [])],
      origins: { a0: [vd.args[0]], b0: [vd.args[1]], ...(scaleNode ? { ga: [scaleNode.distribution!.args[0]], gb: [scaleNode.distribution!.args[1]] } : {}) },
    },
  };
}

/**
 * The shrinkage prior of NIG experts' coefficients (spec §2.8): when a group's variance is its
 * expert's noise variance times scale parameters (`normal(0, tau * lambda[k, j] *
 * sqrt(sigma2[k]))`), the scale tree over every group, as the gate's prior reads it, with the
 * noise variance left to the NIG rule. Undefined when no group shrinks.
 */
function expertShrinkage(g: ModelGraph, groups: readonly CoefficientGroup[], v: GraphNode, allocation: GraphNode | undefined, scaleNode: GraphNode | undefined) {
  const shrunk = groups.find((c) => c.shrink);
  if (!shrunk) return undefined;
  const at = g.byName.get(shrunk.name)!;
  if (!allocation) return fail(4, at.span, `\`${shrunk.name}\` has a shrinkage prior, which is built for a mixture of experts, not one regression`, "declare the experts `z ~ stickbreaking(…)` with `K: int = 1`, or give the coefficients a constant prior variance");
  if (scaleNode) return fail(4, scaleNode.span, `the experts' prior variances have both a random scale \`${scaleNode.name}\` and a shrinkage prior`, `drop \`${scaleNode.name}\`: the shrinkage prior's global scale plays its part`);
  const families = groups.map((c) => g.byName.get(c.name)!);
  const r = matchScaleMixture(g, families[0], families, { skip: v, anyMean: true, wording: EXPERT_WORDING });
  // deeper than the group checks, in the tree's own order
  if (!r.ok) return { ok: false as const, why: { ...r.why, depth: 4 + r.why.depth / 10 } };
  return r.match;
}

/**
 * The NIG match of a robust (normal scale mixture) likelihood, spec §2.5: one variance per
 * expert and no random prior scale. `name` is how messages call the experts.
 */
function robustExpert(g: ModelGraph, y: GraphNode, family: "studentt" | "laplace", name: string): MatchResult<NigExpertMatch> {
  const r = nigExpert(g, y, family);
  if (!r.ok) return r;
  const m = r.match;
  if (m.shared && m.allocation) {
    const v = g.byName.get(m.variance)!;
    const prior = v.distribution ? `${v.distribution.name}(${v.distribution.args.map(printExpr).join(", ")})` : "invgamma(2, 1)";
    return fail(5, y.span, `the ${name} experts share one variance \`${m.variance}\`; robust experts need one per expert`, `declare \`${m.variance}[k in 1..K] ~ ${prior}\`, scale the coefficients' prior by \`${m.variance}[k]\` and write the scale as \`sqrt(${m.variance}[${m.allocation}])\``);
  }
  if (m.shrinkage) {
    const at = m.groups.find((c) => c.shrink)!;
    return fail(5, g.byName.get(at.name)!.span, `a shrinkage prior on the coefficients of ${name} experts is not supported yet`, `give \`${at.name}\` a constant prior variance times \`${m.variance}[k]\`, e.g. \`normal(0, sqrt(10 * ${m.variance}[k]))\`, and remove the scale parameters it used`);
  }
  if (m.priorScale) return fail(5, g.byName.get(m.priorScale.name)!.span, `a random prior scale \`${m.priorScale.name}\` on ${name} experts is not supported yet`, `make \`${m.priorScale.name}\` a hyperparameter with a value (\`model ${g.model}(${m.priorScale.name}: real = 10)\`) instead of giving it a prior`);
  return r;
}

/**
 * Matches `y ~ studentt(nu, <linear in the coefficients>, sqrt(v[z]))` with ν constant and NIG
 * priors: robust experts, a normal scale mixture that is NIG given the rows' scales (spec §2.5).
 * One variance per expert and no random prior scale.
 */
export function matchStudentExpert(g: ModelGraph, y: GraphNode): MatchResult<StudentExpertMatch> {
  const d = y.distribution!;
  const r = robustExpert(g, y, "studentt", "Student-t");
  if (!r.ok) return r;
  const m = r.match;
  const nu = constantValue(g, d.args[0]);
  if (nu === undefined) {
    const p = nodeRef(g, d.args[0])?.node;
    const fix = p?.kind === "parameter" ? `make \`${p.name}\` a hyperparameter with a value (\`model ${g.model}(${p.name}: real = 4)\`) instead of giving it a prior` : "give them a value, e.g. `studentt(4, …)`";
    return fail(5, d.args[0].span, `the degrees of freedom \`${printExpr(d.args[0])}\` of the Student-t experts must be a constant; a prior on them is not supported yet`, fix);
  }
  // The predictive's variance σ²ν/(ν − 2) is what predictions and reports summarise.
  if (!(nu > 2)) return fail(5, d.args[0].span, `the degrees of freedom of the Student-t experts are ${nu}; ν must exceed 2, so that the predictive has a variance`, "use ν > 2, e.g. `studentt(3, …)`: tails nearly as heavy, and a predictive with a mean and an sd");
  return { ok: true, match: { ...m, rule: "normal_scale_mixture_studentt_linear", nu, origins: { ...m.origins, nu: [d.args[0]] } } };
}

/**
 * Matches `y ~ laplace(<linear in the coefficients>, sqrt(v[z]))` with NIG priors: median
 * regression experts, a normal scale mixture with exponential variances that is NIG given the
 * rows' precision weights (spec §2.5). One variance per expert and no random prior scale.
 */
export function matchLaplaceExpert(g: ModelGraph, y: GraphNode): MatchResult<LaplaceExpertMatch> {
  const r = robustExpert(g, y, "laplace", "Laplace");
  if (!r.ok) return r;
  return { ok: true, match: { ...r.match, rule: "normal_scale_mixture_laplace_linear" } };
}

/** Matches `y ~ normal(<linear in the coefficients>, s)` with s constant and Normal priors of constant variance. */
export function matchKnownVarianceExpert(g: ModelGraph, y: GraphNode): MatchResult<KnownVarianceExpertMatch> {
  const r = linearExpert(
    g,
    y,
    "use a constant sd, or `sqrt(sigma2[z])` with an invgamma prior",
    (noise) => (noise.kind === "variance" ? "the noise sd is not a constant" : undefined),
    () => undefined,
    () => "write `beta[k in 1..K] ~ mvnormal(0, c * I(D))` or `alpha[k in 1..K] ~ normal(0, s)` with c and s constant",
  );
  if ("ok" in r) return r;
  const { lin, noise, groups } = r;
  if (noise.kind !== "known") throw new Error("internal: known variance without a constant sd");
  const sdExpr = y.distribution!.args[1];
  const named = nodeRef(g, sdExpr);
  const warnings = named && VARIANCE_NAME.test(named.node.name) ? [{ code: "sd_named_like_variance" as const, span: sdExpr.span, args: { name: named.node.name, expr: printExpr(sdExpr) } }] : [];
  return {
    ok: true,
    match: {
      rule: "normal_known_variance_linear",
      response: y.name,
      allocation: lin.allocation?.name,
      groups,
      offset: lin.form.offset,
      sd: noise.sd,
      covers: coversOf(y, groups, []),
      spans: [y.span, ...groups.map((c) => g.byName.get(c.name)!.span)],
      origins: { sd: [sdExpr] },
      warnings,
    },
  };
}

/** The log-odds of a binary response: the argument of `bernoulli_logit`, or inside `bernoulli(logistic(…))`. */
function logOdds(y: GraphNode): Expr | undefined {
  const d = y.distribution!;
  if (d.name === "bernoulli_logit") return d.args[0];
  return d.name === "bernoulli" ? call(d.args[0], "logistic")?.[0] : undefined;
}

/** The rewrite's removal of a parameter that only the replaced argument reads (left unused by it), or "". */
function dropUnused(g: ModelGraph, arg: Expr): string {
  const p = nodeRef(g, arg)?.node;
  return p?.kind === "parameter" && p.children.length === 1 ? `, and remove \`${declaration(p)}\`` : "";
}

/** What a Pólya-Gamma expert's predictor gives: its linear form and its coefficient groups with their priors. */
function pgExpert(g: ModelGraph, y: GraphNode, eta: Expr, noun: string, kind: string): { lin: { form: LinearForm; allocation: GraphNode | undefined }; groups: CoefficientGroup[] } | Fail {
  const lin = linearMean(g, y, eta, noun);
  if ("ok" in lin) return lin;
  if (lin.form.offset !== undefined) {
    return fail(2, eta.span, `the ${noun} of ${y.name} has a data term without a coefficient; offsets in ${kind} experts are not supported yet`, `give the term a coefficient with a prior, e.g. \`c[k in 1..K] ~ normal(0, 1)\` and \`c[z] * w\``);
  }
  const groups: CoefficientGroup[] = [];
  for (const t of lin.form.terms) {
    const fam = expertFamily(g, t.node, lin.allocation, true);
    if (fam) return fail(3, t.node.span, fam, `declare it over \`[k in 1..K]\` and index it with the allocation`);
    const p = groupPrior(g, t, undefined, `a ${kind} expert`, `for a ${kind} expert`);
    if (typeof p === "string") return fail(4, t.node.span, p, "write `beta[k in 1..K] ~ mvnormal(0, c * I(D))` or `alpha[k in 1..K] ~ normal(0, s)` with c and s constant");
    if ("reason" in p) return fail(4, t.node.span, p.reason, p.fix);
    groups.push(p);
  }
  return { lin, groups };
}

/** What every Pólya-Gamma expert match has, from its response, predictor and groups. */
function pgMatchBase(g: ModelGraph, y: GraphNode, lin: { allocation: GraphNode | undefined }, groups: CoefficientGroup[]) {
  return {
    response: y.name,
    allocation: lin.allocation?.name,
    groups,
    offset: undefined,
    covers: coversOf(y, groups, []),
    spans: [y.span, ...groups.map((c) => g.byName.get(c.name)!.span)],
  };
}

/**
 * Matches `y ~ bernoulli_logit(<linear in the coefficients>)` (or `bernoulli(logistic(…))`) with
 * Normal priors of constant variance: logistic experts, Gaussian in their coefficients given
 * Pólya-Gamma auxiliaries (spec §2.4).
 */
export function matchLogisticExpert(g: ModelGraph, y: GraphNode): MatchResult<LogisticExpertMatch> {
  const d = y.distribution!;
  const eta = logOdds(y);
  if (!eta) {
    if (d.name === "bernoulli") {
      const z = allocationOf(g)?.name ?? "z";
      const x = g.nodes.find((n) => n.kind === "input")?.name ?? "x";
      return fail(
        1,
        d.args[0].span,
        `the probability of \`${y.name}\` is \`${printExpr(d.args[0])}\`; binary experts need it as the logistic of a linear predictor`,
        `write \`${y.name} ~ bernoulli_logit(dot(beta[${z}], ${x}))\`, the log-odds linear in coefficients \`beta[k in 1..K] ~ mvnormal(0, 4 * I(D))\`${dropUnused(g, d.args[0])}`,
      );
    }
    return fail(0, y.span, `\`${y.name}\` has a ${d.name} likelihood; ${EXPERT_FAMILIES}`, gaussianFix(y));
  }
  const r = pgExpert(g, y, eta, "log-odds", "binary");
  if ("ok" in r) return r;
  return { ok: true, match: { rule: "polya_gamma_logistic_linear", ...pgMatchBase(g, y, r.lin, r.groups), origins: {} } };
}

/** The log mean of a count: the first argument of `negbinomial_log`, or inside `negbinomial(exp(…), r)`. */
function logMean(y: GraphNode): Expr | undefined {
  const d = y.distribution!;
  if (d.name === "negbinomial_log") return d.args[0];
  return d.name === "negbinomial" ? call(d.args[0], "exp")?.[0] : undefined;
}

/** The log mean a Poisson likelihood gives, for the rewrite its refusal offers. */
function poissonLogMean(y: GraphNode): Expr | undefined {
  const d = y.distribution!;
  if (d.name === "poisson_log") return d.args[0];
  return d.name === "poisson" ? call(d.args[0], "exp")?.[0] : undefined;
}

/**
 * Matches `y ~ negbinomial_log(<linear in the coefficients>, r)` (or `negbinomial(exp(…), r)`)
 * with r constant and Normal priors of constant variance: count experts, Gaussian in their
 * coefficients given Pólya-Gamma auxiliaries (spec §2.6). A Poisson likelihood is refused with
 * the negative binomial offered: it has no Pólya-Gamma augmentation, and is the limit r → ∞.
 */
export function matchCountExpert(g: ModelGraph, y: GraphNode): MatchResult<CountExpertMatch> {
  const d = y.distribution!;
  const z = allocationOf(g)?.name ?? "z";
  const x = g.nodes.find((n) => n.kind === "input")?.name ?? "x";
  if (d.name === "poisson" || d.name === "poisson_log") {
    const eta = poissonLogMean(y);
    const mean = eta ? printExpr(eta) : `dot(beta[${z}], ${x})`;
    return fail(
      1,
      y.span,
      `\`${y.name}\` has a ${d.name} likelihood; Poisson experts have no Pólya-Gamma augmentation, and the count experts are negative binomial (the Poisson is their limit as the dispersion grows)`,
      `write \`${y.name} ~ negbinomial_log(${mean}, r)\` with a dispersion hyperparameter (\`model ${g.model}(r: real = 10)\`): variance μ + μ²/r`,
    );
  }
  const eta = logMean(y);
  if (!eta) {
    if (d.name === "negbinomial") {
      return fail(
        1,
        d.args[0].span,
        `the mean of \`${y.name}\` is \`${printExpr(d.args[0])}\`; count experts need it as the exp of a linear predictor`,
        `write \`${y.name} ~ negbinomial_log(dot(beta[${z}], ${x}), ${printExpr(d.args[1])})\`, the log mean linear in coefficients \`beta[k in 1..K] ~ mvnormal(0, 4 * I(D))\`${dropUnused(g, d.args[0])}`,
      );
    }
    return fail(0, y.span, `\`${y.name}\` has a ${d.name} likelihood; ${EXPERT_FAMILIES}`, gaussianFix(y));
  }
  const dispersion = d.args[1];
  const r = constantValue(g, dispersion);
  if (r === undefined) {
    const p = nodeRef(g, dispersion)?.node;
    const prior = p?.kind === "parameter" && p.distribution !== undefined;
    const fix = prior ? `make \`${p.name}\` a hyperparameter with a value (\`model ${g.model}(${p.name}: real = 10)\`) instead of giving it a prior` : "give it a value, e.g. `negbinomial_log(…, 10)`";
    const why = prior ? "a prior on it is not supported yet" : "one value for every row and expert, a literal or a hyperparameter";
    return fail(5, dispersion.span, `the dispersion \`${printExpr(dispersion)}\` of the count experts must be a constant: ${why}`, fix);
  }
  const m = pgExpert(g, y, eta, "log mean", "count");
  if ("ok" in m) return m;
  return { ok: true, match: { rule: "polya_gamma_negbinomial_linear", ...pgMatchBase(g, y, m.lin, m.groups), r, origins: { r: [dispersion] } } };
}

/** The trials and the log-odds of a binomial response: the arguments of `binomial_logit`, or `binomial(n, logistic(…))`. */
function binomialArgs(y: GraphNode): { trials: Expr; eta: Expr | undefined } | undefined {
  const d = y.distribution!;
  if (d.name === "binomial_logit") return { trials: d.args[0], eta: d.args[1] };
  return d.name === "binomial" ? { trials: d.args[0], eta: call(d.args[1], "logistic")?.[0] } : undefined;
}

/**
 * Matches `y ~ binomial_logit(n, <linear in the coefficients>)` (or `binomial(n, logistic(…))`)
 * with n data (an input or a constant) and Normal priors of constant variance: binomial experts,
 * Gaussian in their coefficients given Pólya-Gamma auxiliaries PG(n, ·) (spec §2.7).
 */
export function matchBinomialExpert(g: ModelGraph, y: GraphNode): MatchResult<BinomialExpertMatch> {
  const d = y.distribution!;
  const args = binomialArgs(y);
  if (!args) return fail(0, y.span, `\`${y.name}\` has a ${d.name} likelihood; ${EXPERT_FAMILIES}`, gaussianFix(y));
  const z = allocationOf(g)?.name ?? "z";
  const x = g.nodes.find((n) => n.kind === "input")?.name ?? "x";
  const n = printExpr(args.trials);
  if (!args.eta) {
    return fail(
      1,
      d.args[1].span,
      `the probability of \`${y.name}\` is \`${printExpr(d.args[1])}\`; binomial experts need it as the logistic of a linear predictor`,
      `write \`${y.name} ~ binomial_logit(${n}, dot(beta[${z}], ${x}))\`, the log-odds linear in coefficients \`beta[k in 1..K] ~ mvnormal(0, 4 * I(D))\`${dropUnused(g, d.args[1])}`,
    );
  }
  const trialsFix = "declare the trials as data, `data n: int`, one value per row, or give a constant";
  const t = linearize(g, args.trials, { role: "expert", allocation: undefined, dataOnly: true }, `the trials of ${y.name}`, trialsFix);
  if (!t.ok || t.form.terms.length > 0) return fail(2, args.trials.span, `the trials \`${n}\` of \`${y.name}\` must be data or a constant, the same for every expert: not a parameter, nor indexed by the allocation`, trialsFix);
  const trials = t.form.offset;
  const fixed = constantValue(g, args.trials);
  if (trials === undefined || (fixed !== undefined && !(Number.isInteger(fixed) && fixed >= 1))) {
    return fail(2, args.trials.span, `the trials of \`${y.name}\` are ${fixed ?? 0}; binomial experts need a whole number of trials, at least 1`, "give the number of trials per row, e.g. `data n: int` and `binomial_logit(n, …)`");
  }
  const m = pgExpert(g, y, args.eta, "log-odds", "binomial");
  if ("ok" in m) return m;
  return { ok: true, match: { rule: "polya_gamma_binomial_linear", ...pgMatchBase(g, y, m.lin, m.groups), trials, origins: {} } };
}
