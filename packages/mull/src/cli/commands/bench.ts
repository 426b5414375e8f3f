import { writeSync } from "node:fs";
import { resolve } from "node:path";
import { Command, Option } from "@commander-js/extra-typings";
import { loadDataset } from "../../bench/datasets/index.ts";
import { graderByName, graderNames } from "../../bench/graders/index.ts";
import { type BenchSummary, createBenchProgress, runBench } from "../../bench/runner/index.ts";
import {
  describeRunLocation,
  parseRunLocation,
  type ResultRecord,
  redactUrl,
} from "../../bench/store/index.ts";
import { MullError } from "../../errors/index.ts";
import { llmJudgeScorer } from "../../scoring/index.ts";
import type { OutcomeScorer } from "../../spec/index.ts";
import { createBackendFromFlags } from "../create-backend.ts";
import { listOf, listOption } from "../list-option.ts";
import { integerOption, numberOption } from "../option-parsers.ts";
import { processRewardFromOption, processRewardOptionHelp } from "../process-reward-option.ts";
import {
  endpointOption,
  promptTemplateFromFlags,
  promptTemplateOptionHelp,
  systemOptionHelp,
} from "../prompt-options.ts";
import { loadRouteModels, type RouteModels, smallModelOptionHelp } from "../route-models.ts";
import { samplingFromFlags } from "../sampling-from-flags.ts";
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
 * in SQLite under `--out` (or, with `--store postgres://…`, in the run named `--out` in that database),
 * resumable after a crash with `--resume`.
 */
