/**
 * Measures a lab GGUF through node-llama-cpp (llama.cpp), the way mull's embedded backend runs it.
 *
 *   NODE_LLAMA_CPP_SKIP_DOWNLOAD=true npx node "$PWD/evaluate.ts" ../models/lab-large.gguf \
 *     --levels 1-6 --count 200 --temperature 1.0 --samples 16 --sampled-levels 6 --out large.json
 *
 * `npx` runs from the package folder: the script is given by its absolute path, and relative paths of files
 * are read from the folder `npx` was started in (`INIT_CWD`).
 *
 * For each level: greedy accuracy on `count` problems of `labDataset("lab:<level>", { seed })`. For each
 * sampled level and temperature: `samples` completions per problem with pure temperature sampling
 * (topK 0, topP 1, minP 0), giving single-sample accuracy (mean over samples), maj@k (majority vote over the
 * extracted answers; a tie counts as the share of tied answers that are right, the expected accuracy of a
 * random tie-break) and pass@k (any sample right). Also the share of samples whose every step passes the
 * exact step checker, and whose format is valid (ends with `#### N`), and the share of greedy and sampled
 * solutions that take the grouped path (`labSolutionPath`).
 *
 * `--operand-sizes 0,1,0` draws the problems from that operand-size mixture (here 2-digit chains such as
 * `37+48-19=?`) instead of the datasets' uniform 1–999.
 *
 * `--help` lists the options; a bad argument (an unknown flag, `--temperature x`, `--levels 1-9`, `--levels none`
 * with `--sampled-levels none`, a model file that is not there, not a GGUF or not a lab model) is a message
 * naming it, exit code 2, before the model loads.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { getLlama, LlamaCompletion } from "node-llama-cpp";
import {
  checkLabSteps,
  extractLabAnswer,
  generateLabProblems,
  labSolutionPath,
} from "../../mull/src/lab/index.ts";
import { optionsOrExitCode } from "../../mull/src/runtime/options-or-exit-code.ts";
import type { Problem } from "../../mull/src/spec/index.ts";
import { checkLabModelFile } from "./check-lab-model-file.ts";
import { checkEvaluatePaths, evaluateUsage, parseEvaluateOptions } from "./evaluate-options.ts";
import { exitOnRefusal } from "./exit-on-refusal.ts";

const parsed = optionsOrExitCode(() => {
  const options = parseEvaluateOptions(process.argv.slice(2), process.env);
  if (options !== undefined) checkEvaluatePaths(options);
  return options;
}, evaluateUsage);
if (typeof parsed === "number") process.exit(parsed);
await exitOnRefusal(checkLabModelFile("evaluate.ts", "model", parsed.model));
const { model: modelPath, count, sampledCount, samples, seed, operandSizes, temperatures } = parsed;

/** The problems of one level: `labDataset("lab:<level>")`'s, or drawn from `--operand-sizes`. */
const problemsOf = (level: number, limit: number): Problem[] =>
  generateLabProblems({ level, count: limit, seed, operandSizes });
const sequences = 16;
const maxTokens = 160;

const llama = await getLlama({ gpu: false, build: "never" });
const model = await llama.loadModel({ modelPath });
const context = await model.createContext({ contextSize: 256, sequences, threads: 1 });
const completions = Array.from(
  { length: sequences },
  () => new LlamaCompletion({ contextSequence: context.getSequence() }),
);

/** Runs `jobs` on the parallel sequences, each job on the next free completion object. */
async function runParallel<T>(jobs: readonly ((completion: LlamaCompletion) => Promise<T>)[]): Promise<T[]> {
  const results = new Array<T>(jobs.length);
  let next = 0;
  await Promise.all(
    completions.map(async (completion) => {
      while (next < jobs.length) {
        const index = next;
        next += 1;
        const job = jobs[index];
        if (job !== undefined) results[index] = await job(completion);
      }
    }),
  );
  return results;
}

function promptOf(problem: Problem): string {
  if (problem.prompt?.kind !== "text") throw new Error(`problem ${problem.id} has no text prompt`);
  return problem.prompt.text;
}

const report: Record<string, unknown> = {
  model: modelPath,
  count,
  sampledCount,
  samples,
  seed,
  ...(operandSizes === undefined ? {} : { operandSizes }),
};
const started = performance.now();

