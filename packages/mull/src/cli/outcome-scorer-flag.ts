import { InvalidArgumentError } from "@commander-js/extra-typings";
import { wordList } from "../runtime/index.ts";
import { llmJudgeScorer, noisyOutcomeScorer } from "../scoring/index.ts";
import type { Backend, OutcomeScorer } from "../spec/index.ts";
import { type StrategyEntry, strategyCatalog } from "../strategies/index.ts";
import { UsageError } from "./usage-error.ts";

/** What `--scorer` takes: the lab checker, an LLM judge, or the lab checker with set error rates. */
export type OutcomeScorerFlag = "lab" | "judge" | `noisy:${string}`;

/**
 * The help of `--scorer` over a catalog: what it takes, naming the entries that need an outcome scorer
 * (`needs` includes `scorer`) by their first forms, in catalog order.
 *
 * @example
 * outcomeScorerFlagHelpFor(strategyCatalog); // "outcome scorer for wv@N, bon@N and accept@N: lab (…"
 */
export function outcomeScorerFlagHelpFor(catalog: readonly StrategyEntry[]): string {
  const scored = catalog.filter((entry) => entry.needs.includes("scorer")).map((entry) => entry.forms[0]!);
  const named = wordList(scored, "and");
  return (
    `outcome scorer${named === "" ? "" : ` for ${named}`}: lab (the lab checker), judge (the model asked as a judge), ` +
    "or noisy:FP,FN (the lab checker with false-positive and false-negative rates, its errors seeded by --seed) " +
    "(default: lab on lab problems, else judge)"
  );
}

/** The help of `--scorer`, naming the strategy catalog's entries that need an outcome scorer. */
export const outcomeScorerFlagHelp = outcomeScorerFlagHelpFor(strategyCatalog);

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
