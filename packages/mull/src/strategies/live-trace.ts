import { type ForcedAnswer, type SolutionPiece, withCue } from "../generation/index.ts";
import type { AnswerFormat, Candidate, FinishReason, Rng } from "../spec/index.ts";

/** How a probed trace stands: still thinking, or done and why. */
export type LiveTraceStatus =
  /** Still writing: its answer so far is its latest probe's. */
  | "thinking"
  /** It ended on its own: its answer is its text's. */
  | "finished"
  /** Its last probes agreed: it answers their answer. */
  | "settled"
  /** It reached its thinking limit (or the context's end): it answers its latest probe's answer. */
  | "capped";

/** One trace of live probing, as the strategy keeps it between rounds. */
export interface LiveTrace {
  /** The seeds of its calls, in order. */
  readonly seeds: Rng;
  status: LiveTraceStatus;
  /** Its text so far (without probes). */
  written: string;
  /** Tokens it thought (chunks), when every call reported them. */
  thinkingTokens: number | undefined;
  /** Tokens generated for it, chunks and probes, when every call reported them. */
  tokens: number | undefined;
  /** Trace id of its last chunk (its next chunk and probe hang under it). */
  lastChunkId: string | undefined;
  /** Its latest probe, if any. */
  latestProbe: ForcedAnswer | undefined;
  /** Answer keys of its probes, in order (`undefined`: the probe gave none). */
  readonly probeKeys: (string | undefined)[];
  /**
   * Whether each of its probes, in order, counts toward agreement: false for one whose answer cue was
   * appended after a digit (`probeCounts`).
   */
  readonly probeCounted: boolean[];
  /** How its last chunk ended. */
  finishReason: FinishReason;
  /** The answer its text states so far (what a finished trace answers). */
  ownAnswer: string | undefined;
  model: string | undefined;
}

function addCount(total: number | undefined, count: number | undefined): number | undefined {
  return total === undefined || count === undefined ? undefined : total + count;
}

/** A trace that has not started. */
export function newLiveTrace(seeds: Rng): LiveTrace {
  return {
    seeds,
    status: "thinking",
    written: "",
    thinkingTokens: 0,
    tokens: 0,
    lastChunkId: undefined,
    latestProbe: undefined,
    probeKeys: [],
    probeCounted: [],
    finishReason: "unknown",
    ownAnswer: undefined,
    model: undefined,
  };
}

/**
 * Adds a chunk: a trace that ended on its own is `finished`; one cut short of `asked` tokens (the
 * context's end) is `capped` at once, since a cue and an answer would not fit after it.
 */
export function addChunk(trace: LiveTrace, piece: SolutionPiece, asked: number): void {
  trace.written = piece.written;
  trace.thinkingTokens = addCount(trace.thinkingTokens, piece.tokenCount);
  trace.tokens = addCount(trace.tokens, piece.tokenCount);
  trace.lastChunkId = piece.id;
  trace.finishReason = piece.finishReason;
  trace.model = piece.model;
  trace.ownAnswer = piece.answer;
  if (piece.finishReason !== "length") {
    trace.status = "finished";
  } else if (piece.tokenCount !== undefined && piece.tokenCount < asked) {
    trace.status = "capped";
  }
}

/**
 * Whether a probe of a trace whose text so far is `written` counts toward agreement: not when its answer
 * cue (`answerCue`) was appended right after a digit. The trace was cut in the middle of a number that may
 * go on (`…71+1`, perhaps a cut `…71+155`), and the model tends to answer the number it was writing, so two
 * such probes can agree on a number that is no answer (`1` after `…71+1` and after `…226-115=1`). A probe
 * that went on with the trace's own answer line (`#### 62`, its number finished by the probe) or took a
 * line the trace ended counts.
 */
export function probeCounts(written: string, probe: ForcedAnswer, answerCue: string): boolean {
  return !/\d$/.test(written) || !probe.solution.startsWith(withCue(written, answerCue));
}

/**
 * Adds a probe: the trace is `settled` once its last `agreement` counted probes gave the same answer (a
 * probe without an answer breaks the run), and `capped` when it has thought `maxThinkingTokens`. A probe
 * taken in the middle of a number (`probeCounts`) is kept, marked in `probeCounted`, and is the trace's
 * latest probe, but neither counts toward agreement nor breaks it.
 */
export function addProbe(
  trace: LiveTrace,
  probe: ForcedAnswer,
  answerFormat: AnswerFormat,
  limits: {
    readonly agreement: number;
    readonly maxThinkingTokens: number;
    readonly answerCue: string;
  },
): void {
  trace.latestProbe = probe;
  trace.tokens = addCount(trace.tokens, probe.tokenCount);
  trace.probeKeys.push(probe.answer === undefined ? undefined : answerFormat.key(probe.answer));
  const counted = probeCounts(trace.written, probe, limits.answerCue);
  trace.probeCounted.push(counted);
  const last = trace.probeKeys.filter((_, index) => trace.probeCounted[index]).slice(-limits.agreement);
  const agreed =
    counted &&
    last.length === limits.agreement &&
    last[0] !== undefined &&
    last.every((key) => key === last[0]);
  if (agreed) trace.status = "settled";
  else if (trace.thinkingTokens !== undefined && trace.thinkingTokens >= limits.maxThinkingTokens) {
    trace.status = "capped";
  }
}

/**
 * The trace as a candidate: a finished trace with its own text and answer; any other with its latest
 * probe (text, cue and forced answer; before any probe no answer, or for a trace the context cut, what
 * its text states). Its tokens are its chunks'
 * and probes', so the candidates' tokens add up to the run's generated tokens.
 */
export function traceCandidate(trace: LiveTrace): Candidate | undefined {
  const probe = trace.status === "finished" ? undefined : trace.latestProbe;
  const id = probe?.id ?? trace.lastChunkId;
  if (id === undefined) return undefined;
  return {
    id,
    text: probe?.solution ?? trace.written,
    answer:
      trace.status === "finished" || (trace.status === "capped" && probe === undefined)
        ? trace.ownAnswer
        : probe?.answer,
    finishReason: trace.finishReason,
    completionTokens: trace.tokens,
    scores: [],
    ...(trace.model === undefined ? {} : { model: trace.model }),
  };
}
