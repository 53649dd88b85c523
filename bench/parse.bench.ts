/**
 * Front-end speed: parse and check a generated 10,000-line model, reporting milliseconds,
 * lines per second and tokens per second. The model repeats the flagship's body (its
 * comments, blank lines and statements, with renamed variables) and chains the blocks
 * together with deterministic definitions, so its lines look like real model lines.
 * Goal: at least 50,000 lines/s.
 */
import { parse } from "../compiler/1-parse/index.js";
import { check, type CheckResult } from "../compiler/2-check/index.js";
import { lexer } from "../grammar/tokens.js";
import { printTable, timeIt } from "./util.js";

function block(i: number): string[] {
  return [
    `  // block ${i}: horseshoe on the gating coefficients`,
    `  tau${i} ~ halfcauchy(1)`,
    `  lambda${i}[k in 1..K-1, j in 1..D] ~ halfcauchy(1)`,
    `  phi${i}[k in 1..K-1, j in 1..D] ~ normal(0, tau${i} * lambda${i}[k, j])`,
    "",
    "  // Gaussian linear experts with a Normal-inverse-gamma prior",
    `  sigma2_${i}[k in 1..K] ~ invgamma(a0, b0)`,
    `  beta${i}[k in 1..K] ~ mvnormal(0, g * sigma2_${i}[k] * I(D))`,
    `  e${i} = dot(beta${i}[1], x) + ${i > 0 ? `e${i - 1}` : "0"} / 2   // feeds the likelihood`,
    "",
  ];
}

/** A valid model of about `lines` lines built from copies of the flagship's statements. */
export function generatedModel(lines: number): string {
  const out = ["model big(K: int = 4, a0: real = 2, b0: real = 1, g: real = 10) {", "  data x: vector[D]", "  data y: real", ""];
  let i = 0;
  while (out.length + 3 < lines) out.push(...block(i++));
  out.push("  z ~ stickbreaking(logistic(phi0 * x))");
  out.push(`  y ~ normal(dot(beta0[z], x) + e${i - 1}, sqrt(sigma2_0[z]))`);
  out.push("}");
  return out.join("\n") + "\n";
}

/** The two stages timed here: parse, then check (no analysis). */
function parseAndCheck(text: string): Pick<CheckResult, "checked" | "diagnostics"> {
  const parsed = parse(text);
  return parsed.model ? check(parsed.model) : { checked: undefined, diagnostics: parsed.diagnostics };
}

export default function run(): void {
  const text = generatedModel(10_000);
  const lines = text.split("\n").length - 1;
  const first = parseAndCheck(text);
  if (!first.checked) throw new Error(`the generated model does not check: ${first.diagnostics[0]?.message}`);
  const t = timeIt((reps) => {
    let n = 0;
    for (let r = 0; r < reps; r++) n += parseAndCheck(text).diagnostics.length;
    return n;
  }, 3);
  const ms = (1000 * t.seconds) / t.calls;
  const tokens = lexer.tokenize(text).tokens.length;
  printTable(
    ["lines", "tokens", "ms per parse+check", "lines/s", "tokens/s", "runs"],
    [[lines, tokens, ms, lines / (ms / 1000), tokens / (ms / 1000), t.calls]],
  );
}
