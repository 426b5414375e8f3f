import { Command } from "@commander-js/extra-typings";
import { type BenchDataset, loadDataset } from "../../bench/datasets/index.ts";
import {
  checkFidelity,
  describeSamplingDefaults,
  type FidelityReport,
  type FidelityVerdict,
  missingFidelityCapabilities,
} from "../../diagnostics/index.ts";
import { BackendCallError, ConfigError } from "../../errors/index.ts";
import { defaultPromptTemplate } from "../../generation/index.ts";
import type { Prompt } from "../../spec/index.ts";
import { backendFlagsFromSpec } from "../backend-spec.ts";
import { backendSpecShown } from "../backend-spec-shown.ts";
import { CheckFailedError } from "../check-failed-error.ts";
import { checkLabDataset } from "../check-lab-dataset.ts";
import { createBackendFromFlags, type ResolvedBackend } from "../create-backend.ts";
import { dataDirOption, refuseUnusedDataDir } from "../data-dir-option.ts";
import { integerOption, numberOption } from "../option-parsers.ts";
import { renderProblemPrompts } from "../render-problem-prompts.ts";
import { UsageError } from "../usage-error.ts";

/** The flag `mull fidelity` takes its prompts from; the dataset loader's own messages name `--dataset`. */
const problemsFlag = "--problems";

/** The dataset of `--problems`, its loader's refusals said naming `--problems` and the value. */
async function loadProblems(spec: string, limit: number, dataDir: string | undefined): Promise<BenchDataset> {
  checkLabDataset(spec, problemsFlag);
  try {
    return await loadDataset(spec, { limit, dataDir });
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    let reason = error.message;
    for (const prefix of ["--dataset: ", `dataset ${spec}: `, `${spec}: `]) {
      if (reason.startsWith(prefix)) {
        reason = reason.slice(prefix.length);
        break;
      }
    }
    throw new UsageError(`${problemsFlag} ${spec}: ${reason}`, problemsFlag, { cause: error });
  }
}

/**
 * A failed call's error with the backend's flag and spec before its message (`--candidate
 * http://…/v1#m: probing capabilities: POST …`), so that the user is told which of the two failed; the
 * rest of it kept. Anything but a `BackendCallError` passes unchanged.
 */
function namingBackend(error: unknown, backend: { readonly flag: string; readonly spec: string }): unknown {
  if (!BackendCallError.isInstance(error)) return error;
  return new BackendCallError(`${backend.flag} ${backendSpecShown(backend.spec)}: ${error.message}`, {
    status: error.status,
    isRetryable: error.isRetryable,
    retryAfterMilliseconds: error.retryAfterMilliseconds,
    url: error.url,
    usage: error.usage,
    cause: error,
  });
}

/**
 * Refuses, before any call, prompts of a kind a backend cannot take (chat prompts for an embedded model
 * without a chat template), naming `--problems`, the backend's flag and spec, and what the model answers.
 *
 * @throws BackendCallError naming the backend's flag and spec when its capabilities cannot be probed.
 */
async function checkPromptKinds(
  prompts: readonly Prompt[],
  resolved: ResolvedBackend,
  backend: { readonly flag: string; readonly spec: string },
  dataset: string,
): Promise<void> {
  const kinds = new Set(prompts.map((prompt) => prompt.kind));
  if (kinds.size === 0) return;
  const capabilities = await resolved.backend.capabilities().catch((error: unknown) => {
    throw namingBackend(error, backend);
  });
  for (const kind of kinds) {
    if (kind === "chat" ? capabilities.chat : capabilities.completion) continue;
    const { profile } = resolved;
    const advice =
      profile.answers === undefined
        ? `give a dataset whose prompts are ${kind === "chat" ? "text" : "chat messages"}`
        : `the ${profile.name} models answer ${profile.answers} only: give such a dataset (e.g. lab:hard)`;
    throw new UsageError(
      `${problemsFlag} ${dataset}: its prompts are ${kind === "chat" ? "chat messages" : "text"}, which ` +
        `${backend.flag} ${backend.spec}${resolved.model === backend.spec ? "" : ` (model ${resolved.model})`} cannot take; ${advice}`,
      problemsFlag,
    );
  }
}

/** A backend of `mull fidelity` with the flag and the spec that gave it, for messages. */
interface NamedBackend {
  readonly resolved: ResolvedBackend;
  readonly flag: string;
  readonly spec: string;
}

/** What a backend that lacks a capability can be replaced with, by the flag that gave it. */
const capableBackend: Readonly<Record<string, string>> = {
  "--reference": "give a reference that can score: an embedded model (lab-large, a .gguf path)",
  "--candidate":
    "give a candidate that can score (an embedded model) or a server that returns log-probabilities",
};

