/**
 * Step-level search on the lab's hardest level: accuracy against generated tokens, at equal budgets.
 *
 * For each N, every strategy gets the same cap on generated tokens — N times the mean length of one
 * sampled solution, measured in the same run, times `--slack` — and is scored on the same problems:
 * - `pass@N` (best-of-N with the exact outcome checker: the ceiling of any selection among N samples; with
 *   the exact step checker best-of-N is the same thing, so it is not run again), `maj@N` (majority vote),
 *   and best-of-N at N and 4N ranked by the reward model under test;
 * - beam search `beam@Nx4`, DVTS `dvts@Nx4` and particle filtering `pf@N`, each guided by the reward model
 *   under test: the exact step checker, a noisy checker (false-positive and false-negative rates set by
 *   `--noise`; `calibrated`: the same verdicts reported as the probability they are right), and the
 *   policy's own step log-probability;
 *   (`--pf-temperatures 1,2,4` adds particle filtering at other softmax temperatures beside the default 1);
 * - with `--strategies …,mcts,tot`: MCTS with 8N simulations (`mcts@8N`, about N solutions' worth of
 *   steps) and ToT breadth-first search `tot-bfs@(N/4)x4`, under the same cap;
 * - A*-decoding `astar@K` for the K of `--astar`, under the largest N's cap: it stops at its first
 *   complete solution, so its tokens are what it needed.
 * It prints one table (accuracy, generated tokens and PRM passes per problem, tokens per correct answer)
 * and checks the targets: particle filtering at N against best-of-N at 4N with the same reward model;
 * A*'s tokens to reach particle filtering's accuracy; guided search against majority vote at equal tokens.
 *
 *   npm run bench:search                                  (lab-large, 60 problems, N = 4, 8, 16)
 *   npm run bench:search -- --problems 10 --n 4,8 --prms noisy   (a quick run: a few minutes)
 *   npm run bench:search -- --model /path/to/model.gguf --temperature 1 --json results.json
 *   npm run bench:search -- --help     # the options
 *
 * A bad flag (an unknown one, `--slack abc`, an unknown reward model or family, a model that is not there)
 * is a message naming it, exit code 2, before any model loads. The JSON records the settings (seed,
 * temperature, slack, noise), the backend, the machine and the versions beside the rows.
 *
 * Sampling is pure temperature sampling (topK 0, topP 1) at the model card's recommended temperature.
 *
 * Accuracies on 60 problems are ±6 points (one standard error); compare rows of the same run.
 */
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { createLlamaCppBackend, labModels, labModelsDirectory } from "@mull/llama-cpp";
import { checkModelFlag } from "../../llama-cpp/benchmarks/model-flag.ts";
import { ConfigError } from "../src/errors/index.ts";
import { labDataset, labOutcomeChecker, labProcessReward } from "../src/lab/index.ts";
import { noisyProcessReward, processRewardScorer, selfLogprobReward } from "../src/process-rewards/index.ts";
import {
  aStarDecoding,
  beamSearch,
  diverseVerifierTreeSearch,
  monteCarloTreeSearch,
  particleFilter,
  treeOfThoughtsBfs,
} from "../src/search/index.ts";
import { solve } from "../src/solve.ts";
import type { Backend, Problem, ProcessRewardModel, SamplingSettings, Strategy } from "../src/spec/index.ts";
import { bestOfN, selfConsistency, singleSample } from "../src/strategies/index.ts";
import { benchEnvironment } from "./bench-environment.ts";
import {
  parseSearchOptions,
  type SearchOptions,
  type SearchRewardModel,
  searchUsage,
} from "./search-options.ts";
import { type SearchRow, searchVerdicts } from "./search-verdicts.ts";

const owner = "bench:search";

/** The first lab model whose file is there, for a run without `--model`. */
function defaultModel(): string {
  for (const name of ["lab-large", "lab-small"]) {
    if (existsSync(`${labModelsDirectory}/${name}.gguf`)) return name;
  }
  throw new ConfigError(
    `${owner}: --model: no lab model file in ${labModelsDirectory}; pass --model <name or .gguf path>`,
    { field: "--model" },
  );
}

/** The checked options with the model and the temperature settled. */
interface SearchSetup {
  readonly options: SearchOptions;
  readonly model: string;
  readonly temperature: number;
}

/**
 * The checked options, the model's file checked and its card's temperature read, or the exit code: 0 after
 * `--help`, 2 after a one-line message naming a bad flag (before any model loads).
 */
async function setupOrExitCode(argv: readonly string[]): Promise<SearchSetup | number> {
  try {
    const options = parseSearchOptions(argv);
    if (options === undefined) {
      process.stdout.write(searchUsage);
      return 0;
    }
    const model = options.model ?? defaultModel();
    await checkModelFlag(owner, "--model", model);
    // The model card's sampling temperature for voting and search, unless told otherwise.
    const card = (await labModels()).find((entry) => entry.name === model);
    return { options, model, temperature: options.temperature ?? card?.recommendedTemperature ?? 1 };
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 2;
  }
}

