import { existsSync } from "node:fs";
import path from "node:path";
import { parseReplayStrategies, type ReplayShuffle, replayShuffles } from "../src/bench/replay/index.ts";
import { defaultLabModel } from "../src/cli/create-backend.ts";
import { ConfigError } from "../src/errors/index.ts";
import {
  checkInteger,
  checkNumber,
  checkOneOf,
  listFlag,
  numericFlag,
  parseFlags,
} from "../src/runtime/index.ts";

const owner = "bench:adaptive";

/** Where the Qwen3-1.7B replay files are by default. */
export const defaultReplayData = path.resolve(import.meta.dirname, "../../../../shared/data/replay");

/** Traces per problem in each replay file (`qwen3-1.7b-…-128.jsonl`): the most `--k` can draw. */
const recordedTraces = 128;

/** What `npm run bench:adaptive -- --help` prints. */
export const adaptiveUsage = `Usage: npm run bench:adaptive -- [options]

Adaptive stopping and selection against self-consistency: replayed Qwen3-1.7B traces, then live lab runs.

Options:
  --no-replay             leave out the replay part
  --no-lab                leave out the lab part (not both: that leaves nothing to run)
  --data <folder>         the replay files qwen3-1.7b-{aime24,aime25,hmmt25}-128.jsonl
                          (default ../shared/data/replay; another folder must hold them)
  --shuffles <count>      draws of each problem's samples, averaged (default 20)
  --shuffle <kind>        python (the reference protocol's draws) or mull (default python)
  --seed <value>          seed of the draws and of the lab runs, an integer >= 0 (default 0)
  --k <count>             most samples per problem of maj, asc, esc and probe, 1 to 128 (default 64)
  --window <count>        esc@<k>w<window>'s unanimous window, 1 to k (default 8)
  --threshold <p>         Adaptive-Consistency's stopping probability, in (0, 1] (default 0.95)
  --agreements <list>     probe@<k>m<A> and probe-asc@<k>m<A> for each A, integers >= 1 (default 2,3,4;
                          "" for none)
  --parallel <list>       replay specs of parallel methods, each beside maj@<width>
                          (default pasc@24f12,pprobe@16s8:q0.9)
  --lab-problems <count>  problems per lab dataset (default 60)
  --lab-model <name>      a lab model (mull models lists them) or a .gguf file (default ${defaultLabModel})
  --lab-out <folder>      keep the lab runs there (default a temporary folder, removed after)
  -h, --help              print this help
`;

/** The settings of `npm run bench:adaptive`, checked. */
export interface AdaptiveOptions {
  readonly replay: boolean;
  readonly lab: boolean;
  readonly data: string;
  readonly shuffles: number;
  readonly shuffle: ReplayShuffle;
  readonly seed: number;
  readonly k: number;
  readonly window: number;
  /** The threshold as written (`0.95`), for the strategies' names. */
  readonly threshold: string;
  readonly agreements: readonly number[];
  /** The parallel methods' names as written. */
  readonly parallel: readonly string[];
  /** Each parallel method's traces, in the order of `parallel`. */
  readonly parallelWidths: readonly number[];
  readonly labProblems: number;
  readonly labModel: string;
  readonly labOut: string | undefined;
}

const optionSpecs = {
  help: { type: "boolean", short: "h" },
  replay: { type: "boolean", default: true },
  lab: { type: "boolean", default: true },
  "lab-problems": { type: "string", default: "60" },
  "lab-model": { type: "string", default: defaultLabModel },
  "lab-out": { type: "string" },
  data: { type: "string", default: defaultReplayData },
  shuffles: { type: "string", default: "20" },
  shuffle: { type: "string", default: "python" },
  seed: { type: "string", default: "0" },
  k: { type: "string", default: "64" },
  window: { type: "string", default: "8" },
  threshold: { type: "string", default: "0.95" },
  agreements: { type: "string", default: "2,3,4" },
  parallel: { type: "string", default: "pasc@24f12,pprobe@16s8:q0.9" },
} as const;

/**
 * Reads and checks the flags of `npm run bench:adaptive`; `undefined` for `--help`, whose text is
 * `adaptiveUsage`.
 *
 * @throws ConfigError naming the flag and the value: an unknown flag, a count below 1 (`--k 0`,
 *   `--window 0`, `--agreements 0`), a k above the 128 traces recorded per problem, a window above k, a threshold outside (0, 1], an empty item in
 *   `--agreements` or `--parallel` (`2,,4`), a malformed `--parallel` spec, a `--data` folder without
 *   the replay files, or `--no-replay` with `--no-lab`, which leave nothing to run.
 * @example
 * const options = parseAdaptiveOptions(process.argv.slice(2));
 */
