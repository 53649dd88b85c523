/**
 * The messages between the playground page and its fit worker. Types only: both sides import
 * them with `import type`, so nothing of this file reaches the bundles.
 */
import type { RouterJson } from "../../index.js";

/** Page → worker: fit this model to this CSV text. */
export interface FitRequest {
  source: string;
  hypers: Record<string, number>;
  /** File name shown in data errors. */
  file: string;
  csv: string;
  particles: number;
  seed: number;
  /** Rows between two reports of the predictive band. */
  every: number;
  /** Points of the input grid the band is evaluated on. */
  gridSize: number;
}

/** The posterior predictive on the grid: mean and the 5, 25, 75 and 95 % quantiles. */
export interface BandPoint {
  x: number;
  mean: number;
  q05: number;
  q25: number;
  q75: number;
  q95: number;
}

/** Worker → page, once the data are read: the points to draw and what the axes are. */
export interface StartMessage {
  type: "start";
  n: number;
  /** Name of the plotted input column, and of the other varying inputs, held at their mean on the grid. */
  column: string;
  heldAtMean: string[];
  response: string;
  /** The plotted column and the response of every row, in stream order. */
  xs: number[];
  ys: number[];
  /** Every input column's mean, and the plotted column's index: the row a point picked on the plot is. */
  means: number[];
  at: number;
}

/** Worker → page, every `every` rows and after the last: the filter's state. */
export interface ProgressMessage {
  type: "progress";
  rows: number;
  logEvidence: number;
  logEvidenceSE: number;
  ess: number;
  band: BandPoint[];
}

/** Worker → page: the fit ended; `seconds` is its wall time including the reports. */
export interface DoneMessage {
  type: "done";
  seconds: number;
  /** Posterior draws of the gate, which route a picked point on the page; null with why when the model's gate cannot be exported. */
  router: RouterJson | null;
  routerProblem?: string;
}

/** Worker → page: the model or the data were rejected, or the filter failed. */
export interface ErrorMessage {
  type: "error";
  message: string;
}

/** Everything the worker posts. */
export type WorkerMessage = StartMessage | ProgressMessage | DoneMessage | ErrorMessage;
