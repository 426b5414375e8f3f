import { checkStopConditions, leaderHeld, leadingAnswer, type ProbeProgress } from "../../budget/index.ts";
import { ConfigError } from "../../errors/index.ts";
import type { GradedProblem, GradedSample } from "./grade-replay.ts";
import { chargeUpTo, type ParallelStop, traceTokens } from "./parallel-stop.ts";
import type { ReplayStrategy } from "./replay-strategy.ts";

/** What one trace says after a round: its final answer once finished, else its latest probe. */
interface CurrentAnswer {
  readonly answer: string | undefined;
  readonly key: string | undefined;
  readonly correct: boolean;
}

const none: CurrentAnswer = { answer: undefined, key: undefined, correct: false };

function currentAnswer(sample: GradedSample, tokens: number, position: number): CurrentAnswer {
  if (tokens <= position) return sample;
  // The latest probe read by then; a trace whose probes ran out before its end keeps its last one.
  let latest: CurrentAnswer = none;
  for (const probe of sample.probes ?? []) {
    if (probe.position === undefined || probe.position > position) break;
    latest = probe;
  }
  return latest;
}

/**
 * Parallel-Probe (`pprobe@WsS[dD][q<share>]`) on recorded traces: the W traces advance together, one
 * probe interval per round; after round r (r × interval tokens) each trace's current answer is its
 * final answer once it has finished, else its latest probe answer read by then (at a position, recorded
 * in `intermediatePositions` or at the interval, of at most r × interval). The rounds' answer keys go to the
 * `leaderHeld(S, share)` stop rule; once it holds, every trace stops and the leading answer is
 * returned. With `pruneAfter` D, a running trace whose present answer differs from the leader D rounds
 * in a row is pruned after that round: it stops there and no longer answers. When no rule fires, the
 * traces run to their ends and the leader of their final answers is returned: majority vote over the W
 * with self-consistency's tokens. Ties go to the answer of the earliest trace in draw order, whose
 * answer (probe or final) is graded. Each trace is charged min(its tokens, where it stopped).
 *
 * @throws ConfigError when the problem records no probe interval, a trace no probes or no token count.
 * @example
 * // Three traces whose probes all say "7" from the second round: stops after round 3 (rounds = 2).
 * parallelProbeStop(problem, samples, parseReplayStrategy("pprobe@3s2"));
 */
export function parallelProbeStop(
  problem: GradedProblem,
  samples: readonly GradedSample[],
  strategy: ReplayStrategy,
): ParallelStop {
  const interval = problem.probeInterval;
  if (interval === undefined || samples.some((sample) => sample.probes === undefined)) {
    throw new ConfigError(
      `${problem.location}: ${strategy.name} tallies probe answers (intermediateAnswers) in rounds of probeInterval tokens, which problem ${JSON.stringify(problem.id)} does not record`,
      { field: "intermediateAnswers" },
    );
  }
  if (strategy.rounds === undefined) {
    throw new ConfigError(`${strategy.name}: pprobe needs its rounds (pprobe@<k>s<rounds>)`, {
      field: "rounds",
    });
  }
  const tokens = traceTokens(problem, strategy, samples);
  const conditions = [leaderHeld(strategy.rounds, strategy.share ?? 0)];
  const prunedAt: (number | undefined)[] = samples.map(() => undefined);
  const deviations = samples.map(() => 0);
  const rounds: (string | undefined)[][] = [];
  const progress: ProbeProgress = { rounds };
  for (let round = 1; ; round += 1) {
    const position = round * interval;
    const answers = samples.map((sample, index) =>
      prunedAt[index] === undefined ? currentAnswer(sample, tokens[index]!, position) : none,
    );
    const keys = answers.map((answer) => answer.key);
    rounds.push(keys);
    const done = tokens.every((count, index) => count <= position || prunedAt[index] !== undefined);
    const leader = leadingAnswer(keys);
    if (done || checkStopConditions(conditions, progress) !== undefined) {
      const chosen = answers.find((answer) => answer.key !== undefined && answer.key === leader?.key);
      const limits = prunedAt.map((at) => at ?? position);
      return {
        answer: chosen?.answer,
        correct: chosen?.correct ?? false,
        ...chargeUpTo(samples, tokens, limits),
      };
    }
    if (strategy.pruneAfter === undefined || leader === undefined) continue;
    for (const [index, key] of keys.entries()) {
      if (prunedAt[index] !== undefined || tokens[index]! <= position) continue;
      deviations[index] = key !== undefined && key !== leader.key ? deviations[index]! + 1 : 0;
      if (deviations[index]! >= strategy.pruneAfter) prunedAt[index] = position;
    }
  }
}
