/**
 * Checks an exported GGUF against its torch checkpoint: llama.cpp's (node-llama-cpp's) tokenization and
 * next-token probabilities at every position of a few lab texts must match torch's, and characters outside
 * the vocabulary must round-trip through the byte-fallback tokens.
 *
 *   NODE_LLAMA_CPP_SKIP_DOWNLOAD=true npx node "$PWD/export-check.ts" <model.gguf> <model.pt> [tolerance]
 *
 * (`npx` runs from the package folder: relative paths of files are read from the folder it was started in.)
 *
 * Exits with status 1 when a token differs or a probability differs by more than the tolerance, and prints
 * the largest difference. Two uses:
 * - exactness of the export (layout, RoPE mode, tokenizer): an F32 export (`export_gguf.py --f32`) with
 *   `KV_CACHE=F32 FLASH_ATTENTION=false` and tolerance 1e-4 (measured: 9e-6);
 * - the shipped F16 file under llama.cpp's defaults (F16 weights and key/value cache): default tolerance
 *   2e-2 (measured: up to 1e-2, on uncertain positions).
 *
 * `--help` lists the arguments; a bad one (a tolerance that is not a number ≥ 0, a file that is not there,
 * a model that is not a lab GGUF, `KV_CACHE=f32`) is a message naming it, exit code 2, before torch or
 * llama.cpp runs; a checkpoint torch cannot read as a lab model is torch_probabilities.py's one-line
 * message, exit code 2, before llama.cpp runs.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { getLlama, LlamaCompletion } from "node-llama-cpp";
import { optionsOrExitCode } from "../../mull/src/runtime/options-or-exit-code.ts";
import { checkInputFile } from "./check-input-file.ts";
import { checkLabModelFile } from "./check-lab-model-file.ts";
import { exitOnRefusal } from "./exit-on-refusal.ts";
import { exportCheckUsage, parseExportCheckOptions } from "./export-check-options.ts";

const parsed = optionsOrExitCode(() => {
  const options = parseExportCheckOptions(process.argv.slice(2), process.env);
  if (options !== undefined) {
    checkInputFile("export-check.ts", "model", options.model);
    checkInputFile("export-check.ts", "checkpoint", options.checkpoint);
  }
  return options;
}, exportCheckUsage);
if (typeof parsed === "number") process.exit(parsed);
await exitOnRefusal(checkLabModelFile("export-check.ts", "model", parsed.model));
const { model: ggufPath, checkpoint: checkpointPath, tolerance, cacheType } = parsed;
const texts = [
  "Q: 30+444+273=? A:\n30+444=474\n474+273=747\n#### 747",
  "Q: 812-99+7-300+45-1+600=? A:\n812-99=713\n713+7=720",
  "Q: 5+5=? A:",
];

interface TorchResult {
  readonly text: string;
  readonly tokens: number[];
  readonly probabilities: number[][];
}

const here = path.dirname(new URL(import.meta.url).pathname);
let torchOutput: Buffer;
try {
  torchOutput = execFileSync(
    "/usr/bin/python3",
    [path.join(here, "torch_probabilities.py"), checkpointPath, ...texts],
    { env: { ...process.env, OMP_NUM_THREADS: "1" }, maxBuffer: 1 << 28, stdio: ["ignore", "pipe", "pipe"] },
  );
} catch (error) {
  // torch_probabilities.py refuses a checkpoint that is not a lab model in one line, exit status 2: that line
  // is the answer, not a stack.
  const { status, stderr } = error as { status?: number | null; stderr?: Buffer };
  if (typeof status !== "number") throw error;
  process.stderr.write(stderr?.toString("utf8") ?? "");
  process.exit(status);
}
const torchResults = JSON.parse(torchOutput.toString("utf8")) as TorchResult[];

const llama = await getLlama({ gpu: false, build: "never" });
const model = await llama.loadModel({ modelPath: ggufPath });
// KV_CACHE=F32 isolates the weights' rounding from the F16 key/value cache llama.cpp uses by default.
const context = await model.createContext({
  contextSize: 256,
  threads: 1,
  experimentalKvCacheKeyType: cacheType,
  experimentalKvCacheValueType: cacheType,
  flashAttention: parsed.flashAttention,
});
const sequence = context.getSequence();
let worst = 0;
let failures = 0;
for (const expected of torchResults) {
  const tokens = model.tokenize(expected.text);
  const withBos = [model.tokens.bos ?? 1, ...tokens].map(Number);
  if (withBos.join(",") !== expected.tokens.join(",")) {
    console.error(
      `tokens differ for ${JSON.stringify(expected.text)}:\n llama ${withBos}\n torch ${expected.tokens}`,
    );
    failures += 1;
    continue;
  }
  await sequence.clearHistory();
  const output = await sequence.controlledEvaluate(
    withBos.map((token) => [
      token,
      { generateNext: { probabilities: true, options: { temperature: 1, topK: 0, topP: 1, minP: 0 } } },
    ]) as Parameters<typeof sequence.controlledEvaluate>[0],
  );
  let textWorst = 0;
  expected.probabilities.forEach((row, position) => {
    const probabilities = output[position]?.next.probabilities;
    if (probabilities === undefined) throw new Error(`no probabilities at position ${position}`);
    row.forEach((probability, token) => {
      const difference = Math.abs((probabilities.get(token as never) ?? 0) - probability);
      textWorst = Math.max(textWorst, difference);
    });
  });
  worst = Math.max(worst, textWorst);
  console.log(
    `${JSON.stringify(expected.text)}: ${withBos.length} tokens, max |p_llama - p_torch| = ${textWorst.toExponential(2)}`,
  );
  const generated = model.detokenize(tokens);
  if (generated !== expected.text) {
    console.error(`detokenize differs: ${JSON.stringify(generated)}`);
    failures += 1;
  }
}
// Characters outside the vocabulary must go through the byte-fallback tokens, never abort the process.
const foreign = '{"answer": "é 12×3"}';
const foreignTokens = model.tokenize(foreign);
if (model.detokenize(foreignTokens) !== foreign) {
  console.error(`byte fallback round trip failed: ${JSON.stringify(model.detokenize(foreignTokens))}`);
  failures += 1;
} else {
  console.log(`byte fallback: ${JSON.stringify(foreign)} -> ${foreignTokens.length} tokens and back`);
}
await sequence.clearHistory();
const completion = new LlamaCompletion({ contextSequence: sequence });
const sample = await completion.generateCompletion("Q: 30+444+273=? A:", { temperature: 0, maxTokens: 120 });
console.log(`greedy completion of "Q: 30+444+273=? A:": ${JSON.stringify(sample)}`);
completion.dispose();
await context.dispose();
await model.dispose();
await llama.dispose();
console.log(`largest difference ${worst.toExponential(2)} (tolerance ${tolerance})`);
if (failures > 0 || worst > tolerance) process.exit(1);
