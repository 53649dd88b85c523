/**
 * Stage 3: checked model → model graph. Nothing here can fail on a model that checked; the
 * graph is a re-indexing of what the checker established, in dependency order.
 */
import type { CheckedModel } from "../2-check/index.js";
import { namesUsed } from "../2-check/dependencies.js";
import type { Binder } from "../ast.js";
import type { Ty } from "../lang/types.js";
import type { GraphNode, ModelGraph, Plate } from "./graph.js";

export type { GraphNode, ModelGraph, NodeKind, Plate } from "./graph.js";
export { dumpGraph } from "./dump.js";

function plates(binders: Binder[], family: { lo: unknown; hi: unknown }[]): Plate[] {
  return binders.map((b, i) => ({ index: b.name.name, range: family[i] as Plate["range"] }));
}

/** Builds the model graph of a checked model. */
export function buildGraph(m: CheckedModel): ModelGraph {
  const nodes: GraphNode[] = [];
  const byName = new Map<string, GraphNode>();
  const add = (n: Omit<GraphNode, "id" | "parents" | "children">): GraphNode => {
    const node: GraphNode = { ...n, id: nodes.length, parents: [], children: [] };
    nodes.push(node);
    byName.set(node.name, node);
    return node;
  };
  for (const h of m.hypers) {
    const elem: Ty = h.array ? { kind: "vector", n: h.array.length } : { kind: h.type };
    add({ name: h.name, kind: "hyper", plates: [], elem, span: h.decl.span, hyperValue: h.value, hyperEntries: h.array?.entries, hyperSource: h.source });
  }
  for (const d of m.data) {
    if (!d.observed) add({ name: d.name, kind: "input", plates: [], elem: d.ty, span: d.decl.span });
  }
  for (const v of m.variables) {
    const r = v.relation!;
    // A discrete draw is an allocation, one per row, even when its gate is constant.
    const discrete = r.op === "~" && v.elem.kind === "int" && v.family.length === 0;
    const kind = r.op === "=" ? "deterministic" : v.perRow || discrete ? "latent" : "parameter";
    const rhs = r.rhs;
    add({
      name: v.name,
      kind,
      plates: plates(r.binders, v.family),
      elem: v.elem,
      ...(r.op === "~" && rhs.kind === "call" ? { distribution: { name: rhs.callee.name, args: rhs.args } } : { value: rhs }),
      span: r.span,
    });
  }
  for (const d of m.data) {
    const r = d.observation;
    if (!r || r.rhs.kind !== "call") continue;
    add({ name: d.name, kind: "observed", plates: [], elem: d.ty, distribution: { name: r.rhs.callee.name, args: r.rhs.args }, span: r.span });
  }
  for (const node of nodes) {
    const def = node.distribution ? node.distribution.args : node.value ? [node.value] : [];
    const bound = new Map(node.plates.map((p) => [p.index, p]));
    const used = new Set<string>();
    for (const e of def) namesUsed(e, bound, used);
    for (const name of used) {
      const parent = byName.get(name);
      if (!parent) continue; // a data size such as D
      node.parents.push(parent.id);
      parent.children.push(node.id);
    }
    node.parents.sort((a, b) => a - b);
  }
  for (const node of nodes) node.children.sort((a, b) => a - b);
  return { model: m.name, nodes, byName, dataSizes: m.dims.map((d) => d.name), values: m.values, exprTypes: m.exprTypes };
}
