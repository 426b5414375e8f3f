import type { ReportedUsage } from "./response-parser.ts";

/**
 * The usage of a request from the usages its choices reported one by one (llama.cpp's server streams
 * `n > 1` as one stream per choice, each ending with its own usage: on the choice's final chunk for
 * completions, in a chunk without choices right after it for chat): completion tokens summed, the prompt
 * counted once, as it was evaluated once.
 */
function sumChoiceUsages(usages: readonly ReportedUsage[]): ReportedUsage {
  const sum = (values: readonly (number | undefined)[]) =>
    values.some((value) => value === undefined)
      ? undefined
      : values.reduce<number>((total, value) => total + (value ?? 0), 0);
  const largest = (values: readonly (number | undefined)[]) =>
    values.some((value) => value === undefined) ? undefined : Math.max(...(values as number[]));
  return {
    promptTokens: largest(usages.map((usage) => usage.promptTokens)),
    completionTokens: sum(usages.map((usage) => usage.completionTokens)),
    cachedPromptTokens: largest(usages.map((usage) => usage.cachedPromptTokens)),
    ...(usages.some((usage) => usage.reasoningTokens !== undefined)
      ? { reasoningTokens: sum(usages.map((usage) => usage.reasoningTokens ?? 0)) }
      : {}),
  };
}

/**
 * The usages a stream's chunks reported, and which choice each counts (`StreamAssembler`'s bookkeeping).
 *
 * A chunk without choices holds the request's usage (OpenAI, vLLM) and wins. Several such chunks are one
 * per choice (llama.cpp's chat endpoint sends one after each choice's final chunk), and are added up.
 * Without any, the usages that single choices' final chunks carried (llama.cpp's completions endpoint, one
 * per choice) are added up when more than one choice reported; otherwise the last usage seen counts.
 *
 * @example
 * const usages = new StreamUsages();
 * usages.note(usage);
 * usages.addWithChoices(usage, 0); // choice 0's final chunk, carrying its own usage
 * usages.total(); // that usage
 */
export class StreamUsages {
  /** The last usage seen, in any chunk. */
  private last: ReportedUsage | undefined;
  /** The last usage of a chunk without choices. */
  private request: ReportedUsage | undefined;
  /** The usages that single choices' final chunks carried, by choice. */
  private readonly onFinalChunks = new Map<number, ReportedUsage>();
  /**
   * The usages of chunks without choices, in order, each with the choice whose final chunk came just
   * before it without a usage of its own (the choice it counts, when there are several).
   */
  private readonly loose: { readonly usage: ReportedUsage; readonly after: number | undefined }[] = [];
  /** The choice whose final chunk, without usage, was the last chunk with choices. */
  private lastFinished: number | undefined;

  /** Notes a chunk's usage, if it has one, as the last seen; call it for every chunk, before the others. */
  note(usage: ReportedUsage | undefined): void {
    if (usage !== undefined) this.last = usage;
  }

  /** Adds the usage, if any, of a chunk without choices: the request's, or the one of the choice just finished. */
  addWithoutChoices(usage: ReportedUsage | undefined): void {
    if (usage === undefined) return;
    this.request = usage;
    this.loose.push({ usage, after: this.lastFinished });
    this.lastFinished = undefined;
  }

  /**
   * Adds the usage, if any, of a chunk with choices; `finishing` is the index of its only choice when the
   * chunk is that choice's final one (it said a finish reason), else `undefined`.
   */
  addWithChoices(usage: ReportedUsage | undefined, finishing: number | undefined): void {
    if (usage !== undefined && finishing !== undefined) this.onFinalChunks.set(finishing, usage);
    this.lastFinished = usage === undefined ? finishing : undefined;
  }

  /** Whether several chunks without choices came: one usage per choice (llama.cpp's chat endpoint). */
  get perChoice(): boolean {
    return this.loose.length > 1;
  }

  /**
   * Whether the request's usage came, in a chunk of its own and not one per choice: the last chunk a
   * server sends.
   */
  get requestReported(): boolean {
    return this.request !== undefined && !this.perChoice;
  }

  /**
   * Whether a stream that asked for usage and `choices` choices, all finished, still owes usage: one chunk
   * per choice once several came, else the request's chunk or a usage on every choice's final chunk.
   */
  owed(choices: number): boolean {
    // One usage chunk per choice: each choice's own must have come.
    if (this.perChoice) return this.loose.length < choices;
    if (this.request !== undefined) return false;
    for (let index = 0; index < choices; index += 1) {
      if (!this.onFinalChunks.has(index)) return true;
    }
    return false;
  }

  /**
   * The usage each choice reported of its own, by choice: the chunks without choices that followed the
   * choices' final chunks where there were several (llama.cpp's chat endpoint), else the usages on the
   * final chunks (llama.cpp's completions endpoint) unless a request's usage came. Empty where the stream
   * reported its usage for the whole request only.
   */
  own(): ReadonlyMap<number, ReportedUsage> {
    if (this.perChoice) {
      const own = new Map<number, ReportedUsage>(this.onFinalChunks);
      for (const { usage, after } of this.loose) if (after !== undefined) own.set(after, usage);
      return own;
    }
    return this.request === undefined ? this.onFinalChunks : new Map();
  }

  /** The usage choice `index` reported of its own (`own`), else the one on its final chunk, if any. */
  ofChoice(index: number): ReportedUsage | undefined {
    return this.own().get(index) ?? this.onFinalChunks.get(index);
  }

  /** The request's usage, as the class's description says, from a stream that ended whole. */
  total(): ReportedUsage | undefined {
    if (this.perChoice) return sumChoiceUsages(this.loose.map((loose) => loose.usage));
    return (
      this.request ??
      (this.onFinalChunks.size > 1 ? sumChoiceUsages([...this.onFinalChunks.values()]) : this.last)
    );
  }

  /**
   * The usage of a stream that ended before the server's usage (cut by a watcher or an abort, or broken),
   * given the completion tokens its choices were counted to have received: the prompt as a usage chunk
   * said, if one arrived (else unknown); completion tokens as the request's usage said, or `received`,
   * whichever is more: a usage chunk sent before the choices had finished (one sent first) counts fewer
   * tokens than followed it.
   */
  received(received: number): ReportedUsage {
    return {
      promptTokens: this.last?.promptTokens,
      completionTokens: Math.max(this.request?.completionTokens ?? 0, received),
      cachedPromptTokens: this.last?.cachedPromptTokens,
    };
  }
}
