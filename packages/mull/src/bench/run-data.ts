import type { MachinePerformance } from "../metrics/index.ts";
import type {
  BackendCapabilities,
  BackendDescription,
  FinishReason,
  StopReason,
  Usage,
} from "../spec/index.ts";

/** The machine a run was measured on. */
export interface MachineDescription {
  /** Operating system as Node names it (`os.platform()`), e.g. `linux`, `darwin`. */
  readonly platform: string;
  /** CPU architecture as Node names it (`os.arch()`), e.g. `x64`, `arm64`. */
  readonly arch: string;
  /** Model name of the first logical CPU, e.g. `AMD EPYC 7B13`; `unknown` when the system does not say. */
  readonly cpuModel: string;
  /** Logical CPUs the system reports (`os.cpus().length`), not those the run used. */
  readonly cpus: number;
  /** Total physical memory, in bytes (`os.totalmem()`). */
  readonly totalMemoryBytes: number;
  /**
   * Peak FLOP/s and memory bandwidth measured in JavaScript when the run was created; absent in older runs.
   */
  readonly performance?: MachinePerformance | undefined;
  /**
   * Peak FLOP/s and bandwidth the backend's own engine reached on this machine (llama.cpp's kernels, with the
   * run's threads), when the backend measures them (`Backend.measureRates`); absent otherwise.
   */
  readonly engine?: MachinePerformance | undefined;
}

/**
 * A worker process (`mull worker`) that served a queued run, as it described itself when it first took one
 * of the run's jobs. How fast it ran, not what: workers of one run may differ here, while what changes
 * results (the configuration, and the versions of mull and of the backend's software) must match the run's.
 */
export interface RunWorker {
  /** The worker process, unique among the run's workers: `<host>:<pid>:<6 hex digits>`. */
  readonly id: string;
  /** Host name of its machine (`os.hostname()`). */
  readonly host: string;
  /** ISO 8601 time it first took a job of the run. */
  readonly preparedAt: string;
  /** Pairs it ran at once (`mull worker --concurrency`). */
  readonly concurrency: number;
  /** Contexts of its backend's in-process engine decoding side by side; absent for a server. */
  readonly contexts?: number | undefined;
  /** Threads of each of those contexts; absent for a server. */
  readonly threads?: number | undefined;
  /** Its machine (the rates measured by the process that created the run are not measured again). */
  readonly machine: MachineDescription;
  /** Versions of mull, node and its backend's software, where the backend knew them. */
  readonly versions: Readonly<Record<string, string>>;
}

/** What a run was: enough to reproduce it and to refuse a resume with a different config. */
export interface RunManifest {
  /** Id given when the run was created: for a bench run `run-<UTC time>-<6 hex digits>`, e.g. `run-20250101T120000Z-a1b2c3`. */
  readonly runId: string;
  /** ISO 8601 time the run was created. */
  readonly createdAt: string;
  /** The dataset's name as given on the command line, e.g. `gsm8k`, `lab:3`, `data/mine.jsonl`. */
  readonly dataset: string;
  /** Strategy specs, e.g. `["greedy", "sc@8", "bon@8"]`. */
  readonly strategies: readonly string[];
  /** Backend identity, without secrets: kind, model, versions, model hash and shape where known. */
  readonly backend: BackendDescription;
  /**
   * What the backend said it can do when the run was created (an HTTP backend learns it by probing its
   * server); absent in older runs and when the backend did not answer.
   */
  readonly capabilities?: BackendCapabilities | undefined;
  /** Run seed (default 0); each (problem, strategy) pair's seed derives from it, the problem id and the strategy. */
  readonly seed: number;
  /** Sampling parameters (temperature, top_p, max tokens, ...). */
  readonly sampling: Readonly<Record<string, unknown>>;
  /** Only the dataset's first `limit` problems were run; `undefined` (absent once stored) when all were. */
  readonly limit: number | undefined;
  /**
   * (Problem, strategy) pairs in flight at once in the process that created the run (`runBench`'s
   * `concurrency`), or for a queued run in the first worker that prepared it (`mull worker --concurrency`,
   * which also records its backend's `contexts` and `threads`): each pair's latency includes the time the
   * backend spent on the others. Absent in older runs; not part of the configuration, so a resume, or
   * another worker, may have used another: a queued run lists each of its workers' in `workers`.
   */
  readonly concurrency?: number | undefined;
  /**
   * For a queued run, each worker process that took a job of it, in the order they first did, with how it
   * ran the pairs (pairs in flight, contexts, threads), its machine and its versions. Absent for a run
   * that no worker served, and in older runs.
   */
  readonly workers?: readonly RunWorker[] | undefined;
  /** The machine of the process that created the run; a resume on another machine does not change it. */
  readonly machine: MachineDescription;
  /** Versions of mull, node and the backend's software. */
  readonly versions: Readonly<Record<string, string>>;
  /** Hash of the configuration that determines results; a resume must match it. */
  readonly configHash: string;
}

/** A problem of the run's dataset. */
export interface RunProblem {
  /** Id of the problem, unique in the dataset; results and samples name it as `problemId`. */
  readonly id: string;
  /** The gold answer that answers are graded against, as the dataset gives it. */
  readonly gold: string;
  /** The question as stored with the run. */
  readonly question?: string | undefined;
  /** Difficulty level or label, when the dataset has one (lab level, MATH level). */
  readonly difficulty?: string | undefined;
}

