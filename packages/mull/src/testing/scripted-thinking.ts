import { ConfigError } from "../errors/index.ts";
import type { GenerationRequest, Prompt } from "../spec/index.ts";
import type { ScriptedCompletion, ScriptedResponder } from "./scripted-backend.ts";

/** Options of `scriptedThinking`. */
export interface ScriptedThinkingOptions {
  /**
   * The whole traces the model writes, one per solution it starts: the k-th solution started (a call with
   * nothing written yet) follows `traces[k % traces.length]`. Each partial solution must tell its trace
   * apart, so give traces that differ in their first word. Tokens are words, as the scripted backend
   * counts them (each with the whitespace before it).
   */
  readonly traces: readonly string[];
  /** The text prompt the solutions continue; a chat prompt's partial solution is its final assistant message. */
  readonly prompt?: string | undefined;
  /** The answer cue: a partial solution that ends with it asks for an answer. */
  readonly answerCue: string;
  /**
   * Where a trace ends early: the model stops before each occurrence of this cue in its trace and goes
   * on after it only when the cue is appended (budget forcing's "Wait"). Default: never.
   */
  readonly continueCue?: string | undefined;
  /** What the model answers after the answer cue, given the partial solution and the trace it follows. */
  readonly answer: (written: string, trace: string) => string;
}

/** Splits text into word tokens, each keeping the whitespace before it (as the scripted backend counts). */
function words(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [];
}

function writtenOf(prompt: Prompt, base: string | undefined): string {
  if (prompt.kind === "chat") {
    const last = prompt.messages.at(-1);
    return prompt.continueFinalMessage === true && last?.role === "assistant" ? last.content : "";
  }
  if (base === undefined || !prompt.text.startsWith(base)) {
    throw new ConfigError(
      `scriptedThinking: the text prompt ${JSON.stringify(prompt.text.slice(0, 80))} does not start with the prompt option ${JSON.stringify(base)}`,
      { field: "prompt" },
    );
  }
  return prompt.text.slice(base.length);
}

/** At most `maxTokens` word tokens of `text`: `length` when some were left out. */
function limited(text: string, request: GenerationRequest): ScriptedCompletion {
  const tokens = words(text);
  const max = request.maxTokens ?? Number.POSITIVE_INFINITY;
  if (tokens.length > max) return { text: tokens.slice(0, max).join(""), finishReason: "length" };
  return { text: tokens.join(""), finishReason: "stop" };
}

/**
 * A `respond` function for `createScriptedBackend` that writes whole traces piece by piece the way a real
 * model continues a prefix: a call continues the partial solution in its prompt along its trace for at
 * most `maxTokens` words (finish `length`, else `stop` where the trace ends or reaches the continue cue),
 * and a partial solution that ends with the answer cue gets `answer(written, trace)`. Budget forcing and
 * live probing are tested on it.
 *
 * @throws ConfigError (when called) for a prompt that continues none of the traces.
 * @example
 * const backend = createScriptedBackend({
 *   respond: scriptedThinking({
 *     prompt: "Q: 1+2+3=? A:",
 *     traces: [" 1+2=3 3+3=6 #### 6"],
 *     answerCue: "\n#### ",
 *     answer: (written) => written.split("=").at(-1) ?? "",
 *   }),
 * });
 */
export function scriptedThinking(options: ScriptedThinkingOptions): ScriptedResponder {
  const { traces, answerCue, continueCue } = options;
  if (traces.length === 0) {
    throw new ConfigError("scriptedThinking: traces is empty; expected at least one", { field: "traces" });
  }
  let started = 0;
  const traceOf = (written: string): string => {
    if (written === "") {
      const trace = traces[started % traces.length]!;
      started += 1;
      return trace;
    }
    const trace = traces.find((candidate) => candidate.startsWith(written));
    if (trace === undefined) {
      throw new ConfigError(`scriptedThinking: no trace continues ${JSON.stringify(written.slice(0, 80))}`, {
        field: "traces",
      });
    }
    return trace;
  };
  return (request) => {
    const written = writtenOf(request.prompt, options.prompt);
    if (written.endsWith(answerCue)) {
      const before = written.slice(0, written.length - answerCue.length);
      return limited(options.answer(before, traceOf(before)), request);
    }
    const trace = traceOf(written);
    const rest = trace.slice(written.length);
    const pause = continueCue === undefined || continueCue === "" ? -1 : rest.indexOf(continueCue);
    return limited(pause < 0 ? rest : rest.slice(0, pause), request);
  };
}
