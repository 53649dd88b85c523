/**
 * The playground page: edit a model and see its diagnostics as you type, load a CSV, and fit.
 *
 * Checking runs here, on the main thread, a short pause after the last keystroke: compiling a
 * model takes milliseconds. Fitting runs in a Web Worker (worker.ts), which posts the growing
 * fit every few dozen rows; the page only draws. A new fit, or Stop, terminates the worker.
 */
import { compile, diagnosticToJson, DiagnosticError, routerFrom, type DiagnosticJson, type RouteFn, type RouterJson } from "../../index.js";
import { Editor, type LineMark } from "./editor.js";
import { Plot } from "./plot.js";
import type { FitRequest, StartMessage, WorkerMessage } from "./protocol.js";

/** Pause after the last keystroke before the model is checked again. */
const CHECK_DELAY_MS = 250;
/** Points of the input grid the predictive band is drawn on. */
const GRID_SIZE = 40;
const SAMPLE = { file: "piecewise-train.csv", url: "../data/piecewise-train.csv" };
const MODEL_URL = "../../stdlib/hsmoe.moe";

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id}`);
  return found as T;
}

const editor = new Editor(element<HTMLTextAreaElement>("source"), element("gutter"));
const hypersInput = element<HTMLInputElement>("hypers");
const particlesInput = element<HTMLInputElement>("particles");
const seedInput = element<HTMLInputElement>("seed");
const everyInput = element<HTMLInputElement>("every");
const checkStatus = element("check-status");
const diagnosticsList = element<HTMLUListElement>("diagnostics");
const fileInput = element<HTMLInputElement>("csv-file");
const sampleButton = element<HTMLButtonElement>("load-sample");
const dataLabel = element("data-label");
const fitButton = element<HTMLButtonElement>("fit");
const stopButton = element<HTMLButtonElement>("stop");
const status = element("status");
const progress = element<HTMLProgressElement>("progress");
const stats = element("stats");
const routeAt = element<HTMLInputElement>("route-at");
const routeK = element<HTMLInputElement>("route-k");
const routeAlpha = element<HTMLInputElement>("route-alpha");
const routeColumn = element("route-column");
const routeStatus = element("route-status");
const routeTable = element<HTMLTableElement>("route");

let data: { file: string; text: string } | undefined;
let modelOk = false;
let worker: Worker | undefined;
let checkTimer: ReturnType<typeof setTimeout> | undefined;
/** The finished fit's router and the row a picked value becomes (the other inputs at their means). */
let routing: { route: RouteFn; K: number; draws: number; means: number[]; at: number } | undefined;

/** `K=3, g=10` (commas or spaces between) → values; a malformed entry is reported by name. */
function parseHypers(text: string): Record<string, number> {
  const values: Record<string, number> = {};
  const entries = text.replace(/\s*=\s*/g, "=").split(/[\s,;]+/);
  for (const entry of entries.filter((e) => e !== "")) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.+)$/.exec(entry);
    const value = m ? Number(m[2]) : NaN;
    if (!m || !Number.isFinite(value)) throw new Error(`hyperparameters: expected NAME=NUMBER, got '${entry}'`);
    values[m[1]] = value;
  }
  return values;
}

/** Compiles the model with the hyperparameters and shows what the compiler says. */
function check(): void {
  clearTimeout(checkTimer);
  let diagnostics: DiagnosticJson[] = [];
  let spans: { start: number; end: number }[] = [];
  try {
    const model = compile(editor.text, parseHypers(hypersInput.value), { file: "model.moe" });
    const hypers = Object.entries(model.plan.hypers).map(([name, value]) => `${name}=${value}`);
    checkStatus.textContent = `compiles: ${model.plan.model}(${hypers.join(", ")}), ${model.plan.experts} experts`;
    checkStatus.dataset.state = "ok";
    modelOk = true;
  } catch (error) {
    modelOk = false;
    checkStatus.dataset.state = "error";
    if (error instanceof DiagnosticError) {
      diagnostics = error.diagnostics.map((d) => diagnosticToJson(d, error.source));
      spans = error.diagnostics.map((d) => d.span);
      const errors = diagnostics.filter((d) => d.severity === "error").length;
      checkStatus.textContent = `${errors} error${errors === 1 ? "" : "s"}`;
    } else {
      checkStatus.textContent = error instanceof Error ? error.message : String(error);
    }
  }
  showDiagnostics(diagnostics, spans);
  updateButtons();
}

/** Severity order: a gutter row shows the worst diagnostic on its line. */
const RANK = { error: 0, warning: 1, note: 2 } as const;

function showDiagnostics(diagnostics: DiagnosticJson[], spans: { start: number; end: number }[]): void {
  const marks = new Map<number, LineMark>();
  const items = diagnostics.map((d, i) => {
    const severity = d.severity as LineMark["severity"];
    const text = `${d.severity}[${d.code}]: ${d.message}`;
    const previous = marks.get(d.startLine);
    marks.set(d.startLine, {
      severity: previous && RANK[previous.severity] < RANK[severity] ? previous.severity : severity,
      message: previous ? `${previous.message}\n${text}` : text,
    });

    // Built from text nodes: messages quote the model's own text.
    const item = document.createElement("li");
    item.className = d.severity;
    const where = document.createElement("button");
    where.type = "button";
    where.className = "where";
    where.textContent = `${d.startLine}:${d.startColumn}`;
    where.title = "select in the editor";
    where.addEventListener("click", () => editor.select(spans[i].start, spans[i].end));
    const code = document.createElement("code");
    code.textContent = `${d.severity}[${d.code}]`;
    item.append(where, " ", code, ` ${d.message}`);
    if (d.hint) {
      const hint = document.createElement("div");
      hint.className = "hint";
      hint.textContent = `hint: ${d.hint}`;
      item.append(hint);
    }
    return item;
  });
  diagnosticsList.replaceChildren(...items);
  editor.mark(marks);
}

function scheduleCheck(): void {
  clearTimeout(checkTimer);
  checkTimer = setTimeout(check, CHECK_DELAY_MS);
}

function setData(file: string, text: string): void {
  data = { file, text };
  const rows = text.split("\n").filter((l) => l.trim() !== "").length - 1;
  dataLabel.textContent = `${file}: ${rows} rows`;
  updateButtons();
}

function updateButtons(): void {
  fitButton.disabled = !modelOk || data === undefined || worker !== undefined;
  stopButton.disabled = worker === undefined;
}

function setStatus(state: "idle" | "fitting" | "done" | "error", text: string): void {
  status.dataset.state = state;
  status.textContent = text;
}

function formatNumber(v: number, digits: number): string {
  return Number.isFinite(v) ? v.toFixed(digits) : String(v);
}

function stopWorker(): void {
  worker?.terminate();
  worker = undefined;
  updateButtons();
}

/** A whole number of at least `min` from a number field, or an error naming the field. */
function wholeNumber(input: HTMLInputElement, min = -Infinity): number {
  const value = input.valueAsNumber;
  if (!Number.isInteger(value) || value < min) throw new Error(`${input.name}: expected a whole number${min > -Infinity ? ` of at least ${min}` : ""}`);
  return value;
}

function startFit(plot: Plot): void {
  check();
  if (!modelOk || !data) return;
  stopWorker();
  // the last fit's router goes with its plot: a new fit, even one that fails, drops it
  setRouting(plot, undefined, null);
  const request: FitRequest = {
    source: editor.text,
    hypers: parseHypers(hypersInput.value),
    file: data.file,
    csv: data.text,
    particles: wholeNumber(particlesInput, 1),
    seed: wholeNumber(seedInput),
    every: wholeNumber(everyInput, 1),
    gridSize: GRID_SIZE,
  };
  const fitWorker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
  worker = fitWorker;
  let total = 0;
  let start: StartMessage | undefined;
  const fail = (message: string) => {
    setStatus("error", message);
    stopWorker();
  };
  fitWorker.onmessage = (event: MessageEvent<WorkerMessage>) => {
    // A message posted before terminate() may still arrive; only the current fit draws.
    if (worker !== fitWorker) return;
    const m = event.data;
    switch (m.type) {
      case "start":
        start = m;
        total = m.n;
        progress.max = m.n;
        progress.value = 0;
        setStatus("fitting", `fitting: 0 / ${m.n} rows`);
        plot.start(m).catch((e: unknown) => fail(String(e)));
        break;
      case "progress":
        progress.value = m.rows;
        setStatus("fitting", `fitting: ${m.rows} / ${total} rows`);
        stats.textContent = `log evidence ${formatNumber(m.logEvidence, 1)} ± ${formatNumber(m.logEvidenceSE, 1)} · ESS ${formatNumber(m.ess, 0)} of ${request.particles}`;
        plot.progress(m).catch((e: unknown) => fail(String(e)));
        break;
      case "done":
        setStatus("done", `done: ${total} rows in ${m.seconds.toFixed(1)} s`);
        stopWorker();
        setRouting(plot, start, m.router, m.routerProblem && `no route: ${m.routerProblem}`);
        break;
      case "error":
        fail(m.message);
        break;
    }
  };
  fitWorker.onerror = (event) => fail(`the fit worker failed: ${event.message}`);
  setStatus("fitting", "reading the data…");
  stats.textContent = "";
  progress.removeAttribute("value");
  updateButtons();
  fitWorker.postMessage(request);
}

/** Ready to route once a fit is done: the router, or why there is none. */
function setRouting(plot: Plot, start: StartMessage | undefined, router: RouterJson | null, problem?: string): void {
  routing = start && router ? { route: routerFrom(router), K: router.K, draws: router.order.length / router.K, means: start.means, at: start.at } : undefined;
  plot.showPick(null).catch((e: unknown) => setStatus("error", String(e)));
  for (const input of [routeAt, routeK, routeAlpha]) input.disabled = routing === undefined;
  routeTable.hidden = true;
  routeStatus.dataset.state = "";
  if (start) routeColumn.textContent = start.column;
  if (routing) {
    routeK.max = String(routing.K);
    routeStatus.textContent = `click the plot or type a value: the experts are routed from ${routing.draws} posterior draws of the gate`;
  } else {
    routeStatus.textContent = problem ?? "fit a model, then click the plot or type a value";
  }
}

/** Routes the value in the route field (spec §3.9) and shows the top experts with their intervals. */
function showRoute(plot: Plot): void {
  if (!routing) return;
  const at = routeAt.valueAsNumber;
  if (!Number.isFinite(at)) return;
  const { K, means } = routing;
  const k = routeK.valueAsNumber;
  const alpha = routeAlpha.valueAsNumber;
  const x = Float64Array.from(means);
  x[routing.at] = at;
  let route: ReturnType<RouteFn>;
  try {
    if (!(Number.isInteger(k) && k >= 1 && k <= K)) throw new Error(`top: expected a whole number from 1 to ${K}`);
    if (!(Number.isFinite(alpha) && alpha >= 0)) throw new Error("α: expected a number of at least 0");
    route = routing.route(x, { k, alpha });
  } catch (error) {
    routeTable.hidden = true;
    routeStatus.dataset.state = "uncertain";
    routeStatus.textContent = error instanceof Error ? error.message : String(error);
    plot.showPick(null).catch((e: unknown) => setStatus("error", String(e)));
    return;
  }
  const rows = route.top.map((e, r) => {
    const row = document.createElement("tr");
    const cells = [String(r + 1), String(e.expert), e.mean.toFixed(3), `[${e.interval[0].toFixed(3)}, ${e.interval[1].toFixed(3)}]`, e.bound.toFixed(3)].map((text) => {
      const cell = document.createElement("td");
      cell.textContent = text;
      return cell;
    });
    const bar = document.createElement("div");
    bar.className = "bar";
    const mean = document.createElement("span");
    mean.className = "mean";
    mean.style.width = `${(100 * e.mean).toFixed(1)}%`;
    const interval = document.createElement("span");
    interval.className = "interval";
    interval.style.left = `${(100 * e.interval[0]).toFixed(1)}%`;
    interval.style.width = `${(100 * (e.interval[1] - e.interval[0])).toFixed(1)}%`;
    bar.append(mean, interval);
    const barCell = document.createElement("td");
    barCell.append(bar);
    row.append(...cells, barCell);
    return row;
  });
  routeTable.tBodies[0].replaceChildren(...rows);
  routeTable.hidden = false;
  const cut = k < K ? (route.uncertain ? `uncertain: the 90 % intervals of the ${ordinal(k)} and ${ordinal(k + 1)} experts overlap` : `sure: the ${ordinal(k)} expert's interval lies above the next one's`) : "every expert is routed to";
  routeStatus.dataset.state = route.uncertain ? "uncertain" : "sure";
  routeStatus.textContent = `${cut} · routing entropy ${route.entropy.toFixed(3)} nats`;
  plot.showPick(at).catch((e: unknown) => setStatus("error", String(e)));
}

function ordinal(n: number): string {
  const tail = n % 100 >= 11 && n % 100 <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${tail}`;
}

