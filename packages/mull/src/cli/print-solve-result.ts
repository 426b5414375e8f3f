import { totalTokens } from "../budget/index.ts";
import type { BackendDescription, SolveResult } from "../spec/index.ts";
import { findStrategyEntry, splitModelRoute } from "../strategies/index.ts";
import { counted } from "./counted.ts";
import { solveSummary } from "./solve-summary.ts";

/** How `printSolveResult` prints, and what it says the run ran on. */
export interface PrintSolveResultOptions {
  /** Print one JSON object (`solveSummary`) instead of the answer and a summary (`--json`). */
  readonly json: boolean;
  /** The run's seed, in the JSON object. */
  readonly seed: number;
  /** The backend of the main model, in the JSON object; its model is named in the summary. */
  readonly backend: BackendDescription;
  /** The strategy spec as run (`--strategy`, completed by `--n`). */
  readonly spec: string;
  /** The route a routing spec written without one runs on (`--small-model`, then the main model). */
  readonly defaultRoute: readonly string[] | undefined;
}

/**
 * Prints what `mull solve` found. With `json`, one JSON object on standard output (`solveSummary`, with the
 * seed and the backend). Otherwise the answer (`(no answer)` for none) on standard output, and on standard
 * error a line naming the strategy, the model it ran on (a routing strategy's route, `lab-small>lab-large`),
 * its candidates, tokens, calls and stop reason, a line per model where several generated, and without an
 * answer the run's first five notes, which say why. Either way a warning goes to standard error when every
 * sample stopped at the token limit: the answer was read from cut text.
 *
 * @example
 * printSolveResult(result, { json: false, seed: 0, backend: backend.describe(), spec: "sc@8", defaultRoute: undefined });
 */
export function printSolveResult(result: SolveResult, options: PrintSolveResultOptions): void {
  // An answer read from samples that all ran out of tokens is read from cut text: say so.
  const cut = result.candidates.filter((candidate) => candidate.finishReason === "length").length;
  if (cut > 0 && cut === result.candidates.length) {
    process.stderr.write(
      `mull: warning: all ${counted(cut, "sample")} stopped at the token limit before finishing (finish reason length); ` +
        `the answer was read from cut text: raise --max-tokens\n`,
    );
  }
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify(solveSummary(result, { seed: options.seed, backend: options.backend }), null, 2)}\n`,
    );
    return;
  }
  const tokens = totalTokens(result.usage);
  // A routing strategy runs on its route (`lab-small>lab-large`), any other on the main model.
  const route = findStrategyEntry(options.spec)?.entry.needs.includes("models")
    ? (splitModelRoute(options.spec).route ?? options.defaultRoute)
    : undefined;
  process.stdout.write(`${result.answer ?? "(no answer)"}\n`);
  process.stderr.write(
    `${result.strategy} on ${route?.join(">") ?? options.backend.model}: ${counted(result.candidates.length, "candidate")}, ` +
      `${tokens ?? "unknown"} tokens, ${counted(result.usage.calls, "call")}, stopped by ${result.stoppedBy}` +
      `${result.partial ? " (best so far)" : ""}\n`,
  );
  for (const [model, usage] of Object.entries(result.usageByModel ?? {})) {
    process.stderr.write(
      `  ${model}: ${totalTokens(usage) ?? "unknown"} tokens, ${counted(usage.calls, "call")}\n`,
    );
  }
  // Without an answer, the run's notes say why (an accept@N whose verifier accepted nothing, …).
  if (result.answer === undefined) {
    const notes = new Set(result.trace.flatMap((event) => (event.type === "note" ? [event.message] : [])));
    for (const note of [...notes].slice(0, 5)) process.stderr.write(`  note: ${note}\n`);
  }
}
