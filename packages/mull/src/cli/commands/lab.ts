import { resolve } from "node:path";
import { Command } from "@commander-js/extra-typings";
import { loadDataset } from "../../bench/datasets/index.ts";
import { createBenchProgress, runBench, summarizeBench } from "../../bench/runner/index.ts";
import { loadRun } from "../../bench/store/index.ts";
import { MullError } from "../../errors/index.ts";
import { labDatasetNames } from "../../lab/index.ts";
import { writeReport } from "../../report/index.ts";
import { checkOutputDirectory, checkOutputFile } from "../../runtime/index.ts";
import { createBackendFromFlags, defaultLabModel } from "../create-backend.ts";
import { strategyListOption } from "../list-option.ts";
import { integerOption } from "../option-parsers.ts";
import { processRewardFromOption, processRewardOptionHelp } from "../process-reward-option.ts";
import { labSmallModelOptionHelp, loadRouteModels, type RouteModels } from "../route-models.ts";
import { UsageError } from "../usage-error.ts";
import { formatBenchSummary } from "./bench.ts";

/**
 * The strategies `mull lab` compares by default: one sample, majority votes of growing size, three that stop
 * early (by vote counts, by probability mass, and by probability mass from a greedy first trace), a cascade from the model family's small model that
 * escalates on proof, an architecture that votes among the samples the model is surest of, best-of-N, and
 * particle filtering guided by the lab's exact step checker.
 */
export const defaultLabStrategies = [
  "greedy",
  "sc@4",
  "sc@8",
  "sc@16",
  "asc@16",
  "mass@16",
  "mass@5g",
  "cascade-mass@2x8",
  "gen@8+rank-lp@4+vote",
  "bon@16",
  "pf@8",
] as const;

function timestamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
}

/**
 * `mull lab`: the offline lab benchmark behind `npm start` — strategies over lab problems of mixed
 * difficulty on the embedded lab model, stored as a bench run, summarised and drawn as an HTML report.
 */
export function labCommand() {
  return new Command("lab")
    .description(
      "Compare strategies on the embedded arithmetic lab (offline): accuracy against tokens, stored as a " +
        "bench run and drawn as an HTML report.",
    )
    .option("--problems <count>", "lab problems of mixed difficulty", integerOption(1, 100_000), 120)
    .option("--dataset <name>", labDatasetNames.join(" | "), "lab:mixed")
    .option(
      "--strategies <list>",
      "comma-separated strategy specs; brace groups expand (sc@{4,8}); alloc@S and alloc-mass@S allocate S " +
        "samples per problem on average over the batch (see mull bench --help)",
      strategyListOption,
      [...defaultLabStrategies],
    )
    .option(
      "-m, --model <name>",
      "a lab model (mull models: lab-v2-large, lab-v2-small, lab-large, lab-small) | PATH.gguf",
      defaultLabModel,
    )
    .option("--small-model <name>", labSmallModelOptionHelp)
    .option("--out <dir>", "run directory (default runs/lab-<time>)")
    .option("--resume", "continue the run stored in --out (refused if its configuration changed)")
    .option("--seed <value>", "run seed", integerOption(0, 2 ** 31 - 1), 0)
    .option("--concurrency <count>", "(problem, strategy) pairs in flight", integerOption(1, 64), 4)
    .option("--threads <count>", "threads for the embedded engine", integerOption(1, 256))
    .option("--prm <model>", processRewardOptionHelp)
    .option("--json", "print the summary as JSON")
    .action(async (flags) => {
      if (!flags.dataset.startsWith("lab:")) {
        throw new UsageError(
          `--dataset ${flags.dataset}: mull lab runs lab datasets; use mull bench for others`,
          "--dataset",
        );
      }
      if (flags.resume === true && flags.out === undefined) {
        throw new UsageError(
          "--resume continues the run in --out: give its directory with --out",
          "--resume",
        );
      }
      if (flags.out !== undefined) checkOutputDirectory(flags.out, "--out");
      const out = resolve(flags.out ?? `runs/lab-${timestamp(new Date())}`);
      const reportPath = resolve(out, "report.html");
      // The report is written after the run: a file in its place is said now, not after the work.
      checkOutputFile(reportPath, "--out", "html");
      const dataset = await loadDataset(flags.dataset, { limit: flags.problems, seed: flags.seed });
      const strategies = flags.strategies;
      const backendFlags = { model: flags.model, threads: flags.threads };
      const resolved = await createBackendFromFlags(backendFlags);
      let routes: RouteModels | undefined;
      const controller = new AbortController();
      const onInterrupt = () => controller.abort(new Error("interrupted"));
      process.once("SIGINT", onInterrupt);
      const started = performance.now();
      try {
        routes = await loadRouteModels({
          flags: backendFlags,
          main: resolved,
          specs: strategies,
          smallModel: flags.smallModel,
          specFlag: "--strategies",
        });
        const run = await runBench({
          dataset,
          strategies,
          backend: resolved.backend,
          resolveModel: routes.resolveModel,
          route: routes.defaultRoute,
          out,
          resume: flags.resume,
          concurrency: flags.concurrency,
          limit: flags.problems,
          seed: flags.seed,
          sampling: resolved.profile.samplingDefaults,
          thinkingCues: resolved.profile.thinkingCues,
          scorer: dataset.scorer,
          prm: processRewardFromOption(flags.prm, {
            processReward: dataset.processReward,
            backend: resolved.backend,
            seed: flags.seed,
            promptTemplate: dataset.promptTemplate,
          }),
          signal: controller.signal,
          progress: createBenchProgress({ stream: process.stderr }),
        });
        if (run.interrupted) {
          throw new MullError(
            `interrupted: ${run.skipped + run.recorded} of ${run.total} pairs recorded in ${out}; ` +
              `continue with the same flags and --resume --out ${out}`,
          );
        }
        const data = await loadRun(run.directory);
        await writeReport(data, { out: reportPath });
        const seconds = (performance.now() - started) / 1000;
        const summary = summarizeBench(data);
        if (flags.json) {
          process.stdout.write(`${JSON.stringify({ ...summary, report: reportPath, seconds }, null, 2)}\n`);
          return;
        }
        process.stdout.write(
          `\nmull lab: ${dataset.problems.length} problems of ${flags.dataset} on ${flags.model}, ` +
            `seed ${flags.seed}, ${seconds.toFixed(0)} s\n\n`,
        );
        process.stdout.write(`${formatBenchSummary(summary)}\n`);
        process.stdout.write(`\nreport: ${reportPath}\nrun:    ${run.directory}\n`);
      } finally {
        process.off("SIGINT", onInterrupt);
        await routes?.dispose();
        await resolved.dispose();
      }
    });
}
