/**
 * Matchers of the gate rules (the allocation's distribution) and of the gate-prior rules
 * (the gate coefficients' prior). A stick-breaking logistic gate whose logits are linear in
 * the coefficients becomes conditionally Gaussian after Pólya-Gamma augmentation; so does each
 * category of a softmax gate given the others' coefficients (one-vs-rest, spec §2.9).
 */
import type { Expr, Span } from "../ast.js";
import type { GraphNode, ModelGraph } from "../3-graph/index.js";
import { constant, constantValue as affineValue, difference, formatAffine, sub, substitute, variable } from "../lang/affine.js";
import { printExpr } from "../print.js";
import type { FixedGateMatch, FixedScaleMatch, HorseshoeMatch, MatchResult, Mismatch, SoftmaxGateMatch, StickGateMatch } from "./matches.js";
import { call, constantValue, declaration, factors, indexedBy, isIdentity, nodeRef } from "./patterns.js";
import { linearize, type LinearForm } from "./linear.js";

type Fail = { ok: false; why: Mismatch };
const fail = (depth: number, span: Span, reason: string, fix: string): Fail => ({ ok: false, why: { reason, fix, span, depth } });

/** The number of sticks a gate coefficient family has: its first plate must be 1..S with S known. */
function stickCount(g: ModelGraph, phi: GraphNode): number | undefined {
  const first = phi.plates[0];
  if (!first || difference(first.range.lo, constant(1), g.values) !== 0) return undefined;
  return affineValue(substitute(first.range.hi, g.values));
}

/**
 * Constant stop probabilities of the allocation z: a family `p[k in 1..S] = <expression of k
 * and constants>`, one value per stick, or why the family is not constant and its fix.
 */
function constantStops(g: ModelGraph, z: GraphNode, e: Expr): number[] | { reason: string; fix: string } | undefined {
  const ref = nodeRef(g, e);
  if (!ref || ref.node.kind !== "deterministic" || ref.indices.length > 0 || !ref.node.value) return undefined;
  // Equal prior weights for the K experts: stick k stops with probability 1 / (K - k + 1).
  const experts = z.elem.kind === "int" && z.elem.hi ? z.elem.hi : variable("K");
  const k = ref.node.plates[0]?.index ?? "k";
  const constants = `give each stick a constant, e.g. \`${ref.node.name}[${k} in 1..${formatAffine(sub(experts, constant(1)))}] = 1 / (${formatAffine(experts)} - ${k} + 1)\` (equally likely experts)`;
  const learn = "or learn the gate with `logistic(phi * x)`";
  const s = stickCount(g, ref.node);
  if (ref.node.plates.length !== 1 || s === undefined) return { reason: `\`${ref.node.name}\` must be one value per stick, declared over \`[k in 1..K-1]\``, fix: `${constants}, ${learn}` };
  const stops: number[] = [];
  for (let l = 1; l <= s; l++) {
    const v = constantValue(g, ref.node.value, new Map([[k, l]]));
    if (v === undefined) {
      const others = g.nodes.filter((n) => ref.node.parents.includes(n.id) && (n.kind === "parameter" || n.kind === "input"));
      // A parameter only the stops read is left unused by constant stops.
      const unused = others.filter((n) => n.kind === "parameter" && n.children.length === 1).map((n) => `\`${declaration(n)}\``);
      return {
        reason: `the stop probabilities \`${ref.node.name}\` depend on ${others.length ? others.map((n) => `\`${n.name}\``).join(", ") : "something other than the stick index and constants"}`,
        fix: `${constants}${unused.length ? `, and remove ${unused.join(" and ")}` : ""}; ${learn}`,
      };
    }
    stops.push(v);
  }
  return stops;
}

/** Matches `z ~ stickbreaking(p)` with constant stop probabilities `p[k in 1..K-1] = c`. */
export function matchFixedGate(g: ModelGraph, z: GraphNode): MatchResult<FixedGateMatch> {
  const d = z.distribution!;
  const stops = d.name === "stickbreaking" ? constantStops(g, z, d.args[0]) : undefined;
  if (!stops) return fail(0, z.span, `\`${z.name}\` does not have constant stop probabilities`, "see the Pólya-Gamma gate");
  if ("reason" in stops) return fail(2, d.args[0].span, stops.reason, stops.fix);
  if (stops.some((p) => !(p > 0 && p < 1))) return fail(2, d.args[0].span, "constant stop probabilities must lie strictly between 0 and 1", "use values in (0, 1)");
  return { ok: true, match: { rule: "fixed_stickbreaking", allocation: z.name, stops, covers: [z.name], spans: [z.span], origins: {} } };
}

