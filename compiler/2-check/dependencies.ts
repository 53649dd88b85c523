/**
 * The model graph's edges, as far as the checker needs them: which definitions each
 * statement's right side uses, a dependency order, and the cycles (each reported once).
 */
import type { Expr } from "../ast.js";
import type { CheckContext, Definition } from "./context.js";
import { children } from "../walk.js";

/** Names an expression refers to (excluding index variables of its statement). */
export function namesUsed(e: Expr, bound: ReadonlyMap<string, unknown>, out: Set<string> = new Set()): Set<string> {
  const stack: Expr[] = [e];
  while (stack.length > 0) {
    const x = stack.pop()!;
    switch (x.kind) {
      case "name":
        if (!bound.has(x.name)) out.add(x.name);
        break;
      default:
        // One at a time: a call may have more arguments than a spread call can pass.
        for (const c of children(x)) stack.push(c);
    }
  }
  return out;
}

/** Definitions in dependency order, and the names that lie on a cycle. */
export interface Ordering {
  order: Definition[];
  onCycle: Set<string>;
}

/**
 * Orders definitions so each comes after those it uses (iterative depth-first search, so a
 * long chain of definitions cannot overflow the stack) and reports every cycle once.
 * Definitions are numbered by their position, so the search state is plain arrays.
 */
export function orderDefinitions(ctx: CheckContext, definitions: Definition[]): Ordering {
  const byName = new Map<string, number>();
  definitions.forEach((d, i) => byName.set(d.target.name, i));
  const deps = definitions.map((d) => {
    const out: number[] = [];
    for (const n of d.uses) {
      const j = byName.get(n);
      if (j !== undefined) out.push(j);
    }
    return out;
  });
  const state = new Array<"active" | "done" | undefined>(definitions.length);
  const order: Definition[] = [];
  const onCycle = new Set<string>();
  const reported = new Set<string>();
  for (let root = 0; root < definitions.length; root++) {
    if (state[root] !== undefined) continue;
    const stack: { d: number; next: number }[] = [{ d: root, next: 0 }];
    state[root] = "active";
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const children = deps[top.d];
      if (top.next < children.length) {
        const child = children[top.next++];
        const s = state[child];
        if (s === undefined) {
          state[child] = "active";
          stack.push({ d: child, next: 0 });
        } else if (s === "active") {
          const from = stack.findIndex((f) => f.d === child);
          const cycle = stack.slice(from).map((f) => definitions[f.d].target.name);
          for (const n of cycle) onCycle.add(n);
          const key = [...cycle].sort().join(" ");
          if (!reported.has(key)) {
            reported.add(key);
            const c = definitions[child];
            ctx.report("cycle", c.relation.name.span, { name: c.target.name, path: [...cycle, c.target.name].join(" → ") });
          }
        }
      } else {
        state[top.d] = "done";
        order.push(definitions[top.d]);
        stack.pop();
      }
    }
  }
  return { order, onCycle };
}
