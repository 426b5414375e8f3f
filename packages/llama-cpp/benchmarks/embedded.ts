/**
 * Throughput of the embedded backend, as ratios against baselines measured in the same process:
 *
 * 1. one sequence (tokens/s);
 * 2. 8 and 16 completions in parallel (one `generate` with `n`) versus the same completions one after another
 *    (same seeds, so the same tokens);
 * 3. a prompt prefix shared by 16 completions, evaluated once and copied versus evaluated per sequence.
 *
 *   npm run bench:embedded [-- <model>]        (a lab model name or a .gguf path; or MULL_BENCH_MODEL)
 *   npm run bench:embedded -- --model lab-large --rounds 7 --threads 1 --max-tokens 96
 *   npm run bench:embedded -- --help     # the options
 *
 * A bad flag (an unknown one, `--rounds 0`, a model that is not there) is a message naming it, exit code 2,
 * before the model loads.
 *
 * Other processes may share the cores: compare the ratios, and run it more than once.
 */
import { existsSync } from "node:fs";
import { ConfigError } from "mull/errors";
import type { GenerationResult } from "mull/spec";
import { completionSeed } from "../src/completion-seed.ts";
import { createLlamaCppBackend, type LlamaCppBackend, labModelsDirectory } from "../src/index.ts";
import { embeddedUsage, parseEmbeddedOptions } from "./embedded-options.ts";
import { checkModelFlag } from "./model-flag.ts";

const owner = "bench:embedded";

/** The first lab model whose file is there, for a run given no model. */
function defaultModel(): string {
  for (const name of ["lab-large", "lab-small"]) {
    if (existsSync(`${labModelsDirectory}/${name}.gguf`)) return name;
  }
  throw new ConfigError(
    `${owner}: --model: no lab model file in ${labModelsDirectory}; pass a model name or a .gguf path`,
    { field: "--model" },
  );
}

/**
 * The model and the checked counts, the model's file checked; or the exit code: 0 after `--help`, 2 after
 * a one-line message naming a bad flag (before the model loads).
 */
async function settingsOrExitCode(
  argv: readonly string[],
): Promise<{ model: string; rounds: number; threads: number; maxTokens: number } | number> {
  try {
    const options = parseEmbeddedOptions(argv);
    if (options === undefined) {
      process.stdout.write(embeddedUsage);
      return 0;
    }
    const environment = process.env.MULL_BENCH_MODEL?.trim();
    const fromEnvironment = options.model === undefined && environment !== undefined && environment !== "";
    const model = options.model ?? (fromEnvironment ? environment : defaultModel());
    await checkModelFlag(owner, fromEnvironment ? "MULL_BENCH_MODEL" : "--model", model);
    return { ...options, model };
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 2;
  }
}

const settings = await settingsOrExitCode(process.argv.slice(2));
if (typeof settings === "number") process.exit(settings);
const { model, rounds, threads, maxTokens } = settings;

/** A seeded lab question of `operations` operations on 3-digit numbers (values kept in 0..999). */
function labQuestion(seed: number, operations: number): string {
  let state = seed >>> 0;
  const next = (limit: number) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return 1 + (state % limit);
  };
  let current = next(999);
  let text = String(current);
  for (let step = 0; step < operations; step += 1) {
    let operand = next(999);
    const plus = next(2) === 1;
    if (plus && current + operand > 999) operand = next(999 - current);
    if (!plus && current - operand < 0) operand = next(current);
    current = plus ? current + operand : current - operand;
    text += `${plus ? "+" : "-"}${operand}`;
  }
  return `Q: ${text}=? A:`;
}

function median(numbers: readonly number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

interface Timing {
  /** Wall-clock milliseconds. */
  readonly milliseconds: number;
  /** CPU milliseconds of this process (all threads): less sensitive to other processes than wall time. */
  readonly cpuMilliseconds: number;
  readonly tokens: number;
}

async function timed(work: () => Promise<number>): Promise<Timing> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const tokens = await work();
  const used = process.cpuUsage(cpu);
  return {
    milliseconds: performance.now() - start,
    cpuMilliseconds: (used.user + used.system) / 1000,
    tokens,
  };
}

/** Tokens per wall-clock second. */
function rate(timing: Timing): number {
  return (timing.tokens / timing.milliseconds) * 1000;
}

/** Tokens per CPU second. */
function cpuRate(timing: Timing): number {
  return (timing.tokens / timing.cpuMilliseconds) * 1000;
}

function range(ratios: readonly number[]): string {
  return `${median(ratios).toFixed(2)}x (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`;
}

async function parallel(backend: LlamaCppBackend, text: string, n: number, seed: number): Promise<number> {
  const result = await backend.generate({
    prompt: { kind: "text", text },
    n,
    temperature: 1,
    seed,
    maxTokens,
  });
  return result.usage.completionTokens ?? 0;
}

