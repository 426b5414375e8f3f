/**
 * The scorer calls that one invocation of a scorer or process reward model costs a run, from the calls it
 * reports making: at least one, whether it asks a model or runs a programmatic check (so that
 * `maxScoreCalls: 1` allows exactly one invocation, and every `score` event comes from a counted one),
 * or as many as it made when it made more (an LLM judge's one request per solution). The single rule the
 * scoring blocks charge by (`scoreRecorded`) and plan by (`scoreCandidates`).
 *
 * @example
 * scoreCallsCharged(0); // 1: a programmatic check still counts its invocation
 * scoreCallsCharged(4); // 4: a judge that asked its model once per solution
 */
export function scoreCallsCharged(reported: number): number {
  return Math.max(1, reported);
}
