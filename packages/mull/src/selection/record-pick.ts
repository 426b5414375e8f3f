import type { Candidate } from "../spec/index.ts";
import type { SelectionContext, VoteResult } from "./selector.ts";

/**
 * The result of choosing one candidate by a rule that is no vote (the first a verifier accepted, the
 * best-ranked of a pool): its answer, a tally of one for its key (none when it has no answer, or nothing
 * was chosen), and a `vote` event with `method` recording the choice.
 *
 * @example
 * return recordPick(pool[0], "first", context);
 */
export function recordPick(
  chosen: Candidate | undefined,
  method: string,
  context: SelectionContext,
): VoteResult {
  const key = chosen?.answer === undefined ? undefined : context.answerFormat.key(chosen.answer);
  const tally: Record<string, number> = key === undefined ? {} : { [key]: 1 };
  const eventId = context.tracer.record({
    type: "vote",
    parentId: context.parentId,
    method,
    tally,
    winner: key,
  });
  return { answer: chosen?.answer, key, best: chosen, tally, eventId };
}
