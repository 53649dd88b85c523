/**
 * Stage 6: kernel plan → JavaScript. Mechanical: it walks the plan's blocks and prints each
 * one's constants and its construction, with a comment pointing at the model lines it
 * implements; it knows roles and slots, never rule ids. What a step or a sweep does is the
 * runtime's composition of the blocks (runtime/pl/composite.ts). The kernel imports nothing: it is
 * a function of the runtime object `rt` (runtime/kernel-runtime.ts) returning the
 * {@link KernelModule} of runtime/pl/kernel.ts. Model text reaches the output only through
 * safe.ts. Output is deterministic: the same plan gives the same bytes.
 */
import type { BlockConstants } from "../4-analyze/index.js";
import type { KernelPlan, Provenance } from "../5-plan/index.js";
import { commentText, nameLiteral, numberLiteral as num } from "./safe.js";
import { CodeWriter } from "./writer.js";

/** How the kernel is wrapped: an ES module, or a function expression for `new Function`. */
export type KernelFormat = "module" | "function";

function cite(w: CodeWriter, what: string, from: Provenance): void {
  from.statements.forEach((s, i) => w.line(`// ${what}: line ${from.lines[i]}: ${commentText(s)}`));
}

function header(w: CodeWriter, p: KernelPlan): void {
  w.line(`// hsmoe kernel for model ${commentText(p.model)} (${commentText(p.source.replace(/[^A-Za-z0-9_./-]/g, "_"))})`);
  w.line(`// compiled by hsmoe ${commentText(p.compiler)}; generated code, do not edit`);
  w.line("//");
  w.line("// inference plan:");
  const width = Math.max(...p.coverage.map((c) => c.node.length));
  for (const c of p.coverage) w.line(`//   ${commentText(c.node.padEnd(width))}  ${c.role.padEnd(10)}  ${c.rule}`);
}

function info(w: CodeWriter, p: KernelPlan): void {
  const hypers = Object.entries(p.hypers).map(([k, v]) => `[${nameLiteral(k)}, ${num(v)}]`).join(", ");
  const plan = p.coverage.map((c) => `{ node: ${nameLiteral(c.node)}, rule: ${JSON.stringify(c.rule)}, role: ${JSON.stringify(c.role)} }`);
  w.block("const info = {", () => {
    w.line(`model: ${nameLiteral(p.model)},`);
    w.line(`source: ${JSON.stringify(p.source)},`);
    w.line(`compiler: ${JSON.stringify(p.compiler)},`);
    w.line("experts: K,");
    w.line(`input: ${nameLiteral(p.input)},`);
    w.line(`inputSize: ${nameLiteral(p.inputSize)},`);
    w.line(`response: ${nameLiteral(p.response)},`);
    // Object.fromEntries: a hyperparameter named __proto__ stays an ordinary key.
    w.line(`hypers: Object.fromEntries([${hypers}]),`);
    w.block("plan: [", () => plan.forEach((line) => w.line(`${line},`)), "],");
  }, "};");
}

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9]*$/;

/** A compiler-chosen identifier (slot, class or constant key), checked before it is printed as code. */
function ident(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`internal: refusing to emit the identifier ${JSON.stringify(name)}`);
  return name;
}

/** A block's constants as an object literal of numbers, flags and number lists. */
function constantsLiteral(c: BlockConstants): string {
  const value = (v: number | boolean | readonly number[]): string => (typeof v === "boolean" ? String(v) : typeof v === "number" ? num(v) : `[${v.map(num).join(", ")}]`);
  const fields = Object.entries(c).map(([k, v]) => `${ident(k)}: ${value(v)}`);
  return fields.length ? `Object.freeze({ ${fields.join(", ")} })` : "Object.freeze({})";
}

/** Each block's constants, with the statements it implements. */
function constants(w: CodeWriter, p: KernelPlan): void {
  for (const b of p.blocks) {
    w.line(`// ${b.slot}: rule ${commentText(b.rule)}, runtime block ${ident(b.block)}`);
    if (b.from) cite(w, b.slot, b.from);
    w.line(`const ${ident(b.slot).toUpperCase()} = ${constantsLiteral(b.constants)};`);
  }
}

/**
 * `build(N, D, json)`: every block, created from the prior (json null) or restored from a
 * snapshot, in plan order so that a block's dependency exists before it.
 */
function build(w: CodeWriter, p: KernelPlan): void {
  w.block("function build(N, D, json) {", () => {
    for (const b of p.blocks) {
      const cls = `rt.blocks.${ident(b.block)}`;
      const slot = ident(b.slot);
      const c = slot.toUpperCase();
      const dep = b.uses ? ident(b.uses) : "undefined";
      w.line(`const ${slot} = json ? ${cls}.restore(json.${slot}, ${c}, ${dep}, N) : ${cls}.create(N, K, D, ${c}, ${dep});`);
    }
    // Snapshot order: the experts first, as the driver's summaries read them.
    const names = p.blocks.map((b) => ident(b.slot)).reverse();
    w.line(`return { expert, gate, blocks: { ${names.join(", ")} }, D };`);
  });
  w.block("function create(N, D, rng) {", () => w.line("return rt.composeState(build(N, D, null), rng);"));
  w.block("function restore(json) {", () => {
    w.line("const expert = json && typeof json === \"object\" ? json.expert : undefined;");
    w.line("if (!expert || typeof expert !== \"object\") throw new Error(\"not a snapshot of this kernel: no expert block\");");
    w.line("return rt.composeState(build(expert.N, expert.d, json));");
  });
}

/** Emits the JavaScript source of the kernel for `plan`. */
export function emitKernel(plan: KernelPlan, format: KernelFormat = "module"): string {
  const w = new CodeWriter();
  header(w, plan);
  w.line();
  const open = format === "module" ? "export default function createKernel(rt) {" : "(function createKernel(rt) {";
  w.block(open, () => {
    w.line('"use strict";');
    w.line(`const K = ${num(plan.experts)}; // experts`);
    info(w, plan);
    constants(w, plan);
    build(w, plan);
    w.line("return { info, create, restore };");
  }, format === "module" ? "}" : "})");
  return w.toString();
}