const setup = await setupOrExitCode(process.argv.slice(2));
if (typeof setup === "number") process.exit(setup);
const { options, model, temperature } = setup;
const { seed, slack, sizes, families, falsePositiveRate, falseNegativeRate } = options;

const backend = await createLlamaCppBackend({ model, threads: options.threads, sequences: 16 });
const problems = labDataset("lab:hard", { limit: options.problems, seed });
// A lab:hard solution is about 80 tokens; the cap keeps a rambling sample (and the prompts built on it)
// inside the models' 256-token context.
const sampling: SamplingSettings = { temperature, topK: 0, topP: 1, maxTokens: 160 };

/** The reward models under test, built afresh per problem (the self-logprob one remembers steps). */
function rewardModel(name: SearchRewardModel, policy: Backend): ProcessRewardModel {
  if (name === "exact") return labProcessReward();
  if (name === "noisy" || name === "calibrated") {
    const calibrated = name === "calibrated";
    return noisyProcessReward({
      base: labProcessReward(),
      falsePositiveRate,
      falseNegativeRate,
      seed,
      calibrated,
    });
  }
  return selfLogprobReward({ backend: policy });
}

interface Outcome {
  readonly correct: boolean;
  /** The run failed with an error (counted as wrong). */
  readonly failed?: string | undefined;
  readonly completionTokens: number;
  readonly scoreEvents: number;
  readonly scoreCalls: number;
  readonly partial: boolean;
}

const rows: SearchRow[] = [];

/** Writes the run's settings and the rows so far to `--json`, when given. */
async function saveJson(): Promise<void> {
  if (options.json === undefined) return;
  const run = {
    dataset: "lab:hard",
    problems: problems.length,
    model,
    backend: backend.describe(),
    seed,
    temperature,
    sampling,
    slack,
    noise: { falsePositiveRate, falseNegativeRate },
    // One sampled solution's generated tokens, which set every cap (once the "single" row is measured).
    chainTokens: rows.find((row) => row.family === "single")?.tokensPerProblem,
    ...benchEnvironment([backend]),
    rows,
  };
  await writeFile(options.json, `${JSON.stringify(run, null, 2)}\n`);
}

async function runOne(make: () => Strategy, problem: Problem, index: number, budget: number | undefined) {
  const result = await solve({
    problem,
    strategy: make(),
    backend,
    seed: seed * 100_000 + index,
    sampling,
    ...(budget === undefined ? {} : { budget: { maxCompletionTokens: budget } }),
  });
  return {
    correct: result.answer !== undefined && String(Number(result.answer)) === problem.gold,
    completionTokens: result.usage.completionTokens ?? 0,
    scoreEvents: result.trace.filter((event) => event.type === "score").length,
    scoreCalls: result.scoreCalls,
    partial: result.partial,
  } satisfies Outcome;
}

/** Runs a strategy on every problem, `parallel` problems at a time (the backend batches their calls). */
async function evaluate(
  family: string,
  n: number,
  prm: string,
  make: () => Strategy,
  budget: number | undefined,
  label?: string,
): Promise<SearchRow> {
  const outcomes = new Array<Outcome>(problems.length);
  let next = 0;
  const worker = async () => {
    while (next < problems.length) {
      const index = next;
      next += 1;
      try {
        outcomes[index] = await runOne(make, problems[index]!, index, budget);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        process.stderr.write(`  problem ${index} failed: ${message}\n`);
        outcomes[index] = {
          correct: false,
          failed: message,
          completionTokens: 0,
          scoreEvents: 0,
          scoreCalls: 0,
          partial: false,
        };
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(options.parallel, problems.length) }, worker));
  const correct = outcomes.filter((outcome) => outcome.correct).length;
  const tokens = outcomes.reduce((sum, outcome) => sum + outcome.completionTokens, 0);
  const row: SearchRow = {
    strategy: label ?? make().name,
    family,
    n,
    prm,
    accuracy: correct / problems.length,
    tokensPerProblem: tokens / problems.length,
    prmPassesPerProblem: outcomes.reduce((sum, outcome) => sum + outcome.scoreEvents, 0) / problems.length,
    prmCallsPerProblem: outcomes.reduce((sum, outcome) => sum + outcome.scoreCalls, 0) / problems.length,
    tokensPerCorrect: correct === 0 ? undefined : tokens / correct,
    partialShare: outcomes.filter((outcome) => outcome.partial).length / problems.length,
    failures: outcomes.filter((outcome) => outcome.failed !== undefined).length,
  };
  process.stderr.write(
    `${row.strategy.padEnd(16)} ${prm.padEnd(6)} acc ${(100 * row.accuracy).toFixed(1).padStart(5)}%  ` +
      `tokens ${row.tokensPerProblem.toFixed(0).padStart(5)}  ${((performance.now() - started) / 1000).toFixed(1)} s` +
      `${row.failures > 0 ? `  (${row.failures} failed)` : ""}\n`,
  );
  rows.push(row);
  // Saved after every row, so a long run that stops early keeps what it measured.
  await saveJson();
  return row;
}

