import { labDatasetNames } from "mull/lab";
import { checkInteger, checkNumber, checkOneOf, numericFlag, parseFlags } from "mull/runtime";

const owner = "bench:instability";

/** What `npm run bench:instability -- --help` prints. */
export const instabilityUsage = `Usage: npm run bench:instability -- [options]

Token-level instability as a failure signal on the embedded lab: how well peak instability, mean
log-probability, lowest-group confidence and self-certainty predict a wrong answer.

Options:
  --problems <count>      problems of the dataset, an integer >= 1 (default 200)
  --dataset <name>        a lab dataset: ${labDatasetNames.join(", ")} (default lab:hard)
  --samples <count>       traces per problem, an integer >= 1 (default 4)
  --model <name>          a lab model (mull models lists them) or a .gguf file (default lab-large)
  --temperature <value>   sampling temperature, a number >= 0 (default 1.25)
  --seed <value>          seed of the problems and the samples, an integer >= 0 (default 0)
  -h, --help              print this help
`;

/** The settings of `npm run bench:instability`, checked. */
export interface InstabilityOptions {
  readonly problems: number;
  readonly dataset: string;
  readonly samples: number;
  readonly model: string;
  readonly temperature: number;
  readonly seed: number;
}

const optionSpecs = {
  help: { type: "boolean", short: "h" },
  problems: { type: "string", default: "200" },
  dataset: { type: "string", default: "lab:hard" },
  samples: { type: "string", default: "4" },
  model: { type: "string", default: "lab-large" },
  temperature: { type: "string", default: "1.25" },
  seed: { type: "string", default: "0" },
} as const;

/**
 * Reads and checks the flags of `npm run bench:instability`; `undefined` for `--help`, whose text is
 * `instabilityUsage`.
 *
 * @throws ConfigError naming the flag and the value: an unknown flag, a count below 1 or not an integer
 *   (`--problems abc`), an unknown dataset, a negative or non-numeric temperature, a negative seed.
 * @example
 * const options = parseInstabilityOptions(process.argv.slice(2));
 */
export function parseInstabilityOptions(argv: readonly string[]): InstabilityOptions | undefined {
  const values = parseFlags(owner, argv, optionSpecs);
  if (values.help === true) return undefined;
  return {
    problems: checkInteger(owner, "--problems", numericFlag(values.problems), { minimum: 1 }),
    dataset: checkOneOf(owner, "--dataset", values.dataset, labDatasetNames),
    samples: checkInteger(owner, "--samples", numericFlag(values.samples), { minimum: 1 }),
    model: values.model,
    temperature: checkNumber(owner, "--temperature", numericFlag(values.temperature), { minimum: 0 }),
    seed: checkInteger(owner, "--seed", numericFlag(values.seed), { minimum: 0, maximum: 2 ** 31 - 1 }),
  };
}
