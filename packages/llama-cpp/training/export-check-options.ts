import { ConfigError } from "../../mull/src/errors/index.ts";
import { checkNumber, checkOneOf } from "../../mull/src/runtime/index.ts";
import { argumentPath } from "./argument-path.ts";
import { parseOperandsAndFlags } from "./parse-operands-and-flags.ts";

const owner = "export-check.ts";

/** What `export-check.ts --help` prints. */
export const exportCheckUsage = `Usage: npx node "$PWD/export-check.ts" <model.gguf> <model.pt> [tolerance]

Checks an exported GGUF against its torch checkpoint: llama.cpp's tokenization and next-token probabilities
must match torch's (run by /usr/bin/python3) within the tolerance. Exits 1 when they do not. npx runs from
the package folder: give it the script's absolute path ("$PWD/export-check.ts"); relative paths of files are
read from the folder npx was started in.

Arguments:
  <model.gguf>    the exported file, a lab model (llama architecture, the lab's vocabulary)
  <model.pt>      the checkpoint it was exported from (train.py's model.pt, step-N.pt, gguf_reader.py's)
  [tolerance]     the largest difference of a probability allowed, a number >= 0 such as 1e-4 (default 2e-2)

Environment:
  KV_CACHE          F16 (llama.cpp's default) or F32, the key/value cache's type
  FLASH_ATTENTION   auto (default) or false

Options:
  -h, --help      print this help
`;

/** The settings of `export-check.ts`, checked. */
export interface ExportCheckOptions {
  /** The exported GGUF file. */
  readonly model: string;
  /** The torch checkpoint it was exported from. */
  readonly checkpoint: string;
  /** The largest difference of a next-token probability allowed. */
  readonly tolerance: number;
  /** The key/value cache's type (`KV_CACHE`). */
  readonly cacheType: "F16" | "F32";
  /** llama.cpp's flash attention (`FLASH_ATTENTION`). */
  readonly flashAttention: "auto" | false;
}

const optionSpecs = { help: { type: "boolean", short: "h" } } as const;

/** A number as text, exponents included (`1e-4`); any other text stays text, so a refusal quotes it. */
function numberOrText(text: string): number | string {
  return /^\s*-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(text) ? Number(text) : text;
}

/**
 * Reads and checks the arguments and environment of `export-check.ts`; `undefined` for `--help`, whose text
 * is `exportCheckUsage`. The script checks that the files are there. Relative paths of files are read from
 * the folder `npx` was started in, `environment.INIT_CWD` (`argumentPath`).
 *
 * @throws ConfigError naming the argument and the value: an unknown flag, a missing file or a fourth
 *   argument, a tolerance that is not a number ≥ 0 (`abc` would otherwise pass every comparison), a
 *   `KV_CACHE` or `FLASH_ATTENTION` the script does not know.
 * @example
 * const options = parseExportCheckOptions(process.argv.slice(2), process.env);
 */
export function parseExportCheckOptions(
  argv: readonly string[],
  environment: Readonly<Record<string, string | undefined>>,
): ExportCheckOptions | undefined {
  const { operands, values } = parseOperandsAndFlags(owner, argv, optionSpecs, "the files and the tolerance");
  if (values.help === true) return undefined;
  const [model, checkpoint, tolerance, ...extra] = operands;
  if (
    model === undefined ||
    checkpoint === undefined ||
    model === "" ||
    checkpoint === "" ||
    extra.length > 0
  ) {
    throw new ConfigError(
      `${owner}: expected <model.gguf> <model.pt> [tolerance], got ` +
        `${operands.length === 0 ? "none" : operands.map((operand) => JSON.stringify(operand)).join(" ")}`,
      { field: "arguments" },
    );
  }
  return {
    model: argumentPath(model, environment),
    checkpoint: argumentPath(checkpoint, environment),
    tolerance: checkNumber(owner, "tolerance", numberOrText(tolerance ?? "2e-2"), { minimum: 0 }),
    cacheType: checkOneOf(owner, "KV_CACHE", environment.KV_CACHE ?? "F16", ["F16", "F32"]),
    flashAttention:
      checkOneOf(owner, "FLASH_ATTENTION", environment.FLASH_ATTENTION ?? "auto", ["auto", "false"]) ===
      "false"
        ? false
        : "auto",
  };
}
