import { Command, Option } from "@commander-js/extra-typings";
import { answerFormatNames } from "../../answers/index.ts";
import { DatasetError } from "../../bench/datasets/index.ts";
import { minimumResamples } from "../../bench/metrics/index.ts";
import {
  formatReplayReport,
  loadReplay,
  parseReplayStrategies,
  type ReplayDataset,
  replayDatasetFromRun,
  replayFormats,
  replayReportOf,
  replayShuffles,
} from "../../bench/replay/index.ts";
import { describeRunLocation, parseRunLocation } from "../../bench/store/index.ts";
import { checkStoreReachable } from "../check-store-reachable.ts";
import { loadRunArgument } from "../load-run-argument.ts";
import { integerOption, numberOption } from "../option-parsers.ts";
import { refuseEmptyStore } from "../refuse-empty-store.ts";
import { refuseSearchOutput } from "../refuse-search-output.ts";
import { UsageError } from "../usage-error.ts";
import { replayReportJson } from "./replay-report-json.ts";
import {
  checkEscalationRun,
  checkFormatApplies,
  checkGoldApplies,
  gradedByRun,
  type RecordedRunModel,
} from "./replay-run-flags.ts";
import { replayStrategiesHelp } from "./replay-strategies-help.ts";

/**
 * `mull replay`: evaluates aggregation strategies offline on recorded samples (see
 * `bench/replay/README.md` for the formats) and prints, per strategy, accuracy with a bootstrap
 * interval and the samples and tokens it used; `--json` adds each problem's answer, correctness, samples
 * and tokens per strategy. `--run` replays the samples one strategy recorded in a `mull bench` run (a run
 * directory, or with `--store` a run in PostgreSQL) instead of a file; of a partial run (its bench still
 * running, or stopped part-way) it says so on standard error, as `mull report` does, and `--json` carries
 * it as `partial` (pairs recorded of those planned).
 *
 * @example
 * program.addCommand(replayCommand());
 * // mull replay --format qwen-rm-maj --samples qwen25-math-rm-maj-example.jsonl --strategies maj@8,rm@8
 * // mull replay --store postgres://mull@db/runs --run gsm8k-sc8 --strategy sc@8 --strategies maj@4,maj@8
 */
