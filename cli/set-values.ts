/**
 * `--set NAME=VALUE`: parsed and validated against the model's declared hyperparameters, so
 * a misspelt name or a badly typed value is a usage error before anything runs.
 */
import type { Model } from "../compiler/index.js";
import { UsageError } from "./io.js";

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Parses `--set` arguments into hyperparameter values. */
export function parseSetValues(sets: readonly string[], model: Model): Map<string, number> {
  const values = new Map<string, number>();
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
    if (values.has(name)) throw new UsageError(`--set ${name} is given twice`);
    values.set(name, value);
  }
  return values;
}
