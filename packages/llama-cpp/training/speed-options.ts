import { ConfigError } from "../../mull/src/errors/index.ts";
import { checkInteger, numericFlag } from "../../mull/src/runtime/index.ts";
import { argumentPath } from "./argument-path.ts";
import { parseOperandsAndFlags } from "./parse-operands-and-flags.ts";

const owner = "speed.ts";

/** What `speed.ts --help` prints. */
export const speedUsage = `Usage: npx node "$PWD/speed.ts" <model.gguf>... [options]

Decoding speed of GGUF files through node-llama-cpp, the way mull's embedded backend runs them: threads 1,
one sequence, greedy. npx runs from the package folder: give it the script's absolute path ("$PWD/speed.ts");
relative paths of files are read from the folder npx was started in.

Arguments:
  <model.gguf>...      the model files, one row each (first, before any option)

Options:
  --tokens <count>     greedy tokens forced after a lab prompt per decode run, an integer >= 1 (default 200)
  --repeats <count>    measured runs of each figure after one warm-up, an integer >= 1 (default 5)
  --problems <count>   level-6 lab prompts of the completion figure, an integer >= 1 (default 20)
  --completion         also measure LlamaCompletion.generateCompletion's tokens/s (trained models only)
  -h, --help           print this help
`;

/** The settings of `speed.ts`, checked. */
export interface SpeedOptions {
  /** The GGUF files to measure, in the order given. */
  readonly models: readonly string[];
  /** Greedy tokens forced per decode run. */
  readonly tokens: number;
  /** Measured runs of each figure, after one warm-up. */
  readonly repeats: number;
  /** Level-6 lab prompts of the completion figure (the first one also starts every decode run). */
  readonly problems: number;
  /** Whether to measure `LlamaCompletion.generateCompletion` too. */
  readonly completion: boolean;
}

const optionSpecs = {
  help: { type: "boolean", short: "h" },
  tokens: { type: "string", default: "200" },
  repeats: { type: "string", default: "5" },
  problems: { type: "string", default: "20" },
  completion: { type: "boolean", default: false },
} as const;

/**
 * Reads and checks the arguments of `speed.ts`: the model files first, then the flags; `undefined` for
 * `--help`, whose text is `speedUsage`. The script checks that the files are there. Relative paths are read
 * from the folder `npx` was started in, `environment.INIT_CWD` (`argumentPath`).
 *
 * @throws ConfigError naming the flag and the value: an unknown flag or a missing value, no model file, a
 *   count below 1 or not an integer (`--repeats 0`: no run to take the median of).
 * @example
 * const options = parseSpeedOptions(["../models/lab-small.gguf", "--repeats", "9"], process.env);
 */
export function parseSpeedOptions(
  argv: readonly string[],
  environment: Readonly<Record<string, string | undefined>> = {},
): SpeedOptions | undefined {
  const { operands, values } = parseOperandsAndFlags(owner, argv, optionSpecs, "the model files");
  if (values.help === true) return undefined;
  if (operands.length === 0 || operands.includes("")) {
    throw new ConfigError(
      `${owner}: expected one or more model files before the options (speed.ts <model.gguf>... [options]), got ` +
        `${operands.length === 0 ? "none" : operands.map((operand) => JSON.stringify(operand)).join(" ")}`,
      { field: "models" },
    );
  }
  return {
    models: operands.map((model) => argumentPath(model, environment)),
    tokens: checkInteger(owner, "--tokens", numericFlag(values.tokens), { minimum: 1 }),
    repeats: checkInteger(owner, "--repeats", numericFlag(values.repeats), { minimum: 1 }),
    problems: checkInteger(owner, "--problems", numericFlag(values.problems), { minimum: 1 }),
    completion: values.completion,
  };
}
