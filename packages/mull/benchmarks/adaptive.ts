/**
 * Adaptive stopping and selection, accuracy against tokens, in two parts:
 * - the replay: offline, on the Qwen3-1.7B traces of `../shared/data/replay` (AIME 2024, AIME 2025,
 *   HMMT 2025: 30 problems × 128 traces each), below;
 * - the lab: live runs on the embedded lab model of every adaptive or selecting method against sc@N at the
 *   same N (`adaptive-lab.ts`: `lab:mixed` and `lab:hard`, `--lab-problems` each, default 60; about 25
 *   minutes on 2 cores).
 * `--no-replay` or `--no-lab` leaves a part out; a part whose data (the replay files, the lab model files)
 * is absent is skipped with a message.
 *
 * Replay: for each file, on the same shuffles (the first k samples of each), it prints accuracy, mean tokens and
 * mean samples per problem of:
 * - `maj@64`: self-consistency over 64 samples (SC@64), the baseline;
 * - `asc@64`: Adaptive-Consistency (Beta criterion, threshold 0.95), at most 64 samples;
 * - `esc@64w8`: early-stopping self-consistency, windows of 8, at most 64 samples;
 * - `maj@M`: self-consistency at M = the mean samples Adaptive-Consistency used, rounded: a same-cost
 *   baseline, to tell early stopping from merely voting over fewer samples;
 * - `probe@64mA` and `probe-asc@64mA` for each A of `--agreements` (default 2, 3, 4): every trace cut
 *   once A of its probe answers in a row agree, then a vote over 64 cut traces, or Adaptive-Consistency
 *   over them;
 * - the methods of `--parallel` over traces run in parallel, each followed by self-consistency over the
 *   same number of traces (`maj@W`): by default `pasc@24f12`, Adaptive-Consistency over 24 parallel
 *   traces voting in the order they finish and stopping at 12 finished at the latest, and
 *   `pprobe@16s8:q0.9`, Parallel-Probe's consensus over the probe answers of 16 parallel traces (the
 *   most accurate pprobe on aime24 at no more than Adaptive-Consistency's tokens there);
 * and each one's tokens as a fraction of SC@64's and of Adaptive-Consistency's. The stop rules are the budget blocks a live run uses,
 * and every method is charged the tokens of exactly the traces it read.
 *
 * The shuffles are by default the reference protocol's (`--shuffle python`): shuffle s shuffles each
 * problem's samples in file order with Python's `random.Random(seed + s)`, s = 0…19 at the default seed 0,
 * so at the default `--k`, `--window` and `--threshold` the maj@64, asc@64 and esc@64w8 rows are the figures
 * of `../shared/data/README.md`, to the digit (the table says so only then).
 * `--shuffle mull` draws the replay's own seeded shuffles instead: the same figures within shuffle noise.
 *
 *   npm run bench:adaptive
 *   npm run bench:adaptive -- --help     # the options
 *   npm run bench:adaptive -- --no-replay --lab-problems 120
 *   node packages/mull/benchmarks/adaptive.ts --no-lab
 *   node packages/mull/benchmarks/adaptive.ts --shuffles 100 --k 32 --window 4 --threshold 0.9
 *   node packages/mull/benchmarks/adaptive.ts --shuffle mull --seed 7
 *   node packages/mull/benchmarks/adaptive.ts --agreements 4,8,12
 *   node packages/mull/benchmarks/adaptive.ts --parallel pasc@32f16,pprobe@32s6:q0.8
 *
 * Accuracies on 30 problems are ±8 points (one standard error); compare rows of the same file. A bad flag
 * (an unknown one, a count below 1, a lab model the card does not list) is a message naming it, exit code 2.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { type ReplayEvaluationSummary, runReplay } from "../src/bench/replay/index.ts";
import { ConfigError } from "../src/errors/index.ts";
import { runAdaptiveLab } from "./adaptive-lab.ts";
import {
  type AdaptiveOptions,
  adaptiveUsage,
  checkLabModel,
  defaultReplayData,
  parseAdaptiveOptions,
  referenceProtocol,
} from "./adaptive-options.ts";

function printTable(rows: readonly (readonly string[])[]): void {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) {
    console.log(
      row
        .map((cell, column) => (column < 2 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
        .join("  "),
    );
  }
}

/** The replay part: prints its table, or why it was skipped (an explicit `--data` that is missing throws). */
function replayPart(options: AdaptiveOptions): void {
  const { k, window, shuffles, shuffle, seed } = options;
  const threshold = options.threshold === "0.95" ? "" : `:t${options.threshold}`;
  const probeStrategies = options.agreements.flatMap((agreement) => [
    `probe@${k}m${agreement}`,
    `probe-asc@${k}m${agreement}${threshold}`,
  ]);
  // Each parallel method, then self-consistency over as many traces, the same width without stopping.
  const parallelStrategies = options.parallel.flatMap((name, index) => [
    name,
    `maj@${options.parallelWidths[index]}`,
  ]);
  // Each error about a strategy names the flag it was built from, never a --strategies the bench lacks.
  const replay = (file: string, strategies: string, strategiesFlag: string): ReplayEvaluationSummary[] => [
    ...runReplay({
      samples: file,
      format: "qwen3-probes",
      strategies,
      strategiesFlag,
      shuffles,
      shuffle,
      seed,
    }).evaluations,
  ];
  const files = ["aime24", "aime25", "hmmt25"].map((name) => ({
    name,
    file: path.join(options.data, `qwen3-1.7b-${name}-128.jsonl`),
  }));
  const missing = files.filter(({ file }) => !existsSync(file));
  if (missing.length > 0) {
    const message = `missing replay files (pass --data <folder>): ${missing.map(({ file }) => file).join(", ")}`;
    if (options.data !== defaultReplayData) {
      throw new ConfigError(`bench:adaptive: --data: ${message}`, { field: "--data" });
    }
    console.log(`skipping the replay part: ${message}`);
    return;
  }
  const rows: string[][] = [
    ["file", "strategy", "accuracy %", "tokens/problem", "samples", "tokens vs SC", "vs ASC"],
  ];
  for (const { name, file } of files) {
    const [full, adaptive, early] = replay(file, `maj@${k},asc@${k}${threshold},esc@${k}w${window}`, "--k");
    // The same seed draws the same shuffles, so the same-cost baseline sees the very same samples.
    const [sameCost] = replay(file, `maj@${Math.max(1, Math.round(adaptive!.meanSamples))}`, "--k");
    const probes = probeStrategies.length === 0 ? [] : replay(file, probeStrategies.join(","), "--k");
    const parallel = replay(file, parallelStrategies.join(","), "--parallel");
    const fullTokens = full!.meanCompletionTokens!;
    const adaptiveTokens = adaptive!.meanCompletionTokens!;
    for (const evaluation of [full!, adaptive!, early!, sameCost!, ...probes, ...parallel]) {
      const tokens = evaluation.meanCompletionTokens!;
      rows.push([
        name,
        evaluation.strategy,
        (evaluation.accuracy.accuracy * 100).toFixed(2),
        `${(tokens / 1000).toLocaleString("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 })}k`,
        evaluation.meanSamples.toFixed(1),
        (tokens / fullTokens).toFixed(3),
        (tokens / adaptiveTokens).toFixed(3),
      ]);
    }
  }
  const drawn =
    shuffle === "python"
      ? `${shuffles} shuffles by Python's random.Random(s), s = ${seed}…${seed + shuffles - 1}`
      : `${shuffles} seeded shuffles (seed ${seed})`;
  const reference = referenceProtocol(options)
    ? "The reference protocol's draws (../shared/data/README.md): on them maj@64, asc@64 and esc@64w8 give its figures.\n"
    : "";
  console.log(
    `Qwen3-1.7B traces, ${drawn}, at most ${k} of 128 samples per problem; maj = self-consistency\n${reference}`,
  );
  printTable(rows);
}