/** The same completions as `parallel` (same per-completion seeds), one call after another. */
async function sequential(backend: LlamaCppBackend, text: string, n: number, seed: number): Promise<number> {
  let tokens = 0;
  for (let index = 0; index < n; index += 1) {
    const result = await backend.generate({
      prompt: { kind: "text", text },
      temperature: 1,
      seed: completionSeed(seed, index),
      maxTokens,
    });
    tokens += result.usage.completionTokens ?? 0;
  }
  return tokens;
}

const backend = await createLlamaCppBackend({ model, threads, sequences: 16 });
const unshared = await createLlamaCppBackend({ model, threads, sequences: 16, prefixSharing: false });
console.log(
  `model ${backend.describe().model} (${backend.settings.modelPath}), threads ${threads}, ${rounds} rounds`,
);

// Warm up both backends (first evaluations allocate buffers).
await parallel(backend, labQuestion(999, 3), 16, 1);
await parallel(unshared, labQuestion(998, 3), 16, 1);

const rows: string[][] = [];
const single: Timing[] = [];
for (let round = 0; round < rounds; round += 1) {
  single.push(await timed(() => sequential(backend, labQuestion(round, 4), 4, round)));
}
rows.push([
  "1 sequence",
  `${median(single.map(rate)).toFixed(0)} tok/s`,
  "",
  "",
  `${median(single.map(cpuRate)).toFixed(0)} tok per CPU-s`,
]);

for (const n of [8, 16]) {
  const parallelRates: number[] = [];
  const sequentialRates: number[] = [];
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const text = labQuestion(100 * n + round, 4);
    // Alternate which side goes first, so that a burst of load elsewhere does not always hit the same one.
    let together: Timing;
    let apart: Timing;
    if (round % 2 === 0) {
      together = await timed(() => parallel(backend, text, n, round));
      apart = await timed(() => sequential(backend, text, n, round));
    } else {
      apart = await timed(() => sequential(backend, text, n, round));
      together = await timed(() => parallel(backend, text, n, round));
    }
    parallelRates.push(rate(together));
    sequentialRates.push(rate(apart));
    ratios.push(rate(together) / rate(apart));
    cpuRatios.push(cpuRate(together) / cpuRate(apart));
  }
  rows.push([
    `${n} parallel vs ${n} sequential`,
    `${median(parallelRates).toFixed(0)} tok/s`,
    `${median(sequentialRates).toFixed(0)} tok/s`,
    range(ratios),
    range(cpuRatios),
  ]);
}

// A few-shot prompt shared by 16 short completions; every round has a new prompt, so no cache helps.
const sharedTimes: number[] = [];
const unsharedTimes: number[] = [];
const prefixRatios: number[] = [];
const prefixCpuRatios: number[] = [];
let promptTokens = 0;
let evaluatedShared = 0;
let evaluatedUnshared = 0;
for (let round = 0; round < rounds; round += 1) {
  const shots = [1, 2, 3].map((shot) => `${labQuestion(1000 * round + shot, 1)}\n`).join("");
  const text = `${shots}${labQuestion(1000 * round + 7, 2)}`;
  const request = {
    prompt: { kind: "text" as const, text },
    n: 16,
    temperature: 1,
    seed: round,
    maxTokens: 8,
  };
  let withSharing: GenerationResult | undefined;
  let withoutSharing: GenerationResult | undefined;
  const sharedTiming = await timed(async () => {
    withSharing = await backend.generate(request);
    return 0;
  });
  const unsharedTiming = await timed(async () => {
    withoutSharing = await unshared.generate(request);
    return 0;
  });
  sharedTimes.push(sharedTiming.milliseconds);
  unsharedTimes.push(unsharedTiming.milliseconds);
  prefixRatios.push(unsharedTiming.milliseconds / sharedTiming.milliseconds);
  prefixCpuRatios.push(unsharedTiming.cpuMilliseconds / sharedTiming.cpuMilliseconds);
  const evaluated = (result: GenerationResult | undefined) =>
    (result?.usage.promptTokens ?? 0) - (result?.usage.cachedPromptTokens ?? 0);
  promptTokens = (withSharing?.usage.promptTokens ?? 0) / 16;
  evaluatedShared = evaluated(withSharing);
  evaluatedUnshared = evaluated(withoutSharing);
}
rows.push([
  `${promptTokens}-token prompt × 16, 8 new tokens each: prefix shared vs per sequence`,
  `${median(sharedTimes).toFixed(1)} ms (${evaluatedShared} prompt tokens evaluated)`,
  `${median(unsharedTimes).toFixed(1)} ms (${evaluatedUnshared} evaluated)`,
  range(prefixRatios),
  range(prefixCpuRatios),
]);

const header = ["measure", "value", "baseline", "speed-up, wall (median, range)", "speed-up, CPU time"];
const widths = header.map((title, column) =>
  Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
);
const line = (cells: readonly string[]) =>
  cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  ");
console.log(line(header));
console.log(line(widths.map((width) => "-".repeat(width))));
for (const row of rows) console.log(line(row));

await backend.dispose();
await unshared.dispose();
