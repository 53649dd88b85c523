/**
 * The playground's plot: the data as points (the rows the filter has seen dark, the rest
 * faint), the posterior predictive mean as a line, and its 50 % and 90 % bands. Vega renders it
 * as SVG; vega.min.js is loaded by the page as a classic script (the bundle script copies it
 * next to the bundles), so only its types are imported here.
 */
import type { Spec, View } from "vega";
import type { ProgressMessage, StartMessage } from "./protocol.js";

/** The global that vega.min.js defines. */
declare const vega: typeof import("vega");

const x = { scale: "x", field: "x" };
const spec: Spec = {
  width: 640,
  height: 380,
  padding: 8,
  // resize: the axes grow labels and titles once data arrive, and the layout must make room.
  autosize: { type: "fit", contains: "padding", resize: true },
  signals: [
    { name: "xTitle", value: "x" },
    { name: "yTitle", value: "y" },
    { name: "seen", value: 0 },
    // the input value a click picks, read by the page; and the one it routed, drawn as a rule
    { name: "pick", value: null, on: [{ events: "click", update: "invert('x', clamp(x(), 0, width))", force: true }] },
    { name: "picked", value: null },
  ],
  // Mark names double as data-set names in Vega, so the data sets are named apart from the marks.
  data: [{ name: "rows" }, { name: "grid" }],
  scales: [
    { name: "x", type: "linear", domain: { data: "rows", field: "x" }, range: "width", zero: false, nice: true },
    {
      name: "y",
      type: "linear",
      domain: { fields: [{ data: "rows", field: "y" }, { data: "grid", field: "q05" }, { data: "grid", field: "q95" }] },
      range: "height",
      zero: false,
      nice: true,
    },
  ],
  axes: [
    { orient: "bottom", scale: "x", title: { signal: "xTitle" } },
    { orient: "left", scale: "y", title: { signal: "yTitle" } },
  ],
  // The mark names become CSS classes of the SVG groups (`.band90 path`), which the browser
  // test reads to see the plot change.
  marks: [
    {
      type: "area",
      name: "band90",
      from: { data: "grid" },
      encode: { update: { x, y: { scale: "y", field: "q05" }, y2: { scale: "y", field: "q95" }, fill: { value: "#9ecae1" }, fillOpacity: { value: 0.55 } } },
    },
    {
      type: "area",
      name: "band50",
      from: { data: "grid" },
      encode: { update: { x, y: { scale: "y", field: "q25" }, y2: { scale: "y", field: "q75" }, fill: { value: "#4292c6" }, fillOpacity: { value: 0.55 } } },
    },
    {
      type: "symbol",
      name: "points",
      from: { data: "rows" },
      encode: {
        update: { x, y: { scale: "y", field: "y" }, size: { value: 9 }, fill: { value: "#222" }, opacity: { signal: "datum.row < seen ? 0.7 : 0.12" } },
      },
    },
    {
      type: "rule",
      name: "pickRule",
      clip: true,
      encode: {
        update: { x: { scale: "x", signal: "picked === null ? 0 : picked" }, y: { value: 0 }, y2: { signal: "height" }, stroke: { value: "#e45756" }, strokeWidth: { value: 1.5 }, opacity: { signal: "picked === null ? 0 : 1" } },
      },
    },
    {
      type: "line",
      name: "mean",
      from: { data: "grid" },
      encode: { update: { x, y: { scale: "y", field: "mean" }, stroke: { value: "#08306b" }, strokeWidth: { value: 2 } } },
    },
  ],
};

/** A Vega view of one fit's data and its latest predictive band. */
export class Plot {
  /** Updates run one after another: a report may arrive while the last one still renders. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly view: View) {}

  /** Renders an empty plot into `container`. */
  static async create(container: HTMLElement): Promise<Plot> {
    const view = new vega.View(vega.parse(spec), { renderer: "svg", container, hover: false });
    await view.runAsync();
    return new Plot(view);
  }

  /** Shows a new fit's data, none of it seen yet, and clears the band. */
  start(message: StartMessage): Promise<unknown> {
    const rows = message.xs.map((x, row) => ({ row, x, y: message.ys[row] }));
    const title = message.heldAtMean.length > 0 ? `${message.column} (${message.heldAtMean.join(", ")} at their mean)` : message.column;
    return this.enqueue((v) => v.signal("xTitle", title).signal("yTitle", message.response).signal("seen", 0).signal("picked", null).data("rows", rows).data("grid", []));
  }

  /** Draws the latest band and darkens the rows seen so far. */
  progress(message: ProgressMessage): Promise<unknown> {
    return this.enqueue((v) => v.signal("seen", message.rows).data("grid", message.band));
  }

  /** Calls `listener` with the input value of each click on the plot. */
  onPick(listener: (at: number) => void): void {
    this.view.addSignalListener("pick", (_name, value: unknown) => {
      if (typeof value === "number" && Number.isFinite(value)) listener(value);
    });
  }

  /** Marks the routed input value with a vertical rule (null: none). */
  showPick(at: number | null): Promise<unknown> {
    return this.enqueue((v) => v.signal("picked", at));
  }

  private enqueue(change: (view: View) => View): Promise<unknown> {
    const next = this.queue.then(() => change(this.view).runAsync());
    // The caller sees a failure; the queue goes on to the next update regardless.
    this.queue = next.catch(() => undefined);
    return next;
  }
}