/** The lab part: prints its table, or why it was skipped. */
async function labPart(options: AdaptiveOptions): Promise<void> {
  const { labProblems, seed, labModel: model } = options;
  const result = await runAdaptiveLab({ problems: labProblems, seed, model, out: options.labOut });
  if (typeof result === "string") {
    console.log(result);
    return;
  }
  console.log(
    `Lab model ${model}, ${labProblems} problems per dataset, seed ${seed}, the model card's sampling; ` +
      "generated tokens per problem; accuracy vs sc@N in points against self-consistency at the same N\n",
  );
  printTable(result);
}

/** Runs the parts asked for; a bad flag is a message naming it and exit code 2, not a stack trace. */
async function main(argv: readonly string[]): Promise<number> {
  try {
    const options = parseAdaptiveOptions(argv);
    if (options === undefined) {
      process.stdout.write(adaptiveUsage);
      return 0;
    }
    // Before the replay part, so that a mistyped model fails at once rather than after it.
    if (options.lab) await checkLabModel(options.labModel);
    if (options.replay) replayPart(options);
    if (options.replay && options.lab) console.log("");
    if (options.lab) await labPart(options);
    return 0;
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    const message = error.message.startsWith("bench:adaptive: ")
      ? error.message
      : `bench:adaptive: ${error.message}`;
    process.stderr.write(`${message}\n`);
    return 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