/** One sample (one candidate) produced by a strategy on a problem. */
export interface SampleRecord {
  /** The `RunProblem.id` of the problem it was produced on. */
  readonly problemId: string;
  /** The strategy's name in the run, e.g. `sc@8`, or `sc@8@t0.5` in a temperature sweep. */
  readonly strategy: string;
  /** Position of the candidate among those the strategy produced on the problem, from 0, in order produced. */
  readonly sampleIndex: number;
  /** The candidate's full solution text. */
  readonly text: string;
  /** The answer extracted from `text`; `undefined` when none could be extracted. */
  readonly answer: string | undefined;
  /** Whether the sample's own answer is correct (graded against gold). */
  readonly correct: boolean;
  /**
   * The tokens of the sample's text, as its strategy counted them (`Candidate.completionTokens`): for an
   * independent sample, those generated for it; for a path of a step-level search (beam search, particle
   * filtering, …), its whole path's, steps it shares with other paths included. So a search's samples need
   * not add up to its result's `completionTokens`, which counts each generated step once, pruned paths'
   * included. `undefined` when the backend did not report them.
   */
  readonly completionTokens: number | undefined;
  /** Why the sample's generation ended, when recorded. */
  readonly finishReason?: FinishReason | undefined;
  /** Sum of the sample's token log-probabilities (≤ 0), when the backend reported them. */
  readonly logprob?: number | undefined;
  /** Scores given to this sample by scorer name. */
  readonly scores?: Readonly<Record<string, number>> | undefined;
}

/** A strategy's final result on one problem. */
export interface ProblemResult {
  /** The `RunProblem.id` of the problem. */
  readonly problemId: string;
  /** The strategy's name in the run, e.g. `sc@8`, or `sc@8@t0.5` in a temperature sweep. */
  readonly strategy: string;
  /** The answer the strategy chose; `undefined` when it chose none or the budget ran out before any candidate. */
  readonly answer: string | undefined;
  /** Whether `answer` is correct under the run's grader against the problem's gold. */
  readonly correct: boolean;
  /** Candidates the strategy produced (its `SampleRecord`s); 0 when the budget ran out before any. */
  readonly samples: number;
  /** Prompt tokens over all the strategy's calls; `undefined` when any call did not report them. */
  readonly promptTokens: number | undefined;
  /**
   * Of `promptTokens`, those the backend did not evaluate but served from its cache (a prefix kept from an
   * earlier call or shared between completions), where it reported them; absent in older runs.
   */
  readonly cachedPromptTokens?: number | undefined;
  /** Generated tokens over all the strategy's calls; `undefined` when any call did not report them. */
  readonly completionTokens: number | undefined;
  /** Backend generation calls made. */
  readonly calls: number;
  /** Scorer and reward-model calls made. */
  readonly scoreCalls: number;
  /**
   * Wall time of the strategy on the pair, in milliseconds on the run's clock: from the start of solving to
   * the strategy's result (or to its budget running out), without grading the answer and samples or
   * recording them; for a compute-optimal allocation (`alloc@S`), the problem's share of the batch's wall
   * time. With `concurrency` above 1 it includes the time the backend spent on other pairs.
   */
  readonly latencyMilliseconds: number;
  /** `complete`, the budget limit that cut the strategy, or `condition:<name>` for an early stop. */
  readonly stoppedBy: StopReason;
  /** The seed the strategy ran with, derived from the run seed, the problem id and the strategy. */
  readonly seed?: number | undefined;
  /**
   * For verifier-based strategies: whether the verifier accepted the chosen candidate (its score passed
   * the acceptance threshold); used for the verifier's false-positive rate.
   */
  readonly verifierAccepted?: boolean | undefined;
  /**
   * For a routing strategy (and any run in which more than one model generated): prompt and completion
   * tokens and calls per model, by the model name each generation reports; on every problem, also one that
   * a single model answered alone.
   */
  readonly usageByModel?: Readonly<Record<string, Usage>> | undefined;
  /**
   * For a queued run, the worker process that computed the result: its `RunWorker.id` (`<host>:<pid>:<6
   * hex digits>`, as the manifest's `workers` list it, and as it claims pairs). Absent for a result a local
   * `mull bench` computed, and in older runs.
   */
  readonly worker?: string | undefined;
}

/** A model a route names, as its backend described it when the run was created. */
export interface RoutedModel {
  /** The model's name as its backend reports it. */
  readonly model?: string | undefined;
  /** The server it was reached at, for a model over HTTP. */
  readonly baseUrl?: string | undefined;
  /** Hash of the model's weights where the backend knows it, e.g. `sha256:…`. */
  readonly modelHash?: string | undefined;
}

/** The routes of a run's routing strategies and the models they name, as its configuration recorded them. */
export interface RunRoutes {
  /** Each routing strategy's route, smallest model first: `{ "cascade@8": "lab-small>lab-large" }`. */
  readonly byStrategy: Readonly<Record<string, string>>;
  /** Each model a route names, by that name (the run's main model among them). */
  readonly models: Readonly<Record<string, RoutedModel>>;
}

/** Everything stored for one run; reports and summaries are computed from it alone. */
export interface RunData {
  /** What the run was: its configuration, backend and machine. */
  readonly manifest: RunManifest;
  /** The run's problems, in dataset order. */
  readonly problems: readonly RunProblem[];
  /** One result per (problem, strategy) pair recorded, by problem order, then strategy. */
  readonly results: readonly ProblemResult[];
  /** Every candidate of the recorded pairs, by problem order, then strategy and sample index. */
  readonly samples: readonly SampleRecord[];
  /**
   * The routes of its routing strategies and the models they name, from the run's stored configuration;
   * absent when no strategy routes.
   */
  readonly routes?: RunRoutes | undefined;
}
