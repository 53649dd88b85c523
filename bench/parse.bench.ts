/**
 * Front-end speed: parse and check a generated 10,000-line model (a chain of index families,
 * deterministic definitions and a likelihood), reporting milliseconds and lines per second.
 * Goal: at least 50,000 lines/s.
 */
import { checkSource } from "../compiler/index.js";
import { printTable, timeIt } from "./util.js";

/** A valid model of about `lines` lines that uses every kind of statement and expression. */
export function generatedModel(lines: number): string {
  const out = ["model big(K: int = 4, a0: real = 2, b0: real = 1) {", "  data x: vector[D]", "  data y: real", "  tau ~ halfcauchy(1)"];
  let i = 0;
  while (out.length < lines - 2) {
    out.push(`  // block ${i}`);
    out.push(`  lambda${i}[k in 1..K-1, j in 1..D] ~ halfcauchy(1)`);
    out.push(`  phi${i}[k in 1..K-1, j in 1..D] ~ normal(0, tau * lambda${i}[k, j])`);
    out.push(`  s${i}[k in 1..K] ~ invgamma(a0, b0 + ${i % 7})`);
    out.push(`  beta${i}[k in 1..K] ~ mvnormal(0, 10 * s${i}[k] * I(D))`);
    out.push(`  e${i} = dot(beta${i}[1], x) + ${i > 0 ? `e${i - 1}` : "0"} / 2`);
    i++;
  }
  out.push("  z ~ stickbreaking(logistic(phi0 * x))");
  out.push(`  y ~ normal(dot(beta0[z], x) + e${i - 1}, sqrt(s0[z]))`);
  out.push("}");
  return out.join("\n") + "\n";
}

export default function run(): void {
  const text = generatedModel(10_000);
  const lines = text.split("\n").length - 1;
  const first = checkSource(text);
  if (!first.checked) throw new Error(`the generated model does not check: ${first.diagnostics[0]?.message}`);
  const t = timeIt((reps) => {
    let n = 0;
    for (let r = 0; r < reps; r++) n += checkSource(text).diagnostics.length;
    return n;
  }, 3);
  const ms = (1000 * t.seconds) / t.calls;
  printTable(["lines", "ms per parse+check", "lines/s", "runs"], [[lines, ms, lines / (ms / 1000), t.calls]]);
}
