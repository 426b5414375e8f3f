import { ConfigError } from "mull/errors";
import { labDatasetNames } from "mull/lab";
import { checkInteger, checkOneOf, numericFlag, parseFlags } from "mull/runtime";

const owner = "bench:speculative";

/** The default main model and draft: the lab models of the routing benchmarks' default pair. */
export const defaultModelPair = { model: "lab-v2-large", draft: "lab-v2-small" } as const;

/** What `npm run bench:speculative -- --help` prints. */
export const speculativeUsage = `Usage: npm run bench:speculative -- [options]

Speculative decoding on the embedded backend against the plain backend in the same process: greedy
decoding with a draft model and with prompt lookup, the draft's speed against the main model's, and what
a batched check costs.

Options:
  --model <name>            the main model: a lab model or a .gguf file (default ${defaultModelPair.model})
  --draft <name>            the draft model: a lab model or a .gguf file (default ${defaultModelPair.draft})
  --dataset <name>          a lab dataset: ${labDatasetNames.join(", ")} (default lab:hard)
  --problems <count>        problems decoded each round, an integer >= 1 (default 20)
  --rounds <count>          rounds of each measurement, an integer >= 1 (default 5)
  --threads <count>         threads per model, an integer >= 1 (default 1)
  --max-tokens <count>      most tokens per completion, an integer >= 1 (default 160)
  --draft-tokens <count>    tokens drafted ahead, an integer from 1 to 64 (default the backend's, 2)
  --lookup-tokens <count>   tokens proposed by prompt lookup, an integer from 1 to 64 (default the backend's, 1)
  --seed <value>            seed of the problems, an integer >= 0 (default 0)
  -h, --help                print this help
`;

/** The settings of `npm run bench:speculative`, checked. */
export interface SpeculativeBenchOptions {
  readonly model: string;
  readonly draft: string;
  readonly dataset: string;
  readonly problems: number;
  readonly rounds: number;
  readonly threads: number;
  readonly maxTokens: number;
  /** `--draft-tokens`; undefined keeps the backend's default. */
  readonly draftTokens: number | undefined;
  /** `--lookup-tokens`; undefined keeps the backend's default. */
  readonly lookupTokens: number | undefined;
  readonly seed: number;
}

const optionSpecs = {
  help: { type: "boolean", short: "h" },
  model: { type: "string", default: defaultModelPair.model },
  draft: { type: "string", default: defaultModelPair.draft },
  dataset: { type: "string", default: "lab:hard" },
  problems: { type: "string", default: "20" },
  rounds: { type: "string", default: "5" },
  threads: { type: "string", default: "1" },
  "max-tokens": { type: "string", default: "160" },
  "draft-tokens": { type: "string" },
  "lookup-tokens": { type: "string" },
  seed: { type: "string", default: "0" },
} as const;

/** A model flag's name, refused when empty. */
function modelName(flag: string, text: string): string {
  const name = text.trim();
  if (name === "") {
    throw new ConfigError(`${owner}: ${flag} must be a lab model name or a .gguf path, got ""`, {
      field: flag,
    });
  }
  return name;
}

/** An optional count of speculative tokens, as the backend bounds it. */
function speculativeTokens(flag: string, text: string | undefined): number | undefined {
  return text === undefined
    ? undefined
    : checkInteger(owner, flag, numericFlag(text), { minimum: 1, maximum: 64 });
}

/**
 * Reads and checks the flags of `npm run bench:speculative`; `undefined` for `--help`, whose text is
 * `speculativeUsage`. Whether the models' files are there is checked apart (`checkModelFlag`).
 *
 * @throws ConfigError naming the flag and the value: an unknown flag or a missing value, a count below 1
 *   or not an integer (`--problems 0`, `--rounds abc`), speculative tokens outside 1 to 64, an unknown lab
 *   dataset, an empty model name.
 * @example
 * const options = parseSpeculativeOptions(process.argv.slice(2));
 */
export function parseSpeculativeOptions(argv: readonly string[]): SpeculativeBenchOptions | undefined {
  const values = parseFlags(owner, argv, optionSpecs);
  if (values.help === true) return undefined;
  return {
    model: modelName("--model", values.model),
    draft: modelName("--draft", values.draft),
    dataset: checkOneOf(owner, "--dataset", values.dataset, labDatasetNames),
    problems: checkInteger(owner, "--problems", numericFlag(values.problems), { minimum: 1 }),
    rounds: checkInteger(owner, "--rounds", numericFlag(values.rounds), { minimum: 1 }),
    threads: checkInteger(owner, "--threads", numericFlag(values.threads), { minimum: 1 }),
    maxTokens: checkInteger(owner, "--max-tokens", numericFlag(values["max-tokens"]), { minimum: 1 }),
    draftTokens: speculativeTokens("--draft-tokens", values["draft-tokens"]),
    lookupTokens: speculativeTokens("--lookup-tokens", values["lookup-tokens"]),
    seed: checkInteger(owner, "--seed", numericFlag(values.seed), { minimum: 0, maximum: 2 ** 31 - 1 }),
  };
}
