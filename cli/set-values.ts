/**
 * `--set NAME=VALUE`: the values go to the compiler by name, and are then validated against the
 * hyperparameters the parsed model declares, so a misspelt name or a badly typed value is a
 * usage error (exit 2) rather than a model error. A model that does not parse has its syntax
 * errors reported instead.
 */
import { compileModel, type CompileResult, type HyperValue, type Model } from "../compiler/index.js";
import { UsageError } from "./io.js";

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** `1,1,2` or `[1, 1, 2]`: the entries of an array value (one entry for a plain number). */
function entries(text: string): string[] {
  const inner = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  return inner.split(",").map((x) => x.trim());
}

/** The values the arguments give, by name (a list for a comma-separated value); malformed ones are left to {@link checkSetValues}. */
function setValues(sets: readonly string[]): Map<string, HyperValue> {
  const values = new Map<string, HyperValue>();
  for (const s of sets) {
    const eq = s.indexOf("=");
    if (eq <= 0) continue;
    const text = s.slice(eq + 1).trim();
    const list = entries(text).map(Number);
    values.set(s.slice(0, eq).trim(), list.length === 1 && !text.startsWith("[") ? list[0] : list);
  }
  return values;
}

/** Refuses the first malformed `--set` argument, in the order they were given. */
function checkSetValues(sets: readonly string[], model: Model): void {
  const seen = new Set<string>();
  const declared = new Map(model.hypers.map((h) => [h.name.name, h.type] as const));
  for (const s of sets) {
    const eq = s.indexOf("=");
    if (eq <= 0) throw new UsageError(`--set expects NAME=VALUE, got '${s}'`);
    const name = s.slice(0, eq).trim();
    const text = s.slice(eq + 1).trim();
    const type = declared.get(name);
    if (type === undefined) {
      const known = [...declared.keys()];
      throw new UsageError(`--set ${name}: model ${model.name.name} has no hyperparameter '${name}' (it has: ${known.join(", ") || "none"})`);
    }
    const array = type.kind === "vector" || (type.kind === "int" && type.length !== undefined);
    const items = array ? entries(text) : [text];
    if (!array && entries(text).length > 1) throw new UsageError(`--set ${name}: ${name} is a single number, and '${text}' is a list`);
    for (const item of items) {
      const value = Number(item);
      if (!NUMBER.test(item) || !Number.isFinite(value)) throw new UsageError(`--set ${name}: '${item}' is not a finite number${array ? " (write the entries as 1,1,2)" : ""}`);
      if (type.kind === "int" && !Number.isInteger(value)) throw new UsageError(`--set ${name}: ${name} is ${array ? "an integer array" : "an int"} and '${item}' is not an integer`);
    }
    if (seen.has(name)) throw new UsageError(`--set ${name} is given twice`);
    seen.add(name);
  }
}

/**
 * Compiles a model with the hyperparameter values of `--set` arguments; returns the compile
 * result and the values by name.
 * @throws UsageError for a malformed argument, a name the model does not declare, a value that
 *   is not a finite number or not an integer for an `int`, or a name given twice. An array
 *   hyperparameter takes its entries separated by commas (`--set group=1,1,2`).
 */
export function compileWithSets(text: string, file: string, sets: readonly string[]): { compiled: CompileResult; hypers: Map<string, HyperValue> } {
  const hypers = setValues(sets);
  const compiled = compileModel(text, { file, hypers });
  if (compiled.ast) checkSetValues(sets, compiled.ast);
  return { compiled, hypers };
}
