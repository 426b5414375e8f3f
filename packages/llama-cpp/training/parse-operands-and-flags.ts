import type { ParseArgsOptionsConfig } from "node:util";
import { ConfigError } from "../../mull/src/errors/index.ts";
import { parseFlags } from "../../mull/src/runtime/index.ts";

/**
 * Parses a training script's arguments: the operands given first (model files, a tolerance), then the
 * flags, read by `parseFlags` (which takes flags only). `["a.gguf", "b.gguf", "--tokens", "50"]` gives the
 * operands `["a.gguf", "b.gguf"]` and the flags' values.
 *
 * @param operandsName what the operands are, for the refusal of one given after a flag ("the model file").
 * @throws ConfigError as `parseFlags` does, and `<owner>: "x.gguf" comes after an option; give <operandsName>
 *   first, before any option` (field `arguments`) for an operand after a flag.
 * @example
 * const { operands, values } = parseOperandsAndFlags("speed.ts", argv, { tokens: { type: "string" } }, "the model files");
 */
export function parseOperandsAndFlags<const Options extends ParseArgsOptionsConfig>(
  owner: string,
  argv: readonly string[],
  options: Options,
  operandsName: string,
) {
  const firstFlag = argv.findIndex((argument) => argument.startsWith("-"));
  const end = firstFlag === -1 ? argv.length : firstFlag;
  const operands = argv.slice(0, end);
  const flags = argv.slice(end);
  try {
    return { operands, values: parseFlags(owner, flags, options) };
  } catch (error) {
    const cause = ConfigError.isInstance(error) ? (error.cause as Error & { code?: unknown }) : undefined;
    if (cause?.code !== "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") throw error;
    const stray = /'([^']*)'/.exec(cause.message)?.[1] ?? "";
    throw new ConfigError(
      `${owner}: ${JSON.stringify(stray)} comes after an option; give ${operandsName} first, before any option`,
      { field: "arguments", cause: error },
    );
  }
}
