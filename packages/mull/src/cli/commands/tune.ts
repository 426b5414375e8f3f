import { Command } from "@commander-js/extra-typings";
import { loadDataset } from "../../bench/datasets/index.ts";
import {
  defaultTuningConcurrencies,
  formatTuningReport,
  type LoadLevelSummary,
  runTuningSweep,
  type TuningReport,
} from "../../bench/tuning/index.ts";
import { defaultPromptTemplate } from "../../generation/index.ts";
import { abortOnStop, type StopSignal } from "../abort-on-stop.ts";
import { CheckFailedError } from "../check-failed-error.ts";
import { createBackendFromFlags } from "../create-backend.ts";
import { dataDirOption, refuseUnusedDataDir } from "../data-dir-option.ts";
import { failOnClosedPipe } from "../fail-on-closed-pipe.ts";
import { listOf } from "../list-option.ts";
import { integerOption, numberOption } from "../option-parsers.ts";
import { endpointOption, promptTemplateFromFlags } from "../prompt-options.ts";
import { renderProblemPrompts } from "../render-problem-prompts.ts";
import { StoppedBySignal } from "../stopped-by-signal.ts";
import { UsageError } from "../usage-error.ts";

/** The default prompt set: the lab's mixed levels, so a served lab model answers them as trained. */
const defaultTuningDataset = "lab:mixed";

/** Whether every request of a level failed: it measured nothing (no throughput, no latency). */
function allFailed(level: LoadLevelSummary): boolean {
  return level.errors === level.requests;
}

function progressLine(level: LoadLevelSummary): string {
  const where = `n=${level.n} concurrency ${level.concurrency}`;
  if (allFailed(level)) return `${where}: all ${level.requests} requests failed\n`;
  const tokens = level.tokensPerSecond === undefined ? "-" : level.tokensPerSecond.toFixed(1);
  return (
    `${where}: ${tokens} tok/s, ${level.requestsPerSecond.toFixed(2)} req/s, ` +
    `p50 ${level.latency.p50.toFixed(0)} ms, ${level.errors} errors\n`
  );
}

/**
 * The report with knees only for the `n`s whose levels measured something: a curve whose every request
 * failed has no throughput to saturate, and the knee the sweep finds for it is its first level.
 */
function withMeasuredKnees(report: TuningReport): TuningReport {
  const measured = new Set(report.levels.filter((level) => !allFailed(level)).map((level) => level.n));
  return { ...report, knees: report.knees.filter((knee) => measured.has(knee.n)) };
}

/**
 * The failure of a sweep with levels whose every request failed, in one line: which levels, and the first
 * error; `undefined` when every level had a successful request.
 */
function failedLevelsError(report: TuningReport): CheckFailedError | undefined {
  const failed = report.levels.filter(allFailed);
  if (failed.length === 0) return undefined;
  const first = failed[0]?.firstError;
  const cause = first === undefined ? "" : `; first error: ${first}`;
  if (failed.length === report.levels.length) {
    return new CheckFailedError(
      `tune: every request failed at every level (${failed.length}), so there is no knee${cause}`,
    );
  }
  const levels = failed.map((level) => `n=${level.n} concurrency ${level.concurrency}`).join(", ");
  return new CheckFailedError(`tune: every request failed at ${levels} (no knee from them)${cause}`);
}

/**
 * Notes the first SIGINT or SIGTERM (which `abortOnStop` turns into an abort), so that the command can
 * exit as that signal would have once it has printed what it measured. `release` removes the listeners.
 */
function noteStopSignal(): { readonly signal: StopSignal | undefined; release(): void } {
  let signal: StopSignal | undefined;
  const onInterrupt = () => {
    signal ??= "SIGINT";
  };
  const onTerminate = () => {
    signal ??= "SIGTERM";
  };
  process.on("SIGINT", onInterrupt);
  process.on("SIGTERM", onTerminate);
  return {
    get signal() {
      return signal;
    },
    release() {
      process.off("SIGINT", onInterrupt);
      process.off("SIGTERM", onTerminate);
    },
  };
}

/**
 * `mull tune`: sweeps client concurrency (and `n`) against an OpenAI-compatible server, prints throughput
 * and latency percentiles per level and the knee, where throughput saturates while latency keeps growing.
 * A curve still rising at its highest concurrency, or of one concurrency, has no knee: the report says so
 * (`--json`: the knee's `saturation` is `rising` or `one-level`, its `concurrency` `null`). Ctrl-C (or
 * SIGTERM) aborts the running level and starts no other: the finished levels are printed, the report marked
 * `interrupted` (`interrupted after 2 of 4 levels`; `--json`: `interrupted`, `plannedLevels`), and the
 * process exits 130 (143 after SIGTERM); a second signal quits at once. A reader that closes standard
 * error, where the levels are reported, stops the sweep too, which then exits 1 with no report.
 *
 * `--json` prints `{ baseUrl, model, dataset, levels, knees, fraction, plannedLevels, interrupted }`: the
 * fields of `TuningReport`, with `LoadLevelSummary` levels and `TuningKnee` knees.
 */
