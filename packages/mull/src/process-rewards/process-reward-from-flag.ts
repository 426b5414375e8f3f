import { ConfigError } from "../errors/index.ts";
import { labProcessReward } from "../lab/index.ts";
import type { Backend, ProcessRewardModel, PromptTemplate } from "../spec/index.ts";
import type { StepFormat } from "../steps/index.ts";
import { httpProcessReward } from "./http-process-reward.ts";
import { judgeProcessReward } from "./judge-process-reward.ts";
import { noisyProcessReward } from "./noisy-process-reward.ts";
import { selfLogprobReward } from "./self-logprob-reward.ts";

/** What `processRewardFromFlag` may need besides the flag's value. */
export interface ProcessRewardFromFlagOptions {
  /** The run's backend: the policy for `self`, the judge for `judge`. */
  readonly backend?: Backend | undefined;
  /** The run's prompt template (for `self`, to rebuild the policy's prompt). */
  readonly promptTemplate?: PromptTemplate | undefined;
  /** How steps are written; default one per line. */
  readonly format?: StepFormat | undefined;
  /** Seed of the `noisy` PRM's errors; default 0. */
  readonly seed?: number | undefined;
  /** Model name sent to an HTTP PRM. */
  readonly model?: string | undefined;
  /** Environment variable holding an HTTP PRM's API key. */
  readonly apiKeyEnv?: string | undefined;
  /**
   * The exact step checker of the problems (what a lab dataset or the lab models' profile carries), which
   * `exact` names and `noisy:`/`calibrated-noisy:` perturb; default the lab's (`labProcessReward()`).
   * `null` when the problems have none, which refuses those forms.
   */
  readonly stepChecker?: ProcessRewardModel | null | undefined;
}

/** The forms of `--prm`, as shown in errors and help. */
export const processRewardFlagForms: readonly string[] = [
  "exact",
  "noisy:FP,FN",
  "calibrated-noisy:FP,FN",
  "self",
  "judge",
  "URL",
];

function rate(text: string, field: string, flag: string): number {
  const value = Number(text);
  if (text.trim() === "" || !(value >= 0 && value <= 1)) {
    throw new ConfigError(`--prm ${JSON.stringify(flag)}: the ${field} rate must be a number from 0 to 1`, {
      field: "--prm",
    });
  }
  return value;
}

/**
 * The process reward model a `--prm` flag names:
 * - `exact`: the lab's exact step checker (a perfect PRM, lab problems only);
 * - `noisy:FP,FN`: the exact checker with false-positive rate FP and false-negative rate FN (e.g.
 *   `noisy:0.1,0.2`), its errors seeded by `seed`;
 * - `calibrated-noisy:FP,FN`: the same verdicts, each reported as the probability that it is right;
 * - `self`: the policy model's own step log-probability (`exp` of the mean token log-prob);
 * - `judge`: the backend asked, step by step, whether each step is correct;
 * - an `http://` or `https://` URL: a PRM served in vLLM's `/pooling` shape (e.g. Qwen2.5-Math-PRM),
 *   with `model` sent when given.
 *
 * @throws ConfigError (field `--prm`) for any other value, a bad rate, `self`/`judge` without a backend, or
 * `exact`/`noisy` when `stepChecker` is `null`.
 * @example
 * const prm = processRewardFromFlag("noisy:0.1,0.1", { seed: 1 });
 */
export function processRewardFromFlag(
  value: string,
  options: ProcessRewardFromFlagOptions = {},
): ProcessRewardModel {
  const flag = value.trim();
  const needBackend = (form: string): Backend => {
    if (options.backend === undefined) {
      throw new ConfigError(`--prm ${form} needs the run's backend`, { field: "--prm" });
    }
    return options.backend;
  };
  if (options.stepChecker === null && /^(exact|noisy:|calibrated-noisy:)/.test(flag)) {
    throw new ConfigError(
      `--prm ${value} checks the steps of lab arithmetic problems only; use --prm self, judge or a PRM URL`,
      { field: "--prm" },
    );
  }
  const stepChecker = (): ProcessRewardModel => options.stepChecker ?? labProcessReward();
  if (flag === "exact") return stepChecker();
  if (flag === "self") {
    return selfLogprobReward({
      backend: needBackend("self"),
      ...(options.promptTemplate === undefined ? {} : { promptTemplate: options.promptTemplate }),
      ...(options.format === undefined ? {} : { format: options.format }),
    });
  }
  if (flag === "judge") return judgeProcessReward({ backend: needBackend("judge") });
  const noisy = /^(noisy|calibrated-noisy):([^,]*),([^,]*)$/.exec(flag);
  if (noisy !== null) {
    return noisyProcessReward({
      base: stepChecker(),
      falsePositiveRate: rate(noisy[2]!, "false-positive", flag),
      falseNegativeRate: rate(noisy[3]!, "false-negative", flag),
      calibrated: noisy[1] === "calibrated-noisy",
      seed: options.seed ?? 0,
    });
  }
  if (/^https?:\/\//.test(flag)) {
    return httpProcessReward({
      baseUrl: flag,
      ...(options.model === undefined ? {} : { model: options.model }),
      ...(options.apiKeyEnv === undefined ? {} : { apiKeyEnv: options.apiKeyEnv }),
    });
  }
  throw new ConfigError(
    `--prm: unknown process reward model ${JSON.stringify(value)}; expected one of ${processRewardFlagForms.join(", ")}`,
    { field: "--prm" },
  );
}
