/**
 * Matcher of the general gate-prior rule `scale_mixture_normal`: a zero-mean Normal prior on the
 * gate coefficients whose variance is a constant times a product of scale parameters, each a
 * half-Cauchy scale (entering squared) or an inverse-gamma variance (entering once), indexed by
 * the coefficient's stick, its column, or a constant. A half-Cauchy scale's own scale may be a
 * constant, another half-Cauchy scale, or the square root of an inverse-gamma variance. The
 * result is the {@link ScaleTree} the runtime's ScalePrior block samples, so every grouping the
 * indices express — λ per coefficient, per stick, per feature shared across sticks; τ global or
 * per stick; global-only; fixed scales — is one rule.
 */
import type { Expr, Span } from "../ast.js";
import type { GraphNode, ModelGraph } from "../3-graph/index.js";
import { constant, difference } from "../lang/affine.js";
import { printExpr } from "../print.js";
import type { ScaleDim, ScaleFamily, ScaleIndex, ScaleTree } from "../../runtime/rules/scale-prior.js";
import type { ConstantCheck } from "./constants.js";
import type { MatchResult, Mismatch, ScaleMixtureMatch } from "./matches.js";
import { splitSlab, varianceMonomial } from "./monomial.js";
import { call, constantValue, nodeRef } from "./patterns.js";

type Fail = { ok: false; why: Mismatch };
const fail = (depth: number, span: Span, reason: string, fix: string): Fail => ({ ok: false, why: { reason, fix, span, depth } });

/** How messages speak of the coefficients a tree governs: the gate's sticks, or the experts. */
interface Wording {
  /** What the first plate of a coefficient family ranges over. */
  readonly rows: string;
  /** What the rule is called. */
  readonly rule: string;
  /** Who needs a Normal prior: "the gate-prior rules need". */
  readonly needs: string;
  /** The rewrite offered for a prior the rule does not read. */
  readonly fix: string;
}

const GATE: Wording = {
  rows: "the sticks",
  rule: "the gate prior",
  needs: "the gate-prior rules need",
  fix: "write `phi[k in 1..K-1, j in 1..D] ~ normal(0, tau * lambda[k, j])` with half-Cauchy scales indexed by the stick `k`, the feature `j`, or neither; or a constant sd",
};

/** Options of {@link matchScaleMixture} beyond the gate's own use. */
export interface ScaleMixtureOptions {
  /** A factor of every prior variance that is not a scale of the tree (the experts' noise variance, conjugate in its own rule). */
  readonly skip?: GraphNode;
  /** Prior means other than 0 are the caller's (the experts' NIG mean). */
  readonly anyMean?: boolean;
  readonly wording?: Wording;
}

/** The wording for a shrinkage prior on expert coefficients. */
export const EXPERT_WORDING: Wording = {
  rows: "the experts",
  rule: "a shrinkage prior on expert coefficients",
  needs: "a shrinkage prior on expert coefficients needs",
  fix: "write `beta[k in 1..K, j in 1..D] ~ normal(0, tau * lambda[k, j] * sqrt(sigma2[k]))` with half-Cauchy scales indexed by the expert `k`, the feature `j`, or neither",
};

/** What a plate of a scale family may range over (see `dimsOf`). */
interface Candidates {
  stick: boolean;
  column: boolean;
  /** Its size when it is `1..c` with c constant. */
  size: number | undefined;
}

/**
 * `group[j]`, an integer-array hyperparameter indexed by the feature index `j`: the index map
 * of the scale nodes it selects (0-based), or undefined.
 */
function groupArray(g: ModelGraph, ix: Expr, feature: string | undefined): ScaleIndex | undefined {
  if (ix.kind !== "index" || ix.target.kind !== "name" || ix.indices.length !== 1 || feature === undefined) return undefined;
  const j = ix.indices[0];
  const node = g.byName.get(ix.target.name);
  if (j.kind !== "name" || j.name !== feature || node?.kind !== "hyper" || !node.hyperEntries) return undefined;
  return { column: node.hyperEntries.map((v) => v - 1), name: node.name };
}

