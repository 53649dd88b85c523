/** The text dump of a kernel plan. */
import type { KernelPlan } from "./plan.js";

function fmt(v: unknown): string {
  if (typeof v === "number") return String(v);
  if (Array.isArray(v)) return `[${v.map(fmt).join(", ")}]`;
  if (typeof v === "object" && v !== null) return `{ ${Object.entries(v).map(([k, x]) => `${k}: ${fmt(x)}`).join(", ")} }`;
  return String(v);
}

/** Human-readable plan: each block with its runtime class, constants, sweep moves and statements. */
export function dumpPlan(p: KernelPlan): string {
  const lines = [`kernel plan for ${p.model} (${p.source}), ${p.experts} expert${p.experts === 1 ? "" : "s"}, input${p.inputs.length === 1 ? "" : "s"} ${p.inputs.map((x) => `${x.name}[${x.size}]`).join(", ")}, response ${p.response}`];
  for (const b of p.blocks) {
    lines.push(`  ${b.slot}: ${b.rule} (${b.block}${b.uses ? ` on the ${b.uses}` : ""})`);
    for (const [k, v] of Object.entries(b.constants)) lines.push(`    ${k} = ${fmt(v)}`);
    for (const m of b.moves) lines.push(`    move: ${m}`);
    b.from?.statements.forEach((s, i) => lines.push(`    line ${b.from!.lines[i]}: ${s}`));
  }
  return lines.join("\n") + "\n";
}
