import { ConfigError, type DeepConfOnlineOptions, deepConfOnline } from "mull";
import { labDatasetNames } from "mull/lab";
import { checkInteger, checkNumber, checkOneOf, listFlag, numericFlag, parseFlags } from "mull/runtime";

const owner = "bench:deepconf";

/** What each letter of a variant sets in `deepConfOnline`'s options. */
const variantLetters = {
  w: "warmup",
  k: "keepPercent",
  t: "consensus",
  v: "waveSize",
  g: "window",
} as const satisfies Record<string, keyof DeepConfOnlineOptions>;

/** The variants' grammar, in words, for the usage and for an unknown variant. */
const variantForms =
  "default, or letters each followed by a number: w (warm-up traces), k (keepPercent), t (consensus), " +
  "v (wave size), g (window), as in w4k10t0.9";

/** What `npm run bench:deepconf -- --help` prints. */
export const deepConfUsage = `Usage: npm run bench:deepconf -- [options]

Online against offline DeepConf on the embedded lab, every strategy on the same seeds: accuracy, generated
tokens, traces and cut traces per problem of deepconf@N, sc@N and each online variant.

Options:
  --problems <count>      problems of the dataset, an integer >= 1 (default 240)
  --dataset <name>        a lab dataset: ${labDatasetNames.join(", ")} (default lab:mixed)
  --n <count>             traces per problem (N), an integer >= 1 (default 16)
  --model <name>          a lab model (mull models lists them) or a .gguf file (default lab-large)
  --temperature <value>   sampling temperature, a number >= 0 (default 1.25)
  --variants <list>       online variants, comma-separated: ${variantForms} (default default)
  --concurrency <count>   problems solved at once, an integer >= 1 (default 4)
  --seed <value>          seed of the problems and the samples, an integer >= 0 (default 0)
  -h, --help              print this help
`;

/** One online variant: its spec as written and the `deepConfOnline` options it changes. */
export interface DeepConfVariant {
  /** As written in `--variants`, e.g. `w4k10`; the row is named `online:<spec>`. */
  readonly spec: string;
  /** The options it sets besides `n`. */
  readonly settings: Omit<DeepConfOnlineOptions, "n">;
}

/** The settings of `npm run bench:deepconf`, checked. */
export interface DeepConfOptions {
  readonly problems: number;
  readonly dataset: string;
  readonly n: number;
  readonly model: string;
  readonly temperature: number;
  readonly variants: readonly DeepConfVariant[];
  readonly concurrency: number;
  readonly seed: number;
}

const optionSpecs = {
  help: { type: "boolean", short: "h" },
  problems: { type: "string", default: "240" },
  dataset: { type: "string", default: "lab:mixed" },
  n: { type: "string", default: "16" },
  model: { type: "string", default: "lab-large" },
  temperature: { type: "string", default: "1.25" },
  variants: { type: "string", default: "default" },
  concurrency: { type: "string", default: "4" },
  seed: { type: "string", default: "0" },
} as const;

const variantPattern = /^(?:[wktvg](?:\d+\.?\d*|\.\d+))+$/;

/**
 * One variant's settings, checked by building the strategy at `n` traces, so that a warm-up above N or a
 * consensus above 1 is refused here, naming the variant, rather than after the model has loaded.
 */
function parseVariant(spec: string, n: number): DeepConfVariant {
  if (spec === "default") return { spec, settings: {} };
  if (!variantPattern.test(spec)) {
    throw new ConfigError(
      `${owner}: --variants: unknown variant ${JSON.stringify(spec)}; expected ${variantForms}`,
      {
        field: "--variants",
      },
    );
  }
  const settings: { -readonly [Key in keyof DeepConfVariant["settings"]]: number } = {};
  for (const [, letter, value] of spec.matchAll(/([wktvg])([\d.]+)/g)) {
    const field = variantLetters[letter as keyof typeof variantLetters];
    if (settings[field] !== undefined) {
      throw new ConfigError(
        `${owner}: --variants: variant ${JSON.stringify(spec)} sets ${letter} (${field}) twice`,
        { field: "--variants" },
      );
    }
    settings[field] = Number(value);
  }
  try {
    deepConfOnline({ n, ...settings });
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    throw new ConfigError(
      `${owner}: --variants: variant ${JSON.stringify(spec)} at --n ${n}: ${error.message}`,
      {
        field: "--variants",
        cause: error,
      },
    );
  }
  return { spec, settings };
}

function parseVariants(text: string, n: number): DeepConfVariant[] {
  const specs = listFlag(owner, "--variants", text);
  const repeated = specs.find((spec, index) => specs.indexOf(spec) !== index);
  if (repeated !== undefined) {
    throw new ConfigError(`${owner}: --variants names ${JSON.stringify(repeated)} twice`, {
      field: "--variants",
    });
  }
  return specs.map((spec) => parseVariant(spec, n));
}

/**
 * Reads and checks the flags of `npm run bench:deepconf`; `undefined` for `--help`, whose text is
 * `deepConfUsage`.
 *
 * @throws ConfigError naming the flag and the value: an unknown flag, a count below 1 or not an integer
 *   (`--n abc`, `--concurrency 0`), an unknown dataset, a negative or non-numeric temperature, a negative
 *   seed, an unknown or repeated variant (`bogus`), or one whose settings `deepConfOnline` refuses.
 * @example
 * const options = parseDeepConfOptions(process.argv.slice(2));
 */
export function parseDeepConfOptions(argv: readonly string[]): DeepConfOptions | undefined {
  const values = parseFlags(owner, argv, optionSpecs);
  if (values.help === true) return undefined;
  const problems = checkInteger(owner, "--problems", numericFlag(values.problems), { minimum: 1 });
  const dataset = checkOneOf(owner, "--dataset", values.dataset, labDatasetNames);
  const n = checkInteger(owner, "--n", numericFlag(values.n), { minimum: 1 });
  return {
    problems,
    dataset,
    n,
    model: values.model,
    temperature: checkNumber(owner, "--temperature", numericFlag(values.temperature), { minimum: 0 }),
    variants: parseVariants(values.variants, n),
    concurrency: checkInteger(owner, "--concurrency", numericFlag(values.concurrency), { minimum: 1 }),
    seed: checkInteger(owner, "--seed", numericFlag(values.seed), { minimum: 0, maximum: 2 ** 31 - 1 }),
  };
}
