import { isIP } from "node:net";
import { readApiKey } from "../runtime/index.ts";
import {
  createAddressPolicy,
  createGuardedFetch,
  loadServerConfig,
  parseServerConfig,
  type ServerConfig,
  type ServerConfigInput,
} from "../server/index.ts";
import { defaultLabModel } from "./create-backend.ts";
import { firstServedModel } from "./first-served-model.ts";
import type { RouteFlag } from "./route-option.ts";
import { UsageError } from "./usage-error.ts";

/** Flags of `mull serve`. */
export interface ServeFlags {
  readonly config?: string | undefined;
  readonly baseUrl?: string | undefined;
  readonly model?: string | undefined;
  readonly upstreamKeyEnv?: string | undefined;
  readonly allowNetwork?: string[] | undefined;
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

/** Networks an upstream named on the command line may reach: the operator chose its address. */
function networksOf(baseUrl: string): string[] {
  let host: string;
  try {
    host = new URL(baseUrl).hostname.replace(/^\[|\]$/g, "").toLowerCase();
  } catch {
    return [];
  }
  if (host === "localhost" || host.endsWith(".localhost")) return ["127.0.0.0/8", "::1/128"];
  const version = isIP(host);
  return version === 4 ? [`${host}/32`] : version === 6 ? [`${host}/128`] : [];
}

/** The first model the upstream lists, asked through the guarded fetch the upstream will be called with. */
async function firstListedModel(
  baseUrl: string,
  keyEnv: string | undefined,
  networks: string[],
): Promise<string> {
  const apiKey = readApiKey(keyEnv, { field: "--upstream-key-env" });
  const guarded = createGuardedFetch({ policy: createAddressPolicy(networks) });
  try {
    return await firstServedModel(baseUrl, { apiKey, fetch: guarded.fetch });
  } finally {
    guarded.close();
  }
}

/** `server.state` as `--state` and `--state-prefix` set it on top of the file's. */
function stateFromFlags(
  flags: ServeFlags,
  fromFile: { url: string; prefix?: string | undefined } | undefined,
): { state?: { url: string; prefix?: string | undefined } } {
  if (flags.state === undefined && flags.statePrefix === undefined) return {};
  const url = flags.state ?? fromFile?.url;
  if (url === undefined) {
    throw new UsageError("--state-prefix applies to the shared state of --state; give one", "--state-prefix");
  }
  const prefix = flags.statePrefix ?? fromFile?.prefix;
  return { state: { url, ...(prefix === undefined ? {} : { prefix }) } };
}

/**
 * The configuration `mull serve`'s flags describe: a `--config` file, one `--base-url` upstream (serving
 * `--model` or the first model it lists, reachable on its own address and `--allow-network`), or the
 * embedded lab; the server flags (`--host`, `--port`, `--state`, …) and `--route` applied on top.
 *
 * @throws UsageError for flags that do not go together (`--config` with `--base-url`, `--reasoning-budget`
 * without `--base-url`, `--route-lambda` without `--route`, `--state-prefix` without a state).
 * @throws ConfigError for a configuration the flags or the file make invalid.
 * @example
 * const config = await serveConfigFromFlags({ baseUrl: "http://127.0.0.1:8081/v1", port: 0 });
 */
export async function serveConfigFromFlags(flags: ServeFlags): Promise<ServerConfig> {
  if (flags.config !== undefined && flags.baseUrl !== undefined) {
    throw new UsageError("give --config or --base-url, not both", "--base-url");
  }
  if (flags.reasoningBudget !== undefined && flags.baseUrl === undefined) {
    throw new UsageError(
      "--reasoning-budget applies to the upstream of --base-url (in a --config file: upstreams[].reasoningBudget)",
      "--reasoning-budget",
    );
  }
  const routes = flags.route ?? [];
  if (flags.routeLambda !== undefined && routes.length === 0) {
    throw new UsageError("--route-lambda applies to the routes of --route; give one", "--route-lambda");
  }
  // Flags that name no config serve the models of their routes too (with --model, if given).
  const routeModels = routes.flatMap((route) => route.models);
  const servedWith = (model: string | undefined) => [
    ...new Set([...(model === undefined ? [] : [model]), ...routeModels]),
  ];
  let input: ServerConfigInput;
  if (flags.config !== undefined) {
    const loaded = await loadServerConfig(flags.config);
    input = loaded as ServerConfigInput;
  } else if (flags.baseUrl !== undefined) {
    const networks = [...networksOf(flags.baseUrl), ...(flags.allowNetwork ?? [])];
    const model =
      flags.model ??
      (routes.length > 0 ? undefined : await firstListedModel(flags.baseUrl, flags.upstreamKeyEnv, networks));
    input = {
      upstreams: [
        {
          name: "upstream",
          baseUrl: flags.baseUrl,
          models: servedWith(model),
          allowedNetworks: networks,
          ...(flags.upstreamKeyEnv === undefined ? {} : { apiKeyEnv: flags.upstreamKeyEnv }),
          ...(flags.reasoningBudget === undefined ? {} : { reasoningBudget: flags.reasoningBudget }),
        },
      ],
    };
  } else {
    input = {
      server: { advertisedStrategies: ["sc@8", "bon@8"] },
      upstreams: [
        {
          name: "lab",
          kind: "embedded",
          models: servedWith(flags.model ?? (routes.length > 0 ? undefined : defaultLabModel)),
          ...(flags.threads === undefined ? {} : { threads: flags.threads }),
        },
      ],
    };
  }
  const server = {
    ...(input.server ?? {}),
    ...(flags.host === undefined ? {} : { host: flags.host }),
    ...(flags.port === undefined ? {} : { port: flags.port }),
    ...(flags.apiKeysEnv === undefined ? {} : { apiKeysEnv: flags.apiKeysEnv }),
    ...(flags.grace === undefined ? {} : { shutdownGraceMilliseconds: flags.grace }),
    ...(flags.logLevel === undefined ? {} : { logLevel: flags.logLevel }),
    ...stateFromFlags(flags, input.server?.state),
  };
  const allRoutes = [
    ...(input.routes ?? []),
    ...routes.map((route) => ({
      name: route.name,
      models: [...route.models],
      policy: route.policy,
      ...(flags.routeLambda === undefined ? {} : { lambda: flags.routeLambda }),
    })),
  ];
  return parseServerConfig(
    { ...input, server, routes: allRoutes } as ServerConfigInput,
    flags.config ?? "flags",
  );
}