/** Builds the scale tree of a gate coefficient family's prior. */
export function matchScaleMixture(g: ModelGraph, first: GraphNode, coefficientFamilies: readonly GraphNode[], options: ScaleMixtureOptions = {}): MatchResult<ScaleMixtureMatch> {
  const words = options.wording ?? GATE;
  const FIX = words.fix;
  const families: ScaleFamily[] = [];
  const known = new Map<GraphNode, number>();
  const featureOwner = new Map<number, GraphNode>();
  const covers: string[] = [];
  const spans: Span[] = [];
  const checks: ConstantCheck[] = [];
  const groups: { base: number; factors: { family: number; index: ScaleIndex[] }[]; slab?: true }[] = [];
  let slab: { node: GraphNode; shape: number; rate: number } | undefined;
  // The coefficient family being read: its plates give the stick and feature indices.
  let phi = first;
  let vector = false;
  let stick = first.plates[0];
  let column = first.plates[1];

  /**
   * What a plate of a scale family may range over: the sticks, the columns of φ, or a fixed
   * number of positions (groups named by an integer array). Sizes compare by value, so a plate
   * may fit several; its first use by a stick, feature or group index settles which.
   */
  const dimsOf = (n: GraphNode, q: number): Candidates => {
    const r = n.plates[q].range;
    const same = (p: typeof stick | undefined) => p && difference(r.lo, constant(1), g.values) === 0 && difference(r.hi, p.range.hi, g.values) === 0 && difference(p.range.lo, constant(1), g.values) === 0;
    const size = difference(r.lo, constant(1), g.values) === 0 ? difference(r.hi, constant(0), g.values) : undefined;
    return {
      stick: !!same(stick),
      column: vector ? phi.elem.kind === "vector" && !!phi.elem.n && difference(r.hi, phi.elem.n, g.values) === 0 && difference(r.lo, constant(1), g.values) === 0 : !!same(column),
      size: size !== undefined && size >= 1 ? size : undefined,
    };
  };
  /** Per family and plate: what it may range over, and whether a use has settled it. */
  const candidates = new Map<number, { may: Candidates; settled: boolean }[]>();

  /**
   * The family index of scale node `n` (adding it and whatever its prior needs): `power` is how
   * it enters a variance, 2 for a scale (half-Cauchy) and 1 for a variance (inverse-gamma).
   */
  const familyOf = (n: GraphNode, power: number, at: Span): number | Fail => {
    const seen = known.get(n);
    if (seen !== undefined) return seen;
    const p = n.distribution;
    if (n.kind !== "parameter" || !p) return fail(2, at, `\`${n.name}\` in the prior scale is not a parameter with a prior`, FIX);
    const dims: ScaleDim[] = [];
    const may: { may: Candidates; settled: boolean }[] = [];
    for (let q = 0; q < n.plates.length; q++) {
      const c = dimsOf(n, q);
      const dim: ScaleDim | undefined = c.stick ? "stick" : c.column ? "column" : c.size !== undefined ? { size: c.size } : undefined;
      if (!dim) return fail(3, n.span, `\`${n.name}\` must be declared over ${words.rows}, the features of \`${phi.name}\` or groups \`1..G\` (its index ${q + 1} ranges over none of them)`, `declare it as \`${n.name}[k in 1..K-1]\`, \`${n.name}[j in 1..D]\` or \`${n.name}[q in 1..G]\``);
      dims.push(dim);
      may.push({ may: c, settled: false });
    }
    covers.push(n.name);
    spans.push(n.span);
    if (p.name === "halfcauchy") {
      if (power !== 2) return fail(3, at, `\`${n.name}\` has a half-Cauchy prior, so it is a scale: it multiplies the sd (or enters the variance squared), not the variance`, `write \`normal(0, ${n.name} * …)\` or \`${n.name}^2\` in a covariance`);
      const value = families.length;
      candidates.set(value, may);
      families.push({ dims, shape: 0.5, rate: { parent: value + 1 }, scale: true });
      families.push({ dims, shape: 0.5, rate: { constant: 1 }, scale: false });
      known.set(n, value);
      // The auxiliary's rate is 1/A², A the half-Cauchy's scale: a constant, or a scalar parameter.
      const A = p.args[0];
      const c = constantValue(g, A);
      if (c !== undefined) {
        families[value + 1] = { ...families[value + 1], rate: { constant: 1 / (c * c) } };
        checks.push({ what: `the scale of the halfcauchy prior of \`${n.name}\``, value: c, keys: [`${n.name}.scale`], from: [A], constraint: "positive" });
        return value;
      }
      const root = call(A, "sqrt");
      const ref = nodeRef(g, root && root.length === 1 ? root[0] : A);
      if (!ref || ref.indices.length > 0 || ref.node.plates.length > 0) {
        return fail(3, A.span, `the scale of \`${n.name}\`'s half-Cauchy prior is \`${printExpr(A)}\`, neither a constant nor one scalar parameter`, `write \`halfcauchy(1)\`, \`halfcauchy(s)\` with \`s ~ halfcauchy(1)\`, or \`halfcauchy(sqrt(v))\` with \`v ~ invgamma(a, b)\``);
      }
      const parent = familyOf(ref.node, root ? 1 : 2, A.span);
      if (typeof parent !== "number") return parent;
      families[value + 1] = { ...families[value + 1], rate: { parent } };
      return value;
    }
    if (p.name === "invgamma") {
      if (power !== 1) return fail(3, at, `\`${n.name}\` has an inverse-gamma prior, so it is a variance: it enters the sd under a square root`, `write \`normal(0, sqrt(${n.name}) * …)\``);
      const a = constantValue(g, p.args[0]);
      const b = constantValue(g, p.args[1]);
      if (a === undefined || b === undefined) return fail(3, n.span, `the invgamma prior of \`${n.name}\` must have constant arguments`, "use literals or hyperparameters");
      checks.push(
        { what: `the shape of the invgamma prior of \`${n.name}\``, value: a, keys: [`${n.name}.a`], from: [p.args[0]], constraint: "positive" },
        { what: `the scale of the invgamma prior of \`${n.name}\``, value: b, keys: [`${n.name}.b`], from: [p.args[1]], constraint: "positive" },
      );
      known.set(n, families.length);
      candidates.set(families.length, may);
      families.push({ dims, shape: a, rate: { constant: b }, scale: true });
      return families.length - 1;
    }
    return fail(3, n.span, `\`${n.name}\` has a ${p.name} prior; a scale of ${words.rule} needs halfcauchy (a scale) or invgamma (a variance)`, `write \`${n.name} ~ halfcauchy(1)\``);
  };

  for (const coefficients of coefficientFamilies) {
    phi = coefficients;
    vector = phi.plates.length === 1 && phi.elem.kind === "vector";
    [stick, column] = phi.plates;
    const d = phi.distribution;
    const family = vector ? "mvnormal" : "normal";
    if (d?.name !== family) return fail(0, phi.span, `\`${phi.name}\` has ${d ? `a ${d.name}` : "no"} prior; ${words.needs} ${family}`, FIX);
    if (!options.anyMean && constantValue(g, d.args[0]) !== 0) return fail(1, d.args[0].span, "the prior mean of the gate coefficients must be 0", "write `normal(0, …)`");
    // The regularised horseshoe: `sqrt(c2 * M / (c2 + M))` in the sd, M the plain scales.
    const split = vector ? undefined : splitSlab(g, d.args[1]);
    if (split) {
      const c2 = split.slab.node;
      // The slab bounds the whole variance, so nothing but the experts' noise sd may stand outside it.
      const extra = split.outside.find((f) => !(options.skip && nodeRef(g, call(f, "sqrt")?.[0] ?? f)?.node === options.skip && call(f, "sqrt")));
      if (extra) return fail(3, extra.span, `\`${printExpr(extra)}\` multiplies the regularised horseshoe's sd from outside its slab, which bounds only what is inside`, `move it inside: \`sqrt(${c2.name} * M / (${c2.name} + M))\` with M the whole product of scales`);
      if (slab && slab.node !== c2) return fail(2, split.slab.expr.span, `the gate's coefficient families use two slabs, \`${slab.node.name}\` and \`${c2.name}\``, `use one slab, \`${slab.node.name}\`, for every family`);
      if (!slab) {
        const p = c2.distribution;
        const a = p?.name === "invgamma" ? constantValue(g, p.args[0]) : undefined;
        const b = p?.name === "invgamma" ? constantValue(g, p.args[1]) : undefined;
        if (a === undefined || b === undefined) return fail(3, c2.span, `\`${c2.name}\` is the slab of a regularised horseshoe (\`sqrt(${c2.name} * … / (${c2.name} + …))\`); it needs an invgamma prior with constant arguments`, `write \`${c2.name} ~ invgamma(2, 8)\` (a slab of scale 2 with 4 degrees of freedom)`);
        checks.push(
          { what: `the shape of the invgamma prior of \`${c2.name}\``, value: a, keys: [`${c2.name}.a`], from: [p!.args[0]], constraint: "positive" },
          { what: `the scale of the invgamma prior of \`${c2.name}\``, value: b, keys: [`${c2.name}.b`], from: [p!.args[1]], constraint: "positive" },
        );
        covers.push(c2.name);
        spans.push(c2.span);
        slab = { node: c2, shape: a, rate: b };
      }
    }
    const mono = varianceMonomial(g, split ? split.sd : d.args[1], vector ? "covariance" : "sd");
    if (typeof mono === "string") return fail(1, d.args[1].span, `the prior ${vector ? "covariance" : "sd"} of \`${phi.name}\`: ${mono}`, FIX);
    covers.push(phi.name);
    spans.push(phi.span);
    checks.push({ what: `the constant part of the prior variance of \`${phi.name}\``, value: mono.c, keys: [`${phi.name}.base`], from: mono.constants, constraint: "positive" });
    const factors: { family: number; index: ScaleIndex[] }[] = [];
    for (const f of mono.factors) {
      if (f.ref.node === options.skip && f.power === 1) continue;
      const fam = familyOf(f.ref.node, f.power, f.ref.expr.span);
      if (typeof fam !== "number") return fam;
      const n = f.ref.node;
      if (f.ref.indices.length !== n.plates.length) return fail(2, f.ref.expr.span, `\`${n.name}\` is used with ${f.ref.indices.length} indices but declared with ${n.plates.length}`, FIX);
      const index: ScaleIndex[] = [];
      for (let q = 0; q < f.ref.indices.length; q++) {
        const ix = f.ref.indices[q];
        const c = constantValue(g, ix);
        const dims = families[fam].dims as ScaleDim[];
        const plate = candidates.get(fam)![q];
        const mapped = groupArray(g, ix, column?.index);
        // Settles what the plate ranges over at its first use by a stick, feature or group index.
        const settle = (dim: ScaleDim): boolean => {
          const kind = typeof dim === "string" ? dim : "size";
          const ok = kind === "size" ? plate.may.size !== undefined : plate.may[kind];
          if (!ok || (plate.settled && (typeof dims[q] === "string" ? dims[q] : "size") !== kind)) return false;
          dims[q] = dim;
          plate.settled = true;
          return true;
        };
        if (ix.kind === "name" && ix.name === stick.index && settle("stick")) index.push("stick");
        else if (ix.kind === "name" && column && ix.name === column.index && settle("column")) index.push("column");
        else if (mapped && plate.may.size !== undefined && settle({ size: plate.may.size })) index.push(mapped);
        else if (c !== undefined && Number.isInteger(c) && c >= 1) index.push(c - 1);
        else {
          const expected = [
            plate.may.stick && `the stick index \`${stick.index}\``,
            plate.may.column && `the feature index${column ? ` \`${column.index}\`` : ""}`,
            plate.may.size !== undefined && `a group of the feature, \`g[${column?.index ?? "j"}]\` with \`g\` an integer array`,
          ].filter((x) => x);
          return fail(2, ix.span, `the index \`${printExpr(ix)}\` of \`${n.name}\` must be ${[...expected, "a constant"].join(", or ")}${plate.settled ? ", as its other uses index it" : ""}`, FIX);
        }
      }
      // Once its indices settle what it ranges over: a scale over the features belongs to one coefficient family's columns.
      const owner = featureOwner.get(fam);
      if (families[fam].dims.includes("column") && owner && owner !== phi) {
        return fail(2, f.ref.expr.span, `\`${f.ref.node.name}\` is indexed by the features of both \`${owner.name}\` and \`${phi.name}\``, "give each coefficient family its own local scales");
      }
      if (families[fam].dims.includes("column")) featureOwner.set(fam, phi);
      factors.push({ family: fam, index });
    }
    groups.push({ base: mono.c, factors, ...(split ? { slab: true } : {}) });
  }
  const tree: ScaleTree = { families, groups, ...(slab ? { slab: { shape: slab.shape, rate: slab.rate } } : {}) };
  return { ok: true, match: { rule: "scale_mixture_normal", coefficients: coefficientFamilies.map((n) => n.name), tree, checks, covers, spans, origins: {} } };
}
