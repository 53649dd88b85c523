/** The text dump of a model graph (`hsmoe check --dump graph`), one node per line. */
import { formatAffine } from "../lang/affine.js";
import { formatRange, formatTy, type Ty } from "../lang/types.js";
import { printExpr } from "../print.js";
import type { GraphNode, ModelGraph } from "./graph.js";

function describeTy(t: Ty): string {
  return t.kind === "int" && t.lo && t.hi ? `int in ${formatAffine(t.lo)}..${formatAffine(t.hi)}` : formatTy(t);
}

function line(g: ModelGraph, n: GraphNode): string {
  const plates = n.plates.length ? `[${n.plates.map((p) => `${p.index} in ${formatRange(p.range)}`).join(", ")}]` : "";
  const def = n.distribution
    ? ` ~ ${n.distribution.name}(${n.distribution.args.map((a) => printExpr(a)).join(", ")})`
    : n.value
      ? ` = ${printExpr(n.value)}`
      : n.hyperValue !== undefined
        ? ` = ${n.hyperValue}`
        : n.hyperEntries
          ? ` = [${n.hyperEntries.join(", ")}]`
          : "";
  const parents = n.parents.length ? `    <- ${n.parents.map((p) => g.nodes[p].name).join(", ")}` : "";
  return `  ${n.kind.padEnd(13)} ${n.name}${plates}: ${describeTy(n.elem)}${def}${parents}`;
}

/** One line per node in dependency order, with its parents. */
export function dumpGraph(g: ModelGraph): string {
  const sizes = g.dataSizes.length ? `\n  sizes from the data: ${g.dataSizes.join(", ")}` : "";
  return `graph ${g.model}${sizes}\n${g.nodes.map((n) => line(g, n)).join("\n")}\n`;
}
