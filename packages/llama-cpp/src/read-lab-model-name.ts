import { readGgufFileInfo } from "node-llama-cpp";

/**
 * The tokens of the lab's tokenizer, as the lab recipe (`training/lab_model.py`) writes every lab model's
 * GGUF: three special tokens, one token per character of the lab's format (the space as `▁`), then the 256
 * byte-fallback tokens.
 */
export const labVocabulary: readonly string[] = [
  "<unk>",
  "<s>",
  "</s>",
  ..."0123456789+-=?#QA:".split(""),
  "\u2581",
  "\n",
  ...Array.from({ length: 256 }, (_, byte) => `<0x${byte.toString(16).toUpperCase().padStart(2, "0")}>`),
];

function sameTokens(tokens: unknown): boolean {
  return (
    Array.isArray(tokens) &&
    tokens.length === labVocabulary.length &&
    tokens.every((token, index) => token === labVocabulary[index])
  );
}

/**
 * The name a lab model's GGUF file carries (its `general.name`: `lab` by default, `lab-v2-large` for the
 * shipped one), whatever the file is called; `undefined` for any other model. A file counts as a lab model
 * by its metadata alone: the llama architecture, no chat template, and the lab's tokenizer token for token
 * ({@link labVocabulary}), which every model the lab recipe trains carries. Reads the metadata only, not
 * the weights.
 *
 * @throws the reader's error for a file that is missing or not a GGUF file.
 * @example
 * await readLabModelName("/tmp/trained.gguf"); // "lab"
 * await readLabModelName("/models/qwen2.5-0.5b.gguf"); // undefined
 */
export async function readLabModelName(file: string): Promise<string | undefined> {
  const info = await readGgufFileInfo(file, { readTensorInfo: false, logWarnings: false });
  const metadata = info.metadata as {
    general?: { architecture?: unknown; name?: unknown };
    tokenizer?: { chat_template?: unknown; ggml?: { tokens?: unknown } };
  };
  if (metadata.general?.architecture !== "llama") return undefined;
  if (metadata.tokenizer?.chat_template !== undefined) return undefined;
  if (!sameTokens(metadata.tokenizer?.ggml?.tokens)) return undefined;
  const name = metadata.general.name;
  return typeof name === "string" && name.length > 0 ? name : "lab";
}
