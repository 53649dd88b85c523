/**
 * In-place resampling gather shared by the rule states.
 *
 * The particle-set driver arranges the resampled ancestors so that every particle that survives
 * keeps its own slot (`keepSurvivorsInPlace` in `../pl/particle-set.ts`): for every i, either
 * `ancestors[i] === i` or `ancestors[ancestors[i]] === ancestors[i]`. The source of a copy is
 * then never overwritten, so the dead slots can be filled directly from the survivors, with no
 * spare buffer and no copy of the particles that stay where they are (after a typical resample
 * most of them do).
 */

/**
 * Blocks at least this long are copied by `copyWithin`; shorter ones by a loop, which is faster
 * below the call's fixed cost (measured on Node 20: ~30 ns per call, break-even near 20 doubles).
 */
const COPY_WITHIN_FROM = 20;

/**
 * Resampling: block i of every field becomes block `ancestors[i]`, where a field holds N blocks
 * of equal size (its length / N). Only the slots with `ancestors[i] !== i` are written.
 *
 * Precondition (not checked, O(N) to check): every ancestor is a survivor that keeps its slot,
 * `ancestors[ancestors[i]] === ancestors[i]` for every i. Other vectors copy from slots that may
 * already have been overwritten.
 */
export function gatherInPlace(fields: readonly Float64Array[], ancestors: Int32Array, N: number): void {
  for (const f of fields) {
    const size = f.length / N;
    for (let i = 0; i < N; i++) {
      const a = ancestors[i];
      if (a === i) continue;
      if (size < COPY_WITHIN_FROM) {
        for (let k = 0; k < size; k++) f[i * size + k] = f[a * size + k];
      } else {
        f.copyWithin(i * size, a * size, (a + 1) * size);
      }
    }
  }
}
