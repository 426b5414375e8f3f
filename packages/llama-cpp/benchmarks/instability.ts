/**
 * Token-level instability as a failure signal on the embedded lab (Chen et al., "I May Not Have Articulated
 * Myself Clearly"): samples traces of `lab:hard` with their top-20 log-probabilities, and reports how well
 * each trace score predicts a wrong answer (AUROC, 0.5 = chance): peak instability, and for comparison the
 * mean log-probability, DeepConf's lowest-group confidence and self-certainty (confidences, negated); then
 * accuracy by instability quintile, early against late peaks within each quintile, and the calibration of
 * the trace probability (exp of its summed log-probability) as a confidence.
 *
 *   npm run bench:instability
 *   npm run bench:instability -- --problems 400 --samples 4 --temperature 1.25 --model lab-small
 *   npm run bench:instability -- --help     # the options
 *
 * A bad flag (an unknown one, `--problems abc`, an unknown dataset) is a message naming it, exit code 2.
 */

import {
  answerFormatByName,
  areaUnderRoc,
  ConfigError,
  calibration,
  quantileCuts,
  tokenInstability,
  traceConfidence,
  traceSelfCertainty,
} from "mull";
import { labDataset, labProfile } from "mull/lab";
import { optionsOrExitCode } from "mull/runtime";
import { createLlamaCppBackend } from "../src/index.ts";
import { type InstabilityOptions, instabilityUsage, parseInstabilityOptions } from "./instability-options.ts";

const parsed = optionsOrExitCode(() => parseInstabilityOptions(process.argv.slice(2)), instabilityUsage);
if (typeof parsed === "number") process.exit(parsed);
const values: InstabilityOptions = parsed;

const profile = labProfile({ recommendedTemperature: values.temperature });
const numeric = answerFormatByName("numeric");
const problems = labDataset(values.dataset, { limit: values.problems, seed: values.seed });
const backend = await createLlamaCppBackend({ model: values.model, threads: 1, sequences: 16 }).catch(
  (error: unknown) => {
    if (!ConfigError.isInstance(error)) throw error;
    process.stderr.write(`bench:instability: --model: ${error.message}\n`);
    process.exit(2);
  },
);

interface Trace {
  readonly correct: boolean;
  readonly peak: number;
  readonly position: number;
  readonly meanLogprob: number;
  readonly logprob: number;
  readonly groupConfidence: number;
  readonly selfCertainty: number;
}

const traces: Trace[] = [];
const started = performance.now();
for (const [index, problem] of problems.entries()) {
  const result = await backend.generate({
    prompt: profile.promptTemplate!(problem),
    n: values.samples,
    ...profile.samplingDefaults,
    seed: values.seed * 100_003 + index,
    logprobs: true,
    topLogprobs: 20,
  });
  for (const completion of result.completions) {
    const tokens = completion.tokens ?? [];
    const instability = tokenInstability(tokens);
    if (instability === undefined || tokens.length === 0) continue;
    const answer = numeric.extract(completion.text);
    const logprob = tokens.reduce((sum, token) => sum + token.logprob, 0);
    traces.push({
      correct: answer !== undefined && numeric.equivalent(answer, problem.gold ?? ""),
      peak: instability.peak,
      position: instability.peakPosition,
      meanLogprob: logprob / tokens.length,
      logprob,
      groupConfidence: traceConfidence(tokens, { k: 20 }) ?? 0,
      selfCertainty: traceSelfCertainty(tokens, { k: 20 }) ?? 0,
    });
  }
}
await backend.dispose?.();
const seconds = (performance.now() - started) / 1000;

const percent = (value: number | undefined) => (value === undefined ? "—" : (100 * value).toFixed(1));
const accuracy = (group: readonly Trace[]) =>
  group.length === 0 ? undefined : group.filter((trace) => trace.correct).length / group.length;
const auroc = (score: (trace: Trace) => number) =>
  areaUnderRoc(traces.map((trace) => ({ score: score(trace), positive: !trace.correct })));

console.log(
  `${values.model} on ${values.dataset}: ${problems.length} problems × ${values.samples} samples at T ${values.temperature}, ` +
    `${traces.length} traces, accuracy ${percent(accuracy(traces))}%, ${seconds.toFixed(0)} s`,
);
console.log("\nAUROC for predicting a wrong answer (0.5 = chance):");
for (const [name, score] of [
  ["peak instability", (trace: Trace) => trace.peak],
  ["−mean logprob", (trace: Trace) => -trace.meanLogprob],
  ["−lowest group confidence", (trace: Trace) => -trace.groupConfidence],
  ["−self-certainty", (trace: Trace) => -trace.selfCertainty],
] as const) {
  console.log(`  ${name.padEnd(26)} ${auroc(score)?.toFixed(3) ?? "—"}`);
}

const sorted = [...traces].sort((a, b) => a.peak - b.peak);
// Equal peaks share a quintile: compared at 4 significant digits, as identical traces sampled side by side
// differ in their last digits.
const cuts = quantileCuts(
  sorted.map((trace) => Number(trace.peak.toPrecision(4))),
  5,
);
console.log(
  "\nAccuracy by peak-instability quintile (low → high; equal peaks share one), and early (peak in the first half) vs late:",
);
console.log("  quintile  peak range      traces  accuracy  early n/acc      late n/acc");
for (let bucket = 0; bucket + 1 < cuts.length; bucket += 1) {
  const group = sorted.slice(cuts[bucket], cuts[bucket + 1]);
  const early = group.filter((trace) => trace.position < 0.5);
  const late = group.filter((trace) => trace.position >= 0.5);
  const range = `${group[0]?.peak.toFixed(2)}–${group.at(-1)?.peak.toFixed(2)}`;
  console.log(
    `  ${String(bucket + 1).padEnd(9)} ${range.padEnd(15)} ${String(group.length).padStart(6)}  ${percent(accuracy(group)).padStart(7)}%  ` +
      `${String(early.length).padStart(5)} / ${percent(accuracy(early)).padStart(5)}%  ${String(late.length).padStart(5)} / ${percent(accuracy(late)).padStart(5)}%`,
  );
}

const calibrated = calibration(
  traces.map((trace) => ({ confidence: Math.exp(trace.logprob), correct: trace.correct })),
);
console.log(
  `\nTrace probability exp(Σ logprob) as a confidence: expected calibration error ${calibrated.expectedCalibrationError.toFixed(3)}`,
);
for (const bin of calibrated.bins.filter((entry) => entry.count > 0)) {
  console.log(
    `  [${bin.lower.toFixed(1)}, ${bin.upper.toFixed(1)})  n ${String(bin.count).padStart(5)}  confidence ${percent(bin.confidence)}%  accuracy ${percent(bin.accuracy)}%`,
  );
}
