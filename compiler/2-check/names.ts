/** Reporting a name that does not resolve, with the most useful code and suggestion. */
import type { Span } from "../ast.js";
import type { CheckContext, Scope } from "./context.js";
import { didYouMean } from "./suggest.js";

/**
 * Reports `name` as an index used outside the statement that binds it, or as unknown with a
 * did-you-mean drawn from the model's names and this statement's indices.
 */
export function reportUnknownName(ctx: CheckContext, name: string, span: Span, scope: Scope): void {
  const boundElsewhere = ctx.binderNames.get(name);
  if (boundElsewhere) {
    ctx.report("undeclared_variable", span, { name }, { labels: [{ span: boundElsewhere, message: `\`${name}\` is bound here` }] });
    return;
  }
  const names = ctx.namesSoFar();
  ctx.report("unknown_name", span, didYouMean(name, () => [...names(), ...scope.keys()]));
}