/**
 * The coefficient families of a gate's linear logits, each one value or one row per stick or
 * category (`what`): their count of rows, or why a family is not laid out so.
 */
function rowFamilies(g: ModelGraph, terms: LinearForm["terms"], what: string, range: string): { rows: number } | Fail {
  let rows: number | undefined;
  for (const t of terms) {
    const n = t.node;
    const s = stickCount(g, n);
    const shapeOk = t.length === undefined ? n.plates.length === 1 && n.elem.kind === "real" : (n.plates.length === 2 && n.elem.kind === "real") || (n.plates.length === 1 && n.elem.kind === "vector");
    if (s === undefined || !shapeOk || (rows !== undefined && s !== rows)) {
      const plates = `[k in 1..${range}${t.length === undefined ? "" : ", j in 1..D"}]`;
      return fail(2, n.span, `the gate coefficients \`${n.name}\` must be one ${t.length === undefined ? "value" : "row"} per ${what}, \`${plates}\``, `declare them as \`${n.name}${plates}\``);
    }
    rows = s;
  }
  return { rows: rows! };
}

/** Matches `z ~ stickbreaking(logistic(phi * x))`. */
export function matchPolyaGammaGate(g: ModelGraph, z: GraphNode): MatchResult<StickGateMatch> {
  const d = z.distribution!;
  if (d.name !== "stickbreaking") {
    return fail(0, z.span, `\`${z.name}\` has a ${d.name} distribution; the gate rules need stickbreaking or categorical(softmax(…))`, `write \`${z.name} ~ stickbreaking(logistic(phi * x))\``);
  }
  const inner = call(d.args[0], "logistic")?.[0];
  if (!inner) {
    return fail(1, d.args[0].span, `the stop probabilities \`${printExpr(d.args[0])}\` are not a logistic function of a linear predictor`, "write `stickbreaking(logistic(phi * x))`");
  }
  const fix = "write `logistic(phi * x)` with `phi[k in 1..K-1, j in 1..D]` the coefficients and x a data vector (or a data-only transform of it, such as `abs(x)`)";
  const lin = linearize(g, inner, { role: "gate" }, "the gate predictor", fix);
  if (!lin.ok) return { ok: false, why: { ...lin.why, depth: 2 } };
  const { terms, offset } = lin.form;
  const families = rowFamilies(g, terms, "stick", "K-1");
  if ("ok" in families) return families;
  return {
    ok: true,
    match: {
      rule: "polya_gamma_stickbreaking",
      allocation: z.name,
      coefficients: terms.map((t) => t.node.name),
      sticks: families.rows,
      design: terms.map((t) => ({ name: t.node.name, length: t.length, regressor: t.regressor })),
      offset,
      covers: [z.name],
      spans: [z.span],
      origins: {},
    },
  };
}

/**
 * Matches `z ~ categorical(softmax(append_row(phi * x, 0)))` (the last category pinned at logit 0,
 * `phi[k in 1..K-1, j in 1..D]`) or `categorical(softmax(phi * x))` (every category free,
 * `phi[k in 1..K, j in 1..D]`, identified through the prior).
 */
