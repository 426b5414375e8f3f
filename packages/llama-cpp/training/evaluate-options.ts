import { statSync } from "node:fs";
import { dirname } from "node:path";
import { ConfigError } from "../../mull/src/errors/index.ts";
import type { LabOperandSizes } from "../../mull/src/lab/index.ts";
import { labHardestLevel } from "../../mull/src/lab/index.ts";
import {
  checkInteger,
  checkNumber,
  checkOutputDirectory,
  numericFlag,
  optionError,
} from "../../mull/src/runtime/index.ts";
import { argumentPath } from "./argument-path.ts";
import { checkInputFile } from "./check-input-file.ts";
import { parseOperandsAndFlags } from "./parse-operands-and-flags.ts";

const owner = "evaluate.ts";

/** What `evaluate.ts --help` prints. */
export const evaluateUsage = `Usage: npx node "$PWD/evaluate.ts" <model.gguf> [options]

Accuracy of a lab GGUF through node-llama-cpp (threads 1, 16 parallel sequences): greedy by level, then
pure temperature sampling (topK 0, topP 1, minP 0) on the sampled levels, with single-sample accuracy,
maj@k and pass@k. npx runs from the package folder: give it the script's absolute path ("$PWD/evaluate.ts");
relative paths of files are read from the folder npx was started in.

Arguments:
  <model.gguf>                a lab model file: llama architecture, the lab's vocabulary (first, before any option)

Options:
  --levels <levels>           greedy levels from 1 to ${labHardestLevel}: a range (1-6), a list (1,3,5), both (1-3,6)
                              or none (default 1-6; not none with --sampled-levels none)
  --count <count>             problems per greedy level, an integer >= 1 (default 200)
  --sampled-levels <levels>   sampled levels, as --levels (default 6)
  --sampled-count <count>     problems per sampled level, an integer >= 1 (default --count)
  --temperature <values>      sampling temperatures, numbers >= 0 separated by commas (default 1.0)
  --samples <count>           samples per problem, an integer >= 1 (default 16)
  --seed <value>              seed of the problems and the samples, an integer from 0 to 2147483647 (default 0)
  --operand-sizes <weights>   weights of 1-, 2- and 3-digit operands, e.g. 0,1,0 for 2-digit chains
                              (default uniform 1-999)
  --out <file>                also write the report as JSON to this file
  -h, --help                  print this help
`;

/** The settings of `evaluate.ts`, checked. */
export interface EvaluateOptions {
  /** The GGUF file to evaluate. */
  readonly model: string;
  /** Greedy levels, ascending, each once; empty for none. */
  readonly levels: readonly number[];
  /** Problems per greedy level. */
  readonly count: number;
  /** Sampled levels, ascending, each once; empty for none. */
  readonly sampledLevels: readonly number[];
  /** Problems per sampled level. */
  readonly sampledCount: number;
  /** Sampling temperatures, in the order given. */
  readonly temperatures: readonly number[];
  /** Samples per problem. */
  readonly samples: number;
  /** Seed of the problems and the samples. */
  readonly seed: number;
  /** Operand-size weights; undefined draws operands uniformly in 1–999. */
  readonly operandSizes: LabOperandSizes | undefined;
  /** Where to write the report as JSON; undefined writes none. */
  readonly out: string | undefined;
}

const optionSpecs = {
  help: { type: "boolean", short: "h" },
  levels: { type: "string", default: "1-6" },
  count: { type: "string", default: "200" },
  "sampled-levels": { type: "string", default: "6" },
  "sampled-count": { type: "string" },
  temperature: { type: "string", default: "1.0" },
  samples: { type: "string", default: "16" },
  seed: { type: "string", default: "0" },
  "operand-sizes": { type: "string" },
  out: { type: "string" },
} as const;

/** `1-6`, `6`, `1,3,5`, `1-3,6` or `none` as the levels it names, ascending and each once. */
function levelList(flag: string, text: string): number[] {
  if (text === "none" || text === "") return [];
  const expected = `levels from 1 to ${labHardestLevel}: a range (1-6), a list (1,3,5), both (1-3,6) or none`;
  const levels = new Set<number>();
  for (const item of text.split(",")) {
    const match = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(item);
    const low = Number(match?.[1]);
    const high = Number(match?.[2] ?? match?.[1]);
    if (match === null || low < 1 || high > labHardestLevel || low > high) {
      throw optionError(owner, flag, text, expected);
    }
    for (let level = low; level <= high; level += 1) levels.add(level);
  }
  return [...levels].sort((a, b) => a - b);
}

