/**
 * Speculative decoding on the embedded backend, against the plain backend in the same process:
 *
 * 1. greedy decoding of N lab problems, one after another, on the main model alone, with the small model as
 *    draft, and with prompt lookup — rounds interleaved (the order rotates every round) — reporting the wall and
 *    CPU speed-up over the main model alone, the acceptance rate (accepted / checked predicted tokens), and
 *    whether every text equals the plain backend's;
 * 2. tokens/s of the draft model against the main model alone (one sequence greedy, and 16 parallel sequences
 *    sampled), since draft-model speculation can pay only when the draft is much faster than the main model;
 * 3. what checking costs: K tokens evaluated in one batch, with the main model's next token read at each
 *    (what a speculative check does), against K tokens decoded one at a time, and the speed-up that bounds
 *    for a draft that is always right (K − 1 drafted tokens at the draft's measured rate, then one check of K).
 *
 * `--model NAME` (main) and `--draft NAME` take a lab model name from models.json or a `.gguf` path; by default
 * `defaultModelPair` (`speculative-options.ts`: the second lab model family).
 *
 *   npm run bench:speculative
 *   npm run bench:speculative -- --model lab-large --draft lab-small
 *   npm run bench:speculative -- --problems 40 --rounds 5 --draft-tokens 4 --lookup-tokens 2
 *   npm run bench:speculative -- --help     # the options
 *
 * A bad flag (an unknown one, `--problems 0`, `--rounds abc`, a model or draft that is not there) is a
 * message naming it, exit code 2, before any model loads.
 *
 * Other processes may share the cores: compare the ratios, and run it more than once.
 */
import { ConfigError } from "mull/errors";
import { labDataset, labPromptTemplate } from "mull/lab";
import type { Prompt } from "mull/spec";
import { getLlama, LlamaLogLevel, type Token } from "node-llama-cpp";
import { createLlamaCppBackend, type LlamaCppBackend } from "../src/index.ts";
import { checkModelFlag } from "./model-flag.ts";
import {
  parseSpeculativeOptions,
  type SpeculativeBenchOptions,
  speculativeUsage,
} from "./speculative-options.ts";

const owner = "bench:speculative";

/**
 * The checked options and the main model's file, both models' files checked; or the exit code: 0 after
 * `--help`, 2 after a one-line message naming a bad flag (before any model loads).
 */
async function optionsOrExitCode(
  argv: readonly string[],
): Promise<(SpeculativeBenchOptions & { readonly modelPath: string }) | number> {
  try {
    const options = parseSpeculativeOptions(argv);
    if (options === undefined) {
      process.stdout.write(speculativeUsage);
      return 0;
    }
    const modelPath = await checkModelFlag(owner, "--model", options.model);
    await checkModelFlag(owner, "--draft", options.draft);
    return { ...options, modelPath };
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 2;
  }
}

const parsed = await optionsOrExitCode(process.argv.slice(2));
if (typeof parsed === "number") process.exit(parsed);
const values = parsed;
const { rounds, threads, maxTokens } = values;
const prompts: Prompt[] = labDataset(values.dataset, { limit: values.problems, seed: values.seed }).map(
  (problem) => labPromptTemplate(problem),
);

function median(numbers: readonly number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function range(ratios: readonly number[]): string {
  return `${median(ratios).toFixed(2)}x (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`;
}

interface Timing {
  readonly milliseconds: number;
  /** CPU milliseconds of this process (all threads): less sensitive to other processes than wall time. */
  readonly cpuMilliseconds: number;
  readonly tokens: number;
  readonly texts: readonly string[];
}

async function timed(work: () => Promise<{ tokens: number; texts: string[] }>): Promise<Timing> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const { tokens, texts } = await work();
  const used = process.cpuUsage(cpu);
  return {
    milliseconds: performance.now() - start,
    cpuMilliseconds: (used.user + used.system) / 1000,
    tokens,
    texts,
  };
}

