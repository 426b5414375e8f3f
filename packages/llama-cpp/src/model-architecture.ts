import type { ModelArchitecture } from "mull/spec";
import type { LlamaModel } from "node-llama-cpp";

function positive(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : undefined;
}

/**
 * The shape of a loaded GGUF model, for cost estimates: parameters counted from its tensors, layers, widths,
 * heads and trained context from its metadata, weight bytes as loaded. `undefined` when the file does not
 * give the parameters, layers and width.
 *
 * @example
 * const architecture = modelArchitecture(loaded.model); // { type: "llama", parameters: 195904, layers: 3, ... }
 */
export function modelArchitecture(model: LlamaModel): ModelArchitecture | undefined {
  const info = model.fileInfo;
  let parameters = 0;
  for (const tensor of info.fullTensorInfo ?? []) {
    parameters += tensor.dimensions.reduce<number>((product, size) => product * Number(size), 1);
  }
  const metadata = info.architectureMetadata as Record<string, unknown> & {
    attention?: Record<string, unknown>;
  };
  const layers = positive(metadata.block_count);
  const embedding = positive(metadata.embedding_length);
  if (parameters <= 0 || layers === undefined || embedding === undefined) return undefined;
  const heads = positive(metadata.attention?.head_count);
  const keyValueHeads = positive(metadata.attention?.head_count_kv);
  const feedForward = positive(metadata.feed_forward_length);
  const vocabulary = positive(metadata.vocab_size);
  const contextLength = positive(metadata.context_length);
  const type = info.metadata.general?.architecture;
  return {
    ...(typeof type === "string" ? { type } : {}),
    parameters,
    layers,
    embedding,
    ...(heads === undefined ? {} : { heads }),
    ...(keyValueHeads === undefined ? {} : { keyValueHeads }),
    ...(feedForward === undefined ? {} : { feedForward }),
    ...(vocabulary === undefined ? {} : { vocabulary }),
    ...(contextLength === undefined ? {} : { contextLength }),
    ...(positive(model.size) === undefined ? {} : { weightBytes: model.size }),
  };
}
