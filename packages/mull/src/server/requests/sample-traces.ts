import type { Completion, Prompt } from "../../spec/index.ts";

/** One sample as the progress feed follows it over its calls (a thinking call, then its answer call). */
export interface SampleTrace {
  /** What its first call wrote (its continued prefix, then its thinking sent apart, else its text). */
  readonly start: string;
  /** Whether it was counted as a finished sample. */
  counted: boolean;
  /** Its vote in the feed's tally, once read. */
  vote: { readonly key: string; readonly answer: string } | undefined;
}

/** The samples of one request, found again by what their later calls continue. */
export interface SampleTraces {
  /**
   * The text a call's prompt continues: a chat prompt's final assistant message (`continueFinalMessage`),
   * or what a text prompt adds after the request's first text prompt; `undefined` for a call that starts
   * afresh.
   */
  continued(prompt: Prompt): string | undefined;
  /**
   * The sample a call that continued `written` belongs to: the one whose start `written` begins with (the
   * longest such start; among equal ones, one not yet counted first); `undefined` when none does.
   */
  find(written: string): SampleTrace | undefined;
  /** Starts following a sample from its first call's completion, which continued `written` (if anything). */
  start(completion: Pick<Completion, "text" | "reasoning">, written: string | undefined): SampleTrace;
}

/**
 * The samples of one request by what they wrote. Why: a sample may take several calls (budget forcing's
 * thinking cut at its budget, then the answer call that continues it; an extension after a continue cue),
 * and each later call's prompt continues what the earlier ones wrote, so it is found again by that text.
 *
 * @example
 * const traces = createSampleTraces();
 * const written = traces.continued(request.prompt);
 * const trace = (written === undefined ? undefined : traces.find(written)) ?? traces.start(completion, written);
 */
export function createSampleTraces(): SampleTraces {
  const traces: SampleTrace[] = [];
  let firstText: string | undefined;
  return {
    continued(prompt) {
      if (prompt.kind === "chat") {
        const last = prompt.messages.at(-1);
        return prompt.continueFinalMessage === true && last?.role === "assistant" ? last.content : undefined;
      }
      firstText ??= prompt.text;
      return prompt.text.length > firstText.length && prompt.text.startsWith(firstText)
        ? prompt.text.slice(firstText.length)
        : undefined;
    },
    find(written) {
      let found: SampleTrace | undefined;
      for (const trace of traces) {
        if (trace.start === "" || !written.startsWith(trace.start)) continue;
        const longer = found === undefined || trace.start.length > found.start.length;
        const sameButOpen = found?.start.length === trace.start.length && found.counted && !trace.counted;
        if (longer || sameButOpen) found = trace;
      }
      return found;
    },
    start(completion, written) {
      const reasoning = completion.reasoning ?? "";
      const trace: SampleTrace = {
        start: (written ?? "") + (reasoning === "" ? completion.text : reasoning),
        counted: false,
        vote: undefined,
      };
      traces.push(trace);
      return trace;
    },
  };
}
