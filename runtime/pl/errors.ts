/** Errors of the particle filter: numerical trouble reported as such, never as NaN (DESIGN §5). */

/** Why a filter could not go on. */
export type FilterErrorCode = "all_weights_zero" | "cholesky_failed" | "bad_input" | "bad_snapshot";

/** A problem the filter met while running; `row` is the 1-based data row when known. */
export class FilterError extends Error {
  /**
   * @param code - why the filter could not go on
   * @param message - what happened, for people
   * @param row - the 1-based data row, when known
   */
  constructor(
    readonly code: FilterErrorCode,
    message: string,
    readonly row?: number,
  ) {
    super(message);
    this.name = "FilterError";
  }
}
