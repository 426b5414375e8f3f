import { withClientSpan } from "./client-span.ts";
import { definedAttributes, usageAttributes } from "./gen-ai-attributes.ts";
import {
  type GenerationSpanRequest,
  generationRequestAttributes,
  generationSpanName,
} from "./generation-span.ts";

/** What a capability probe's answer tells its span: the answering model, the token usage, the choices. */
export interface ProbeAnswer {
  /** The model that answered, when the server said. */
  readonly model: string | undefined;
  /** The token counts the server reported; `undefined` when it reported none. */
  readonly usage:
    | { readonly promptTokens: number | undefined; readonly completionTokens: number | undefined }
    | undefined;
  readonly choices: readonly { readonly finishReason: string }[];
}

/**
 * Makes one request of a backend's capability probe (a tiny request, such as `n: 2` and one token, that
 * finds out what a server honours before the first generation) inside a client span told apart from a
 * generation by `mull.probe: true`. The span is otherwise a generation span (`withGenerationSpan`): named
 * per the OpenTelemetry GenAI conventions, `chat <model>` or `text_completion <model>`, child of the active
 * span and active while the request runs, with the request's settings, then the answering model, the finish
 * reasons and the token usage the server reported. A probe's tokens are the server's, not the run's: no
 * budget is charged them, so a sum of client spans' usage that should match a run's leaves out the spans
 * with `mull.probe`. A throw (a refusal, a down server) sets the span's status to error, unless the signal
 * fired (`mull.aborted`), and is rethrown.
 *
 * @example
 * const response = await withProbeSpan(
 *   { prompt, model: "qwen2.5-7b", backend: "openai-compatible", n: 2, maxTokens: 1, signal },
 *   () => caller.post(call),
 * );
 */
export function withProbeSpan<Answer extends ProbeAnswer>(
  request: GenerationSpanRequest,
  call: () => Promise<Answer>,
): Promise<Answer> {
  return withClientSpan(
    {
      name: generationSpanName(request),
      attributes: { ...generationRequestAttributes(request), "mull.probe": true },
      signal: request.signal,
    },
    call,
    (answer) =>
      definedAttributes({
        "gen_ai.response.model": answer.model,
        "gen_ai.response.finish_reasons": answer.choices.map((choice) => choice.finishReason),
        "mull.completions": answer.choices.length,
        ...(answer.usage === undefined ? {} : usageAttributes(answer.usage)),
      }),
  );
}
