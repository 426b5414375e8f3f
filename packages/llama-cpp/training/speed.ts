/**
 * Measures a GGUF's decoding speed through node-llama-cpp the way mull's embedded backend runs it:
 * threads 1, one sequence, greedy. Speed does not depend on training, so an untrained export
 * (`train.py --steps 0`) measures a size before paying for its training.
 *
 *   NODE_LLAMA_CPP_SKIP_DOWNLOAD=true npx node "$PWD/speed.ts" ../models/lab-small.gguf runs/speed/d128-l4/model.gguf
 *
 * For each file, two figures (median of `--repeats` runs after one warm-up; the best run too, and tokens per
 * CPU second of the whole process, both less disturbed by other load on a shared machine):
 * - `decode`: tokens/s of `sequence.evaluate` forced to run `--tokens` greedy tokens after a lab prompt
 *   (no stop, no text handling): llama.cpp's cost per token plus node-llama-cpp's per-token loop;
 * - `completion`: tokens/s of `LlamaCompletion.generateCompletion` (temperature 0) on level-6 lab prompts,
 *   counting the generated tokens; the path mull's backend takes, with stop handling and detokenization.
 *   Only meaningful for a trained model (an untrained one stops or rambles at random).
 *
 * `--help` lists the options; a bad argument (an unknown flag, `--repeats 0`, a model file that is not there)
 * is a message naming it, exit code 2, before any model loads.
 */
import { getLlama, LlamaCompletion } from "node-llama-cpp";
import { labDataset } from "../../mull/src/lab/index.ts";
import { optionsOrExitCode } from "../../mull/src/runtime/options-or-exit-code.ts";
import { checkInputFile } from "./check-input-file.ts";
import { parseSpeedOptions, speedUsage } from "./speed-options.ts";

const parsed = optionsOrExitCode(() => {
  const options = parseSpeedOptions(process.argv.slice(2), process.env);
  for (const model of options?.models ?? []) checkInputFile("speed.ts", "model", model);
  return options;
}, speedUsage);
if (typeof parsed === "number") process.exit(parsed);
const { tokens: forcedTokens, repeats, problems: problemCount } = parsed;
const prompts = labDataset("lab:6", { limit: problemCount, seed: 0 }).map((problem) =>
  problem.prompt?.kind === "text" ? problem.prompt.text : "",
);

function median(numbers: number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

const llama = await getLlama({ gpu: false, build: "never" });
for (const modelPath of parsed.models) {
  const model = await llama.loadModel({ modelPath });
  const context = await model.createContext({ contextSize: 256, sequences: 1, threads: 1 });
  const sequence = context.getSequence();

  const cpuRates: number[] = [];
  async function decodeRate(): Promise<number> {
    await sequence.clearHistory();
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    let count = 0;
    for await (const _token of sequence.evaluate(model.tokenize(prompts[0] ?? "Q: 1+1=? A:"), {
      temperature: 0,
    })) {
      count += 1;
      if (count >= forcedTokens) break;
    }
    const cpu = process.cpuUsage(cpuStart);
    cpuRates.push((count / (cpu.user + cpu.system)) * 1e6);
    return (count / (performance.now() - start)) * 1000;
  }

  const completion = new LlamaCompletion({ contextSequence: sequence });
  async function completionRate(): Promise<number> {
    let tokens = 0;
    const start = performance.now();
    for (const prompt of prompts) {
      await sequence.clearHistory();
      const text = await completion.generateCompletion(prompt, { temperature: 0, maxTokens: 160 });
      tokens += model.tokenize(text).length + 1;
    }
    return (tokens / (performance.now() - start)) * 1000;
  }

  await decodeRate();
  cpuRates.length = 0;
  const decodes = await sequential(repeats, decodeRate);
  const row: Record<string, unknown> = {
    model: modelPath,
    bytes: model.size,
    decodeTokensPerSecond: Math.round(median(decodes)),
    bestDecodeTokensPerSecond: Math.round(Math.max(...decodes)),
    decodeTokensPerCpuSecond: Math.round(median(cpuRates)),
  };
  if (parsed.completion) {
    await completionRate();
    row.completionTokensPerSecond = Math.round(median(await sequential(repeats, completionRate)));
  }
  console.log(JSON.stringify(row));
  await context.dispose();
  await model.dispose();
}

async function sequential(times: number, measure: () => Promise<number>): Promise<number[]> {
  const results: number[] = [];
  for (let index = 0; index < times; index += 1) results.push(await measure());
  return results;
}