export function parseAdaptiveOptions(argv: readonly string[]): AdaptiveOptions | undefined {
  const values = parseFlags(owner, argv, optionSpecs);
  if (values.help === true) return undefined;
  if (!values.replay && !values.lab) {
    throw new ConfigError(
      `${owner}: --no-replay and --no-lab together leave nothing to run; give at most one of them`,
      { field: "--no-lab" },
    );
  }
  const k = checkInteger(owner, "--k", numericFlag(values.k), { minimum: 1 });
  checkInteger(owner, "--k", k, {
    maximum: recordedTraces,
    expected: `an integer from 1 to ${recordedTraces}, the traces the replay files hold per problem`,
  });
  const window = checkInteger(owner, "--window", numericFlag(values.window), { minimum: 1 });
  checkInteger(owner, "--window", window, { maximum: k, expected: `an integer from 1 to --k (${k})` });
  const threshold = values.threshold.trim();
  checkNumber(owner, "--threshold", /^\d*\.?\d+$/.test(threshold) ? Number(threshold) : threshold, {
    exclusiveMinimum: 0,
    maximum: 1,
  });
  // An empty list leaves the probe methods out; an empty item among others is refused.
  const agreements =
    values.agreements.trim() === ""
      ? []
      : listFlag(owner, "--agreements", values.agreements).map((text) =>
          checkInteger(owner, "--agreements", numericFlag(text), { minimum: 1 }),
        );
  // An empty item is refused here, naming this benchmark's flag as its other lists' refusals do.
  listFlag(owner, "--parallel", values.parallel);
  const parallel = parseReplayStrategies(values.parallel, "--parallel");
  return {
    replay: values.replay,
    lab: values.lab,
    data: values.data,
    shuffles: checkInteger(owner, "--shuffles", numericFlag(values.shuffles), { minimum: 1 }),
    shuffle: checkOneOf(owner, "--shuffle", values.shuffle, replayShuffles),
    seed: checkInteger(owner, "--seed", numericFlag(values.seed), { minimum: 0, maximum: 2 ** 31 - 1 }),
    k,
    window,
    threshold,
    agreements,
    parallel: parallel.map((strategy) => strategy.name),
    parallelWidths: parallel.map((strategy) => strategy.k),
    labProblems: checkInteger(owner, "--lab-problems", numericFlag(values["lab-problems"]), { minimum: 1 }),
    labModel: values["lab-model"],
    labOut: values["lab-out"],
  };
}

/**
 * Whether the table's first rows are the reference figures of `../shared/data/README.md`: only on its
 * draws (Python's shuffles, seed 0, 20 of them) and with its strategies, maj@64, asc@64 (threshold 0.95)
 * and esc@64w8; other draws or settings are other figures of the same protocol.
 */
export function referenceProtocol(options: AdaptiveOptions): boolean {
  const { shuffle, seed, shuffles, k, window, threshold } = options;
  return (
    shuffle === "python" && seed === 0 && shuffles === 20 && k === 64 && window === 8 && threshold === "0.95"
  );
}

/**
 * Refuses a lab model that cannot be the one meant: a `.gguf` path with no file, or a name the lab models'
 * card does not list (a typo such as `lab-v2-lrage` would otherwise skip the lab part as if its file were
 * merely absent). Without `@mull/llama-cpp` or its card there is nothing to check against, and the lab
 * part says why it is skipped.
 *
 * @throws ConfigError naming `--lab-model`, the value and the models there are.
 */
export async function checkLabModel(model: string): Promise<void> {
  if (model.endsWith(".gguf")) {
    if (!existsSync(path.resolve(model))) {
      throw new ConfigError(`${owner}: --lab-model: no model file at ${path.resolve(model)}`, {
        field: "--lab-model",
      });
    }
    return;
  }
  let embedded: typeof import("@mull/llama-cpp");
  try {
    embedded = await import("@mull/llama-cpp");
  } catch {
    return;
  }
  const names = (await embedded.labModels()).map((card) => card.name);
  if (names.length > 0 && !names.includes(model)) {
    throw new ConfigError(
      `${owner}: unknown lab model ${JSON.stringify(model)} for --lab-model; expected one of ${names.join(", ")}, or the path of a .gguf file`,
      { field: "--lab-model" },
    );
  }
}
