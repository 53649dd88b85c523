/**
 * Matchers of the expert rules: the observed response's likelihood, the coefficients' prior
 * and (for the Normal-inverse-gamma rule) the variances' prior, all indexed by the same
 * allocation. Each mismatch says what blocks conjugacy and what would fix it.
 */
import type { Expr, Span } from "../ast.js";
import type { GraphNode, ModelGraph } from "../3-graph/index.js";
import { constant, difference } from "../lang/affine.js";
import { printExpr } from "../print.js";
import type { KnownVarianceExpertMatch, MatchResult, Mismatch, NigExpertMatch } from "./matches.js";
import { call, constantValue, factors, indexedBy, isIdentity, nodeRef, type NodeRef } from "./patterns.js";

type Fail = { ok: false; why: Mismatch };
const fail = (depth: number, span: Span, reason: string, fix: string): Fail => ({ ok: false, why: { reason, fix, span, depth } });

/** The linear predictor `dot(beta[z], x)`: the coefficient reference, the input and the allocation. */
interface Linear {
  coef: NodeRef;
  input: GraphNode;
  allocation: GraphNode | undefined;
}

function linearMean(g: ModelGraph, y: GraphNode, mean: Expr): Linear | Fail {
  const args = call(mean, "dot");
  const why = `the mean of ${y.name} is not linear in the expert coefficients: it is \`${printExpr(mean)}\``;
  const fix = "write the mean as `dot(beta[z], x)`, with beta the coefficients, z the allocation and x an input vector";
  if (!args) return fail(1, mean.span, why, fix);
  const refs = args.map((a) => nodeRef(g, a));
  const inputAt = refs.findIndex((r) => r?.node.kind === "input" && r.indices.length === 0);
  const coef = refs[1 - inputAt];
  if (inputAt < 0 || !coef || coef.node.kind !== "parameter") return fail(1, mean.span, why, fix);
  if (coef.indices.length === 0) return { coef, input: refs[inputAt]!.node, allocation: undefined };
  const z = coef.indices.length === 1 ? nodeRef(g, coef.indices[0]) : undefined;
  if (!z || z.node.kind !== "latent" || z.indices.length > 0) {
    return fail(1, coef.expr.span, `the expert coefficients \`${printExpr(coef.expr)}\` must be indexed by the allocation alone`, "index them as `beta[z]`, with z drawn from the gate");
  }
  return { coef, input: refs[inputAt]!.node, allocation: z.node };
}

/** Experts indexed by z must be a family over exactly z's values, 1..K. */
function expertFamily(g: ModelGraph, node: GraphNode, lin: Linear): string | undefined {
  if (!lin.allocation) return node.plates.length === 0 ? undefined : `\`${node.name}\` is a family but the mean does not index it`;
  const z = lin.allocation.elem;
  const zHi = z.kind === "int" && z.hi ? z.hi : undefined;
  const p = node.plates;
  if (p.length !== 1) return `\`${node.name}\` must have exactly one index, the expert`;
  const { lo, hi } = p[0].range;
  if (!zHi || difference(lo, constant(1), g.values) !== 0 || difference(hi, zHi, g.values) !== 0) {
    return `\`${node.name}\` must be declared over the same experts as \`${lin.allocation.name}\` takes`;
  }
  return undefined;
}

/** The prior of beta: `mvnormal(m0, factors…)`; the constant part of the covariance (and its factors) and the other factors. */
function coefficientPrior(
  g: ModelGraph,
  beta: GraphNode,
): { m0: number; scale: number; origins: { priorMean: Expr[]; priorScale: Expr[] }; rest: Expr[]; span: Span } | string {
  const d = beta.distribution;
  if (!d || d.name !== "mvnormal") return `\`${beta.name}\` has ${d ? `a ${d.name}` : "no"} prior; the Gaussian expert rules need mvnormal`;
  const m0 = constantValue(g, d.args[0]);
  if (m0 === undefined) return `the prior mean of \`${beta.name}\` must be a constant`;
  let scale = 1;
  const constants: Expr[] = [];
  const rest: Expr[] = [];
  let identity = false;
  for (const f of factors(d.args[1])) {
    const c = constantValue(g, f);
    if (c !== undefined) {
      scale *= c;
      constants.push(f);
    } else if (isIdentity(f) && !identity) identity = true;
    else rest.push(f);
  }
  if (!identity) return `the prior covariance of \`${beta.name}\` must be a multiple of the identity, \`… * I(D)\``;
  return { m0, scale, origins: { priorMean: [d.args[0]], priorScale: constants }, rest, span: beta.span };
}

