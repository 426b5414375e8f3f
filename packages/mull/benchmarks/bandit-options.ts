import { ConfigError } from "../src/errors/index.ts";
import { labDatasetNames } from "../src/lab/index.ts";
import { type BanditPolicyName, banditPolicyNames } from "../src/routing/index.ts";
import {
  checkInteger,
  checkNumber,
  checkOneOf,
  listFlag,
  numericFlag,
  parseFlags,
} from "../src/runtime/index.ts";
import { defaultRoutePair, type RoutePair, routePairFromFlags, routePairOptions } from "./route-pair.ts";

const owner = "bench:bandit";

/** What `--prices` may be: each model's price per token by its parameters, or by its measured time per token. */
export const banditPriceBases = ["parameters", "time"] as const;

/** How the small model's price per token is set against the large model's 1. */
export type BanditPriceBasis = (typeof banditPriceBases)[number];

/** What `npm run bench:bandit -- --help` prints. */
export const banditUsage = `Usage: npm run bench:bandit -- [options]

Bandit routes of mull serve over a small and a large embedded lab model, over real HTTP: each model alone,
then one route per policy and λ, on the same problems and request seeds.

Options:
  --problems <count>      problems of the dataset, an integer >= 1 (default 100)
  --dataset <name>        a lab dataset, whose checker rewards the routes: ${labDatasetNames.join(", ")}
                          (default lab:hard)
  --policies <list>       bandit policies: ${banditPolicyNames.join(", ")} (default ${banditPolicyNames.join(",")})
  --lambdas <list>        λ, the weight of cost against reward, numbers >= 0 (default 0,0.002,0.02)
  --prices <basis>        the small model's price per token against the large one's 1: parameters (the
                          cards' parameter counts) or time (measured time per token) (default parameters)
  --small <name>          the small model: a lab model or a .gguf file (default ${defaultRoutePair.small})
  --large <name>          the large model: a lab model or a .gguf file (default ${defaultRoutePair.large})
  --threads <count>       threads per model, an integer from 1 to 256 (default 1)
  --warmup <count>        uncounted requests per model first, an integer >= 0 (default 3)
  --temperature <value>   sampling temperature, a number >= 0 (default the large model card's, else 1)
  --seed <value>          seed of the problems, the requests and Thompson sampling, 0 to 20000 (default 0)
  --json <file>           where the table and the settings go (default runs/bench-bandit.json)
  -h, --help              print this help
`;

/** The settings of `npm run bench:bandit`, checked. */
export interface BanditOptions {
  readonly problems: number;
  readonly dataset: string;
  /** `--policies`, each once. */
  readonly policies: readonly BanditPolicyName[];
  /** `--lambdas`, each once. */
  readonly lambdas: readonly number[];
  readonly priceBasis: BanditPriceBasis;
  readonly pair: RoutePair;
  readonly threads: number;
  readonly warmup: number;
  /** `--temperature`; undefined takes the large model card's. */
  readonly temperature: number | undefined;
  readonly seed: number;
  readonly json: string;
}

const optionSpecs = {
  help: { type: "boolean", short: "h" },
  problems: { type: "string", default: "100" },
  dataset: { type: "string", default: "lab:hard" },
  policies: { type: "string", default: banditPolicyNames.join(",") },
  lambdas: { type: "string", default: "0,0.002,0.02" },
  prices: { type: "string", default: "parameters" },
  temperature: { type: "string" },
  seed: { type: "string", default: "0" },
  threads: { type: "string", default: "1" },
  warmup: { type: "string", default: "3" },
  json: { type: "string", default: "runs/bench-bandit.json" },
  ...routePairOptions,
} as const;

/**
 * Reads and checks the flags of `npm run bench:bandit`; `undefined` for `--help`, whose text is
 * `banditUsage`.
 *
 * @throws ConfigError naming the flag and the value: an unknown flag or a missing value, a count out of
 *   range or not an integer (`--problems 0`, `--seed 20001`), a dataset that is not a lab one, an unknown
 *   policy or price basis, a negative λ, an empty or repeated model name, an empty `--json`.
 * @example
 * const options = parseBanditOptions(process.argv.slice(2));
 */
export function parseBanditOptions(argv: readonly string[]): BanditOptions | undefined {
  const values = parseFlags(owner, argv, optionSpecs);
  if (values.help === true) return undefined;
  if (!labDatasetNames.includes(values.dataset)) {
    throw new ConfigError(
      `${owner}: --dataset must be a lab dataset (${labDatasetNames.join(", ")}), whose checker rewards the routes, got ${JSON.stringify(values.dataset)}`,
      { field: "--dataset" },
    );
  }
  if (values.json.trim() === "") {
    throw new ConfigError(`${owner}: --json must be the path of the file to write, got ""`, {
      field: "--json",
    });
  }
  return {
    problems: checkInteger(owner, "--problems", numericFlag(values.problems), { minimum: 1 }),
    dataset: values.dataset,
    policies: [
      ...new Set(
        listFlag(owner, "--policies", values.policies).map((name) =>
          checkOneOf(owner, "--policies", name, banditPolicyNames),
        ),
      ),
    ],
    lambdas: [
      ...new Set(
        listFlag(owner, "--lambdas", values.lambdas).map((text) =>
          checkNumber(owner, "--lambdas", numericFlag(text), { minimum: 0 }),
        ),
      ),
    ],
    priceBasis: checkOneOf(owner, "--prices", values.prices, banditPriceBases),
    pair: routePairFromFlags(owner, values),
    threads: checkInteger(owner, "--threads", numericFlag(values.threads), { minimum: 1, maximum: 256 }),
    warmup: checkInteger(owner, "--warmup", numericFlag(values.warmup), { minimum: 0 }),
    temperature:
      values.temperature === undefined
        ? undefined
        : checkNumber(owner, "--temperature", numericFlag(values.temperature), { minimum: 0 }),
    seed: checkInteger(owner, "--seed", numericFlag(values.seed), { minimum: 0, maximum: 20_000 }),
    json: values.json,
  };
}
