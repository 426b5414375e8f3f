/**
 * The fidelity matrix on the embedded lab: the reference lab-large (F16, as shipped) against itself, an F32
 * export of the same weights, a copy with weights perturbed by 1% noise, and the reference sampled through
 * hidden top-k 40 / min-p 0.05 defaults (as `llama-server` applies them). Needs /usr/bin/python3 with torch
 * to write the two variant files (into a temporary folder, removed afterwards).
 *
 *   npm run bench:fidelity
 *   npm run bench:fidelity -- --problems 4 --samples 32 --seeds 3
 *   npm run bench:fidelity -- --help     # the options
 *
 * A bad flag (an unknown one, `--problems 0`, `--seeds 0`) is a message naming it, exit code 2, before any
 * model is loaded or written; so is a python3 that cannot import torch and numpy.
 */

import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Backend, checkFidelity } from "mull";
import { labDataset, labPromptTemplate } from "mull/lab";
import { optionsOrExitCode } from "mull/runtime";
import { withForcedSampling } from "mull/testing";
import { createLlamaCppBackend } from "../src/index.ts";
import { type FidelityOptions, fidelityUsage, parseFidelityOptions } from "./fidelity-options.ts";

const parsed = optionsOrExitCode(() => parseFidelityOptions(process.argv.slice(2)), fidelityUsage);
if (typeof parsed === "number") process.exit(parsed);
const values: FidelityOptions = parsed;
const python = "/usr/bin/python3";
try {
  execFileSync(python, ["-c", "import torch, numpy"], { stdio: "ignore", timeout: 60_000 });
} catch {
  process.stderr.write(
    `bench:fidelity: ${python} cannot import torch and numpy, which write the F32 and perturbed variants of ` +
      "lab-large; install them (Debian: apt-get install python3-torch python3-numpy) and run it again\n",
  );
  process.exit(2);
}
const here = path.dirname(new URL(import.meta.url).pathname);
const training = path.join(here, "..", "training");
const folder = mkdtempSync(path.join(tmpdir(), "mull-fidelity-"));
const variant = (name: string, ...flags: string[]): string => {
  const output = path.join(folder, `${name}.gguf`);
  execFileSync(
    python,
    [
      path.join(training, "export_variant.py"),
      path.join(here, "..", "models", "lab-large.gguf"),
      output,
      ...flags,
    ],
    { cwd: training },
  );
  return output;
};
try {
  const reference = await createLlamaCppBackend({ model: "lab-large", threads: 1 });
  const candidates: [string, Backend][] = [
    ["itself", await createLlamaCppBackend({ model: "lab-large", threads: 1 })],
    ["F32 export", await createLlamaCppBackend({ model: variant("f32", "--f32"), threads: 1 })],
    [
      `perturbed (${values.noise} noise)`,
      await createLlamaCppBackend({
        model: variant("noisy", "--noise", String(values.noise), "--seed", "1"),
        threads: 1,
      }),
    ],
    ["top-k 40 / min-p 0.05", withForcedSampling(reference, { topK: 40, minP: 0.05 })],
  ];
  const problems = labDataset("lab:hard", { limit: values.problems, seed: 7 });
  const prompts = problems.map((problem) => labPromptTemplate(problem));
  console.log(
    "| candidate | seed | verdict | mean / max \\|Δlogprob\\| | argmax agreement | greedy | below min-p 0.05: expected / seen | sampling | shared-noise tokens changed / mean TV |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|");
  for (const [name, candidate] of candidates) {
    for (let seed = 0; seed < values.seeds; seed += 1) {
      const report = await checkFidelity({
        reference,
        candidate,
        prompts,
        samples: values.samples,
        seed,
      });
      const [logprobs, greedy, sampling, divergence] = report.checks;
      const figure = (value: unknown): string =>
        typeof value === "number" ? value.toPrecision(2) : String(value);
      const cells = [
        name,
        String(seed),
        `**${report.verdict}**`,
        `${figure(logprobs?.figures.meanAbsolute)} / ${figure(logprobs?.figures.maxAbsolute)}`,
        `${(Number(greedy?.figures.argmaxAgreement) * 100).toFixed(1)}%`,
        greedy?.verdict === "same" ? "identical" : `parts at ${greedy?.figures.firstDivergence}`,
        `${Number(sampling?.figures["min-p 0.05 expected"]).toFixed(1)} / ${sampling?.figures["min-p 0.05 observed"]}`,
        sampling?.verdict === "truncated"
          ? `truncated (${sampling.figures.estimatedCut})`
          : `${sampling?.verdict}`,
        `${divergence?.figures.mismatches} of ${divergence?.figures.positions === undefined ? "?" : Number(divergence.figures.positions) * Number(divergence.figures.draws)} / ${figure(divergence?.figures.meanTotalVariation)}`,
      ];
      console.log(`| ${cells.join(" | ")} |`);
    }
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}
