import { optionalMethodsOf } from "../../runtime/index.ts";
import type { Backend, CallOptions } from "../../spec/index.ts";
import type { ServedModel } from "./served-model.ts";

/**
 * The served model's backend, naming itself by the served name: its description, every result and what a
 * call an abort cut told (`CallOptions.onAborted`). Why: the trace, and so the usage per model and the
 * `mull_tokens_total` label, then speak of the model the client chose rather than of whatever its upstream
 * calls it (llama.cpp's `llama-server` reports the path of its GGUF file); a sample that finished and one
 * cut part-way stay under one name, and two served names over one upstream model stay apart.
 *
 * @example
 * const backend = underServedName(plan.served);
 * (await backend.generate(request)).model; // "lab-v2-large", not "/models/lab-v2-large.gguf"
 */
export function underServedName(served: ServedModel): Backend {
  const { backend, name } = served;
  const renamed = (options: CallOptions | undefined): CallOptions | undefined => {
    const onAborted = options?.onAborted;
    return onAborted === undefined
      ? options
      : { ...options, onAborted: (partial) => onAborted({ ...partial, model: name }) };
  };
  return {
    describe: () => ({ ...backend.describe(), model: name }),
    capabilities: (options) => backend.capabilities(options),
    generate: async (request, options) => ({
      ...(await backend.generate(request, renamed(options))),
      model: name,
    }),
    ...optionalMethodsOf(backend),
  };
}
