import { ConfigError } from "mull/errors";
import { checkInteger, numericFlag, parseFlags } from "mull/runtime";

const owner = "bench:embedded";

/** What `npm run bench:embedded -- --help` prints. */
export const embeddedUsage = `Usage: npm run bench:embedded -- [model] [options]

Throughput of the embedded backend against baselines in the same process: one sequence, 8 and 16
completions in parallel against one after another, and a prompt prefix shared by 16 completions.

Arguments:
  [model]                 the model, as --model gives it (first, before any option)

Options:
  --model <name>          a lab model (mull models lists them) or a .gguf file
                          (default $MULL_BENCH_MODEL, else lab-large, else lab-small, the first whose file is there)
  --rounds <count>        rounds of each measurement, an integer >= 1 (default 7)
  --threads <count>       threads of the model, an integer >= 1 (default 1)
  --max-tokens <count>    most tokens per completion, an integer >= 1 (default 96)
  -h, --help              print this help
`;

/** The settings of `npm run bench:embedded`, checked. */
export interface EmbeddedOptions {
  /** `--model` or the model given first; undefined takes `MULL_BENCH_MODEL` or a lab model that is there. */
  readonly model: string | undefined;
  readonly rounds: number;
  readonly threads: number;
  readonly maxTokens: number;
}

const optionSpecs = {
  help: { type: "boolean", short: "h" },
  model: { type: "string" },
  rounds: { type: "string", default: "7" },
  threads: { type: "string", default: "1" },
  "max-tokens": { type: "string", default: "96" },
} as const;

/**
 * Reads and checks the arguments of `npm run bench:embedded`: an optional model first, then the flags;
 * `undefined` for `--help`, whose text is `embeddedUsage`.
 *
 * @throws ConfigError naming the flag and the value: an unknown flag or a missing value, a count below 1 or
 *   not an integer (`--rounds 0`, `--rounds abc`), a model given both first and as `--model`, an empty one.
 * @example
 * const options = parseEmbeddedOptions(process.argv.slice(2));
 */
export function parseEmbeddedOptions(argv: readonly string[]): EmbeddedOptions | undefined {
  const [first, ...rest] = argv;
  const given = first !== undefined && !first.startsWith("-") ? first : undefined;
  const values = parseFlags(owner, given === undefined ? argv : rest, optionSpecs);
  if (values.help === true) return undefined;
  if (given !== undefined && values.model !== undefined) {
    throw new ConfigError(
      `${owner}: --model ${JSON.stringify(values.model)} and the model ${JSON.stringify(given)} given first; give the model once`,
      { field: "--model" },
    );
  }
  const model = (given ?? values.model)?.trim();
  if (model === "") {
    throw new ConfigError(`${owner}: --model must be a lab model name or a .gguf path, got ""`, {
      field: "--model",
    });
  }
  return {
    model,
    rounds: checkInteger(owner, "--rounds", numericFlag(values.rounds), { minimum: 1 }),
    threads: checkInteger(owner, "--threads", numericFlag(values.threads), { minimum: 1 }),
    maxTokens: checkInteger(owner, "--max-tokens", numericFlag(values["max-tokens"]), { minimum: 1 }),
  };
}
