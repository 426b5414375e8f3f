/**
 * Online against offline DeepConf on the embedded lab, on common random numbers: every strategy solves a
 * problem with the same seed, so the online variants' warm-up traces are the offline run's first traces.
 * Prints accuracy, generated tokens, traces and cut traces per problem of offline DeepConf (`deepconf@N`),
 * self-consistency (`sc@N`) and each online variant, and each one's tokens as a fraction of offline DeepConf's.
 *
 *   npm run bench:deepconf
 *   npm run bench:deepconf -- --problems 240 --variants default,w2,w8,w4k10
 *   npm run bench:deepconf -- --n 64 --dataset lab:hard
 *   npm run bench:deepconf -- --help     # the options
 *
 * A variant changes the defaults of `deepConfOnline`: `wN` warm-up N, `kP` keepPercent P, `tX` consensus X,
 * `vN` wave size N, `gN` window N (e.g. `w4k10t0.9`); `default` changes nothing. The embedded engine
 * batches concurrent sequences, which can change a logit's last bits: figures move by a problem or so
 * between runs.
 *
 * A bad flag (an unknown one, `--n abc`, `--concurrency 0`, an unknown variant, a model that cannot be
 * loaded) is a message naming it, exit code 2, before any problem is solved.
 */

import { ConfigError, deepConf, deepConfOnline, selfConsistency, solve } from "mull";
import { labDataset, labProfile } from "mull/lab";
import { optionsOrExitCode } from "mull/runtime";
import type { Strategy } from "mull/spec";
import { createLlamaCppBackend } from "../src/index.ts";
import { type DeepConfOptions, deepConfUsage, parseDeepConfOptions } from "./deep-conf-online-options.ts";
import { checkModelFlag } from "./model-flag.ts";

const parsed = optionsOrExitCode(() => parseDeepConfOptions(process.argv.slice(2)), deepConfUsage);
if (typeof parsed === "number") process.exit(parsed);
const values: DeepConfOptions = parsed;
// The model too is checked before any work, and named as the flag it came from.
await checkModelFlag("bench:deepconf", "--model", values.model).catch((error: unknown) => {
  if (!ConfigError.isInstance(error)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
});

const { n } = values;
const profile = labProfile({ recommendedTemperature: values.temperature });
const strategies: Strategy[] = [
  deepConf({ n }),
  selfConsistency({ n }),
  ...values.variants.map((variant) => ({
    ...deepConfOnline({ n, ...variant.settings }),
    name: `online:${variant.spec}`,
  })),
];
const problems = labDataset(values.dataset, { limit: values.problems, seed: values.seed });
const backend = await createLlamaCppBackend({ model: values.model, threads: 1, sequences: 16 });
const totals = new Map(
  strategies.map((strategy) => [strategy.name, { correct: 0, tokens: 0, traces: 0, cut: 0 }]),
);

let next = 0;
async function worker(): Promise<void> {
  while (next < problems.length) {
    const index = next;
    next += 1;
    const problem = problems[index]!;
    for (const strategy of strategies) {
      const result = await solve({
        problem,
        strategy,
        backend,
        seed: values.seed * 100_003 + index,
        sampling: profile.samplingDefaults,
        promptTemplate: profile.promptTemplate,
        answerFormat: "numeric",
      });
      const total = totals.get(strategy.name)!;
      if (result.answer !== undefined && Number(result.answer) === Number(problem.gold)) total.correct += 1;
      total.tokens += result.usage.completionTokens ?? 0;
      total.traces += result.candidates.length;
      total.cut += result.candidates.filter((candidate) => candidate.finishReason === "cut").length;
    }
  }
}
await Promise.all(Array.from({ length: values.concurrency }, worker));
await backend.dispose();

const offline = totals.get(strategies[0]!.name)!;
console.log(
  `${problems.length} problems of ${values.dataset}, ${values.model}, T=${values.temperature}, N=${n}`,
);
console.log(
  "strategy".padEnd(28),
  "accuracy",
  "tokens/problem",
  "traces/problem",
  "cut/problem",
  "tokens/offline",
);
for (const [name, total] of totals) {
  const per = (value: number) => (value / problems.length).toFixed(1).padStart(14);
  console.log(
    name.padEnd(28),
    (total.correct / problems.length).toFixed(3).padStart(8),
    per(total.tokens),
    per(total.traces),
    per(total.cut),
    (total.tokens / offline.tokens).toFixed(3).padStart(14),
  );
}
