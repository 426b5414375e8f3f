import { InvalidArgumentError } from "@commander-js/extra-typings";
import { llmJudgeScorer, noisyOutcomeScorer } from "../scoring/index.ts";
import type { Backend, OutcomeScorer } from "../spec/index.ts";
import { UsageError } from "./usage-error.ts";

/** What `--scorer` takes: the lab checker, an LLM judge, or the lab checker with set error rates. */
export type OutcomeScorerFlag = "lab" | "judge" | `noisy:${string}`;

/** The help of `--scorer`. */
export const outcomeScorerFlagHelp =
  "outcome scorer for bon@N, wv@N and accept@N: lab (the lab checker), judge (the model asked as a judge), " +
  "or noisy:FP,FN (the lab checker with false-positive and false-negative rates, its errors seeded by --seed) " +
  "(default: lab on lab problems, else judge)";

const noisyForm = /^noisy:([^,]*),([^,]*)$/;

/** A rate of `noisy:FP,FN`, or `undefined` when it is not a number in [0, 1]. */
function rateOf(text: string): number | undefined {
  const value = text.trim() === "" ? Number.NaN : Number(text);
  return Number.isFinite(value) && value >= 0 && value <= 1 ? value : undefined;
}

/**
 * A commander parser for `--scorer`: `lab`, `judge` or `noisy:FP,FN` with both rates in [0, 1].
 *
 * @example
 * new Command("bench").option("--scorer <name>", outcomeScorerFlagHelp, parseOutcomeScorerFlag);
 */
export function parseOutcomeScorerFlag(value: string): OutcomeScorerFlag {
  const flag = value.trim();
  if (flag === "lab" || flag === "judge") return flag;
  const noisy = noisyForm.exec(flag);
  if (noisy !== null && rateOf(noisy[1]!) !== undefined && rateOf(noisy[2]!) !== undefined) {
    return flag as OutcomeScorerFlag;
  }
  throw new InvalidArgumentError(
    `expected lab, judge or noisy:FP,FN with both rates from 0 to 1 (e.g. noisy:0.1,0.1), got "${value}"`,
  );
}

/** What `outcomeScorerFromFlag` builds a scorer from. */
export interface OutcomeScorerSources {
  /** The lab checker, when the problems are lab problems (the model profile's or the dataset's). */
  readonly labChecker: OutcomeScorer | undefined;
  /** The model a judge asks. */
  readonly backend: Backend;
  /** Seed of a noisy checker's errors. */
  readonly seed: number;
  /** What the lab checker checks, in the error: `lab problems only`, `lab datasets only, not gsm8k`. */
  readonly labOnly: string;
}

/**
 * The outcome scorer `--scorer` names: `lab` the lab checker, `noisy:FP,FN` that checker with error rates
 * (`noisyOutcomeScorer`), `judge` the model asked as a judge; without the flag, the lab checker when there is
 * one, else the judge.
 *
 * @throws UsageError for `lab` or `noisy:…` without a lab checker.
 */
export function outcomeScorerFromFlag(
  flag: OutcomeScorerFlag | undefined,
  sources: OutcomeScorerSources,
): OutcomeScorer {
  const { labChecker } = sources;
  if (flag === "judge" || (flag === undefined && labChecker === undefined)) {
    return llmJudgeScorer({ backend: sources.backend });
  }
  if (labChecker === undefined) {
    throw new UsageError(`--scorer ${flag} checks ${sources.labOnly}; use --scorer judge`, "--scorer");
  }
  const noisy = flag === undefined ? null : noisyForm.exec(flag);
  if (noisy === null) return labChecker;
  return noisyOutcomeScorer({
    base: labChecker,
    falsePositiveRate: Number(noisy[1]),
    falseNegativeRate: Number(noisy[2]),
    seed: sources.seed,
  });
}
