/**
 * Affine integer expressions over named sizes (`K - 1`, `D`, `2*K + 1`): the currency of
 * shapes and index ranges. Names whose values are known (hyperparameters) can be
 * substituted; names bound only by the data (`D`) stay symbolic. Two sizes are comparable
 * when their difference is a constant.
 */

/** `c + Σ coef·name`, terms sorted by name with no zero coefficients. */
export interface Affine {
  readonly c: number;
  readonly terms: readonly (readonly [string, number])[];
}

/** The terms of every constant: one shared empty list (term lists are never changed in place). */
const noTerms: Affine["terms"] = [];

/** A constant. */
export function constant(c: number): Affine {
  return { c, terms: noTerms };
}

/** A single named size. */
export function variable(name: string): Affine {
  return { c: 0, terms: [[name, 1]] };
}

/** a + sign·b, merging the two sorted term lists (hot in the checker: no Map, no sort). */
function combine(a: Affine, b: Affine, sign: number): Affine {
  if (b.terms.length === 0) return b.c === 0 ? a : { c: a.c + sign * b.c, terms: a.terms };
  const terms: (readonly [string, number])[] = [];
  let i = 0;
  let j = 0;
  while (i < a.terms.length || j < b.terms.length) {
    const x = a.terms[i];
    const y = b.terms[j];
    if (y === undefined || (x !== undefined && x[0] < y[0])) {
      terms.push(x);
      i++;
    } else if (x === undefined || y[0] < x[0]) {
      terms.push([y[0], sign * y[1]]);
      j++;
    } else {
      const k = x[1] + sign * y[1];
      if (k !== 0) terms.push([x[0], k]);
      i++;
      j++;
    }
  }
  return { c: a.c + sign * b.c, terms };
}

/** a + b */
export function add(a: Affine, b: Affine): Affine {
  return combine(a, b, 1);
}

/** a − b */
export function sub(a: Affine, b: Affine): Affine {
  return combine(a, b, -1);
}

/** k·a */
export function scale(a: Affine, k: number): Affine {
  if (k === 0) return constant(0);
  return { c: a.c * k, terms: a.terms.map(([n, x]) => [n, x * k] as const) };
}

/** a·b when one side is constant; undefined otherwise (not affine). */
export function mul(a: Affine, b: Affine): Affine | undefined {
  if (a.terms.length === 0) return scale(b, a.c);
  if (b.terms.length === 0) return scale(a, b.c);
  return undefined;
}

/** The value of a constant expression, or undefined when it still names a size. */
export function constantValue(a: Affine): number | undefined {
  return a.terms.length === 0 ? a.c : undefined;
}

/** Replaces every name whose value `values` knows. */
export function substitute(a: Affine, values: ReadonlyMap<string, number>): Affine {
  let c = a.c;
  const terms: (readonly [string, number])[] = [];
  for (const [n, k] of a.terms) {
    const v = values.get(n);
    if (v === undefined) terms.push([n, k]);
    else c += k * v;
  }
  return { c, terms };
}

/**
 * a − b after substitution, when that is a constant; undefined when it is not known. The
 * checker asks this of every index and size it compares, so it walks the two sorted term
 * lists as `sub` does and substitutes on the way, without building either intermediate form.
 */
export function difference(a: Affine, b: Affine, values: ReadonlyMap<string, number>): number | undefined {
  let c = a.c - b.c;
  let i = 0;
  let j = 0;
  while (i < a.terms.length || j < b.terms.length) {
    const x = a.terms[i];
    const y = b.terms[j];
    let name: string;
    let k: number;
    if (y === undefined || (x !== undefined && x[0] < y[0])) {
      name = x[0];
      k = x[1];
      i++;
    } else if (x === undefined || y[0] < x[0]) {
      name = y[0];
      k = -y[1];
      j++;
    } else {
      name = x[0];
      k = x[1] - y[1];
      i++;
      j++;
      if (k === 0) continue;
    }
    const v = values.get(name);
    if (v === undefined) return undefined;
    c += k * v;
  }
  return c;
}

/** True when a and b are equal for every value of the sizes left symbolic. */
export function sameSize(a: Affine, b: Affine, values: ReadonlyMap<string, number>): boolean {
  return difference(a, b, values) === 0;
}

/** Source-like text: `K - 1`, `2*K + D`, `3`. */
export function formatAffine(a: Affine): string {
  const parts: string[] = [];
  for (const [n, k] of a.terms) {
    const mag = Math.abs(k);
    const term = mag === 1 ? n : `${mag}*${n}`;
    if (parts.length === 0) parts.push(k < 0 ? `-${term}` : term);
    else parts.push(k < 0 ? `- ${term}` : `+ ${term}`);
  }
  if (parts.length === 0) return String(a.c);
  if (a.c > 0) parts.push(`+ ${a.c}`);
  if (a.c < 0) parts.push(`- ${-a.c}`);
  return parts.join(" ");
}