/** Greedy completions of every prompt, one after another (speculative decoding cuts one sequence's latency). */
async function greedy(backend: LlamaCppBackend): Promise<{ tokens: number; texts: string[] }> {
  let tokens = 0;
  const texts: string[] = [];
  for (const prompt of prompts) {
    const result = await backend.generate({ prompt, temperature: 0, maxTokens });
    tokens += result.usage.completionTokens ?? 0;
    texts.push(result.completions[0]?.text ?? "");
  }
  return { tokens, texts };
}

/** 16 sampled completions of each of the first four prompts, 16 sequences in parallel. */
async function parallel(
  backend: LlamaCppBackend,
  round: number,
): Promise<{ tokens: number; texts: string[] }> {
  let tokens = 0;
  for (const [index, prompt] of prompts.slice(0, 4).entries()) {
    const result = await backend.generate({
      prompt,
      n: 16,
      temperature: 1,
      seed: round * 101 + index,
      maxTokens,
    });
    tokens += result.usage.completionTokens ?? 0;
  }
  return { tokens, texts: [] };
}

const optional = (name: string, value: number | undefined) => (value === undefined ? {} : { [name]: value });
const main = await createLlamaCppBackend({ model: values.model, threads, sequences: 16 });
const draft = await createLlamaCppBackend({ model: values.draft, threads, sequences: 16 });
const variants: { name: string; backend: LlamaCppBackend }[] = [
  { name: `${values.model} alone`, backend: main },
  {
    name: `draft ${values.draft}`,
    backend: await createLlamaCppBackend({
      model: values.model,
      threads,
      sequences: 16,
      speculative: { kind: "draft", model: values.draft, ...optional("tokens", values.draftTokens) },
    }),
  },
  {
    name: "prompt lookup",
    backend: await createLlamaCppBackend({
      model: values.model,
      threads,
      sequences: 16,
      speculative: { kind: "prompt-lookup", ...optional("tokens", values.lookupTokens) },
    }),
  },
];
console.log(
  `${prompts.length} ${values.dataset} problems greedy, ${values.model}, threads ${threads}, ${rounds} rounds; ` +
    `settings ${JSON.stringify(variants.map(({ backend }) => backend.settings.speculative ?? "off"))}`,
);

// Warm up every backend (first evaluations allocate buffers).
for (const { backend } of [...variants, { backend: draft }]) await parallel(backend, -1);
for (const { backend } of variants) await greedy(backend);
const warmed = variants.map(({ backend }) => backend.speculation());

const timings = variants.map(() => [] as Timing[]);
for (let round = 0; round < rounds; round += 1) {
  for (let step = 0; step < variants.length; step += 1) {
    const index = (round + step) % variants.length;
    timings[index]!.push(await timed(() => greedy(variants[index]!.backend)));
  }
}
const plain = timings[0]!;
const rows = variants.map(({ name, backend }, index) => {
  const runs = timings[index]!;
  const identical = runs.every((run, round) =>
    run.texts.every((text, problem) => text === plain[round]?.texts[problem]),
  );
  const stats = backend.speculation();
  const before = warmed[index];
  const checked = (stats?.checkedTokens ?? 0) - (before?.checkedTokens ?? 0);
  const accepted = (stats?.acceptedTokens ?? 0) - (before?.acceptedTokens ?? 0);
  const tokens = runs.reduce((sum, run) => sum + run.tokens, 0);
  return [
    name,
    `${median(runs.map((run) => (run.tokens / run.milliseconds) * 1000)).toFixed(0)} tok/s`,
    range(runs.map((run, round) => plain[round]!.milliseconds / run.milliseconds)),
    range(runs.map((run, round) => plain[round]!.cpuMilliseconds / run.cpuMilliseconds)),
    stats === undefined ? "" : `${((accepted / Math.max(checked, 1)) * 100).toFixed(1)}% of ${checked}`,
    stats === undefined ? "" : `${((accepted / tokens) * 100).toFixed(1)}%`,
    index === 0 ? "" : identical ? "identical" : "DIFFERENT",
  ];
});
printTable(
  [
    "greedy decoding",
    "rate",
    "speed-up, wall",
    "speed-up, CPU",
    "accepted / checked",
    "tokens accepted",
    "texts",
  ],
  rows,
);