/**
 * Refuses, before any check runs, a backend that lacks a capability a check needs (the reference's
 * `score`; the candidate's `score` or `logprobs`), naming its flag and spec, the
 * capability and the check: every check of the report runs, so none can be left out instead.
 *
 * @throws UsageError naming `--reference` or `--candidate`.
 * @throws BackendCallError naming the backend's flag and spec when its capabilities cannot be probed.
 */
async function checkFidelityCapabilities(reference: NamedBackend, candidate: NamedBackend): Promise<void> {
  const capabilities = async (backend: NamedBackend) =>
    backend.resolved.backend.capabilities().catch((error: unknown) => {
      throw namingBackend(error, backend);
    });
  const [missing] = missingFidelityCapabilities(await capabilities(reference), await capabilities(candidate));
  if (missing === undefined) return;
  const backend = missing.backend === "reference" ? reference : candidate;
  const description = backend.resolved.backend.describe();
  const where = description.baseUrl === undefined ? "" : ` at ${description.baseUrl}`;
  throw new UsageError(
    `${backend.flag} ${backendSpecShown(backend.spec)}: the ${missing.requiredBy} needs the backend capability "${missing.capability}" ` +
      `(${missing.use}), which the ${description.kind} backend${where} (model ${description.model}) does not have; ` +
      `${capableBackend[backend.flag]}`,
    backend.flag,
  );
}

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
    .option(
      "--problems <dataset>",
      "prompts from a dataset (lab:hard, lab:mixed, gsm8k, math500, aime24, a .jsonl file)",
      "lab:hard",
    )
    .addOption(dataDirOption())
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
    .option("--threads <count>", "threads for embedded engines (default 1)", integerOption(1, 256))
    .option("--api-key-env <variable>", "environment variable that holds the servers' API key")
    .option("--json", "print the report as JSON")
    .action(async (flags) => {
      const shared = {
        ...(flags.threads === undefined ? {} : { threads: flags.threads }),
        ...(flags.apiKeyEnv === undefined ? {} : { apiKeyEnv: flags.apiKeyEnv }),
      };
      refuseUnusedDataDir(flags.dataDir, flags.problems);
      const referenceFlags = backendFlagsFromSpec(flags.reference, "--reference");
      const candidateFlags = backendFlagsFromSpec(flags.candidate, "--candidate");
      const dataset = await loadProblems(flags.problems, flags.limit, flags.dataDir);
      const opened: ResolvedBackend[] = [];
      try {
        const reference = await createBackendFromFlags({ ...referenceFlags, ...shared });
        opened.push(reference);
        const candidate = await createBackendFromFlags({ ...candidateFlags, ...shared });
        opened.push(candidate);
        const template = dataset.promptTemplate ?? reference.profile.promptTemplate ?? defaultPromptTemplate;
        const prompts = renderProblemPrompts(dataset.problems, template, {
          flag: problemsFlag,
          dataset: flags.problems,
        });
        await checkPromptKinds(
          prompts,
          reference,
          { flag: "--reference", spec: flags.reference },
          flags.problems,
        );
        await checkPromptKinds(
          prompts,
          candidate,
          { flag: "--candidate", spec: flags.candidate },
          flags.problems,
        );
        await checkFidelityCapabilities(
          { resolved: reference, flag: "--reference", spec: flags.reference },
          { resolved: candidate, flag: "--candidate", spec: flags.candidate },
        );
        const report = await checkFidelity({
          reference: reference.backend,
          candidate: candidate.backend,
          prompts,
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
            `fidelity: the candidate ${verdictPhrase[report.verdict]} (${failing.join(", ")})`,
          );
        }
      } finally {
        for (const backend of opened) await backend.dispose();
      }
    });
}

/** What the failure line says of the candidate, by overall verdict. */
const verdictPhrase: Readonly<Record<Exclude<FidelityVerdict, "same">, string>> = {
  truncated: "samples a truncated distribution",
  differs: "differs from the reference",
  unmeasured: "could not be compared with the reference",
};

/**
 * The text report: the overall verdict, a line per check, and beside the `sampling` check the sampling
 * defaults each backend reported (what a client that leaves them out gets, which the check did not send).
 */
function formatReport(report: FidelityReport, flags: { reference: string; candidate: string }): string {
  const checkLine = (check: FidelityReport["checks"][number]) =>
    `  ${check.name.padEnd(9)} ${check.verdict.padEnd(9)} ${check.detail}`;
  // Continuation lines start under the check's detail.
  const beside = describeSamplingDefaults(report.samplingDefaults).map((line) => `${" ".repeat(22)}${line}`);
  const lines = [
    `reference ${flags.reference}, candidate ${flags.candidate}: ${report.verdict}`,
    ...report.checks.flatMap((check) =>
      check.name === "sampling" ? [checkLine(check), ...beside] : [checkLine(check)],
    ),
    `  (${report.prompts} prompts, ${report.samples} samples each at temperature ${report.temperature}, seed ${report.seed})`,
  ];
  return `${lines.join("\n")}\n`;
}
