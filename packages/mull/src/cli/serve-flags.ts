import type { RouteFlag } from "./route-option.ts";

/** Flags of `mull serve`. */
export interface ServeFlags {
  readonly config?: string | undefined;
  readonly baseUrl?: string | undefined;
  readonly model?: string | undefined;
  readonly upstreamKeyEnv?: string | undefined;
  readonly allowNetwork?: string[] | undefined;
  /** `--advertise SPEC`, repeatable: strategies `GET /v1/models` lists as prefixes of every served model. */
  readonly advertise?: string[] | undefined;
  readonly port?: number | undefined;
  readonly host?: string | undefined;
  readonly apiKeysEnv?: string | undefined;
  readonly grace?: number | undefined;
  readonly logLevel?: string | undefined;
  readonly threads?: number | undefined;
  readonly promptTemplate?: string | undefined;
  readonly system?: string | undefined;
  readonly endpoint?: "chat" | "completions" | "auto" | undefined;
  readonly route?: RouteFlag[] | undefined;
  readonly routeLambda?: number | undefined;
  readonly state?: string | undefined;
  readonly statePrefix?: string | undefined;
  readonly reasoningBudget?: "mull" | "llama.cpp" | "vllm" | undefined;
}