export function replayCommand() {
  return new Command("replay")
    .description(
      "Score strategies offline on recorded samples (majority vote, best-of-N by reward, weighted votes, " +
        "mean and pass@k, Adaptive-Consistency and early-stopping self-consistency, probe-based stopping of " +
        "single and parallel traces, DeepConf, RPC and self-certainty, cascades and compute-optimal allocation). " +
        "E.g. mull replay --samples s.jsonl --strategies maj@8,rm@8,mean@1",
    )
    .option("--samples <file>", "recorded samples (JSONL)")
    .option(
      "--run <dir-or-name>",
      "instead of --samples: a mull bench run directory, or with --store the run's name in the database",
    )
    .option(
      "--store <url>",
      "with --run: read the run from PostgreSQL (postgres://user:password@host/database)",
    )
    .option(
      "--strategy <name>",
      "with --run: the run's strategy whose samples are replayed (needed when several recorded samples)",
    )
    .option(
      "--escalate-samples <file>",
      "for cascade@<k>x<k> and cascade-mass@<k>x<k> (and the extra samples of alloc@<S>p<P>:PROBE>MODEL): the larger model's samples of the same problems (same --format and --gold)",
    )
    .option(
      "--escalate-run <dir-or-name>",
      "instead of --escalate-samples: a mull bench run of the larger model (with --store, its name in the database)",
    )
    .option(
      "--escalate-strategy <name>",
      "with --escalate-run: the run's strategy whose samples the cascades escalate to",
    )
    .option(
      "--greedy-samples <file>",
      "for mass@<k>g and alloc-mass@<S>g: each problem's greedy trace, one sample per problem (same --format and --gold)",
    )
    .option(
      "--greedy-strategy <name>",
      "with --run: the run's strategy whose samples are the problems' greedy traces, recorded with their log-probabilities (mass@1g does), for mass@<k>g",
    )
    .option(
      "--escalate-greedy-samples <file>",
      "for cascade-mass@<k>x<k>g: the larger model's greedy trace of each problem (same --format and --gold)",
    )
    .option(
      "--escalate-greedy-strategy <name>",
      "with --escalate-run: the run's strategy whose samples are the larger model's greedy traces (recorded by mass@1g), for cascade-mass@<k>x<k>g",
    )
    .option(
      "--gold <file>",
      'gold answers by id (JSONL of {id, answer: "#### X"}) of the files of samples read; --format faithful-cot only ' +
        "(with --run, for --escalate-samples and the greedy files; the run's own gold answers are recorded)",
    )
    .addOption(
      new Option("--format <name>", "layout of --samples").choices(replayFormats).default("generic" as const),
    )
    .option("--strategies <list>", replayStrategiesHelp)
    .option(
      "--shuffles <count>",
      "draw k samples at random, averaged over this many seeded shuffles (default: the first k)",
      integerOption(1, 1_000_000),
    )
    .addOption(
      new Option(
        "--shuffle <kind>",
        "how --shuffles draws: mull (its seeded shuffle) or python (draw s shuffles each problem's samples " +
          "in file order with Python's random.Random(seed + s).shuffle, to reproduce Python evaluations)",
      )
        .choices(replayShuffles)
        .default("mull" as const),
    )
    .option("--seed <value>", "seed of the shuffles and the bootstrap", integerOption(0, 2 ** 31 - 1), 0)
    .addOption(
      new Option(
        "--answer-format <name>",
        "how answers are extracted, grouped and graded (default: the format's own)",
      ).choices(answerFormatNames),
    )
    .addOption(
      new Option(
        "--reward-scale <scale>",
        "wv@k weights: rewards as probabilities in [0, 1], or logits mapped through the logistic (default: the format's own, else probability)",
      ).choices(["probability", "logit"] as const),
    )
    .option(
      "--resamples <count>",
      `bootstrap resamples for the accuracy interval, at least ${minimumResamples}`,
      integerOption(minimumResamples, 1_000_000),
      1000,
    )
    .option("--confidence <level>", "confidence level of the interval", numberOption(0.5, 0.999), 0.95)
    .option(
      "--wrong-cost <cost>",
      "add each strategy's utility per problem: 1 for a right answer, minus this for a wrong one, 0 for none (accept@k abstains)",
      numberOption(0, 1_000_000),
    )
    .option("--json", "print the results as JSON, with a per-problem breakdown (problemResults)")
    .action(async (flags, command) => {
      // Left empty (`--store "$RUNS"` with the variable unset), --run would be read from a directory.
      refuseEmptyStore(flags.store, "--store");
      if (command.getOptionValueSource("format") !== "default") checkFormatApplies(flags);
      const evaluation = {
        strategies: flags.strategies,
        shuffles: flags.shuffles,
        shuffle: flags.shuffle,
        seed: flags.seed,
        answerFormat: flags.answerFormat,
        rewardScale: flags.rewardScale,
        resamples: flags.resamples,
        confidence: flags.confidence,
        wrongCost: flags.wrongCost,
      };
      const { escalation, escalationOpenings, escalationModel, escalationRun } = await escalationOf(flags);
      if (flags.greedySamples !== undefined && flags.greedyStrategy !== undefined)
        throw new UsageError(
          "give either --greedy-samples or --greedy-strategy, not both",
          "--greedy-strategy",
        );
      let openings =
        flags.greedySamples === undefined
          ? undefined
          : loadSamples(flags.greedySamples, "--greedy-samples", flags);
      let dataset: ReplayDataset;
      let runModel: string | undefined;
      if (flags.run !== undefined) {
        if (flags.samples !== undefined)
          throw new UsageError("give either --samples or --run, not both", "--run");
        checkGoldApplies(flags);
        const location = parseRunLocation(flags.run, flags.store, { out: "--run" });
        if (location.kind === "sqlite") refuseSearchOutput(flags.run, "--run", "replay");
        // Named --store: a refused login or a server down is not a wrong run name.
        if (location.kind === "postgres") await checkStoreReachable(location.url, "--store");
        const label = describeRunLocation(location);
        const data = await loadRunArgument(location, "--run");
        runModel = data.manifest.backend.model;
        // As a live cascade refuses its route: the larger model's run must be another, larger model's.
        if (escalationRun !== undefined && flags.escalateRun !== undefined)
          checkEscalationRun(data.manifest, escalationRun, flags.escalateRun);
        dataset = replayDatasetFromRun(data, flags.strategy, label);
        if (flags.greedyStrategy !== undefined)
          openings = replayDatasetFromRun(data, flags.greedyStrategy, label, "--greedy-strategy");
      } else {
        if (flags.samples === undefined)
          throw new UsageError("give --samples <file> or --run <run>", "--samples");
        if (flags.store !== undefined) throw new UsageError("--store applies to --run only", "--store");
        if (flags.strategy !== undefined)
          throw new UsageError("--strategy applies to --run only", "--strategy");
        if (flags.greedyStrategy !== undefined)
          throw new UsageError("--greedy-strategy applies to --run only", "--greedy-strategy");
        dataset = loadSamples(flags.samples, "--samples", flags);
      }
      // As `mull report` says it, before a cascade may refuse the problems a partial run lacks.
      if (dataset.partial !== undefined) process.stderr.write(`replay: ${dataset.partial.statement}\n`);
      if (escalation?.partial !== undefined)
        process.stderr.write(`replay: --escalate-run: ${escalation.partial.statement}\n`);
      // Both models known from their runs' manifests: a routed alloc must name them (`parseReplayAllocation`).
      const strategies =
        flags.strategies !== undefined && runModel !== undefined && escalationModel !== undefined
          ? parseReplayStrategies(flags.strategies, "--strategies", {
              run: runModel,
              escalation: escalationModel,
            })
          : flags.strategies;
      const report = replayReportOf(dataset, {
        ...evaluation,
        strategies,
        escalation,
        openings,
        escalationOpenings,
      });
      process.stdout.write(
        flags.json
          ? `${JSON.stringify(replayReportJson(report), null, 2)}\n`
          : formatReplayReport(report, { gradedByRun: gradedByRun(flags) }),
      );
    });
}

