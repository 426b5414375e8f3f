import { SpanKind } from "@opentelemetry/api";
import type { GenerationResult, Prompt } from "../spec/index.ts";
import {
  definedAttributes,
  genAiOperation,
  genAiProviderName,
  usageAttributes,
} from "./gen-ai-attributes.ts";
import { mullTracer } from "./mull-tracer.ts";
import { markFailed } from "./with-span.ts";

/** What a generation span says of its request: settings only, never the prompt's text. */
export interface GenerationSpanRequest {
  readonly prompt: Prompt;
  /** The model asked for, as the backend describes itself. */
  readonly model: string;
  /** The backend's kind (`openai-compatible`, `llama-cpp`, `scripted`, …). */
  readonly backend: string;
  readonly n: number;
  readonly temperature?: number | undefined;
  readonly topP?: number | undefined;
  readonly maxTokens?: number | undefined;
  readonly seed?: number | undefined;
  /** The run's signal: a call that throws once it has fired was cut by an abort, not failed. */
  readonly signal: AbortSignal;
}

/**
 * Makes one backend call inside a client span named per the OpenTelemetry GenAI conventions,
 * `chat <model>` or `text_completion <model>`, child of the active span: the provider
 * (`gen_ai.provider.name`, from the backend's kind), the request's settings (`gen_ai.request.*`, `mull.n`), then the answering model, the token usage and the finish reasons of its
 * completions. Prompt and completion text are never recorded. A throw sets the span's status to error,
 * unless the signal fired (`mull.aborted`), and is rethrown.
 *
 * @example
 * const result = await withGenerationSpan({ prompt, model, backend: "scripted", n: 4, signal }, () =>
 *   backend.generate(request, { signal }),
 * );
 */
export async function withGenerationSpan<Result extends GenerationResult>(
  request: GenerationSpanRequest,
  call: () => Promise<Result>,
): Promise<Result> {
  const operation = genAiOperation(request.prompt);
  const span = mullTracer().startSpan(`${operation} ${request.model}`, {
    kind: SpanKind.CLIENT,
    attributes: definedAttributes({
      "gen_ai.operation.name": operation,
      "gen_ai.provider.name": genAiProviderName(request.backend),
      "gen_ai.request.model": request.model,
      "gen_ai.request.temperature": request.temperature,
      "gen_ai.request.top_p": request.topP,
      "gen_ai.request.max_tokens": request.maxTokens,
      "gen_ai.request.seed": request.seed,
      "gen_ai.request.choice.count": request.n,
      "mull.backend": request.backend,
      "mull.n": request.n,
    }),
  });
  try {
    const result = await call();
    span.setAttributes({
      "gen_ai.response.model": result.model,
      "gen_ai.response.finish_reasons": result.completions.map((completion) => completion.finishReason),
      "mull.completions": result.completions.length,
      "mull.calls": result.usage.calls,
      ...usageAttributes(result.usage),
    });
    return result;
  } catch (error) {
    if (request.signal.aborted) span.setAttribute("mull.aborted", true);
    else markFailed(span, error);
    throw error;
  } finally {
    span.end();
  }
}
