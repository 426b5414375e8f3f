import { ConfigError } from "../src/errors/index.ts";
import {
  checkInteger,
  checkNumber,
  checkOneOf,
  listFlag,
  numericFlag,
  parseFlags,
} from "../src/runtime/index.ts";

const owner = "bench:search";

/** The reward models `--prms` may name. */
export const searchRewardModels = ["exact", "noisy", "calibrated", "self"] as const;

/** A reward model under test: the exact step checker, a noisy one, the noisy one calibrated, the policy's log-probability. */
export type SearchRewardModel = (typeof searchRewardModels)[number];

/** The strategy families `--strategies` may name (`pass@N` always runs). */
export const searchFamilies = ["maj", "bon", "beam", "dvts", "pf", "astar", "mcts", "tot"] as const;

/** A strategy family of the comparison. */
export type SearchFamily = (typeof searchFamilies)[number];

/** What `npm run bench:search -- --help` prints. */
export const searchUsage = `Usage: npm run bench:search -- [options]

Step-level search on lab:hard at equal budgets: for each N every strategy gets N sampled solutions' worth of
generated tokens (times --slack) and is scored on the same problems, against pass@N and majority vote.

Options:
  --model <name>            a lab model (mull models lists them) or a .gguf file
                            (default lab-large, else lab-small, the first whose file is there)
  --problems <count>        lab:hard problems, an integer >= 1 (default 60)
  --n <list>                the Ns compared, integers >= 1 (default 4,8,16)
  --astar <list>            A*-decoding's K values, run under the largest N's cap, integers >= 1 (default 2,4,8)
  --slack <factor>          a cap is N x one sampled solution's tokens x slack, a number > 0 (default 1.25)
  --prms <list>             reward models guiding the search: ${searchRewardModels.join(", ")}
                            (default exact,noisy,self)
  --strategies <list>       families besides pass@N: ${searchFamilies.join(", ")}
                            (default maj,bon,beam,dvts,pf,astar)
  --noise <fp[,fn]>         the noisy checker's false-positive and false-negative rates, each 0 to 1
                            (default 0.2,0.2; fn 0.2 when only fp is given)
  --pf-temperatures <list>  particle filtering's softmax temperatures, numbers > 0 (default 1)
  --width <count>           beam and DVTS width (at most N), an integer >= 1 (default 4)
  --seed <value>            seed of the problems, the samples and the noisy verdicts, an integer >= 0 (default 0)
  --temperature <value>     sampling temperature, a number >= 0 (default the model card's, else 1)
  --threads <count>         threads of the model, an integer >= 1 (default 1)
  --parallel <count>        problems run at a time, an integer >= 1 (default 4)
  --json <file>             also write the settings and rows there, saved after every row (default none)
  -h, --help                print this help
`;

/** The settings of `npm run bench:search`, checked. */
export interface SearchOptions {
  /** `--model`; undefined picks the first lab model whose file is there. */
  readonly model: string | undefined;
  readonly problems: number;
  /** The Ns of `--n`. */
  readonly sizes: readonly number[];
  /** A*-decoding's Ks, `--astar`. */
  readonly astar: readonly number[];
  readonly slack: number;
  /** `--prms`. */
  readonly rewardModels: readonly SearchRewardModel[];
  /** `--strategies`. */
  readonly families: ReadonlySet<SearchFamily>;
  readonly falsePositiveRate: number;
  readonly falseNegativeRate: number;
  readonly pfTemperatures: readonly number[];
  readonly width: number;
  readonly seed: number;
  /** `--temperature`; undefined takes the model card's. */
  readonly temperature: number | undefined;
  readonly threads: number;
  readonly parallel: number;
  /** `--json`, the file the results go to; undefined writes none. */
  readonly json: string | undefined;
}

