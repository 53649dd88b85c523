/**
 * `hsmoe route` (issue 14, DESIGN §3, spec §3.9): per row of a CSV, the top experts by the lower
 * bound of their gate probability, from a saved fit's particles or from a router it exported
 * (`--export`: posterior draws of the gate, no experts; 21 kB for 256 draws of three experts over
 * two inputs). From a saved fit, rows
 * that carry the response are also scored: the coverage–risk curve of selective prediction.
 */
import { routerFrom, type Route, type RouterJson } from "../runtime/pl/router.js";
import { CoverageRisk, type ScoredRow } from "../runtime/pl/selective.js";
import { FilterError } from "../runtime/pl/errors.js";
import type { ResponseKind } from "../runtime/rules/roles.js";
import type { InputColumns, InputSpec } from "./data/csv.js";
import { fmt, loadState, sameColumns, streamData } from "./fit.js";
import { checkOutputs, type Io, MAX_STATE_BYTES, readTextFile, UsageError, writeFileAtomic } from "./io.js";
import { checkState, isColumnList, StateError } from "./state.js";

/** A router file: what `exportRouter` gives, with the model's name and the columns its input reads, so rows are read as the fit read them. */
export interface RouterFile extends RouterJson {
  /** The model's name. */
  model: string;
  /** The gate's input and the CSV columns it reads, in order. */
  input: InputColumns;
}

/** The most numbers a router file holds: about 200 MB of JSON, below what route reads. */
const MAX_ROUTER_NUMBERS = 10_000_000;

/** What routes the rows: a saved fit's particles or a router's draws. */
interface Routes {
  model: string;
  K: number;
  inputs: InputSpec[];
  response?: string;
  responseKind?: ResponseKind;
  route(x: Float64Array, k: number, alpha: number): Route;
  /** A saved fit whose routes depend on the input scores rows that carry the response; a router has no experts to score with. */
  score?(x: Float64Array, y: number, alpha: number): ScoredRow;
}

/** @throws StateError unless the document is a router file `--export` wrote. */
function checkRouterFile(doc: Record<string, unknown>, path: string): RouterFile {
  const corrupt = (why: string) => new StateError(`corrupt router ${path}: ${why}`);
  const input = doc.input as Partial<InputColumns> | undefined;
  const columns = input?.columns;
  if (typeof doc.model !== "string" || typeof input?.name !== "string" || !isColumnList(columns) || columns.length !== doc.d) {
    throw corrupt("it does not name its model and the columns its input reads");
  }
  if (columns.some((c) => c === "") || new Set(columns).size !== columns.length) throw corrupt("its input's columns are not distinct names");
  return doc as unknown as RouterFile;
}

/** The routes of a file: a router (`kind` "hsmoe-router") or a saved state, parsed once. */
function loadRoutes(path: string): Routes {
  const text = readTextFile(path, "saved state or router", MAX_STATE_BYTES);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new StateError(`corrupt state ${path}: it is not JSON (truncated or damaged?)`);
  }
  if (typeof doc === "object" && doc !== null && (doc as { kind?: unknown }).kind === "hsmoe-router") {
    const file = checkRouterFile(doc as Record<string, unknown>, path);
    let route: ReturnType<typeof routerFrom>;
    try {
      route = routerFrom(file);
    } catch (e) {
      if (e instanceof FilterError) throw new StateError(`corrupt router ${path}: its draws do not fit together`);
      throw e;
    }
    return { model: file.model, K: file.K, inputs: [{ name: file.input.name, columns: file.input.columns }], route: (x, k, alpha) => route(x, { k, alpha }) };
  }
  const { model, filter: f, inputs } = loadState(path, checkState(doc, path));
  return {
    model: model.plan.model,
    K: f.filter.K,
    inputs: sameColumns(inputs),
    response: model.plan.response,
    responseKind: model.plan.responseKind,
    route: (x, k, alpha) => f.filter.route(x, { k, alpha }),
    ...(f.filter.routesByInput ? { score: (x: Float64Array, y: number, alpha: number) => f.filter.selectiveScore(x, y, alpha) } : {}),
  };
}