/** `0.2,0.3,0.5` as three non-negative weights with a positive sum. */
function operandSizes(text: string): LabOperandSizes {
  const weights = text.split(",").map((item) => numericFlag(item.trim()));
  const numbers =
    weights.length === 3 && weights.every((weight) => typeof weight === "number" && weight >= 0);
  const sizes = weights as unknown as LabOperandSizes;
  if (!numbers || !(sizes[0] + sizes[1] + sizes[2] > 0)) {
    throw optionError(
      owner,
      "--operand-sizes",
      text,
      "three non-negative weights of 1-, 2- and 3-digit operands with a positive sum, e.g. 0,1,0",
    );
  }
  return sizes;
}

/**
 * Reads and checks the arguments of `evaluate.ts`: the model file first, then the flags; `undefined` for
 * `--help`, whose text is `evaluateUsage`. Checks the text only; `checkEvaluatePaths` checks the files.
 * Relative paths (the model, `--out`) are read from the folder `npx` was started in, `environment.INIT_CWD`
 * (`argumentPath`).
 *
 * @throws ConfigError naming the flag and the value: an unknown flag or a missing value, no model or more
 *   than one, a count below 1 or not an integer (`--count 0`), levels outside 1–6 or not a range or list
 *   (`--levels 1-9`), a temperature that is not a number ≥ 0 (`--temperature x`), a seed outside
 *   0–2147483647, operand sizes that are not three non-negative weights with a positive sum, `--levels none`
 *   with `--sampled-levels none` (nothing to measure).
 * @example
 * const options = parseEvaluateOptions(["model.gguf", "--levels", "6", "--temperature", "1.0,1.25"], process.env);
 */
export function parseEvaluateOptions(
  argv: readonly string[],
  environment: Readonly<Record<string, string | undefined>> = {},
): EvaluateOptions | undefined {
  const { operands, values } = parseOperandsAndFlags(owner, argv, optionSpecs, "the model file");
  if (values.help === true) return undefined;
  const [model, ...extra] = operands;
  if (model === undefined || model === "" || extra.length > 0) {
    throw new ConfigError(
      `${owner}: expected one model file before the options (evaluate.ts <model.gguf> [options]), got ` +
        `${operands.length === 0 ? "none" : operands.map((operand) => JSON.stringify(operand)).join(" ")}`,
      { field: "model" },
    );
  }
  const count = checkInteger(owner, "--count", numericFlag(values.count), { minimum: 1 });
  const sampledCount = values["sampled-count"];
  const levels = levelList("--levels", values.levels);
  const sampledLevels = levelList("--sampled-levels", values["sampled-levels"]);
  if (levels.length === 0 && sampledLevels.length === 0) {
    throw new ConfigError(
      `${owner}: --levels ${JSON.stringify(values.levels)} and --sampled-levels ` +
        `${JSON.stringify(values["sampled-levels"])} leave nothing to measure; give greedy levels, sampled levels or both`,
      { field: "--levels" },
    );
  }
  return {
    model: argumentPath(model, environment),
    levels,
    count,
    sampledLevels,
    sampledCount:
      sampledCount === undefined
        ? count
        : checkInteger(owner, "--sampled-count", numericFlag(sampledCount), { minimum: 1 }),
    temperatures: values.temperature
      .split(",")
      .map((item) => checkNumber(owner, "--temperature", numericFlag(item.trim()), { minimum: 0 })),
    samples: checkInteger(owner, "--samples", numericFlag(values.samples), { minimum: 1 }),
    seed: checkInteger(owner, "--seed", numericFlag(values.seed), { minimum: 0, maximum: 2 ** 31 - 1 }),
    operandSizes: values["operand-sizes"] === undefined ? undefined : operandSizes(values["operand-sizes"]),
    out: values.out === undefined ? undefined : argumentPath(values.out, environment),
  };
}

/**
 * Checks, before any work, the files `evaluate.ts` reads and writes: the model is a file, and `--out`
 * is not a folder and can be created (no file stands where one of its folders would be).
 *
 * @throws ConfigError naming the argument and the path.
 * @example
 * checkEvaluatePaths(options);
 */
export function checkEvaluatePaths(options: Pick<EvaluateOptions, "model" | "out">): void {
  checkInputFile(owner, "model", options.model);
  if (options.out === undefined) return;
  let isDirectory = false;
  try {
    isDirectory = statSync(options.out).isDirectory();
  } catch {
    // A path that does not exist yet is what --out usually names.
  }
  if (isDirectory) {
    throw new ConfigError(
      `${owner}: --out ${JSON.stringify(options.out)} is a directory; give the path of the JSON file to write`,
      { field: "--out" },
    );
  }
  try {
    checkOutputDirectory(dirname(options.out), "--out");
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    throw new ConfigError(`${owner}: ${error.message}`, { field: "--out", cause: error });
  }
}