const optionSpecs = {
  help: { type: "boolean", short: "h" },
  model: { type: "string" },
  problems: { type: "string", default: "60" },
  n: { type: "string", default: "4,8,16" },
  astar: { type: "string", default: "2,4,8" },
  slack: { type: "string", default: "1.25" },
  prms: { type: "string", default: "exact,noisy,self" },
  strategies: { type: "string", default: "maj,bon,beam,dvts,pf,astar" },
  noise: { type: "string", default: "0.2,0.2" },
  "pf-temperatures": { type: "string", default: "1" },
  width: { type: "string", default: "4" },
  seed: { type: "string", default: "0" },
  temperature: { type: "string" },
  threads: { type: "string", default: "1" },
  parallel: { type: "string", default: "4" },
  json: { type: "string" },
} as const;

/** A comma-separated flag of counts, each an integer ≥ 1. */
function counts(flag: string, text: string): number[] {
  return listFlag(owner, flag, text).map((item) =>
    checkInteger(owner, flag, numericFlag(item), { minimum: 1 }),
  );
}

/**
 * Reads and checks the flags of `npm run bench:search`; `undefined` for `--help`, whose text is
 * `searchUsage`.
 *
 * @throws ConfigError naming the flag and the value: an unknown flag or a missing value, a count below 1 or
 *   not an integer (`--problems 0`, `--n 4,x`), a slack that is not a positive number, an unknown reward
 *   model or strategy family, a noise rate outside 0 to 1, an empty `--json`.
 * @example
 * const options = parseSearchOptions(process.argv.slice(2));
 */
export function parseSearchOptions(argv: readonly string[]): SearchOptions | undefined {
  const values = parseFlags(owner, argv, optionSpecs);
  if (values.help === true) return undefined;
  const noise = listFlag(owner, "--noise", values.noise).map((item) =>
    checkNumber(owner, "--noise", numericFlag(item), { minimum: 0, maximum: 1 }),
  );
  if (noise.length > 2) {
    throw new ConfigError(
      `${owner}: --noise must be one or two rates (false positives, false negatives), got ${JSON.stringify(values.noise)}`,
      { field: "--noise" },
    );
  }
  if (values.model !== undefined && values.model.trim() === "") {
    throw new ConfigError(`${owner}: --model must be a lab model name or a .gguf path, got ""`, {
      field: "--model",
    });
  }
  if (values.json !== undefined && values.json.trim() === "") {
    throw new ConfigError(`${owner}: --json must be the path of the file to write, got ""`, {
      field: "--json",
    });
  }
  return {
    model: values.model?.trim(),
    problems: checkInteger(owner, "--problems", numericFlag(values.problems), { minimum: 1 }),
    sizes: counts("--n", values.n),
    astar: counts("--astar", values.astar),
    slack: checkNumber(owner, "--slack", numericFlag(values.slack), { exclusiveMinimum: 0 }),
    rewardModels: listFlag(owner, "--prms", values.prms).map((name) =>
      checkOneOf(owner, "--prms", name, searchRewardModels),
    ),
    families: new Set(
      listFlag(owner, "--strategies", values.strategies).map((name) =>
        checkOneOf(owner, "--strategies", name, searchFamilies),
      ),
    ),
    falsePositiveRate: noise[0] ?? 0.2,
    falseNegativeRate: noise[1] ?? 0.2,
    pfTemperatures: listFlag(owner, "--pf-temperatures", values["pf-temperatures"]).map((item) =>
      checkNumber(owner, "--pf-temperatures", numericFlag(item), { exclusiveMinimum: 0 }),
    ),
    width: checkInteger(owner, "--width", numericFlag(values.width), { minimum: 1 }),
    seed: checkInteger(owner, "--seed", numericFlag(values.seed), { minimum: 0, maximum: 2 ** 31 - 1 }),
    temperature:
      values.temperature === undefined
        ? undefined
        : checkNumber(owner, "--temperature", numericFlag(values.temperature), { minimum: 0 }),
    threads: checkInteger(owner, "--threads", numericFlag(values.threads), { minimum: 1 }),
    parallel: checkInteger(owner, "--parallel", numericFlag(values.parallel), { minimum: 1 }),
    json: values.json,
  };
}