// Throughput of the draft model against the main model alone: one sequence greedy, 16 sequences sampled.
const throughput: string[][] = [];
/** The draft's median tokens/s decoding one sequence greedily, as a speculative draft decodes. */
let greedyDraftRate = 0;
for (const [label, work] of [
  ["1 sequence, greedy", (backend: LlamaCppBackend) => greedy(backend)],
  ["16 parallel sequences, T=1", parallel],
] as const) {
  const rates = { main: [] as number[], draft: [] as number[] };
  const cpuRates = { main: [] as number[], draft: [] as number[] };
  for (let round = 0; round < rounds; round += 1) {
    const order = round % 2 === 0 ? (["main", "draft"] as const) : (["draft", "main"] as const);
    for (const which of order) {
      const run = await timed(() => work(which === "main" ? main : draft, round));
      rates[which].push((run.tokens / run.milliseconds) * 1000);
      cpuRates[which].push((run.tokens / run.cpuMilliseconds) * 1000);
    }
  }
  if (label === "1 sequence, greedy") greedyDraftRate = median(rates.draft);
  throughput.push([
    label,
    `${median(rates.draft).toFixed(0)} tok/s`,
    `${median(rates.main).toFixed(0)} tok/s`,
    range(rates.draft.map((rate, round) => rate / rates.main[round]!)),
    range(cpuRates.draft.map((rate, round) => rate / cpuRates.main[round]!)),
  ]);
}
printTable(
  [
    `threads ${threads}`,
    values.draft,
    values.model,
    `${values.draft} / ${values.model}, wall`,
    "per CPU-second",
  ],
  throughput,
);

// What a check costs on the main model: K tokens in one evaluation, reading the next token at each, against
// K tokens decoded one at a time; both from the same cached prefix, erased again after each repetition.
const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });
const checkModel = await llama.loadModel({ modelPath: values.modelPath });
const checkContext = await checkModel.createContext({ contextSize: 256, sequences: 1, threads });
const sequence = checkContext.getSequence();
const checkTokens = checkModel.tokenize(
  `${prompts[0]?.kind === "text" ? prompts[0].text : ""}\n`,
  true,
) as Token[];
const prefix = checkTokens.slice(0, -9);
const ahead = checkTokens.slice(-9);
const repetitions = 200;
async function perCall(work: () => Promise<unknown>): Promise<number> {
  for (let index = 0; index < 20; index += 1) await work();
  const start = performance.now();
  for (let index = 0; index < repetitions; index += 1) await work();
  return (performance.now() - start) / repetitions;
}
const next = { generateNext: { token: true, options: { temperature: 0 } } } as const;
const checking: string[][] = [];
for (const size of [1, 2, 4, 8]) {
  const batched = await perCall(async () => {
    await sequence.adaptStateToTokens(prefix, false);
    await sequence.controlledEvaluate(ahead.slice(0, size).map((token) => [token, next]));
  });
  const oneByOne = await perCall(async () => {
    await sequence.adaptStateToTokens(prefix, false);
    for (const token of ahead.slice(0, size)) await sequence.controlledEvaluate([[token, next]]);
  });
  // A perfect draft: K − 1 drafted tokens, then one check of K that yields K tokens.
  const drafted = ((size - 1) / greedyDraftRate) * 1000;
  checking.push([
    String(size),
    `${batched.toFixed(2)} ms`,
    `${oneByOne.toFixed(2)} ms`,
    `${(batched / oneByOne).toFixed(2)}`,
    `${(oneByOne / (batched + drafted)).toFixed(2)}x`,
  ]);
}
printTable(
  [
    "K tokens",
    "one batched check",
    "decoded one by one",
    "check / decode",
    `bound with an always-right ${values.draft}`,
  ],
  checking,
);
await checkContext.dispose();
await checkModel.dispose();

function printTable(header: readonly string[], body: readonly (readonly string[])[]): void {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...body.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: readonly string[]) =>
    cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  ");
  console.log(`\n${line(header)}`);
  console.log(line(widths.map((width) => "-".repeat(width))));
  for (const row of body) console.log(line(row));
}

for (const { backend } of variants) await backend.dispose();
await draft.dispose();
