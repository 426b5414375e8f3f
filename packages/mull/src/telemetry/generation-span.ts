import type { Attributes } from "@opentelemetry/api";
import type { GenerationResult, Prompt } from "../spec/index.ts";
import { withClientSpan } from "./client-span.ts";
import {
  definedAttributes,
  genAiOperation,
  genAiProviderName,
  genAiRequestModel,
  usageAttributes,
} from "./gen-ai-attributes.ts";

/** What a generation span says of its request: settings only, never the prompt's text. */
export interface GenerationSpanRequest {
  readonly prompt: Prompt;
  /** The model asked for, as the backend describes itself (`BackendDescription.model`). */
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
 * The attributes a generation span starts with: the operation, the provider (`gen_ai.provider.name`, from
 * the backend's kind, or an AI SDK model's own provider), the model asked for (`genAiRequestModel`) and the request's settings
 * (`gen_ai.request.*`, `mull.n`).
 */
export function generationRequestAttributes(request: GenerationSpanRequest): Attributes {
  return definedAttributes({
    "gen_ai.operation.name": genAiOperation(request.prompt),
    "gen_ai.provider.name": genAiProviderName(request.backend, request.model),
    "gen_ai.request.model": genAiRequestModel(request.backend, request.model),
    "gen_ai.request.temperature": request.temperature,
    "gen_ai.request.top_p": request.topP,
    "gen_ai.request.max_tokens": request.maxTokens,
    "gen_ai.request.seed": request.seed,
    "gen_ai.request.choice.count": request.n,
    "mull.backend": request.backend,
    "mull.n": request.n,
  });
}

/** The name of a generation span, per the GenAI conventions: `chat <model>` or `text_completion <model>`. */
export function generationSpanName(request: GenerationSpanRequest): string {
  return `${genAiOperation(request.prompt)} ${genAiRequestModel(request.backend, request.model)}`;
}

/**
 * Makes one backend call inside a client span named per the OpenTelemetry GenAI conventions,
 * `chat <model>` or `text_completion <model>`, child of the active span and active while the call runs
 * (`withClientSpan`): the provider (`gen_ai.provider.name`, from the backend's kind), the model asked for
 * (`gen_ai.request.model`, without an AI SDK model's provider prefix), the request's settings
 * (`gen_ai.request.*`, `mull.n`), then the answering model, the token usage and the finish reasons of its
 * completions. Prompt and completion text are never recorded. A throw sets the span's status to error,
 * unless the signal fired (`mull.aborted`), and is rethrown.
 *
 * @example
 * const result = await withGenerationSpan({ prompt, model, backend: "scripted", n: 4, signal }, () =>
 *   backend.generate(request, { signal }),
 * );
 */
export function withGenerationSpan<Result extends GenerationResult>(
  request: GenerationSpanRequest,
  call: () => Promise<Result>,
): Promise<Result> {
  return withClientSpan(
    {
      name: generationSpanName(request),
      attributes: generationRequestAttributes(request),
      signal: request.signal,
    },
    call,
    (result) => ({
      "gen_ai.response.model": result.model,
      "gen_ai.response.finish_reasons": result.completions.map((completion) => completion.finishReason),
      "mull.completions": result.completions.length,
      "mull.calls": result.usage.calls,
      ...usageAttributes(result.usage),
    }),
  );
}
