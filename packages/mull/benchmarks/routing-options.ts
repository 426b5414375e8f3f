import { ConfigError } from "../src/errors/index.ts";
import { checkInteger, checkNumber, listFlag, numericFlag, parseFlags } from "../src/runtime/index.ts";
import { defaultRoutePair, type RoutePair, routePairFromFlags, routePairOptions } from "./route-pair.ts";
import { defaultGlimpSetting, type GlimpSetting, type RoutingMethod, routingMethods } from "./routing-lab.ts";

const owner = "bench:routing";

/** The method every cost is compared with (the table's "vs large sc@8" column). */
export const routingBaseline = "large sc@8";

/** What `npm run bench:routing -- --help` prints. */
export const routingUsage = `Usage: npm run bench:routing -- [options]

Routing between a small and a large embedded lab model: baselines, cascades, GlimpRouter, Big Little Decoder
and compute allocation on the same problems and seeds, with each method's cost in large-model tokens.

Options:
  --problems <count>                problems of the dataset, an integer >= 1 (default 120)
  --dataset <name>                  a dataset mull bench reads, such as lab:hard (default lab:mixed)
  --seed <value>                    seed of the problems and the samples, an integer >= 0 (default 0)
  --threads <count>                 threads per model, an integer >= 1 (default 1)
  --speed-problems <count>          problems of the speed measurement, an integer >= 1 (default 30)
  --only <list>                     run only the methods whose label contains one of these texts, split at
                                    commas except within a whole label ("large uniform 4/problem, mass vote")
                                    (default every method; ${routingBaseline} runs always, the cost ratio's base)
  --small <name>                    the small model: a lab model or a .gguf file (default ${defaultRoutePair.small})
  --large <name>                    the large model: a lab model or a .gguf file (default ${defaultRoutePair.large})
  --glimp-threshold <tau>           GlimpRouter's τ, a number > 0 (default ${defaultGlimpSetting.threshold})
  --glimp-handoff-threshold <tau>   τ of its handoff variant, a number > 0 (default ${defaultGlimpSetting.handoffThreshold})
  --json <file>                     where the table and the settings go (default runs/bench-routing.json)
  -h, --help                        print this help
`;

/** The settings of `npm run bench:routing`, checked. */
export interface RoutingOptions {
  readonly problems: number;
  /** `--dataset`, a name or file `loadDataset` reads (checked when it loads, before the models). */
  readonly dataset: string;
  readonly seed: number;
  readonly threads: number;
  readonly speedProblems: number;
  readonly pair: RoutePair;
  readonly glimp: GlimpSetting;
  /** The methods to run, in the order printed: all, or those `--only` picks and the baseline. */
  readonly methods: readonly RoutingMethod[];
  /** Whether the baseline runs only because the cost ratio needs it (`--only` left it out). */
  readonly baselineAdded: boolean;
  readonly json: string;
}

const optionSpecs = {
  help: { type: "boolean", short: "h" },
  problems: { type: "string", default: "120" },
  dataset: { type: "string", default: "lab:mixed" },
  seed: { type: "string", default: "0" },
  threads: { type: "string", default: "1" },
  "speed-problems": { type: "string", default: "30" },
  json: { type: "string", default: "runs/bench-routing.json" },
  only: { type: "string" },
  ...routePairOptions,
  "glimp-threshold": { type: "string", default: String(defaultGlimpSetting.threshold) },
  "glimp-handoff-threshold": { type: "string", default: String(defaultGlimpSetting.handoffThreshold) },
} as const;

/**
 * The texts of `--only`: its comma-separated items, except that items which together spell a whole label
 * (`large uniform 4/problem, mass vote`) stay one text, the longest such label first.
 *
 * @throws ConfigError naming `--only` for an empty value or an empty item, as `listFlag` does.
 */
function onlyTexts(text: string, labels: readonly string[]): string[] {
  listFlag(owner, "--only", text);
  const items = text.split(",");
  const texts: string[] = [];
  for (let start = 0; start < items.length; ) {
    let end = items.length;
    while (end > start + 1 && !labels.includes(items.slice(start, end).join(",").trim())) end -= 1;
    texts.push(items.slice(start, end).join(",").trim());
    start = end;
  }
  return texts;
}

/**
 * The methods whose label contains one of `only`'s texts (every method without it), with the baseline
 * added where they leave it out.
 *
 * @throws ConfigError naming `--only`, a text that matches no method and the methods there are.
 */
function selectMethods(
  methods: readonly RoutingMethod[],
  only: readonly string[] | undefined,
): { methods: readonly RoutingMethod[]; baselineAdded: boolean } {
  if (only === undefined) return { methods, baselineAdded: false };
  const unmatched = only.filter((text) => !methods.some((method) => method.label.includes(text)));
  if (unmatched.length > 0) {
    throw new ConfigError(
      `${owner}: --only ${unmatched.map((text) => JSON.stringify(text)).join(", ")} matches no method; ` +
        `the methods: ${methods.map((method) => JSON.stringify(method.label)).join(", ")}`,
      { field: "--only" },
    );
  }
  const picked = (method: RoutingMethod) => only.some((text) => method.label.includes(text));
  const baselineAdded = !methods.some((method) => method.label === routingBaseline && picked(method));
  return {
    methods: methods.filter((method) => picked(method) || method.label === routingBaseline),
    baselineAdded,
  };
}

/**
 * Reads and checks the flags of `npm run bench:routing`; `undefined` for `--help`, whose text is
 * `routingUsage`.
 *
 * @throws ConfigError naming the flag and the value: an unknown flag or a missing value, a count below 1
 *   or not an integer (`--problems 0`), a τ that is not a positive number, an `--only` text that matches no
 *   method, an empty or repeated model name, an empty `--json`.
 * @example
 * const options = parseRoutingOptions(process.argv.slice(2));
 */
export function parseRoutingOptions(argv: readonly string[]): RoutingOptions | undefined {
  const values = parseFlags(owner, argv, optionSpecs);
  if (values.help === true) return undefined;
  const glimp: GlimpSetting = {
    ...defaultGlimpSetting,
    threshold: checkNumber(owner, "--glimp-threshold", numericFlag(values["glimp-threshold"]), {
      exclusiveMinimum: 0,
    }),
    handoffThreshold: checkNumber(
      owner,
      "--glimp-handoff-threshold",
      numericFlag(values["glimp-handoff-threshold"]),
      { exclusiveMinimum: 0 },
    ),
  };
  if (values.json.trim() === "") {
    throw new ConfigError(`${owner}: --json must be the path of the file to write, got ""`, {
      field: "--json",
    });
  }
  const methods = routingMethods(glimp);
  const only =
    values.only === undefined
      ? undefined
      : onlyTexts(
          values.only,
          methods.map((method) => method.label),
        );
  return {
    problems: checkInteger(owner, "--problems", numericFlag(values.problems), { minimum: 1 }),
    dataset: values.dataset,
    seed: checkInteger(owner, "--seed", numericFlag(values.seed), { minimum: 0, maximum: 2 ** 31 - 1 }),
    threads: checkInteger(owner, "--threads", numericFlag(values.threads), { minimum: 1 }),
    speedProblems: checkInteger(owner, "--speed-problems", numericFlag(values["speed-problems"]), {
      minimum: 1,
    }),
    pair: routePairFromFlags(owner, values),
    glimp,
    ...selectMethods(methods, only),
    json: values.json,
  };
}
