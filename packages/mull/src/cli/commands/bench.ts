import { writeSync } from "node:fs";
import { resolve } from "node:path";
import { Command, Option } from "@commander-js/extra-typings";
import { Queue } from "bullmq";
import { graderNames } from "../../bench/graders/index.ts";
import {
  type BenchQueueOptions,
  defaultQueueName,
  enqueueBenchRun,
  type PairJobData,
  queueConnection,
  waitForBenchRun,
} from "../../bench/queue/index.ts";
import {
  type BenchSummary,
  createBenchProgress,
  type RunBenchOptions,
  runBench,
  summarizeBench,
} from "../../bench/runner/index.ts";
import { openRunStore, type ResultRecord } from "../../bench/store/index.ts";
import { MullError } from "../../errors/index.ts";
import { benchOptionsFromRecipe, benchRecipe } from "../bench-recipe.ts";
import { listOf, listOption } from "../list-option.ts";
import { integerOption, numberOption } from "../option-parsers.ts";
import { processRewardOptionHelp } from "../process-reward-option.ts";
import { endpointOption, promptTemplateOptionHelp, systemOptionHelp } from "../prompt-options.ts";
import { smallModelOptionHelp } from "../route-models.ts";
import { draftModelOption, promptLookupOption } from "../speculative-flags.ts";
import { UsageError } from "../usage-error.ts";

/**
 * Environment variable for crash tests: pause (for up to a minute) inside the write transaction of the
 * N-th result this process records, after printing a line to standard error, so a test can kill the
 * process mid-write.
 */
export const pauseBeforeCommitVariable = "MULL_BENCH_PAUSE_BEFORE_COMMIT";

/** Temperatures the flags take: `--temperature`, and each item of `--temperatures`. */
const temperatureOption = numberOption(0, 5);

/** The variable is read with a flag parser, so it takes the integers a count flag takes (`2`, not `2.0`). */
const pauseTargetOption = integerOption(1);

function pauseHook(environment: NodeJS.ProcessEnv): ((result: ResultRecord) => void) | undefined {
  const raw = environment[pauseBeforeCommitVariable];
  if (raw === undefined || raw === "") return undefined;
  let target: number;
  try {
    target = pauseTargetOption(raw);
  } catch (error) {
    throw new UsageError(
      `${pauseBeforeCommitVariable}: ${(error as Error).message}`,
      pauseBeforeCommitVariable,
    );
  }
  let commits = 0;
  return (result) => {
    commits += 1;
    if (commits !== target) return;
    // A synchronous write: the process blocks right after, and a test reading the pipe must see the line.
    writeSync(
      2,
      `bench: paused before commit ${commits} (${JSON.stringify([result.problemId, result.strategy])})\n`,
    );
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
  };
}

function percent(value: number | undefined): string {
  return value === undefined ? "-" : `${(value * 100).toFixed(1)}%`;
}

function count(value: number | undefined): string {
  return value === undefined ? "unknown" : String(Math.round(value));
}