async function fetchText(url: string): Promise<string> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status} ${response.statusText}`);
  return response.text();
}

/** Runs an event handler, showing what it throws (or rejects with) in the status line. */
function guarded(handler: () => unknown): () => void {
  const show = (error: unknown) => setStatus("error", error instanceof Error ? error.message : String(error));
  return () => {
    try {
      Promise.resolve(handler()).catch(show);
    } catch (error) {
      show(error);
    }
  };
}

async function main(): Promise<void> {
  const plot = await Plot.create(element("plot"));
  editor.textarea.addEventListener("input", scheduleCheck);
  hypersInput.addEventListener("input", scheduleCheck);
  fileInput.addEventListener(
    "change",
    guarded(async () => {
      const file = fileInput.files?.[0];
      if (file) setData(file.name, await file.text());
    }),
  );
  sampleButton.addEventListener(
    "click",
    guarded(async () => {
      setData(SAMPLE.file, await fetchText(SAMPLE.url));
      fileInput.value = ""; // else the file input still names the file no longer in use
    }),
  );
  fitButton.addEventListener("click", guarded(() => startFit(plot)));
  plot.onPick((at) => {
    if (!routing) return;
    routeAt.value = at.toPrecision(4);
    showRoute(plot);
  });
  for (const input of [routeAt, routeK, routeAlpha]) input.addEventListener("input", guarded(() => showRoute(plot)));
  stopButton.addEventListener(
    "click",
    guarded(() => {
      stopWorker();
      setStatus("idle", "stopped");
    }),
  );
  sampleButton.textContent = `Load sample (${SAMPLE.file})`;
  editor.text = await fetchText(MODEL_URL);
  check();
  setStatus("idle", "load data and press Fit");
}

guarded(main)();