export function matchSoftmaxGate(g: ModelGraph, z: GraphNode): MatchResult<SoftmaxGateMatch> {
  const d = z.distribution!;
  const logits = d.name === "categorical" ? call(d.args[0], "softmax")?.[0] : undefined;
  if (!logits) return fail(0, z.span, `\`${z.name}\` is not \`categorical(softmax(…))\``, "see the stick-breaking gate");
  let inner = logits;
  let pinned = false;
  const parts = call(logits, "append_row");
  if (parts) {
    const [first, last] = parts;
    const pin = constantValue(g, last);
    if (pin === 0) {
      inner = first;
      pinned = true;
    } else if (pin !== undefined) {
      return fail(2, last.span, `the pinned logit is ${pin}; the softmax gate pins it at 0`, `write \`append_row(${printExpr(first)}, 0)\`: adding one constant to every logit leaves the softmax unchanged`);
    } else if (constantValue(g, first) !== undefined) {
      return fail(2, logits.span, "the softmax gate pins its last category, not its first", `write \`append_row(${printExpr(last)}, 0)\` with the coefficients over \`[k in 1..K-1, j in 1..D]\`: expert K's logit is then 0`);
    } else {
      return fail(2, logits.span, `\`${printExpr(logits)}\` does not pin a logit`, "write `append_row(phi * x, 0)` (the last logit pinned at 0), or `phi * x` with a row per expert");
    }
  }
  const range = pinned ? "K-1" : "K";
  const fix = `write \`${pinned ? "append_row(phi * x, 0)" : "phi * x"}\` with \`phi[k in 1..${range}, j in 1..D]\` the coefficients and x a data vector (or a data-only transform of it, such as \`abs(x)\`)`;
  const lin = linearize(g, inner, { role: "gate" }, "the gate predictor", fix);
  if (!lin.ok) return { ok: false, why: { ...lin.why, depth: 2 } };
  const { terms, offset } = lin.form;
  const families = rowFamilies(g, terms, "category", range);
  if ("ok" in families) return families;
  return {
    ok: true,
    match: {
      rule: "polya_gamma_softmax",
      allocation: z.name,
      coefficients: terms.map((t) => t.node.name),
      categories: families.rows,
      pinned,
      design: terms.map((t) => ({ name: t.node.name, length: t.length, regressor: t.regressor })),
      offset,
      covers: [z.name],
      spans: [z.span],
      origins: {},
    },
  };
}

/** The specialised gate-prior rules cover a gate with one coefficient family; the general rule, any number. */
function oneFamily(families: readonly GraphNode[]): Fail | undefined {
  return families.length > 1 ? fail(0, families[1].span, "the specialised gate-prior rules cover one coefficient family", "see the general scale-mixture rule") : undefined;
}

/** Matches a fixed Normal prior: `phi[k, j] ~ normal(0, s)` or `phi[k] ~ mvnormal(0, c * I(D))`. */
export function matchFixedScale(g: ModelGraph, phi: GraphNode, families: readonly GraphNode[]): MatchResult<FixedScaleMatch> {
  const several = oneFamily(families);
  if (several) return several;
  const d = phi.distribution;
  const fixed = (variance: number, sd: number, from: readonly Expr[]): MatchResult<FixedScaleMatch> => ({
    ok: true,
    match: { rule: "normal_fixed_scale", coefficients: phi.name, variance, sd, covers: [phi.name], spans: [phi.span], origins: { sd: from } },
  });
  if (d?.name === "mvnormal" && phi.plates.length === 1) {
    const fs = factors(d.args[1]);
    const scale = fs.filter((f) => !isIdentity(f));
    const c = scale.reduce((acc, f) => acc * (constantValue(g, f) ?? NaN), 1);
    // The sign of c is the constant table's to judge (it reports where c comes from).
    if (constantValue(g, d.args[0]) === 0 && fs.some(isIdentity) && !Number.isNaN(c)) return fixed(c, Math.sqrt(c), scale);
    return fail(1, phi.span, `the prior of \`${phi.name}\` must be \`mvnormal(0, c * I(D))\` with c constant`, "or give each coefficient `normal(0, s)`");
  }
  if (d?.name !== "normal") return fail(0, phi.span, `\`${phi.name}\` has ${d ? `a ${d.name}` : "no"} prior; the gate-prior rules need normal`, "write `phi[k in 1..K-1, j in 1..D] ~ normal(0, tau * lambda[k, j])` (horseshoe) or `normal(0, s)`");
  if (constantValue(g, d.args[0]) !== 0) return fail(1, d.args[0].span, "the prior mean of the gate coefficients must be 0", "write `normal(0, …)`");
  const sd = constantValue(g, d.args[1]);
  if (sd === undefined) return fail(1, d.args[1].span, `the prior sd \`${printExpr(d.args[1])}\` is not a constant`, "see the horseshoe rule");
  return fixed(sd * sd, sd, [d.args[1]]);
}

