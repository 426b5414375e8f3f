import { checkNumber } from "../runtime/index.ts";
import { judgePromptTokens } from "../scoring/index.ts";
import { defaultMaxSteps } from "../search/index.ts";
import type { CostRequest, JudgedSteps, Prompt } from "../spec/index.ts";
import type { ArchitectureLayer } from "./architecture-layer.ts";
import { critiquePrompt, fusionPrompt } from "./fusion-prompt.ts";

/**
 * The steps one solution is reckoned to have when a `test` or `rank-prm@K` layer judges them, as a
 * search reckons its longest path by default.
 */
export const reckonedStepsPerSolution = defaultMaxSteps;

/** What an architecture declares of its worst case (`Strategy.worstCaseTokens`, `Strategy.judgedSteps`). */
export interface ArchitectureWorstCase {
  /** Present when a `critique` or `fuse` layer re-reads what earlier layers wrote. */
  readonly worstCaseTokens?: ((request: CostRequest) => number) | undefined;
  /** Present when a `test` or `rank-prm@K` layer has a process reward model judge steps. */
  readonly judgedSteps?: ((request: CostRequest) => JudgedSteps) | undefined;
}

/** The largest pool each layer may be given: every sample kept, a rank keeping at most its K. */
function poolSizes(layers: readonly ArchitectureLayer[]): number[] {
  let pool = 0;
  return layers.map((layer) => {
    const given = pool;
    if (layer.kind === "generate") pool += layer.samples;
    else if (layer.kind === "fuse") pool = layer.samples;
    else if (layer.kind === "rank") pool = Math.min(pool, layer.keep);
    return given;
  });
}

/** Solutions' worth of generation the layers plan: every sample, fused solution and critique. */
export function plannedGenerations(layers: readonly ArchitectureLayer[]): number {
  const pools = poolSizes(layers);
  return layers.reduce((total, layer, index) => {
    if (layer.kind === "generate" || layer.kind === "fuse") return total + layer.samples;
    return layer.kind === "critique" ? total + pools[index]! : total;
  }, 0);
}

/**
 * Solutions the process reward model judges at most: each candidate once, at the first `test` or
 * `rank-prm@K` layer that finds it in the pool (later layers of the PRM reuse its score). A `verify` or
 * `test` is reckoned to keep the whole pool; a `rank@K` by another measure to keep unjudged ones.
 *
 * @example
 * judgedSolutions(parseArchitecture("gen@4+rank-prm@2+fuse@3+test+first")); // 4 + 3
 */
export function judgedSolutions(layers: readonly ArchitectureLayer[]): number {
  let unjudged = 0;
  let judged = 0;
  for (const layer of layers) {
    if (layer.kind === "generate") unjudged += layer.samples;
    else if (layer.kind === "fuse") unjudged = layer.samples;
    else if (layer.kind === "test" || (layer.kind === "rank" && layer.by === "prm")) {
      judged += unjudged;
      unjudged = 0;
    }
    if (layer.kind === "rank") unjudged = Math.min(unjudged, layer.keep);
  }
  return judged;
}

/** Empty originals in each shape a fuse layer wraps differently: a text prompt and a chat. */
const emptyOriginals: readonly Prompt[] = [
  { kind: "text", text: "" },
  { kind: "chat", messages: [{ role: "user", content: "" }] },
];

/** The fuse prompt's own text around `pool` empty candidates (with empty critiques when `critiqued`). */
function fusionTemplateTokens(pool: number, critiqued: boolean, perToken: number): number {
  const candidates = Array.from({ length: pool }, () =>
    critiqued ? { text: "", critique: "" } : { text: "" },
  );
  return Math.max(
    ...emptyOriginals.map((original) => judgePromptTokens(fusionPrompt(original, candidates), perToken)),
  );
}

/**
 * The most tokens a run of `layers` may spend on generation, for `request`: a sample reads the prompt
 * and writes at most `maxTokens`; a critique reads its template, the question (within the prompt) and
 * one candidate, and writes at most `critiqueTokens`; a fused solution reads its template, the prompt
 * and every candidate of the pool it is given (each with a critique when a `critique` layer came
 * before), and writes at most `maxTokens`. Templates are reckoned at the request's characters per token.
 */
function generationTokens(
  layers: readonly ArchitectureLayer[],
  critiqueTokens: number,
  request: CostRequest,
): number {
  const perToken = checkNumber(
    "architecture.worstCaseTokens",
    "charactersPerToken",
    request.charactersPerToken ?? 1,
    { exclusiveMinimum: 0 },
  );
  const { promptTokens, maxTokens } = request;
  const critiqueTemplate = judgePromptTokens(critiquePrompt("", ""), perToken);
  const pools = poolSizes(layers);
  let critiqued = false;
  return layers.reduce((total, layer, index) => {
    const pool = pools[index]!;
    if (layer.kind === "generate") return total + layer.samples * (promptTokens + maxTokens);
    if (layer.kind === "critique") {
      critiqued = true;
      return total + pool * (critiqueTemplate + promptTokens + maxTokens + critiqueTokens);
    }
    if (layer.kind !== "fuse") return total;
    const read =
      fusionTemplateTokens(pool, critiqued, perToken) +
      promptTokens +
      pool * (maxTokens + (critiqued ? critiqueTokens : 0));
    return total + layer.samples * (read + maxTokens);
  }, 0);
}

/**
 * An architecture's worst case, declared where samples × (prompt + `maxTokens`) and outcome scoring fall
 * short. With a `critique` or `fuse` layer, `worstCaseTokens` counts what they re-read (see
 * `generationTokens`). With a `test` or `rank-prm@K` layer, `judgedSteps` counts every step of each
 * solution the process reward model judges (`judgedSolutions`), a solution reckoned at
 * `reckonedStepsPerSolution` steps and at most `maxTokens` tokens. A solution of more steps is past this
 * bound; a run held to it (a server holds a run whose steps are judged to what it reserved) stops by its
 * budget.
 *
 * @example
 * const worstCase = architectureWorstCase(parseArchitecture("gen@4+test+first"), 512);
 * worstCase.judgedSteps?.({ promptTokens: 50, maxTokens: 200 }).steps; // 4 × 40
 */
export function architectureWorstCase(
  layers: readonly ArchitectureLayer[],
  critiqueTokens: number,
): ArchitectureWorstCase {
  const rereads = layers.some((layer) => layer.kind === "critique" || layer.kind === "fuse");
  const judged = judgedSolutions(layers);
  return {
    ...(rereads
      ? { worstCaseTokens: (request: CostRequest) => generationTokens(layers, critiqueTokens, request) }
      : {}),
    ...(judged === 0
      ? {}
      : {
          judgedSteps: (request: CostRequest): JudgedSteps => ({
            steps: judged * reckonedStepsPerSolution,
            each: {
              promptTokens: request.promptTokens,
              pathTokens: request.maxTokens,
              pathSteps: reckonedStepsPerSolution,
              ...(request.charactersPerToken === undefined
                ? {}
                : { charactersPerToken: request.charactersPerToken }),
            },
          }),
        }),
  };
}
