/**
 * `--set NAME=VALUE`: the values go to the compiler by name, and are then validated against the
 * hyperparameters the parsed model declares, so a misspelt name or a badly typed value is a
 * usage error (exit 2) rather than a model error. A model that does not parse has its syntax
 * errors reported instead.
 */
import { compileModel, type CompileResult, type Model } from "../compiler/index.js";
import { UsageError } from "./io.js";

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The values the arguments give, by name; malformed ones are left to {@link checkSetValues}. */
function setValues(sets: readonly string[]): Map<string, number> {
  const values = new Map<string, number>();
  for (const s of sets) {
    const eq = s.indexOf("=");
    if (eq > 0) values.set(s.slice(0, eq).trim(), Number(s.slice(eq + 1).trim()));
  }
  return values;
}

/** Refuses the first malformed `--set` argument, in the order they were given. */
function checkSetValues(sets: readonly string[], model: Model): void {
  const seen = new Set<string>();
  const declared = new Map(model.hypers.map((h) => [h.name.name, h.type.kind] as const));
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
    const value = Number(text);
    if (!NUMBER.test(text) || !Number.isFinite(value)) throw new UsageError(`--set ${name}: '${text}' is not a finite number`);
    if (type === "int" && !Number.isInteger(value)) throw new UsageError(`--set ${name}: ${name} is an int and '${text}' is not an integer`);
    if (seen.has(name)) throw new UsageError(`--set ${name} is given twice`);
    seen.add(name);
  }
}

/**
 * Compiles a model with the hyperparameter values of `--set` arguments; returns the compile
 * result and the values by name.
 * @throws UsageError for a malformed argument, a name the model does not declare, a value that
 *   is not a finite number or not an integer for an `int`, or a name given twice.
 */
export function compileWithSets(text: string, file: string, sets: readonly string[]): { compiled: CompileResult; hypers: Map<string, number> } {
  const hypers = setValues(sets);
  const compiled = compileModel(text, { file, hypers });
  if (compiled.ast) checkSetValues(sets, compiled.ast);
  return { compiled, hypers };
}
