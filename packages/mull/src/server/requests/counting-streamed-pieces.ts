import { optionalMethodsOf } from "../../runtime/index.ts";
import type { Backend, CallOptions, GenerationRequest, GenerationResult } from "../../spec/index.ts";

/** What a call streamed of one completion: its non-empty pieces, its text and its reasoning. */
interface StreamedCompletion {
  pieces: number;
  text: string;
  reasoning: string;
}

/**
 * `backend`, each call's streamed pieces (`CallOptions.onText`, `onReasoning`) counted, a token a piece (a
 * lower bound where the upstream sends a token a piece, as llama.cpp's server and vLLM do), so that a
 * call an abort cut is never told used nothing once its pieces went out: when the backend rejects on the
 * abort without telling `CallOptions.onAborted` what it had done, it is told one call, each completion
 * that streamed cut there (finish reason `abort`) with its text and as many completion tokens as it
 * streamed pieces, its prompt unknown; when the backend tells it completion tokens it cannot count, they
 * are taken as the pieces of every completion.
 * Why: a streamed pass-through is charged (`UsageMeter`) what its upstream generated, and a backend that
 * cannot tell it must not make the pieces its client already read free. Calls that stream nothing, or
 * that end any other way, are left as they are.
 *
 * @example
 * const upstream = meter.watch(countingStreamedPieces(backend), countedPromptTokens);
 * await upstream.generate(request, { signal, onText: live.push });
 */
export function countingStreamedPieces(backend: Backend): Backend {
  const generate = async (request: GenerationRequest, options?: CallOptions): Promise<GenerationResult> => {
    const streamed = new Map<number, StreamedCompletion>();
    let pieces = 0;
    let told = false;
    const note = (index: number, piece: string, kind: "text" | "reasoning") => {
      const completion = streamed.get(index) ?? { pieces: 0, text: "", reasoning: "" };
      streamed.set(index, completion);
      if (piece !== "") {
        completion.pieces += 1;
        pieces += 1;
      }
      if (kind === "text") completion.text += piece;
      else completion.reasoning += piece;
    };
    const onText = options?.onText;
    const onReasoning = options?.onReasoning;
    const onAborted = options?.onAborted;
    const counted: CallOptions = {
      ...options,
      ...(onText === undefined
        ? {}
        : {
            onText: (piece: string, index: number) => {
              note(index, piece, "text");
              onText(piece, index);
            },
          }),
      ...(onReasoning === undefined
        ? {}
        : {
            onReasoning: (piece: string, index: number) => {
              note(index, piece, "reasoning");
              onReasoning(piece, index);
            },
          }),
      ...(onAborted === undefined
        ? {}
        : {
            onAborted: (partial: GenerationResult) => {
              told = true;
              onAborted(
                partial.usage.completionTokens === undefined && pieces > 0
                  ? { ...partial, usage: { ...partial.usage, completionTokens: pieces } }
                  : partial,
              );
            },
          }),
    };
    try {
      return await backend.generate(request, counted);
    } catch (error) {
      if (!told && pieces > 0 && options?.signal?.aborted === true) {
        onAborted?.({
          completions: [...streamed.entries()]
            .filter(([, completion]) => completion.pieces > 0)
            .sort(([a], [b]) => a - b)
            .map(([index, completion]) => ({
              index,
              text: completion.text,
              finishReason: "abort",
              completionTokens: completion.pieces,
              ...(completion.reasoning === "" ? {} : { reasoning: completion.reasoning }),
            })),
          usage: { promptTokens: undefined, completionTokens: pieces, calls: 1 },
          model: backend.describe().model,
        });
      }
      throw error;
    }
  };
  return {
    describe: () => backend.describe(),
    capabilities: (options) => backend.capabilities(options),
    generate,
    ...optionalMethodsOf(backend),
  };
}