const greedyByLevel: Record<string, number> = {};
const greedyGroupedByLevel: Record<string, number> = {};
for (const level of parsed.levels) {
  const problems = problemsOf(level, count);
  const levelStarted = performance.now();
  const texts = await runParallel(
    problems.map(
      (problem) => (completion: LlamaCompletion) =>
        completion.generateCompletion(promptOf(problem), { temperature: 0, maxTokens }),
    ),
  );
  const correct = problems.filter(
    (problem, index) => extractLabAnswer(texts[index] ?? "") === problem.gold,
  ).length;
  greedyByLevel[level] = Math.round((1000 * correct) / problems.length) / 10;
  const grouped = problems.filter(
    (problem, index) => labSolutionPath(problem, texts[index] ?? "") === "grouped",
  ).length;
  greedyGroupedByLevel[level] = Math.round((1000 * grouped) / problems.length) / 10;
  const seconds = ((performance.now() - levelStarted) / 1000).toFixed(1);
  console.log(
    `level ${level} greedy ${greedyByLevel[level]}%, grouped path ${greedyGroupedByLevel[level]}% ` +
      `(${problems.length} problems, ${seconds} s)`,
  );
}
report.greedyByLevel = greedyByLevel;
report.greedyGroupedByLevel = greedyGroupedByLevel;

const sampled: Record<string, unknown>[] = [];
for (const level of parsed.sampledLevels) {
  const problems = problemsOf(level, sampledCount);
  for (const temperature of temperatures) {
    const levelStarted = performance.now();
    let single = 0;
    let majority = 0;
    let covered = 0;
    let stepsAllCorrect = 0;
    let formatValid = 0;
    let grouped = 0;
    for (const [problemIndex, problem] of problems.entries()) {
      const texts = await runParallel(
        Array.from(
          { length: samples },
          (_, sample) => (completion: LlamaCompletion) =>
            completion.generateCompletion(promptOf(problem), {
              temperature,
              topK: 0,
              topP: 1,
              minP: 0,
              seed: seed * 1_000_003 + problemIndex * samples + sample,
              maxTokens,
            }),
        ),
      );
      const answers = texts.map((text) => extractLabAnswer(text));
      const hits = answers.filter((answer) => answer === problem.gold).length;
      single += hits / samples;
      covered += hits > 0 ? 1 : 0;
      const votes = new Map<string, number>();
      for (const answer of answers) if (answer !== undefined) votes.set(answer, (votes.get(answer) ?? 0) + 1);
      const top = Math.max(0, ...votes.values());
      const leaders = [...votes.entries()]
        .filter(([, votesFor]) => votesFor === top)
        .map(([answer]) => answer);
      if (leaders.length > 0 && problem.gold !== undefined && leaders.includes(problem.gold)) {
        majority += 1 / leaders.length;
      }
      for (const text of texts) {
        if (/\n#### \d+$/.test(text)) formatValid += 1;
        if (labSolutionPath(problem, text) === "grouped") grouped += 1;
        if (checkLabSteps(problem, text).every(Boolean) && extractLabAnswer(text) === problem.gold)
          stepsAllCorrect += 1;
      }
    }
    const percent = (value: number, total: number) => Math.round((1000 * value) / total) / 10;
    const row = {
      level,
      temperature,
      problems: problems.length,
      single: percent(single, problems.length),
      [`maj${samples}`]: percent(majority, problems.length),
      [`pass${samples}`]: percent(covered, problems.length),
      stepsAllCorrect: percent(stepsAllCorrect, problems.length * samples),
      formatValid: percent(formatValid, problems.length * samples),
      grouped: percent(grouped, problems.length * samples),
      seconds: Math.round((performance.now() - levelStarted) / 100) / 10,
    };
    sampled.push(row);
    console.log(JSON.stringify(row));
  }
}
report.sampled = sampled;
report.seconds = Math.round((performance.now() - started) / 100) / 10;

for (const completion of completions) completion.dispose();
await context.dispose();
await model.dispose();
await llama.dispose();
if (parsed.out !== undefined) {
  await mkdir(dirname(parsed.out), { recursive: true });
  await writeFile(parsed.out, `${JSON.stringify(report, null, 2)}\n`);
}
console.log(`total ${report.seconds} s`);
