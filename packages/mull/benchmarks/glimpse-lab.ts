/**
 * Routing between the lab's two models, measured live: greedy `lab-small` and `lab-large` alone, GlimpRouter
 * (`glimp@τ`) at thresholds calibrated on a separate dev set for target shares of steps written by the large
 * model, and Big Little Decoder (`bild@αxβ`) at a few fallback levels. For each it prints accuracy, generated
 * tokens per problem, the share of them written by the large model, the large model's tokens as a fraction
 * of its own greedy run's, and wall time (one thread per model, problems one at a time).
 *
 *   npm run bench:glimpse -- [--problems 100] [--seed 0]
 *     [--dev 60] [--targets 0.2,0.3,0.4] [--glimpse 1,12] [--bild 0.3,0.5,0.7]
 *
 * Calibration (`calibrateGlimpThreshold`): the small model solves the dev problems greedily, the entropy of
 * each step's first token (the largest over its first K, for `glimp@τkK`) is read, and τ is the quantile above which the target share of steps lies.
 * Routing changes the later steps, so the share measured on the test set only approximates the target.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { createLlamaCppBackend, type LlamaCppBackend, labModelsDirectory } from "@mull/llama-cpp";
import { labDataset } from "../src/lab/index.ts";
import { bigLittleDecoder, glimpseRouter } from "../src/routing/index.ts";
import { solve } from "../src/solve.ts";
import type { Backend, Problem, Strategy } from "../src/spec/index.ts";
import { singleSample } from "../src/strategies/index.ts";
import { usageByModel } from "../src/trace/index.ts";

/**
 * The entropy (nats) each step the small model writes greedily on `problems` reaches over its first
 * `glimpse` tokens (the largest of them), one number per step.
 */
export async function stepEntropies(
  backend: Backend,
  problems: readonly Problem[],
  glimpse = 1,
): Promise<number[]> {
  const entropies: number[] = [];
  for (const problem of problems) {
    const prompt = problem.prompt ?? { kind: "text" as const, text: problem.question };
    const result = await backend.generate({ prompt, temperature: 0, topLogprobs: 1, maxTokens: 200 });
    const tokens = result.completions[0]?.tokens ?? [];
    // The completion opens with the step delimiter; each newline ends one step and opens the next.
    let read = 0;
    let largest = 0;
    for (const token of tokens.slice(1)) {
      if (token.token === "\n") {
        entropies.push(largest);
        read = 0;
        largest = 0;
      } else if (read < glimpse) {
        read += 1;
        largest = Math.max(largest, token.entropy ?? 0);
      }
    }
    if (read > 0) entropies.push(largest);
  }
  return entropies;
}

/**
 * τ for a target share of steps written by the large model: the (1 − share) quantile of the small model's
 * step entropies on a dev set (`stepEntropies`; steps at or above it are handed over).
 *
 * @example
 * const tau = calibrateGlimpThreshold(await stepEntropies(small, dev), 0.3);
 */
export function calibrateGlimpThreshold(entropies: readonly number[], share: number): number {
  const sorted = [...entropies].sort((left, right) => left - right);
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.floor((1 - share) * sorted.length)));
  return sorted[index]!;
}

interface Row {
  readonly strategy: string;
  readonly correct: number;
  readonly problems: number;
  readonly small: number;
  readonly large: number;
  readonly seconds: number;
  /** Process CPU seconds (user + system, every thread): steadier than wall time on a shared machine. */
  readonly cpu: number;
  /** Tokens the large model scored (teacher forcing, Big Little Decoder's checks). */
  readonly scored: number;
}

/** The large model, counting the tokens it scores. */
function countingScores(backend: LlamaCppBackend): { backend: Backend; scored: () => number } {
  let scored = 0;
  return {
    backend: {
      describe: () => backend.describe(),
      capabilities: (options) => backend.capabilities(options),
      generate: (request, options) => backend.generate(request, options),
      score: async (request, options) => {
        const result = await backend.score(request, options);
        scored += result.tokens.length;
        return result;
      },
    },
    scored: () => scored,
  };
}