export function benchCommand() {
  return new Command("bench")
    .description(
      "Run strategies over a benchmark dataset, store every sample in SQLite or PostgreSQL (resumable), and summarise " +
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
    .requiredOption(
      "--out <dir>",
      "run directory (bench.sqlite, manifest.json, run.lock); with --store, the run's name in the database",
    )
    .option(
      "--store <url>",
      "store the run in PostgreSQL (postgres://user:password@host:5432/database) instead of a directory; " +
        "several processes may write one run there at once",
    )
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
    .action(async (flags) => {
      // Checked first: a wrong store should not wait for a dataset or a model to load.
      const location = parseRunLocation(flags.out, flags.store);
      if (flags.temperature !== undefined && flags.temperatures !== undefined) {
        throw new UsageError("give either --temperature or --temperatures, not both", "--temperatures");
      }
      const backendKind = flags.backend ?? (flags.baseUrl === undefined ? "embedded" : "openai");
      if (backendKind === "openai" && flags.baseUrl === undefined) {
        throw new UsageError("--backend openai needs --base-url", "--base-url");
      }
      if (backendKind === "embedded" && flags.baseUrl !== undefined) {
        throw new UsageError(
          `--base-url ${flags.baseUrl} does not apply to --backend embedded`,
          "--base-url",
        );
      }
      const beforeCommit = pauseHook(process.env);
      const dataset = await loadDataset(flags.dataset, {
        dataDir: flags.dataDir,
        limit: flags.limit,
        seed: flags.seed,
        questionField: flags.questionField,
        answerField: flags.answerField,
        idField: flags.idField,
        maxLineBytes: flags.maxLineBytes,
      });
      const grader = flags.grader === undefined ? undefined : graderByName(flags.grader);
      const backendFlags = {
        baseUrl: flags.baseUrl,
        model: flags.model,
        apiKeyEnv: flags.apiKeyEnv,
        threads: flags.threads,
        endpoint: flags.endpoint,
        draftModel: flags.draftModel,
        promptLookup: flags.promptLookup,
      };
      const resolved = await createBackendFromFlags(backendFlags);
      let routes: RouteModels | undefined;
      const { profile } = resolved;
      const sampling = samplingFromFlags(profile.samplingDefaults, flags);
      const controller = new AbortController();
      let interrupts = 0;
      const onInterrupt = () => {
        interrupts += 1;
        if (interrupts > 1) process.exit(130);
        process.stderr.write("bench: interrupted; finishing the current write (Ctrl-C again to quit now)\n");
        controller.abort(new Error("interrupted"));
      };
      process.on("SIGINT", onInterrupt);
      try {
        routes = await loadRouteModels({
          flags: backendFlags,
          main: resolved,
          specs: flags.strategies,
          smallModel: flags.smallModel,
          specFlag: "--strategies",
        });
        let scorer: OutcomeScorer | undefined = dataset.scorer;
        if (flags.scorer === "lab" && dataset.scorer === undefined) {
          throw new UsageError(
            `--scorer lab checks lab datasets only, not ${flags.dataset}; use --scorer judge`,
            "--scorer",
          );
        }
        if (flags.scorer === "judge" || scorer === undefined)
          scorer = llmJudgeScorer({ backend: resolved.backend });
        const labDataset = flags.dataset.startsWith("lab:");
        const chosen = await promptTemplateFromFlags(flags, profile);
        // Lab datasets come with ready prompts in the lab's format; other datasets are rendered with the
        // model's own prompt template when it has one, provided the template takes their questions. A
        // template the flags choose renders every dataset.
        const modelPrompts = chosen?.template.render ?? (labDataset ? undefined : profile.promptTemplate);
        if (modelPrompts !== undefined) {
          const first = dataset.problems[0];
          try {
            if (first !== undefined) modelPrompts(first);
          } catch (error) {
            if (chosen !== undefined) {
              throw new UsageError(
                `--prompt-template ${chosen.template.name} cannot render ${flags.dataset}'s questions: ${(error as Error).message}`,
                "--prompt-template",
              );
            }
            throw new UsageError(
              `the ${profile.name} models answer ${profile.answers ?? "the questions of their prompt format"} only; ` +
                `${flags.dataset} is not one (use --base-url for an OpenAI-compatible server, or a lab:N dataset)`,
              "--dataset",
            );
          }
        }
        const prm = processRewardFromOption(flags.prm, {
          labProblems: labDataset,
          backend: resolved.backend,
          seed: flags.seed,
          promptTemplate: chosen?.template.render ?? profile.promptTemplate ?? dataset.promptTemplate,
          model: flags.prmModel,
          apiKeyEnv: flags.prmApiKeyEnv,
        });
        const run = await runBench({
          dataset,
          strategies: flags.strategies,
          temperatures: flags.temperatures,
          backend: resolved.backend,
          out: location.kind === "sqlite" ? resolve(flags.out) : flags.out,
          store: flags.store,
          concurrency: flags.concurrency,
          limit: flags.limit,
          seed: flags.seed,
          resume: flags.resume === true,
          sampling,
          thinkingCues: profile.thinkingCues,
          grader,
          scorer,
          prm,
          resolveModel: routes.resolveModel,
          route: routes.defaultRoute,
          ...(modelPrompts === undefined
            ? {}
            : { promptTemplate: modelPrompts, promptTemplateName: chosen?.description ?? profile.name }),
          signal: controller.signal,
          progress: createBenchProgress({ stream: process.stderr }),
          synchronous: flags.synchronous,
          beforeCommit,
        });
        if (run.interrupted) {
          throw new MullError(
            `interrupted: ${run.skipped + run.recorded} of ${run.total} pairs recorded in ${describeRunLocation(run.location)}; ` +
              "continue with the same flags and --resume",
          );
        }
        if (flags.json) {
          process.stdout.write(
            `${JSON.stringify(
              {
                directory: run.directory,
                ...(run.location.kind === "postgres" ? { store: redactUrl(run.location.url) } : {}),
                pairs: { total: run.total, skipped: run.skipped, recorded: run.recorded },
                ...run.summary,
              },
              null,
              2,
            )}\n`,
          );
        } else {
          process.stdout.write(`${formatBenchSummary(run.summary)}\n`);
        }
      } finally {
        process.off("SIGINT", onInterrupt);
        await routes?.dispose();
        await resolved.dispose();
      }
    });
}