/** Matches the horseshoe: `phi[k, j] ~ normal(0, tau * lambda[k, j])`, or grouped `tau * lambda[k]`. */
export function matchHorseshoe(g: ModelGraph, phi: GraphNode, families: readonly GraphNode[]): MatchResult<HorseshoeMatch> {
  const several = oneFamily(families);
  if (several) return several;
  const d = phi.distribution;
  if (d?.name !== "normal") {
    return fail(0, phi.span, `\`${phi.name}\` has ${d ? `a ${d.name}` : "no"} prior; the gate-prior rules need normal`, "write `phi[k in 1..K-1, j in 1..D] ~ normal(0, tau * lambda[k, j])` (horseshoe) or `normal(0, s)`");
  }
  if (constantValue(g, d.args[0]) !== 0) return fail(1, d.args[0].span, "the prior mean of the gate coefficients must be 0", "write `normal(0, …)`");
  const refs = factors(d.args[1]).map((f) => nodeRef(g, f));
  const tau = refs.find((r) => r && r.indices.length === 0 && r.node.kind === "parameter");
  const lambda = refs.find((r) => r && r !== tau && r.indices.length > 0);
  const [k, j] = phi.plates.map((p) => p.index);
  const grouped = lambda !== undefined && indexedBy(lambda.indices, [k]);
  const perCoefficient = lambda !== undefined && indexedBy(lambda.indices, [k, j]);
  if (refs.length !== 2 || !tau || !lambda || !(grouped || perCoefficient)) {
    return fail(2, d.args[1].span, `the prior scale \`${printExpr(d.args[1])}\` is not a horseshoe scale \`tau * lambda[${k}, ${j}]\` (or \`tau * lambda[${k}]\`) nor a constant`, "write `normal(0, tau * lambda[k, j])` with tau and lambda half-Cauchy, or a constant sd");
  }
  for (const s of [tau, lambda]) {
    const sd2 = s.node.distribution;
    if (sd2?.name !== "halfcauchy") {
      return fail(3, s.node.span, `\`${s.node.name}\` has ${sd2 ? `a ${sd2.name}` : "no"} prior; the horseshoe rule needs halfcauchy`, `write \`${s.node.name} ~ halfcauchy(1)\``);
    }
    if (constantValue(g, sd2.args[0]) === undefined) return fail(3, s.node.span, `the scale of \`${s.node.name}\`'s halfcauchy prior must be a constant`, "use a literal or a hyperparameter");
  }
  const expected = grouped ? phi.plates.slice(0, 1) : phi.plates;
  const lp = lambda.node.plates;
  const sameRanges = lp.length === expected.length && lp.every((p, i) => difference(p.range.lo, expected[i].range.lo, g.values) === 0 && difference(p.range.hi, expected[i].range.hi, g.values) === 0);
  if (!sameRanges) return fail(3, lambda.node.span, `\`${lambda.node.name}\` must be declared over the same indices as it is used with`, `declare \`${lambda.node.name}[${grouped ? k : `${k}, ${j}`}]\` over the ranges of \`${phi.name}\``);
  return {
    ok: true,
    match: {
      rule: "horseshoe_makalic_schmidt",
      coefficients: phi.name,
      global: tau.node.name,
      local: lambda.node.name,
      grouped,
      globalScale: constantValue(g, tau.node.distribution!.args[0])!,
      localScale: constantValue(g, lambda.node.distribution!.args[0])!,
      covers: [phi.name, tau.node.name, lambda.node.name],
      spans: [phi.span, tau.node.span, lambda.node.span],
      origins: { globalScale: [tau.node.distribution!.args[0]], localScale: [lambda.node.distribution!.args[0]] },
    },
  };
}
