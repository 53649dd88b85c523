/**
 * When to rejuvenate. Spec §3.7, measured: the particle system locks into a mode in its first
 * 25–75 rows, so checkpoints come every 10 rows up to 100 (nearly free: early sweeps are over
 * few rows), then at doubling row counts (200, 400, …) so the total sweep cost stays at most
 * about twice the last sweep's and the amortised cost per row stays O(N·K·d²); and once more
 * at the end of the data.
 */

/** Checkpoint schedule parameters. */
export interface Schedule {
  /** Sweep every `denseEvery` rows while at most `denseUntil` rows have been seen … */
  denseEvery: number;
  /** … and after that at `denseUntil`·2, ·4, … rows. */
  denseUntil: number;
}

/** The measured default: every 10 rows to 100, then doubling. */
export const DEFAULT_SCHEDULE: Schedule = { denseEvery: 10, denseUntil: 100 };

/** True when a sweep is due after `rows` rows. */
export function isCheckpoint(rows: number, s: Schedule = DEFAULT_SCHEDULE): boolean {
  if (rows <= 0) return false;
  if (rows <= s.denseUntil) return rows % s.denseEvery === 0;
  let c = s.denseUntil;
  while (c < rows) c *= 2;
  return c === rows;
}
