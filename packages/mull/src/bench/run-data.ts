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
  readonly platform: string;
  readonly arch: string;
  readonly cpuModel: string;
  readonly cpus: number;
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

/** What a run was: enough to reproduce it and to refuse a resume with a different config. */
export interface RunManifest {
  readonly runId: string;
  /** ISO 8601 time the run was created. */
  readonly createdAt: string;
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
  readonly seed: number;
  /** Sampling parameters (temperature, top_p, max tokens, ...). */
  readonly sampling: Readonly<Record<string, unknown>>;
  readonly limit: number | undefined;
  /**
   * (Problem, strategy) pairs in flight at once in the process that created the run (`runBench`'s
   * `concurrency`): each pair's latency includes the time the backend spent on the others. Absent for a
   * queued run, whose workers each have their own, and in older runs; not part of the configuration, so a
   * resume may have used another.
   */
  readonly concurrency?: number | undefined;
  readonly machine: MachineDescription;
  /** Versions of mull, node and the backend's software. */
  readonly versions: Readonly<Record<string, string>>;
  /** Hash of the configuration that determines results; a resume must match it. */
  readonly configHash: string;
}

/** A problem of the run's dataset. */
export interface RunProblem {
  readonly id: string;
  readonly gold: string;
  /** The question as stored with the run. */
  readonly question?: string | undefined;
  /** Difficulty level or label, when the dataset has one (lab level, MATH level). */
  readonly difficulty?: string | undefined;
}

/** One sample (one candidate) produced by a strategy on a problem. */
export interface SampleRecord {
  readonly problemId: string;
  readonly strategy: string;
  readonly sampleIndex: number;
  readonly text: string;
  readonly answer: string | undefined;
  /** Whether the sample's own answer is correct (graded against gold). */
  readonly correct: boolean;
  readonly completionTokens: number | undefined;
  /** Why the sample's generation ended, when recorded. */
  readonly finishReason?: FinishReason | undefined;
  readonly logprob?: number | undefined;
  /** Scores given to this sample by scorer name. */
  readonly scores?: Readonly<Record<string, number>> | undefined;
}

/** A strategy's final result on one problem. */
export interface ProblemResult {
  readonly problemId: string;
  readonly strategy: string;
  readonly answer: string | undefined;
  readonly correct: boolean;
  readonly samples: number;
  readonly promptTokens: number | undefined;
  /**
   * Of `promptTokens`, those the backend did not evaluate but served from its cache (a prefix kept from an
   * earlier call or shared between completions), where it reported them; absent in older runs.
   */
  readonly cachedPromptTokens?: number | undefined;
  readonly completionTokens: number | undefined;
  readonly calls: number;
  readonly scoreCalls: number;
  readonly latencyMilliseconds: number;
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
  readonly manifest: RunManifest;
  readonly problems: readonly RunProblem[];
  readonly results: readonly ProblemResult[];
  readonly samples: readonly SampleRecord[];
  /**
   * The routes of its routing strategies and the models they name, from the run's stored configuration;
   * absent when no strategy routes.
   */
  readonly routes?: RunRoutes | undefined;
}