process.stderr.write(
  `model ${backend.describe().model}, ${problems.length} lab:hard problems, T=${temperature}, N = ${sizes.join(", ")}\n`,
);

// The length of one sampled solution sets every budget: N samples' worth of generated tokens.
await evaluate("greedy", 1, "-", () => singleSample({ temperature: 0 }), undefined);
const single = await evaluate("single", 1, "-", () => singleSample(), undefined);
const chainTokens = single.tokensPerProblem;
process.stderr.write(`one sampled solution: ${chainTokens.toFixed(1)} generated tokens\n`);

const capFor = (n: number) => Math.ceil(n * chainTokens * slack);
const checker = labOutcomeChecker();
for (const n of sizes) {
  await evaluate("pass", n, "outcome", () => bestOfN({ n, scorer: checker }), capFor(n));
  if (families.has("maj")) await evaluate("maj", n, "-", () => selfConsistency({ n }), capFor(n));
}

for (const prmName of options.rewardModels) {
  const prm = () => rewardModel(prmName, backend);
  // Best-of-N with the exact checker is pass@N, already measured.
  const bestOfNSizes =
    prmName === "exact" ? [] : [...new Set([...sizes, ...sizes.map((n) => 4 * n)])].sort((a, b) => a - b);
  for (const n of families.has("bon") ? bestOfNSizes : []) {
    await evaluate(
      "bon",
      n,
      prmName,
      () => bestOfN({ n, scorer: processRewardScorer({ prm: prm(), aggregation: "mean" }) }),
      capFor(n),
    );
  }
  for (const n of sizes) {
    const beamWidth = Math.min(options.width, n);
    if (families.has("beam")) {
      await evaluate("beam", n, prmName, () => beamSearch({ n, width: beamWidth, prm: prm() }), capFor(n));
    }
    if (families.has("dvts")) {
      await evaluate(
        "dvts",
        n,
        prmName,
        () => diverseVerifierTreeSearch({ n, width: beamWidth, prm: prm() }),
        capFor(n),
      );
    }
    for (const softmaxTemperature of families.has("pf") ? options.pfTemperatures : []) {
      // The default temperature is the `pf` row the targets use; others are a sweep beside it.
      const family = softmaxTemperature === 1 ? "pf" : `pf/T${softmaxTemperature}`;
      await evaluate(
        family,
        n,
        prmName,
        () => particleFilter({ n, prm: prm(), softmaxTemperature }),
        capFor(n),
        softmaxTemperature === 1 ? undefined : `pf@${n} T${softmaxTemperature}`,
      );
    }
  }
  for (const n of sizes) {
    // About N solutions' worth of steps: a lab:hard solution is 7 steps, so 8N simulations of one step each.
    if (families.has("mcts")) {
      await evaluate(
        "mcts",
        n,
        prmName,
        () => monteCarloTreeSearch({ simulations: 8 * n, prm: prm() }),
        capFor(n),
      );
    }
    // N/4 partial solutions kept, 4 proposals each: N steps per level, like beam@Nx4.
    if (families.has("tot")) {
      const breadth = Math.max(1, Math.floor(n / 4));
      await evaluate("tot", n, prmName, () => treeOfThoughtsBfs({ breadth, k: 4, prm: prm() }), capFor(n));
    }
  }
  for (const k of families.has("astar") ? options.astar : []) {
    await evaluate("astar", k, prmName, () => aStarDecoding({ k, prm: prm() }), capFor(Math.max(...sizes)));
  }
}
await backend.dispose();

const percent = (value: number) => `${(100 * value).toFixed(1)}%`;
const lines = [
  `lab:hard, ${problems.length} problems, ${backend.describe().model}, T=${temperature} (topK 0, topP 1); ` +
    `cap at N: N × ${chainTokens.toFixed(1)} generated tokens × ${slack} (A*: the largest N's cap); ` +
    `noisy PRM: FP ${falsePositiveRate}, FN ${falseNegativeRate}; bon with the exact PRM = pass@N`,
  "",
  "| strategy | reward model | N | accuracy | tokens / problem | PRM passes / problem | PRM calls / problem | tokens / correct | cut by budget | failed |",
  "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  ...rows.map(
    (row) =>
      `| ${row.strategy} | ${row.prm} | ${row.n} | ${percent(row.accuracy)} | ${row.tokensPerProblem.toFixed(0)} | ` +
      `${row.prmPassesPerProblem.toFixed(1)} | ${row.prmCallsPerProblem.toFixed(1)} | ` +
      `${row.tokensPerCorrect === undefined ? "-" : row.tokensPerCorrect.toFixed(0)} | ${percent(row.partialShare)} | ` +
      `${row.failures} |`,
  ),
  "",
  "Targets (same reward model):",
  ...searchVerdicts(rows, options.rewardModels, sizes),
];

process.stdout.write(`${lines.join("\n")}\n`);
await saveJson();
