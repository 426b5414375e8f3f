import { Command } from "@commander-js/extra-typings";
import { loadDataset } from "../../bench/datasets/index.ts";
import { checkFidelity, type FidelityReport } from "../../diagnostics/index.ts";
import { defaultPromptTemplate } from "../../generation/index.ts";
import { backendFlagsFromSpec } from "../backend-spec.ts";
import { CheckFailedError } from "../check-failed-error.ts";
import { createBackendFromFlags, type ResolvedBackend } from "../create-backend.ts";
import { integerOption, numberOption } from "../option-parsers.ts";

/**
 * `mull fidelity`: does a candidate backend compute and sample what a reference backend does? Prints the
 * report, then exits 1 when the verdict is `differs` or `truncated`, so that CI can gate on it.
 */
export function fidelityCommand() {
  return new Command("fidelity")
    .description(
      "Compare a candidate backend with a reference on the same prompts: teacher-forced logprobs, greedy tokens, and hidden sampling defaults (top-k / top-p / min-p, temperature). Exits 1 unless the verdict is same.",
    )
    .requiredOption("--reference <spec>", "embedded model (lab-large, a .gguf path) or URL#model")
    .requiredOption("--candidate <spec>", "embedded model (lab-large, a .gguf path) or URL#model")
    .option("--problems <dataset>", "prompts from a dataset (lab:hard, lab:mixed, a .jsonl file)", "lab:hard")
    .option("--limit <count>", "problems used", integerOption(1, 10_000), 4)
    .option(
      "--samples <count>",
      "candidate samples per problem for the sampling check",
      integerOption(1, 4096),
      32,
    )
    .option("--temperature <value>", "temperature of the sampling check", numberOption(0.1, 5), 2)
    .option("--max-tokens <count>", "tokens per continuation", integerOption(1, 100_000), 48)
    .option("--tolerance <value>", "largest |Δlogprob| counted as the same model", numberOption(0, 100), 1e-4)
    .option("--top-k <count>", "alternatives compared per position (top-k overlap)", integerOption(1, 100), 5)
    .option(
      "--alpha <value>",
      "false-alarm rate of the sampling check (over its cuts, both directions)",
      numberOption(1e-9, 0.5),
      0.001,
    )
    .option("--seed <value>", "seed of the sampling check", integerOption(0, 2 ** 31 - 1), 0)
    .option("--threads <count>", "threads for embedded engines", integerOption(1, 256))
    .option("--api-key-env <variable>", "environment variable that holds the servers' API key")
    .option("--json", "print the report as JSON")
    .action(async (flags) => {
      const shared = {
        ...(flags.threads === undefined ? {} : { threads: flags.threads }),
        ...(flags.apiKeyEnv === undefined ? {} : { apiKeyEnv: flags.apiKeyEnv }),
      };
      const referenceFlags = backendFlagsFromSpec(flags.reference, "--reference");
      const candidateFlags = backendFlagsFromSpec(flags.candidate, "--candidate");
      const dataset = await loadDataset(flags.problems, { limit: flags.limit });
      const opened: ResolvedBackend[] = [];
      try {
        const reference = await createBackendFromFlags({ ...referenceFlags, ...shared });
        opened.push(reference);
        const candidate = await createBackendFromFlags({ ...candidateFlags, ...shared });
        opened.push(candidate);
        const template = dataset.promptTemplate ?? reference.profile.promptTemplate ?? defaultPromptTemplate;
        const report = await checkFidelity({
          reference: reference.backend,
          candidate: candidate.backend,
          prompts: dataset.problems.map((problem) => template(problem)),
          samples: flags.samples,
          temperature: flags.temperature,
          maxTokens: flags.maxTokens,
          tolerance: flags.tolerance,
          topK: flags.topK,
          alpha: flags.alpha,
          seed: flags.seed,
        });
        process.stdout.write(
          flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report, flags),
        );
        if (report.verdict !== "same") {
          const failing = report.checks
            .filter((check) => check.verdict !== "same")
            .map((check) => `${check.name} ${check.verdict}`);
          throw new CheckFailedError(
            `fidelity: the candidate ${report.verdict === "truncated" ? "samples a truncated distribution" : "differs from the reference"} (${failing.join(", ")})`,
          );
        }
      } finally {
        for (const backend of opened) await backend.dispose();
      }
    });
}

function formatReport(report: FidelityReport, flags: { reference: string; candidate: string }): string {
  const lines = [
    `reference ${flags.reference}, candidate ${flags.candidate}: ${report.verdict}`,
    ...report.checks.map((check) => `  ${check.name.padEnd(9)} ${check.verdict.padEnd(9)} ${check.detail}`),
    `  (${report.prompts} prompts, ${report.samples} samples each at temperature ${report.temperature}, seed ${report.seed})`,
  ];
  return `${lines.join("\n")}\n`;
}
