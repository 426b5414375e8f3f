import { seededRng } from "../runtime/index.ts";
import type { Backend, CallOptions, Prompt, Rng, TokenLogprob } from "../spec/index.ts";
import { coupledSamplingDivergence } from "./coupled-sampling-divergence.ts";
import type { FidelityCheck } from "./fidelity-check.ts";
import { logprobDivergence } from "./logprob-divergence.ts";

/** Options of {@link compareTeacherForced}. */
export interface TeacherForcedOptions {
  /** The backend trusted to be right, whose greedy continuations the candidate is forced along. */
  readonly reference: Backend;
  /** The backend under test, which reads the reference's continuations (`score`). */
  readonly candidate: Backend;
  /** Prompts both backends are run on. */
  readonly prompts: readonly Prompt[];
  /** Tokens generated per greedy continuation. */
  readonly maxTokens: number;
  /** Strings that end a greedy continuation; default none. */
  readonly stop?: readonly string[] | undefined;
  /** Alternatives compared per position for the top-k overlap. */
  readonly topK: number;
  /** Largest |Δ logprob| still counted as the same model (float noise of one engine). */
  readonly tolerance: number;
  /**
   * The shared-noise check (`divergence`): its temperature, draws per position, noise and alarm rate;
   * default temperature 1, 64 draws, `seededRng(0)`, threshold 2e-4.
   */
  readonly coupled?: {
    readonly temperature: number;
    readonly draws: number;
    readonly rng: Rng;
    /**
     * Largest mean total-variation distance per position (the share of sampled tokens the best shared noise
     * must still change) before the check says `differs`.
     */
    readonly threshold: number;
  };
  /** Aborts the comparison between and during backend calls. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Teacher-forced comparison: the reference's greedy continuation of each prompt is scored on both backends
 * (the same prompt and the same tokens), giving per-token logprob differences, top-k overlap and argmax
 * agreement; the candidate's own greedy continuation gives the first position where free decoding parts.
 * A candidate without `score` is compared through its greedy generation's logprobs (temperature 0 with
 * `topLogprobs`), up to where its tokens leave the reference's.
 *
 * @returns three checks: `logprobs` (same within `tolerance`, else differs), `greedy` (same when every
 *   argmax and every greedy continuation agree) and `divergence` (the share of tokens that sampling both
 *   with the same noise draws differently, and the mean total-variation distance it estimates from above:
 *   same while that distance is at most `coupled.threshold`; see {@link coupledSamplingDivergence}). A
 *   check that compared nothing says `unmeasured`, its detail naming what was missing
 *   (`logprobs` without a teacher-forced token, `greedy` without a prompt both backends continued,
 *   `divergence` without a position where both gave top alternatives, as with a candidate that returns none).
 */
export async function compareTeacherForced(options: TeacherForcedOptions): Promise<FidelityCheck[]> {
  const call: CallOptions = { signal: options.signal };
  const coupledOptions = options.coupled ?? {
    temperature: 1,
    draws: 16,
    rng: seededRng(0),
    threshold: 0.001,
  };
  const referenceCapabilities = await options.reference.capabilities(call);
  const candidateCapabilities = await options.candidate.capabilities(call);
  const greedy = (backend: Backend, prompt: Prompt) =>
    backend.generate(
      {
        prompt,
        temperature: 0,
        maxTokens: options.maxTokens,
        stop: options.stop,
        logprobs: true,
        topLogprobs: options.topK,
      },
      call,
    );
  const scored = async (
    backend: Backend,
    canScore: boolean,
    prompt: Prompt,
    continuation: string,
    generated: readonly TokenLogprob[],
  ): Promise<readonly TokenLogprob[]> => {
    if (!canScore || backend.score === undefined) return generated;
    return (await backend.score({ prompt, continuation, topLogprobs: options.topK }, call)).tokens;
  };

  let positions = 0;
  let sum = 0;
  let maxAbsolute = 0;
  let argmaxAgreements = 0;
  let argmaxPositions = 0;
  let overlapSum = 0;
  let greedyTokens = 0;
  let continued = 0;
  let greedyAgreements = 0;
  let firstDivergence: string | undefined;
  let coupledPositions = 0;
  let coupledMismatches = 0;
  let totalVariationSum = 0;
  let maxTotalVariation = 0;
  for (const [index, prompt] of options.prompts.entries()) {
    const referenceGreedy = (await greedy(options.reference, prompt)).completions[0];
    const candidateGreedy = (await greedy(options.candidate, prompt)).completions[0];
    if (referenceGreedy === undefined || candidateGreedy === undefined) continue;
    continued += 1;
    const referenceTokens = await scored(
      options.reference,
      referenceCapabilities.score,
      prompt,
      referenceGreedy.text,
      referenceGreedy.tokens ?? [],
    );
    const candidateTokens = await scored(
      options.candidate,
      candidateCapabilities.score,
      prompt,
      referenceGreedy.text,
      candidateGreedy.tokens ?? [],
    );
    const divergence = logprobDivergence(referenceTokens, candidateTokens, options.topK);
    positions += divergence.positions;
    sum += divergence.meanAbsolute * divergence.positions;
    maxAbsolute = Math.max(maxAbsolute, divergence.maxAbsolute);
    argmaxAgreements += divergence.argmaxAgreements;
    argmaxPositions += divergence.argmaxPositions;
    overlapSum += (divergence.topOverlap ?? 0) * divergence.argmaxPositions;
    const coupled = coupledSamplingDivergence(referenceTokens, candidateTokens, {
      ...coupledOptions,
      topK: options.topK,
    });
    coupledPositions += coupled.positions;
    coupledMismatches += coupled.mismatches;
    totalVariationSum += coupled.meanTotalVariation * coupled.positions;
    maxTotalVariation = Math.max(maxTotalVariation, coupled.maxTotalVariation);
    const left = (referenceGreedy.tokens ?? []).map((token) => token.token);
    const right = (candidateGreedy.tokens ?? []).map((token) => token.token);
    const agreed = commonPrefixLength(left, right);
    greedyTokens += Math.max(left.length, right.length);
    greedyAgreements += agreed;
    const parted =
      agreed < Math.max(left.length, right.length) || referenceGreedy.text !== candidateGreedy.text;
    if (parted && firstDivergence === undefined) firstDivergence = `prompt ${index + 1}, token ${agreed + 1}`;
  }
  const meanAbsolute = positions === 0 ? 0 : sum / positions;
  const argmaxAgreement = argmaxPositions === 0 ? undefined : argmaxAgreements / argmaxPositions;
  const topOverlap = argmaxPositions === 0 ? undefined : overlapSum / argmaxPositions;
  const greedyAgreement = greedyTokens === 0 ? 1 : greedyAgreements / greedyTokens;
  const logprobsSame = maxAbsolute <= options.tolerance;
  const greedySame = firstDivergence === undefined && (argmaxAgreement ?? 1) === 1;
  const coupledDraws = coupledPositions * coupledOptions.draws;
  const mismatchRate = coupledDraws === 0 ? 0 : coupledMismatches / coupledDraws;
  const meanTotalVariation = coupledPositions === 0 ? 0 : totalVariationSum / coupledPositions;
  const mode = candidateCapabilities.score ? "scored on both" : "candidate's greedy logprobs";
  const overlap =
    topOverlap === undefined
      ? `, no top-${options.topK} overlap (no position had top alternatives from both)`
      : `, top-${options.topK} overlap ${(topOverlap * 100).toFixed(1)}%`;
  const argmax =
    argmaxAgreement === undefined
      ? "argmax not compared (no position had top alternatives from both)"
      : `argmax agrees at ${(argmaxAgreement * 100).toFixed(1)}% of positions`;
  const nothingShown = "neither the same nor different";
  return [
    {
      name: "logprobs",
      verdict: positions === 0 ? "unmeasured" : logprobsSame ? "same" : "differs",
      detail:
        positions === 0
          ? `no teacher-forced token compared (${mode}, ${continued} of ${options.prompts.length} prompts continued): ${nothingShown}`
          : `${positions} teacher-forced tokens (${mode}): mean |Δlogprob| ${format(meanAbsolute)}, max ${format(maxAbsolute)}${overlap}; tolerance ${format(options.tolerance)}`,
      figures: { positions, meanAbsolute, maxAbsolute, topOverlap, tolerance: options.tolerance },
    },
    {
      name: "greedy",
      verdict: continued === 0 ? "unmeasured" : greedySame ? "same" : "differs",
      detail:
        continued === 0
          ? `no greedy continuation came back from both backends (${options.prompts.length} prompts): ${nothingShown}`
          : `${argmax}; greedy continuations ${
              firstDivergence === undefined ? "identical" : `first part at ${firstDivergence}`
            } (${(greedyAgreement * 100).toFixed(1)}% of tokens before parting)`,
      figures: { argmaxAgreement, argmaxPositions, greedyAgreement, firstDivergence, continued },
    },
    {
      name: "divergence",
      verdict:
        coupledPositions === 0
          ? "unmeasured"
          : meanTotalVariation <= coupledOptions.threshold
            ? "same"
            : "differs",
      detail:
        coupledPositions === 0
          ? `no position of ${positions} teacher-forced tokens had top alternatives from both backends to sample with shared noise: ${nothingShown}`
          : `${coupledMismatches} of ${coupledDraws} tokens sampled with shared noise at temperature ${coupledOptions.temperature} differ (${format(mismatchRate)}); mean total variation ${format(meanTotalVariation)} (max ${format(maxTotalVariation)}), alarm above ${format(coupledOptions.threshold)}`,
      figures: {
        positions: coupledPositions,
        draws: coupledOptions.draws,
        mismatches: coupledMismatches,
        mismatchRate,
        meanTotalVariation,
        maxTotalVariation,
        threshold: coupledOptions.threshold,
      },
    },
  ];
}

function commonPrefixLength(left: readonly string[], right: readonly string[]): number {
  let length = 0;
  while (length < left.length && length < right.length && left[length] === right[length]) length += 1;
  return length;
}

/** A figure in 3 significant digits, exponent form when small. */
export function format(value: number): string {
  if (value === 0) return "0";
  return Math.abs(value) < 1e-3 ? value.toExponential(1) : value.toPrecision(3);
}