export function tuneCommand() {
  const countList = listOf(integerOption(1, 4096));
  return new Command("tune")
    .description(
      "Sweep client concurrency (and n) against an OpenAI-compatible server: tokens/s, latency percentiles, " +
        "and the knee past which throughput saturates while latency grows. E.g. mull tune --base-url URL --concurrency 1,2,4,8",
    )
    .requiredOption("--base-url <url>", "the OpenAI-compatible server")
    .option("-m, --model <name>", "model name (default: the first the server lists)")
    .option("--api-key-env <variable>", "environment variable that holds the API key")
    .addOption(endpointOption())
    .option(
      "--concurrency <list>",
      `requests in flight at once, one level each (default ${defaultTuningConcurrencies.join(",")})`,
      countList,
    )
    .option("--n <list>", "completions per request, one curve each (default 1)", countList)
    .option("--requests <count>", "requests per level", integerOption(1, 1_000_000), 32)
    .option("--max-tokens <count>", "token limit per completion", integerOption(1, 1_000_000), 64)
    .option("--temperature <value>", "sampling temperature", numberOption(0, 5), 1)
    .option(
      "--dataset <name>",
      "prompts: a dataset name or file (lab:N, lab:mixed, gsm8k, PATH.jsonl)",
      defaultTuningDataset,
    )
    .addOption(dataDirOption())
    .option(
      "--warmup <count>",
      "requests sent before the sweep and left out of it",
      integerOption(0, 1000),
      1,
    )
    .option(
      "--knee-fraction <share>",
      "the knee is the smallest concurrency reaching this share of the best throughput",
      numberOption(0.01, 1),
      0.9,
    )
    .option(
      "--retries <count>",
      "retries after a failed request (0: failures count as errors)",
      integerOption(0, 20),
      0,
    )
    .option(
      "--timeout <seconds>",
      "deadline per request and its retries (default 600)",
      numberOption(0.001, 86_400),
    )
    .option("--json", "print the levels and knees as JSON")
    .action(async (flags) => {
      refuseUnusedDataDir(flags.dataDir, flags.dataset);
      const dataset = await loadDataset(flags.dataset, { limit: flags.requests, dataDir: flags.dataDir });
      if (dataset.problems.length === 0) {
        throw new UsageError(`--dataset ${flags.dataset} has no problems`, "--dataset");
      }
      const resolved = await createBackendFromFlags(flags);
      // Ctrl-C and SIGTERM stop the sweep, keeping the finished levels; a second one quits at once.
      const controller = new AbortController();
      const releaseStop = abortOnStop(controller, {
        command: "tune",
        meanwhile: "aborting the running level, then printing the finished ones",
      });
      const stop = noteStopSignal();
      // Progress goes to standard error level by level: a reader that closes it stops the sweep, which then
      // fails rather than ending the process with 0 halfway. Set after `abortOnStop`, this watch is the one
      // a closed pipe calls.
      const pipe = failOnClosedPipe("tune", (failure) => controller.abort(failure));
      try {
        // As solve does: --endpoint changes the model's template, or is refused by one that cannot change.
        const chosen = await promptTemplateFromFlags({ endpoint: flags.endpoint }, resolved.profile);
        const template = chosen?.template.render ?? resolved.profile.promptTemplate ?? defaultPromptTemplate;
        const prompts = renderProblemPrompts(
          dataset.problems,
          (problem) => problem.prompt ?? template(problem),
          { flag: "--dataset", dataset: flags.dataset },
        );
        const sweep = await runTuningSweep(resolved.backend, {
          prompts,
          concurrencies: flags.concurrency ?? defaultTuningConcurrencies,
          ns: flags.n ?? [1],
          requests: flags.requests,
          maxTokens: flags.maxTokens,
          temperature: flags.temperature,
          warmup: flags.warmup,
          fraction: flags.kneeFraction,
          signal: controller.signal,
          onLevel: (level) => process.stderr.write(progressLine(level)),
        });
        // A closed pipe fails the command with no report, which would go to the reader that left.
        if (pipe.failure !== undefined) throw pipe.failure;
        const report = withMeasuredKnees(sweep);
        if (flags.json) {
          const output = { baseUrl: flags.baseUrl, model: resolved.model, dataset: flags.dataset, ...report };
          process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
        } else {
          process.stdout.write(
            `${flags.baseUrl} model ${resolved.model}, ${flags.requests} requests per level\n`,
          );
          process.stdout.write(formatTuningReport(report));
        }
        // A sweep a signal stopped exits as the signal would have, below, whatever its levels measured.
        const failure = stop.signal === undefined ? failedLevelsError(report) : undefined;
        if (failure !== undefined) throw failure;
      } finally {
        pipe.release();
        stop.release();
        releaseStop();
        await resolved.dispose();
      }
      // Stopped by a signal, the command ends as the signal would have, once the partial report is out.
      if (stop.signal !== undefined) throw new StoppedBySignal("tune", stop.signal);
    });
}
