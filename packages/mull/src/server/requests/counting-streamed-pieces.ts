import type { Backend, CallOptions, GenerationRequest, GenerationResult } from "../../spec/index.ts";
import { optionalMethodsOf } from "../upstreams/index.ts";

/**
 * `backend`, each call's streamed pieces (`CallOptions.onText`, `onReasoning`) counted, a token a piece (a
 * lower bound where the upstream sends a token a piece, as llama.cpp's server and vLLM do), so that a
 * call an abort cut is never told used nothing once its pieces went out: when the backend rejects on the
 * abort without telling `CallOptions.onAborted` what it had done, it is told one call of one completion
 * cut there (finish reason `abort`) with the text streamed and that many completion tokens, its prompt
 * unknown; when the backend tells it completion tokens it cannot count, they are taken as the pieces.
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
    let pieces = 0;
    let text = "";
    let reasoning = "";
    let told = false;
    const onText = options?.onText;
    const onReasoning = options?.onReasoning;
    const onAborted = options?.onAborted;
    const counted: CallOptions = {
      ...options,
      ...(onText === undefined
        ? {}
        : {
            onText: (piece: string) => {
              if (piece !== "") pieces += 1;
              text += piece;
              onText(piece);
            },
          }),
      ...(onReasoning === undefined
        ? {}
        : {
            onReasoning: (piece: string) => {
              if (piece !== "") pieces += 1;
              reasoning += piece;
              onReasoning(piece);
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
          completions: [
            {
              index: 0,
              text,
              finishReason: "abort",
              completionTokens: pieces,
              ...(reasoning === "" ? {} : { reasoning }),
            },
          ],
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
