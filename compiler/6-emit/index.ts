/**
 * Stage 6: kernel plan → JavaScript. Mechanical: it walks the plan's blocks and prints each
 * one's constants and its construction, with a comment pointing at the model lines it
 * implements; it knows roles and slots, never rule ids. What a step or a sweep does is the
 * runtime's composition of the blocks (runtime/pl/composite.ts). The kernel imports nothing: it is
 * a function of the runtime object `rt` (runtime/kernel-runtime.ts) returning the
 * {@link KernelModule} of runtime/pl/kernel.ts. Model text reaches the output only through
 * safe.ts. Output is deterministic: the same plan gives the same bytes.
 */
import { DATA_FUNCTIONS, type BlockConstants, type BlockValue, type DataExpr } from "../4-analyze/index.js";
import type { DesignPlan, KernelPlan, Provenance } from "../5-plan/index.js";
import type { Affine } from "../lang/affine.js";
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
  const hypers = Object.entries(p.hypers).map(([k, v]) => `[${nameLiteral(k)}, ${typeof v === "number" ? num(v) : `[${v.map(num).join(", ")}]`}]`).join(", ");
  const plan = p.coverage.map((c) => `{ node: ${nameLiteral(c.node)}, rule: ${JSON.stringify(c.rule)}, role: ${JSON.stringify(c.role)} }`);
  w.block("const info = {", () => {
    w.line(`model: ${nameLiteral(p.model)},`);
    w.line(`source: ${JSON.stringify(p.source)},`);
    w.line(`compiler: ${JSON.stringify(p.compiler)},`);
    w.line("experts: K,");
    w.line(`inputs: [${p.inputs.map((x) => `{ name: ${nameLiteral(x.name)}, size: ${/^[0-9]+$/.test(x.size) ? JSON.stringify(x.size) : nameLiteral(x.size)} }`).join(", ")}],`);
    w.line(`response: ${nameLiteral(p.response)},`);
    w.line(`responseKind: ${JSON.stringify(p.responseKind)},`);
    w.line(`weighsRows: ${p.weighsRows === true},`);
    if (p.gateRows) w.line(`gateRows: ${JSON.stringify(p.gateRows)},`);
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

/** A constant as a literal: numbers, flags, identifiers (the runtime's words, model names), lists and records. */
function valueLiteral(v: BlockValue): string {
  if (typeof v === "boolean") return String(v);
  if (typeof v === "number") return num(v);
  // Strings are the runtime's words ("stick", "column") or model names (a group array's, in a
  // scale tree): both only as checked identifiers inside a string literal.
  if (typeof v === "string") return nameLiteral(v);
  if (Array.isArray(v)) return `[${v.map(valueLiteral).join(", ")}]`;
  return `{ ${Object.entries(v).map(([k, x]) => `${ident(k)}: ${valueLiteral(x)}`).join(", ")} }`;
}

/** A block's constants as a frozen object literal. */
function constantsLiteral(c: BlockConstants): string {
  return `Object.freeze(${Object.keys(c).length ? valueLiteral(c) : "{}"})`;
}

/** An affine size of the data (`D`, `P + 1`) as JavaScript: each data size is its first input's length. */
function sizeCode(a: Affine, p: KernelPlan): string {
  const parts: string[] = a.c !== 0 || a.terms.length === 0 ? [num(a.c)] : [];
  for (const [name, coef] of a.terms) {
    const q = p.inputs.findIndex((x) => x.size === name);
    if (q < 0) throw new Error(`internal: refusing to emit the size ${JSON.stringify(name)}`);
    parts.push(coef === 1 ? `sizes[${q}]` : `${num(coef)} * sizes[${q}]`);
  }
  return parts.join(" + ");
}

/** Where input `name` starts in the data row, as JavaScript (`at[q]`, set up by `build`). */
function inputAt(name: string, p: KernelPlan): string {
  const q = p.inputs.findIndex((x) => x.name === name);
  if (q < 0) throw new Error(`internal: refusing to emit the input ${JSON.stringify(name)}`);
  return q === 0 ? "" : ` + at[${q}]`;
}

/**
 * A regressor or offset as a JavaScript expression of the data row `x[xo …]` (and of the entry
 * `j` inside a loop); sums over entries become loops written to `prelude` first.
 */
function dataCode(e: DataExpr, p: KernelPlan, prelude: string[]): string {
  switch (e.kind) {
    case "const":
      return e.value < 0 || Object.is(e.value, -0) ? `(${num(e.value)})` : num(e.value);
    case "input":
      return e.index === "j" ? `x[xo${inputAt(e.input, p)} + j]` : `x[xo${inputAt(e.input, p)} + ${num(e.index)}]`;
    case "call": {
      const js = DATA_FUNCTIONS.get(e.fn);
      if (!js) throw new Error(`internal: refusing to emit the function ${JSON.stringify(e.fn)}`);
      return js.replace("$", dataCode(e.arg, p, prelude));
    }
    case "binary": {
      const l = dataCode(e.left, p, prelude);
      const r = dataCode(e.right, p, prelude);
      return e.op === "^" ? `Math.pow(${l}, ${r})` : `(${l} ${e.op} ${r})`;
    }
    case "negate":
      return `(-${dataCode(e.arg, p, prelude)})`;
    case "sum": {
      const t = `t${prelude.length}`;
      const inner: string[] = [];
      const body = dataCode(e.arg, p, inner);
      prelude.push(...inner, `let ${t} = 0;`, `for (let j = 0; j < ${sizeCode(e.length, p)}; j++) ${t} += ${body};`);
      return t;
    }
  }
}

/** The largest constant index each input is read at by a data expression, into `out` (0-based). */
function maxIndex(e: DataExpr | undefined, out: Map<string, number>): void {
  if (!e) return;
  switch (e.kind) {
    case "input":
      if (e.index !== "j") out.set(e.input, Math.max(out.get(e.input) ?? -1, e.index));
      return;
    case "call":
    case "negate":
    case "sum":
      return maxIndex(e.arg, out);
    case "binary":
      maxIndex(e.left, out);
      return maxIndex(e.right, out);
    default:
      return;
  }
}

/**
 * `<slot>Design(sizes, at)`: the block's design row for inputs of these lengths (starting at
 * `at` in the data row) — its length, the prior mean and variance of every entry, the
 * coefficient groups (name and length, for labels) and `fill`, which writes the row and returns
 * the offset.
 */
function design(w: CodeWriter, p: KernelPlan, slot: string, d: DesignPlan): void {
  w.block(`function ${slot}Design(sizes, at) {`, () => {
    const read = new Map<string, number>();
    for (const e of [d.offset, d.trials, ...d.groups.map((c) => c.regressor)]) maxIndex(e, read);
    for (const [name, top] of read) {
      const q = p.inputs.findIndex((x) => x.name === name);
      w.line(`if (sizes[${q}] < ${num(top + 1)}) throw new Error("the model reads " + ${nameLiteral(name)} + "[${num(top + 1)}], but the rows give it " + sizes[${q}] + " entries");`);
    }
    d.groups.forEach((c, i) => w.line(`const n${i} = ${c.length ? sizeCode(c.length, p) : "1"}; // ${commentText(c.name)}`));
    d.groups.forEach((_, i) => w.line(`const o${i} = ${i === 0 ? "0" : `o${i - 1} + n${i - 1}`};`));
    const last = d.groups.length - 1;
    w.line(`const d = o${last} + n${last};`);
    const priors = d.groups.every((c) => c.prior);
    const random = priors && d.groups.some((c) => c.prior!.random);
    if (priors) {
      w.line("const m0 = new Float64Array(d), g = new Float64Array(d);");
      d.groups.forEach((c, i) => {
        const mean = c.prior!.mean;
        if (typeof mean === "number") w.line(`m0.fill(${num(mean)}, o${i}, o${i} + n${i});`);
        else {
          // The mean vector's length is the data's to match: say so in the model's terms.
          const n = mean.entries.length;
          w.line(`if (n${i} !== ${num(n)}) throw new Error("the model's \`" + ${nameLiteral(mean.name)} + "\` has ${num(n)} entr${n === 1 ? "y" : "ies"}, the prior mean of \`" + ${nameLiteral(c.name)} + "\`, which has " + n${i} + " coefficients");`);
          w.line(`m0.set([${mean.entries.map(num).join(", ")}], o${i});`);
        }
        w.line(`g.fill(${num(c.prior!.scale)}, o${i}, o${i} + n${i});`);
      });
    }
    if (random) {
      // The entries whose prior variance the random scale multiplies.
      w.line("const scaled = new Uint8Array(d);");
      d.groups.forEach((c, i) => c.prior!.random && w.line(`scaled.fill(1, o${i}, o${i} + n${i});`));
    }
    const groups = d.groups.map((c, i) => `[${nameLiteral(c.name)}, n${i}, ${c.length ? "true" : "false"}]`);
    w.block("return Object.freeze({", () => {
      w.line(priors ? (random ? "d, m0, g, scaled," : "d, m0, g,") : "d,");
      // the trials follow the design row, so the block's row is one longer
      if (d.trials) w.line("width: d + 1,");
      w.line(`offset: ${d.offset ? "true" : "false"},`);
      w.line(`groups: [${groups.join(", ")}],`);
      w.block("fill(x, xo, h, ho) {", () => {
        const prelude: string[] = [];
        const rows = d.groups.map((c, i) => (c.length ? `for (let j = 0; j < n${i}; j++) h[ho + o${i} + j] = ${dataCode(c.regressor, p, prelude)};` : `h[ho + o${i}] = ${dataCode(c.regressor, p, prelude)};`));
        const offset = d.offset ? dataCode(d.offset, p, prelude) : "0";
        if (d.trials) rows.push(`h[ho + d] = ${dataCode(d.trials, p, prelude)};`);
        for (const line of [...prelude, ...rows]) w.line(line);
        w.line(`return ${offset};`);
      }, "},");
    }, "});");
  });
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
 * `build(N, sizes, json)`: the inputs' lengths checked, then every block, created from the prior
 * (json null) or restored from a snapshot, in plan order so that a block's dependency exists
 * before it.
 */
function build(w: CodeWriter, p: KernelPlan): void {
  w.block("function build(N, sizes, json) {", () => {
    const n = p.inputs.length;
    w.line(`if (!Array.isArray(sizes) || sizes.length !== ${num(n)} || !sizes.every((v) => Number.isInteger(v) && v >= 1)) throw new Error("the model reads ${num(n)} input${n === 1 ? "" : "s"}: give ${n === 1 ? "its length" : "their lengths"}");`);
    p.inputs.forEach((x, q) => {
      const first = p.inputs.findIndex((y) => y.size === x.size);
      const what = `"the input " + ${nameLiteral(x.name)} + " has " + sizes[${q}] + " entries; the model says "`;
      if (/^[0-9]+$/.test(x.size)) w.line(`if (sizes[${q}] !== ${num(Number(x.size))}) throw new Error(${what} + ${JSON.stringify(x.size)});`);
      else if (first < q) w.line(`if (sizes[${q}] !== sizes[${first}]) throw new Error(${what} + ${nameLiteral(x.size)} + " = " + sizes[${first}]);`);
    });
    // Where each input starts in the data row, and the row's length.
    w.line(`const at = [0${p.inputs.slice(1).map((_, q) => `, ${p.inputs.slice(0, q + 1).map((__, r) => `sizes[${r}]`).join(" + ")}`).join("")}];`);
    w.line(`const D = at[${num(n - 1)}] + sizes[${num(n - 1)}];`);
    const designs: string[] = [];
    // Design rows first: a prior's size is that of the block whose coefficients it governs.
    for (const b of p.blocks) if (b.design) w.line(`const ${ident(b.slot)}Row = ${ident(b.slot)}Design(sizes, at);`);
    const sized = (slot: string) => (p.blocks.find((x) => x.slot === slot)?.design ? `${ident(slot)}Row.d` : "D");
    for (const b of p.blocks) {
      const cls = `rt.blocks.${ident(b.block)}`;
      const slot = ident(b.slot);
      const dep = b.uses ? ident(b.uses) : "undefined";
      let c = slot.toUpperCase();
      const d = sized(b.sizeOf ?? slot);
      // A prior of a designed block's coefficients learns its groups' widths from that design.
      if (b.sizeOf && p.blocks.find((x) => x.slot === b.sizeOf)?.design) c = `{ ...${c}, columns: ${ident(b.sizeOf)}Row.groups.map((g) => g[1]) }`;
      if (b.design) {
        // The block's size is its design row's; its prior mean and variance are per entry.
        if (b.design.groups.every((x) => x.prior)) {
          const random = b.design.groups.some((x) => x.prior!.random) ? `, gPrior: { ...${c}.gPrior, scaled: ${slot}Row.scaled }` : "";
          // A shrinkage prior on the coefficients learns its groups' widths from the design too.
          const shrinkage = b.design.groups.some((x) => x.prior!.shrink) ? `, shrinkage: { ...${c}.shrinkage, columns: ${slot}Row.groups.map((g) => g[1]) }` : "";
          c = `{ ...${c}, m0: ${slot}Row.m0, g: ${slot}Row.g${random}${shrinkage} }`;
        }
        designs.push(`${slot}Design: ${slot}Row`);
      }
      w.line(`const ${slot} = json ? ${cls}.restore(json.${slot}, ${c}, ${dep}, N) : ${cls}.create(N, K, ${d}, ${c}, ${dep});`);
    }
    // Snapshot order: the experts first, as the driver's summaries read them.
    const names = p.blocks.map((b) => ident(b.slot)).reverse();
    w.line(`return { expert, gate, blocks: { ${names.join(", ")} }, sizes${designs.map((x) => `, ${x}`).join("")} };`);
  });
  w.block("function create(N, sizes, rng) {", () => w.line("return rt.composeState(build(N, sizes, null), rng);"));
  w.block("function restore(json) {", () => {
    w.line("const expert = json && typeof json === \"object\" ? json.expert : undefined;");
    w.line("if (!expert || typeof expert !== \"object\") throw new Error(\"not a snapshot of this kernel: no expert block\");");
    w.line("return rt.composeState(build(expert.N, json.sizes, json));");
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
    for (const b of plan.blocks) if (b.design) design(w, plan, ident(b.slot), b.design);
    build(w, plan);
    w.line("return { info, create, restore };");
  }, format === "module" ? "}" : "})");
  return w.toString();
}
