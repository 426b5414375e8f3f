import { labDatasetNames } from "../src/lab/index.ts";
import {
  checkInteger,
  checkNumber,
  checkOneOf,
  listFlag,
  numericFlag,
  parseFlags,
} from "../src/runtime/index.ts";
import { defaultRoutePair, type RoutePair, routePairFromFlags, routePairOptions } from "./route-pair.ts";

const owner = "bench:glimpse";

/** The seed of the dev problems is the test problems' seed plus this. */
export const glimpseDevSeedOffset = 1000;

/** What `npm run bench:glimpse -- --help` prints. */
export const glimpseUsage = `Usage: npm run bench:glimpse -- [options]

GlimpRouter at thresholds calibrated on a dev set for target shares of steps written by the large model,
its handoff variant, and Big Little Decoder, against greedy small and large models alone.

Options:
  --small <name>          the small model: a lab model or a .gguf file (default ${defaultRoutePair.small})
  --large <name>          the large model: a lab model or a .gguf file (default ${defaultRoutePair.large})
  --dataset <name>        a lab dataset: ${labDatasetNames.join(", ")} (default lab:hard)
  --problems <count>      test problems, an integer >= 1 (default 100)
  --seed <value>          seed of the test problems (the dev problems' is seed + ${glimpseDevSeedOffset}), an integer >= 0
                          (default 0)
  --dev <count>           dev problems τ is calibrated on, an integer >= 1 (default 60)
  --targets <list>        shares of steps for the large model, each from 0 to 1 (default 0.2,0.3,0.4)
  --handoff <list>        the handoff variant's target shares, each from 0 to 1 (default 0.3,0.4)
  --glimpse <list>        K, the first tokens of a step read, integers >= 1 (default 1,12)
  --bild <list>           Big Little Decoder's fallback levels, each from 0 to 1 (default 0.3,0.5,0.7)
  -h, --help              print this help
`;

/** The settings of `npm run bench:glimpse`, checked. */
export interface GlimpseOptions {
  readonly pair: RoutePair;
  readonly dataset: string;
  readonly problems: number;
  readonly seed: number;
  /** Dev problems, `--dev`. */
  readonly dev: number;
  readonly targets: readonly number[];
  /** The handoff variant's target shares, `--handoff`. */
  readonly handoff: readonly number[];
  /** The Ks of `--glimpse`. */
  readonly glimpse: readonly number[];
  /** Big Little Decoder's fallback levels, `--bild`. */
  readonly bild: readonly number[];
}

const optionSpecs = {
  help: { type: "boolean", short: "h" },
  problems: { type: "string", default: "100" },
  dataset: { type: "string", default: "lab:hard" },
  seed: { type: "string", default: "0" },
  dev: { type: "string", default: "60" },
  targets: { type: "string", default: "0.2,0.3,0.4" },
  handoff: { type: "string", default: "0.3,0.4" },
  bild: { type: "string", default: "0.3,0.5,0.7" },
  glimpse: { type: "string", default: "1,12" },
  ...routePairOptions,
} as const;

/** A comma-separated flag of shares, each a number from 0 to 1. */
function shares(flag: string, text: string): number[] {
  return listFlag(owner, flag, text).map((item) =>
    checkNumber(owner, flag, numericFlag(item), { minimum: 0, maximum: 1 }),
  );
}

/**
 * Reads and checks the flags of `npm run bench:glimpse`; `undefined` for `--help`, whose text is
 * `glimpseUsage`.
 *
 * @throws ConfigError naming the flag and the value: an unknown flag or a missing value, a count below 1
 *   or not an integer (`--problems 0`, `--dev 0`), an unknown lab dataset, a share or fallback level outside
 *   0 to 1, an empty or repeated model name.
 * @example
 * const options = parseGlimpseOptions(process.argv.slice(2));
 */
export function parseGlimpseOptions(argv: readonly string[]): GlimpseOptions | undefined {
  const values = parseFlags(owner, argv, optionSpecs);
  if (values.help === true) return undefined;
  return {
    pair: routePairFromFlags(owner, values),
    dataset: checkOneOf(owner, "--dataset", values.dataset, labDatasetNames),
    problems: checkInteger(owner, "--problems", numericFlag(values.problems), { minimum: 1 }),
    seed: checkInteger(owner, "--seed", numericFlag(values.seed), {
      minimum: 0,
      maximum: 2 ** 31 - 1 - glimpseDevSeedOffset,
    }),
    dev: checkInteger(owner, "--dev", numericFlag(values.dev), { minimum: 1 }),
    targets: shares("--targets", values.targets),
    handoff: shares("--handoff", values.handoff),
    glimpse: listFlag(owner, "--glimpse", values.glimpse).map((item) =>
      checkInteger(owner, "--glimpse", numericFlag(item), { minimum: 1 }),
    ),
    bild: shares("--bild", values.bild),
  };
}