async function measure(
  label: string,
  strategy: Strategy,
  backend: Backend,
  problems: readonly Problem[],
  scored: () => number,
): Promise<Row> {
  let correct = 0;
  let small = 0;
  let large = 0;
  const scoredBefore = scored();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (const problem of problems) {
    const result = await solve({ problem, strategy, backend });
    if (result.answer === problem.gold) correct += 1;
    const usage = usageByModel(result.trace);
    small += usage["lab-small"]?.completionTokens ?? 0;
    large += usage["lab-large"]?.completionTokens ?? 0;
  }
  const seconds = (performance.now() - started) / 1000;
  const cpuUsed = process.cpuUsage(cpuBefore);
  const cpu = (cpuUsed.user + cpuUsed.system) / 1e6;
  return {
    strategy: label,
    correct,
    problems: problems.length,
    small,
    large,
    seconds,
    cpu,
    scored: scored() - scoredBefore,
  };
}

function format(rows: readonly Row[]): string {
  const largeGreedy = rows.find((row) => row.strategy === "greedy lab-large");
  const header = [
    "strategy",
    "accuracy %",
    "tokens/problem",
    "large share %",
    "large vs greedy large",
    "large scored/problem",
    "wall s",
    "cpu s",
  ];
  const lines = rows.map((row) => {
    const total = row.small + row.large;
    return [
      row.strategy,
      ((100 * row.correct) / row.problems).toFixed(1),
      (total / row.problems).toFixed(1),
      total === 0 ? "" : ((100 * row.large) / total).toFixed(1),
      largeGreedy === undefined || largeGreedy.large === 0 ? "" : (row.large / largeGreedy.large).toFixed(3),
      (row.scored / row.problems).toFixed(1),
      row.seconds.toFixed(1),
      row.cpu.toFixed(1),
    ];
  });
  return [header, ...lines].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      problems: { type: "string", default: "100" },
      seed: { type: "string", default: "0" },
      dev: { type: "string", default: "60" },
      targets: { type: "string", default: "0.2,0.3,0.4" },
      bild: { type: "string", default: "0.3,0.5,0.7" },
      glimpse: { type: "string", default: "1,12" },
    },
  });
  const missing = ["lab-small", "lab-large"].filter(
    (name) => !existsSync(path.join(labModelsDirectory, `${name}.gguf`)),
  );
  if (missing.length > 0) {
    process.stderr.write(`skipping: ${missing.join(", ")} absent from ${labModelsDirectory}\n`);
    return;
  }
  const problems = labDataset("lab:hard", { limit: Number(values.problems), seed: Number(values.seed) });
  const dev = labDataset("lab:hard", { limit: Number(values.dev), seed: Number(values.seed) + 1000 });
  const small: LlamaCppBackend = await createLlamaCppBackend({ model: "lab-small", threads: 1 });
  const large: LlamaCppBackend = await createLlamaCppBackend({ model: "lab-large", threads: 1 });
  const counted = countingScores(large);
  const scored = counted.scored;
  const models = [
    { name: "lab-small", backend: small as Backend },
    { name: "lab-large", backend: counted.backend },
  ];
  try {
    const rows: Row[] = [];
    const greedy = singleSample({ temperature: 0 });
    rows.push(await measure("greedy lab-large", greedy, large, problems, scored));
    rows.push(await measure("greedy lab-small", greedy, small, problems, scored));
    let steps = 0;
    for (const glimpse of values.glimpse.split(",").map(Number)) {
      const entropies = await stepEntropies(small, dev, glimpse);
      steps = entropies.length;
      for (const target of values.targets.split(",").map(Number)) {
        const threshold = Number(calibrateGlimpThreshold(entropies, target).toFixed(4));
        const strategy = glimpseRouter({ models, threshold, glimpse });
        const label = `${strategy.name} (target ${target})`;
        rows.push(await measure(label, strategy, large, problems, scored));
        process.stderr.write(`${label} done\n`);
      }
    }
    for (const fallback of values.bild.split(",").map(Number)) {
      const strategy = bigLittleDecoder({ models, fallback });
      rows.push(await measure(strategy.name, strategy, large, problems, scored));
      process.stderr.write(`${strategy.name} done\n`);
    }
    process.stdout.write(
      `lab:hard, ${problems.length} problems (seed ${values.seed}); τ calibrated on ${dev.length} dev problems ` +
        `(${steps} steps)\n${format(rows)}\n`,
    );
  } finally {
    await small.dispose();
    await large.dispose();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