/** The plain-text table printed after a run. */
export function formatBenchSummary(summary: BenchSummary): string {
  const header = [
    "strategy",
    "accuracy",
    "problems",
    "samples",
    "tokens",
    "tokens/problem",
    "generated/problem",
  ];
  const rows = summary.strategies.map((strategy) => [
    strategy.strategy,
    percent(strategy.accuracy),
    String(strategy.problems),
    String(strategy.samples),
    count(strategy.tokens.total),
    count(strategy.tokens.perProblem),
    count(strategy.tokens.completionPerProblem),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  const render = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join("  ");
  const byModel = summary.strategies.flatMap((strategy) =>
    strategy.tokensByModel === undefined
      ? []
      : [
          `${strategy.strategy} tokens/problem by model: ` +
            Object.entries(strategy.tokensByModel)
              .map(([model, tokens]) => `${model} ${count(tokens.perProblem)}`)
              .join(", "),
        ],
  );
  return [
    `${summary.dataset}: ${summary.problems} problems (run ${summary.runId})`,
    render(header),
    ...rows.map(render),
    ...byModel,
  ].join("\n");
}

/**
 * `mull bench`: sweeps strategies (× temperatures) over a dataset against a backend, storing every sample
 * in SQLite under `--out`, resumable after a crash with `--resume`.
 */
export function benchCommand() {
  return new Command("bench")
    .description(
      "Run strategies over a benchmark dataset, store every sample in SQLite (resumable), and summarise " +
        "accuracy against tokens. E.g. mull bench --dataset gsm8k --strategies greedy,sc@8 --base-url URL --out runs/g",
    )
    .requiredOption(
      "--dataset <name>",
      "gsm8k | math500 | aime24 | lab:1…lab:6 | lab:mixed | lab:hard | PATH.jsonl",
    )
    .option(
      "--data-dir <dir>",
      "directory of the built-in benchmark files (default ../shared/data/benchmarks)",
    )
    .option(
      "--strategies <list>",
      "comma-separated strategy specs, e.g. greedy,sc@4,sc@8,bon@8,pf@8,beam@8x2,astar@4 (see mull solve --help)",
      listOption,
      ["greedy"],
    )
    .requiredOption("--out <dir>", "run directory (bench.sqlite, manifest.json, run.lock)")
    .addOption(
      new Option("--backend <kind>", "embedded (lab models) or openai (an OpenAI-compatible server)").choices(
        ["embedded", "openai"] as const,
      ),
    )
    .option("--base-url <url>", "the OpenAI-compatible server (implies --backend openai)")
    .option(
      "-m, --model <name>",
      "model name; embedded: lab-small | lab-large | PATH.gguf (default lab-large)",
    )
    .option("--small-model <name>", smallModelOptionHelp)
    .option("--api-key-env <variable>", "environment variable that holds the API key")
    .option("--prompt-template <name-or-file>", promptTemplateOptionHelp)
    .option("--system <text>", systemOptionHelp)
    .addOption(endpointOption())
    .option("--threads <count>", "threads for the embedded engine", integerOption(1, 256))
    .addOption(draftModelOption())
    .addOption(promptLookupOption())
    .option("--concurrency <count>", "(problem, strategy) pairs in flight", integerOption(1, 1024), 1)
    .option("--limit <count>", "run only the first N problems", integerOption(1))
    .option("--seed <value>", "run seed; each pair's seed derives from it", integerOption(0, 2 ** 31 - 1), 0)
    .option("--resume", "continue the run stored in --out (refused if its configuration changed)")
    .option("-t, --temperature <value>", "sampling temperature for every strategy", temperatureOption)
    .option(
      "--temperatures <list>",
      "temperature sweep: every strategy at each, named e.g. sc@8@t1.0",
      listOf(temperatureOption),
    )
    .option("--top-p <value>", "nucleus sampling threshold", numberOption(0, 1))
    .option("--max-tokens <count>", "maximum tokens per sample", integerOption(1, 1_000_000))
    .addOption(
      new Option("--grader <name>", "how answers are graded (default: the dataset's)").choices(graderNames),
    )
    .addOption(
      new Option(
        "--scorer <name>",
        "outcome scorer for bon@N / wv@N: the lab checker or an LLM judge",
      ).choices(["lab", "judge"] as const),
    )
    .option("--prm <model>", processRewardOptionHelp)
    .option("--prm-model <name>", "model name sent to an HTTP PRM (--prm URL)")
    .option("--prm-api-key-env <variable>", "environment variable that holds the HTTP PRM's API key")
    .option("--question-field <field>", "custom JSONL: field holding the question (default question)")
    .option("--answer-field <field>", "custom JSONL: field holding the gold answer (default answer)")
    .option("--id-field <field>", "custom JSONL: field holding the problem id (default id)")
    .option("--max-line-bytes <count>", "largest dataset line accepted", integerOption(16, 1 << 30))
    .addOption(
      new Option("--synchronous <level>", "SQLite durability: normal survives crashes, full also power loss")
        .choices(["normal", "full"] as const)
        .default("normal" as const),
    )
    .option("--json", "print the final summary as JSON")
    .option(
      "--queue <url>",
      "enqueue the pending pairs on this Redis (redis://HOST:PORT) for `mull worker`s, and return",
    )
    .option("--queue-name <name>", `BullMQ queue of --queue (default ${defaultQueueName})`)
    .option("--wait", "with --queue: show progress until every pair is recorded, then the summary")
    .action(async (flags) => {
      if (flags.wait === true && flags.queue === undefined) {
        throw new UsageError("--wait applies to --queue runs only", "--wait");
      }
      const beforeCommit = pauseHook(process.env);
      const recipe = benchRecipe(flags);
      const built = await benchOptionsFromRecipe(recipe, {
        out: resolve(flags.out),
        concurrency: flags.concurrency,
        resume: flags.resume,
      });
      const controller = new AbortController();
      let interrupts = 0;
      const onInterrupt = () => {
        interrupts += 1;
        if (interrupts > 1) process.exit(130);
        process.stderr.write(
          flags.queue === undefined
            ? "bench: interrupted; finishing the current write (Ctrl-C again to quit now)\n"
            : "bench: interrupted; the queued pairs stay queued (Ctrl-C again to quit now)\n",
        );
        controller.abort(new Error("interrupted"));
      };
      process.on("SIGINT", onInterrupt);
      try {
        const options = {
          ...built.options,
          signal: controller.signal,
          progress: createBenchProgress({ stream: process.stderr }),
          synchronous: flags.synchronous,
          beforeCommit,
        };
        if (flags.queue !== undefined) {
          await queueBench(
            options,
            {
              url: flags.queue,
              queueName: flags.queueName,
              recipe: { ...recipe } as Record<string, unknown>,
            },
            flags,
          );
          return;
        }
        const run = await runBench(options);
        if (run.interrupted) {
          throw new MullError(
            `interrupted: ${run.skipped + run.recorded} of ${run.total} pairs recorded in ${run.directory}; ` +
              "continue with the same flags and --resume",
          );
        }
        printSummary(
          { directory: run.directory, total: run.total, skipped: run.skipped, recorded: run.recorded },
          run.summary,
          flags.json === true,
        );
      } finally {
        process.off("SIGINT", onInterrupt);
        await built.dispose();
      }
    });
}

function printSummary(
  pairs: { directory: string; total: number; skipped: number; recorded: number },
  summary: BenchSummary,
  json: boolean,
): void {
  if (json) {
    process.stdout.write(
      `${JSON.stringify(
        {
          directory: pairs.directory,
          pairs: { total: pairs.total, skipped: pairs.skipped, recorded: pairs.recorded },
          ...summary,
        },
        null,
        2,
      )}\n`,
    );
  } else {
    process.stdout.write(`${formatBenchSummary(summary)}\n`);
  }
}

/** `--queue`: creates or resumes the run, enqueues its pending pairs and, with `--wait`, follows it. */
async function queueBench(
  options: RunBenchOptions,
  queueOptions: BenchQueueOptions,
  flags: { readonly wait?: boolean | undefined; readonly json?: boolean | undefined },
): Promise<void> {
  const run = await enqueueBenchRun(options, queueOptions);
  process.stderr.write(
    `bench: run ${run.runId} in ${run.directory}: ${run.total} pairs, ${run.skipped} already recorded; ` +
      `${run.added} jobs added, ${run.queued} already queued, ${run.retried} failed ones retried ` +
      `(queue ${queueOptions.queueName ?? defaultQueueName})\n`,
  );
  if (flags.wait !== true) {
    if (flags.json === true) {
      process.stdout.write(`${JSON.stringify({ ...run, pairs: undefined }, null, 2)}\n`);
    }
    return;
  }
  const queue = new Queue<PairJobData>(queueOptions.queueName ?? defaultQueueName, {
    connection: queueConnection(queueOptions.url),
  });
  const store = openRunStore(options.out, { synchronous: options.synchronous });
  try {
    const wait = await waitForBenchRun({
      url: queueOptions.url,
      queue,
      store,
      runId: run.runId,
      pairs: run.pairs,
      progress: options.progress,
      signal: options.signal,
    });
    if (wait.failures.length > 0) {
      const shown = wait.failures
        .slice(0, 5)
        .map((failure) => `  problem ${failure.problemId}, strategy ${failure.strategy}: ${failure.error}`);
      throw new MullError(
        `${wait.failures.length} of ${run.total} pairs failed after their attempts ` +
          `(${wait.recorded} recorded in ${run.directory}):\n${shown.join("\n")}` +
          (wait.failures.length > 5 ? `\n  … and ${wait.failures.length - 5} more` : "") +
          "\nfix the cause, then enqueue again with the same flags and --resume to retry them",
      );
    }
    if (wait.interrupted) {
      throw new MullError(
        `stopped waiting: ${wait.recorded} of ${run.total} pairs recorded in ${run.directory}; ` +
          "the workers go on with the queued ones",
      );
    }
    printSummary(
      {
        directory: run.directory,
        total: run.total,
        skipped: run.skipped,
        recorded: wait.recorded - run.skipped,
      },
      summarizeBench(await store.readRunData()),
      flags.json === true,
    );
  } finally {
    await store.close();
    await queue.close();
  }
}
