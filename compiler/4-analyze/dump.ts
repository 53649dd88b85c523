/** The inference plan in words: which rule covers each term (`hsmoe check` prints it). */
import type { Analysis } from "./analysis.js";
import { allRules } from "./rules.js";

/** One line per covered node with its rule, then each rule's update in words. */
export function dumpAnalysis(a: Analysis): string {
  const width = Math.max(...a.coverage.map((c) => c.node.length));
  const lines = [`inference plan (${a.experts} expert${a.experts === 1 ? "" : "s"})`];
  for (const c of a.coverage) lines.push(`  ${c.node.padEnd(width)}  ${c.role.padEnd(10)}  ${c.rule}`);
  if (a.inertGate) lines.push("  with one expert the gate has no sticks: every row goes to the expert, and the gate's prior stays at its prior");
  const used = [...new Set(a.coverage.map((c) => c.rule))];
  for (const id of used) {
    const rule = allRules.find((r) => r.id === id)!;
    lines.push(`  ${id}: ${rule.kind}; ${rule.update.spec} (${rule.block}: ${rule.update.methods.join(", ")})`);
  }
  return lines.join("\n");
}
