/**
 * `hsmoe route` (issue 14, DESIGN §3, spec §3.9): per row of a CSV, the top experts by the lower
 * bound of their gate probability, from a saved fit's particles or from a router it exported
 * (`--export`: posterior draws of the gate, no experts, a few kilobytes). From a saved fit, rows
 * that carry the response are also scored: the coverage–risk curve of selective prediction.
 */
import { checkRouter, routeWith, type Route, type RouterJson } from "../runtime/pl/router.js";
import { CoverageRisk, type ScoredRow } from "../runtime/pl/selective.js";
import { FilterError } from "../runtime/pl/errors.js";
import type { ResponseKind } from "../runtime/rules/roles.js";
import type { InputColumns, InputSpec } from "./data/csv.js";
import { fmt, loadState, sameColumns, streamData } from "./fit.js";
import { checkOutputs, type Io, MAX_STATE_BYTES, readTextFile, UsageError, writeFileAtomic } from "./io.js";
import { StateError } from "./state.js";

/** A router file: what `exportRouter` gives, with the model's name and the columns its input reads, so rows are read as the fit read them. */
export interface RouterFile extends RouterJson {
  /** The model's name. */
  model: string;
  /** The gate's input and the CSV columns it reads, in order. */
  input: InputColumns;
}

/** How a router file begins (`--export` writes `kind` first): tells it from a saved state without parsing a state twice. */
const ROUTER_HEAD = /^\s*\{\s*"kind"\s*:\s*"hsmoe-router"/;

/** What routes the rows: a saved fit's particles or a router's draws. */
interface Routes {
  model: string;
  K: number;
  inputs: InputSpec[];
  response?: string;
  responseKind?: ResponseKind;
  route(x: Float64Array, k: number, alpha: number): Route;
  /** A saved fit scores rows that carry the response; a router has no experts to score with. */
  score?(x: Float64Array, y: number, alpha: number): ScoredRow;
}

/** @throws StateError unless the text is a router file `--export` wrote. */
function parseRouter(text: string, path: string): RouterFile {
  const corrupt = (why: string) => new StateError(`corrupt router ${path}: ${why}`);
  let doc: RouterFile;
  try {
    doc = JSON.parse(text) as RouterFile;
  } catch {
    throw corrupt("not JSON");
  }
  try {
    checkRouter(doc);
  } catch (e) {
    if (e instanceof FilterError) throw corrupt("its draws do not fit together");
    throw e;
  }
  const input = doc.input as Partial<InputColumns> | undefined;
  if (typeof doc.model !== "string" || typeof input?.name !== "string" || !Array.isArray(input.columns) || input.columns.length !== doc.d || !input.columns.every((c) => typeof c === "string")) {
    throw corrupt("it does not name its model and the columns its input reads");
  }
  return doc;
}

/** The routes of a file: a router when it begins as one, else a saved state. */
function loadRoutes(path: string): Routes {
  const text = readTextFile(path, "saved state or router", MAX_STATE_BYTES);
  if (ROUTER_HEAD.test(text.slice(0, 256))) {
    const router = parseRouter(text, path);
    return {
      model: router.model,
      K: router.K,
      inputs: [{ name: router.input.name, columns: router.input.columns }],
      route: (x, k, alpha) => routeWith(router, x, { k, alpha }),
    };
  }
  const { model, filter: f, inputs } = loadState(path, text);
  return {
    model: model.plan.model,
    K: f.filter.K,
    inputs: sameColumns(inputs),
    response: model.plan.response,
    responseKind: model.plan.responseKind,
    route: (x, k, alpha) => f.filter.route(x, { k, alpha }),
    score: (x, y, alpha) => f.filter.selectiveScore(x, y, alpha),
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
  const file: RouterFile = { ...f.exportRouter(draws, seed), model: model.plan.model, input: inputs[0] };
  writeFileAtomic(out, [JSON.stringify(file) + "\n"]);
  io.stderr(`wrote ${out}: ${draws} draws of the gate of ${file.K} experts over ${file.d} inputs\n`);
  return 0;
}