/**
 * Recorded samples from the file `flag` names, in the layout `--format` names and with the gold answers of
 * `--gold`. An empty path, and a file that cannot be read or holds a bad line, are refused naming the flag
 * and the file: four flags take sample files, and a message naming the file alone leaves the user guessing.
 *
 * @throws UsageError naming `flag` (or `--gold`) and the file.
 */
function loadSamples(
  samples: string,
  flag: string,
  flags: { readonly gold?: string | undefined; readonly format: string },
): ReplayDataset {
  if (samples.trim() === "") {
    throw new UsageError(`${flag}: empty path; expected a file of recorded samples (JSONL)`, flag);
  }
  try {
    return loadReplay({ samples, gold: flags.gold, format: flags.format });
  } catch (error) {
    if (!DatasetError.isInstance(error)) throw error;
    const [field, file] =
      error.file === flags.gold && error.file !== samples ? ["--gold", flags.gold] : [flag, samples];
    // The loader starts its message with the file: `FILE: cannot read…`, `FILE:3: …`.
    const message = error.message.startsWith(file) ? error.message : `${file}: ${error.message}`;
    throw new UsageError(`${field} ${message}`, field, { cause: error });
  }
}

/**
 * The larger model's samples that cascades escalate to, and its greedy traces, from files or a bench run
 * (with the model its manifest records); none without the flags.
 */
async function escalationOf(flags: {
  readonly escalateSamples?: string | undefined;
  readonly escalateRun?: string | undefined;
  readonly escalateStrategy?: string | undefined;
  readonly escalateGreedySamples?: string | undefined;
  readonly escalateGreedyStrategy?: string | undefined;
  readonly store?: string | undefined;
  readonly gold?: string | undefined;
  readonly format: string;
}): Promise<{
  escalation?: ReplayDataset | undefined;
  escalationOpenings?: ReplayDataset | undefined;
  escalationModel?: string | undefined;
  escalationRun?: RecordedRunModel | undefined;
}> {
  if (flags.escalateSamples !== undefined && flags.escalateRun !== undefined)
    throw new UsageError("give either --escalate-samples or --escalate-run, not both", "--escalate-run");
  if (flags.escalateStrategy !== undefined && flags.escalateRun === undefined)
    throw new UsageError("--escalate-strategy applies to --escalate-run only", "--escalate-strategy");
  if (flags.escalateGreedyStrategy !== undefined && flags.escalateRun === undefined)
    throw new UsageError(
      "--escalate-greedy-strategy applies to --escalate-run only",
      "--escalate-greedy-strategy",
    );
  if (flags.escalateGreedySamples !== undefined && flags.escalateGreedyStrategy !== undefined)
    throw new UsageError(
      "give either --escalate-greedy-samples or --escalate-greedy-strategy, not both",
      "--escalate-greedy-strategy",
    );
  const escalationOpenings =
    flags.escalateGreedySamples === undefined
      ? undefined
      : loadSamples(flags.escalateGreedySamples, "--escalate-greedy-samples", flags);
  if (flags.escalateSamples !== undefined) {
    return {
      escalation: loadSamples(flags.escalateSamples, "--escalate-samples", flags),
      escalationOpenings,
    };
  }
  if (flags.escalateRun === undefined) return { escalationOpenings };
  const location = parseRunLocation(flags.escalateRun, flags.store, { out: "--escalate-run" });
  if (location.kind === "sqlite") refuseSearchOutput(flags.escalateRun, "--escalate-run", "replay");
  if (location.kind === "postgres") await checkStoreReachable(location.url, "--store");
  const data = await loadRunArgument(location, "--escalate-run");
  const label = describeRunLocation(location);
  return {
    escalation: replayDatasetFromRun(data, flags.escalateStrategy, label, "--escalate-strategy"),
    escalationModel: data.manifest.backend.model,
    escalationRun: data.manifest,
    escalationOpenings:
      flags.escalateGreedyStrategy === undefined
        ? escalationOpenings
        : replayDatasetFromRun(data, flags.escalateGreedyStrategy, label, "--escalate-greedy-strategy"),
  };
}