/**
 * Runs `hsmoe route`: per row of the file, the `top` experts ranked by the lower bound mean −
 * α·sd of their gate probability (spec §3.9), each with its mean, sd and 90 % interval, the
 * routing entropy and whether the route is uncertain; streamed row by row, as predict is. From a
 * saved fit, rows with the response give the coverage–risk curve after the rows.
 */
export async function routeCommand(path: string, dataPath: string, top: number, alpha: number, json: boolean, io: Io): Promise<number> {
  const r = loadRoutes(path);
  if (top > r.K) throw new UsageError(`--top ${top} is more than the fit's ${r.K === 1 ? "one expert" : `${r.K} experts`}`);
  const options = { inputs: r.inputs, response: r.response, responseOptional: true, responseKind: r.responseKind };
  const shape = await streamData(dataPath, options);
  const curve = r.score && shape.hasResponse ? new CoverageRisk() : undefined;
  let n = 0;
  io.stdout(json ? `{\n  "model": ${JSON.stringify(r.model)},\n  "alpha": ${JSON.stringify(alpha)},\n  "rows": [` : ["row", ...Array.from({ length: top }, (_, q) => `rank ${q + 1}: expert mean [90 % interval]`), "entropy", "uncertain"].join("\t") + "\n");
  await streamData(dataPath, options, (x, y, line) => {
    let route: Route;
    try {
      route = r.route(x, top, alpha);
      if (curve) {
        const s = r.score!(x, y, alpha);
        curve.add(s.confidence, s.logDensity, s.squaredError);
      }
    } catch (e) {
      if (e instanceof FilterError) throw new FilterError(e.code, `${dataPath}:${line}: row ${n + 1}: ${e.message}`, n + 1);
      throw e;
    }
    n++;
    if (json) io.stdout(`${n > 1 ? "," : ""}\n    ${JSON.stringify(route)}`);
    else io.stdout([n, ...route.top.map((e) => `${e.expert} ${fmt(e.mean, 3)} [${fmt(e.interval[0], 3)}, ${fmt(e.interval[1], 3)}]`), fmt(route.entropy, 3), route.uncertain ? "yes" : "no"].join("\t") + "\n");
  }, undefined, shape);
  const points = curve?.curve();
  if (json) {
    io.stdout(`\n  ],\n  "n": ${n}${points ? `,\n  "selective": ${JSON.stringify(points)}` : ""}\n}\n`);
  } else if (points) {
    io.stdout(`\ncoverage–risk: the rows whose top expert's mean − ${alpha}·sd is highest first\ncoverage\trows\tconfidence ≥\tlpd\tRMSE\n`);
    for (const p of points) io.stdout(`${Math.round(100 * p.coverage)} %\t${p.rows}\t${fmt(p.threshold, 3)}\t${fmt(p.lpd, 4)}\t${fmt(p.rmse, 4)}\n`);
  }
  return 0;
}

/** Runs `hsmoe route STATE.json --export ROUTER.json`: `draws` posterior draws of the gate with their stable labels, written atomically. */
export function exportRouterCommand(statePath: string, out: string, draws: number, seed: number, io: Io): number {
  checkOutputs({ state: statePath }, { "--export": out });
  const { model, filter: f, inputs } = loadState(statePath);
  // about 21 bytes a number: keep the file readable by route (and by JSON.stringify)
  const numbers = draws * (f.filter.K + (f.filter.sets[0].state.gate.rows * f.filter.D));
  if (numbers > MAX_ROUTER_NUMBERS) throw new UsageError(`--draws ${draws}: the router would hold ${numbers} numbers, more than ${MAX_ROUTER_NUMBERS}; ask for at most ${Math.floor((MAX_ROUTER_NUMBERS / numbers) * draws)} draws`);
  const file: RouterFile = { ...f.exportRouter(draws, seed), model: model.plan.model, input: inputs[0] };
  writeFileAtomic(out, [JSON.stringify(file) + "\n"], MAX_STATE_BYTES);
  io.stderr(`wrote ${out}: ${draws} draws of the gate of ${file.K} experts over ${file.d} inputs\n`);
  return 0;
}