/** Matches `y ~ normal(dot(beta[z], x), sqrt(sigma2[z]))` with the NIG priors. */
export function matchNigExpert(g: ModelGraph, y: GraphNode): MatchResult<NigExpertMatch> {
  const d = y.distribution!;
  if (d.name !== "normal") return fail(0, y.span, `\`${y.name}\` has a ${d.name} likelihood; the Gaussian expert rules need normal`, "use `normal(mean, sd)`");
  const lin = linearMean(g, y, d.args[0]);
  if ("ok" in lin) return lin;
  const sd = d.args[1];
  const root = call(sd, "sqrt");
  const v = root && root.length === 1 ? nodeRef(g, root[0]) : undefined;
  if (!v) {
    const bare = nodeRef(g, sd);
    if (bare?.node.distribution?.name === "invgamma") {
      return fail(2, sd.span, `\`normal\` takes a standard deviation, but \`${bare.node.name}\` has an invgamma prior, as a variance does`, `write \`sqrt(${printExpr(sd)})\``);
    }
    return fail(2, sd.span, `the sd of ${y.name} is \`${printExpr(sd)}\`; the Normal-inverse-gamma rule needs \`sqrt(v[z])\` with v ~ invgamma`, "write the sd as `sqrt(sigma2[z])` with `sigma2[k in 1..K] ~ invgamma(a, b)`");
  }
  const sameIndex = lin.allocation ? indexedBy(v.indices, [lin.allocation.name]) : v.indices.length === 0;
  if (v.node.kind !== "parameter" || !sameIndex) {
    return fail(2, sd.span, `the variance \`${printExpr(root![0])}\` must be a parameter indexed like the coefficients`, `write \`sqrt(sigma2${lin.allocation ? `[${lin.allocation.name}]` : ""})\``);
  }
  const vd = v.node.distribution;
  const a0 = vd?.name === "invgamma" ? constantValue(g, vd.args[0]) : undefined;
  const b0 = vd?.name === "invgamma" ? constantValue(g, vd.args[1]) : undefined;
  if (vd?.name !== "invgamma") {
    return fail(3, v.node.span, `\`${v.node.name}\` has ${vd ? `a ${vd.name}` : "no"} prior; the Normal-inverse-gamma rule needs invgamma`, `give it \`invgamma(a, b)\` with constant a and b`);
  }
  if (a0 === undefined || b0 === undefined) return fail(3, v.node.span, `the invgamma prior of \`${v.node.name}\` must have constant arguments`, "use literals or hyperparameters");
  const famV = expertFamily(g, v.node, lin) ?? expertFamily(g, lin.coef.node, lin);
  if (famV) return fail(3, v.node.span, famV, `declare both over \`[k in 1..K]\` and index them with the allocation`);
  const prior = coefficientPrior(g, lin.coef.node);
  if (typeof prior === "string") return fail(4, lin.coef.node.span, prior, "write `beta[k in 1..K] ~ mvnormal(0, g * sigma2[k] * I(D))`");
  const k = lin.coef.node.plates[0]?.index;
  const varRef = prior.rest.length === 1 ? nodeRef(g, prior.rest[0]) : undefined;
  if (!varRef || varRef.node !== v.node || !(k ? indexedBy(varRef.indices, [k]) : varRef.indices.length === 0)) {
    return fail(4, lin.coef.node.span, `the prior covariance of \`${lin.coef.node.name}\` must be scaled by its expert's variance \`${v.node.name}${k ? `[${k}]` : ""}\` for the Normal-inverse-gamma rule`, `write \`mvnormal(0, g * ${v.node.name}${k ? `[${k}]` : ""} * I(D))\``);
  }
  return {
    ok: true,
    match: {
      rule: "normal_inverse_gamma_linear",
      response: y.name,
      coefficients: lin.coef.node.name,
      variance: v.node.name,
      input: lin.input.name,
      allocation: lin.allocation?.name,
      priorMean: prior.m0,
      priorScale: prior.scale,
      a0,
      b0,
      covers: [y.name, lin.coef.node.name, v.node.name],
      spans: [y.span, lin.coef.node.span, v.node.span],
      origins: { ...prior.origins, a0: [vd.args[0]], b0: [vd.args[1]] },
    },
  };
}

/** Matches `y ~ normal(dot(beta[z], x), s)` with s constant and `beta ~ mvnormal(m0, c * I(D))`. */
export function matchKnownVarianceExpert(g: ModelGraph, y: GraphNode): MatchResult<KnownVarianceExpertMatch> {
  const d = y.distribution!;
  if (d.name !== "normal") return fail(0, y.span, `\`${y.name}\` has a ${d.name} likelihood; the Gaussian expert rules need normal`, "use `normal(mean, sd)`");
  const lin = linearMean(g, y, d.args[0]);
  if ("ok" in lin) return lin;
  const sd = constantValue(g, d.args[1]);
  if (sd === undefined) return fail(2, d.args[1].span, `the sd of ${y.name} is not a constant`, "use a constant sd, or `sqrt(sigma2[z])` with an invgamma prior");
  const fam = expertFamily(g, lin.coef.node, lin);
  if (fam) return fail(3, lin.coef.node.span, fam, "declare the coefficients over `[k in 1..K]`");
  const prior = coefficientPrior(g, lin.coef.node);
  if (typeof prior === "string") return fail(4, lin.coef.node.span, prior, "write `beta[k in 1..K] ~ mvnormal(0, c * I(D))`");
  if (prior.rest.length > 0) {
    return fail(4, lin.coef.node.span, `the prior covariance of \`${lin.coef.node.name}\` must be a constant multiple of I(D) when the noise sd is known`, "write `mvnormal(0, c * I(D))`");
  }
  return {
    ok: true,
    match: {
      rule: "normal_known_variance_linear",
      response: y.name,
      coefficients: lin.coef.node.name,
      input: lin.input.name,
      allocation: lin.allocation?.name,
      priorMean: prior.m0,
      priorScale: prior.scale,
      sd,
      covers: [y.name, lin.coef.node.name],
      spans: [y.span, lin.coef.node.span],
      origins: { ...prior.origins, sd: [d.args[1]] },
    },
  };
}
