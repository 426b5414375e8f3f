import { ConfigError } from "../../errors/index.ts";
import type { GradedProblem, GradedSample } from "./grade-replay.ts";

/**
 * A trace cut short by its own probes: read its probe answers in order and stop at the first probe
 * whose answer and the `agreement - 1` before it are the same (by key) and all present; the trace then
 * answers that probe's answer and is charged the tokens up to that probe (its `position`: the recorded
 * `intermediatePositions` entry, else (i + 1) × `probeInterval`), never more than the trace's own
 * tokens. A missing probe answer breaks the agreement. A trace whose probes never settle runs to its
 * end: it is returned as it is, final answer and full tokens.
 *
 * @throws ConfigError when the sample records no probes, or their positions are unknown (no
 *   `intermediatePositions` and no probe interval).
 * @example
 * // probes "3", "7", "7" after 500, 1000, 1500 tokens of a 4,000-token trace
 * stoppedTrace(problem, sample, 2); // answer "7", completionTokens 1500
 */
export function stoppedTrace(problem: GradedProblem, sample: GradedSample, agreement: number): GradedSample {
  const probes = sample.probes;
  if (probes === undefined || probes.some((probe) => probe.position === undefined)) {
    throw new ConfigError(
      `${problem.location}: stopping traces at their probes needs probe answers (intermediateAnswers) and their token positions (intermediatePositions, or a probeInterval), which problem ${JSON.stringify(problem.id)} does not record`,
      { field: probes === undefined ? "intermediateAnswers" : "intermediatePositions" },
    );
  }
  let run = 0;
  for (const [index, probe] of probes.entries()) {
    const previous = probes[index - 1];
    run = probe.key === undefined ? 0 : previous !== undefined && previous.key === probe.key ? run + 1 : 1;
    if (run >= agreement) {
      const reached = probe.position!;
      return {
        ...sample,
        answer: probe.answer,
        key: probe.key,
        correct: probe.correct,
        completionTokens:
          sample.completionTokens === undefined ? reached : Math.min(reached, sample.completionTokens),
        // A cut trace's text is not recorded up to the cut.
        characters: undefined,
      };
    }
  }
  return sample;
}
