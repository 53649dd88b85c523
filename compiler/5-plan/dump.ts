/** The text dump of a kernel plan. */
import type { KernelPlan } from "./plan.js";

function fmt(v: unknown): string {
  return typeof v === "number" ? String(v) : Array.isArray(v) ? `[${v.map(fmt).join(", ")}]` : String(v);
}

function block(title: string, fields: Record<string, unknown>): string[] {
  const entries = Object.entries(fields).filter(([k]) => k !== "from" && k !== "rule");
  const lines = [`  ${title}: ${String(fields.rule)}`];
  for (const [k, v] of entries) lines.push(`    ${k} = ${fmt(v)}`);
  const from = fields.from as { lines: number[]; statements: string[] } | undefined;
  from?.statements.forEach((s, i) => lines.push(`    line ${from.lines[i]}: ${s}`));
  return lines;
}

/** Human-readable plan: blocks, constants, schedule. */
export function dumpPlan(p: KernelPlan): string {
  const lines = [`kernel plan for ${p.model} (${p.source}), ${p.experts} expert${p.experts === 1 ? "" : "s"}, input ${p.input}[${p.inputSize}], response ${p.response}`];
  lines.push(...block("expert", p.expert as unknown as Record<string, unknown>));
  lines.push(...block("gate", p.gate as unknown as Record<string, unknown>));
  if (p.gatePrior) lines.push(...block("gate prior", p.gatePrior as unknown as Record<string, unknown>));
  lines.push(...block("schedule", { rule: "resample-move", ...p.schedule }));
  return lines.join("\n") + "\n";
}
