import { isIP } from "node:net";
import { Command, Option } from "@commander-js/extra-typings";
import { MullError } from "../../errors/index.ts";
import { defaultModelProfile } from "../../generation/index.ts";
import { labProfile } from "../../lab/index.ts";
import { readApiKey } from "../../runtime/index.ts";
import {
  assembleServer,
  createAddressPolicy,
  createGuardedFetch,
  createServerLogger,
  listenServer,
  loadServerConfig,
  parseApiKeys,
  parseServerConfig,
  type ServerConfig,
  type ServerConfigInput,
} from "../../server/index.ts";
import type { Backend } from "../../spec/index.ts";
import { defaultLabModel } from "../create-backend.ts";
import { firstServedModel } from "../first-served-model.ts";
import { integerOption, numberOption } from "../option-parsers.ts";
import {
  endpointOption,
  promptTemplateFromFlags,
  promptTemplateOptionHelp,
  systemOptionHelp,
} from "../prompt-options.ts";
import { type RouteFlag, routeOption } from "../route-option.ts";
import { UsageError } from "../usage-error.ts";
import { watchParent } from "../watch-parent.ts";

/** Flags of `mull serve`. */
interface ServeFlags {
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

function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (bare === "localhost") return true;
  if (isIP(bare) === 0) return false;
  return createAddressPolicy().refusal(bare) === "loopback";
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

/** The configuration the flags describe (a file, one upstream, or the embedded lab), flags applied on top. */
async function configFromFlags(flags: ServeFlags): Promise<ServerConfig> {
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

async function loadEmbedded(model: string, options: { threads?: number | undefined }): Promise<Backend> {
  let embedded: typeof import("@mull/llama-cpp");
  try {
    embedded = await import("@mull/llama-cpp");
  } catch (error) {
    throw new MullError(
      "serving the embedded lab needs the package @mull/llama-cpp (npm install @mull/llama-cpp), or pass --base-url",
      { cause: error },
    );
  }
  return embedded.createLlamaCppBackend({
    model,
    ...(options.threads === undefined ? {} : { threads: options.threads }),
  });
}

/**
 * `mull serve`: an OpenAI-compatible proxy that applies inference-time strategies. A request picks one with
 * a model prefix (`sc@8:qwen2.5-7b`) or a `mull` object in its body. SIGTERM or SIGINT drains requests in
 * flight for the grace period, then stops.
 */
export function serveCommand() {
  return new Command("serve")
    .description(
      "Serve an OpenAI-compatible API (/v1/chat/completions, /v1/completions, /v1/models, /health, /metrics) that " +
        "applies a strategy per request: a model prefix such as sc@8:MODEL or bon@4:MODEL, or a mull object in the body. " +
        "With no upstream flags it serves the embedded lab.",
    )
    .option(
      "--config <file>",
      "JSON configuration: upstreams (URL, key variable, models, concurrency, timeouts), limits, server",
    )
    .option("--base-url <url>", "one OpenAI-compatible upstream (vLLM, SGLang, llama.cpp, Ollama, OpenAI)")
    .option(
      "-m, --model <name>",
      `model of --base-url (default: the first it lists); embedded: a lab model, see mull models (default ${defaultLabModel})`,
    )
    .option("--upstream-key-env <variable>", "environment variable holding the API key of --base-url")
    .addOption(
      new Option(
        "--reasoning-budget <keeper>",
        "who keeps a request's thinking budget (mull.reasoning_budget) for --base-url: vllm (thinking_token_budget), llama.cpp (thinking_budget_tokens) or mull (budget forcing; default)",
      ).choices(["mull", "llama.cpp", "vllm"]),
    )
    .option(
      "--allow-network <cidr...>",
      "private ranges the upstream may reach besides the --base-url host itself",
    )
    .option(
      "--port <number>",
      "port to listen on (default 8080; 0 picks a free one)",
      integerOption(0, 65_535),
    )
    .option("--host <address>", "address to listen on (default 127.0.0.1)")
    .option("--api-keys-env <variable>", "environment variable holding the client API keys, comma-separated")
    .option(
      "--grace <milliseconds>",
      "how long SIGTERM waits for requests in flight (default 30000)",
      integerOption(1),
    )
    .addOption(
      new Option("--log-level <level>", "log level").choices([
        "fatal",
        "error",
        "warn",
        "info",
        "debug",
        "trace",
        "silent",
      ]),
    )
    .option("--threads <count>", "threads for the embedded engine", integerOption(1, 256))
    .option(
      "--prompt-template <name-or-file>",
      `${promptTemplateOptionHelp}; renders chat requests' last user message`,
    )
    .option("--system <text>", systemOptionHelp)
    .addOption(endpointOption())
    .option(
      "--route <name=policy:models>",
      "a model name routed by a bandit over a pool of served models, e.g. 'auto=ucb:lab-small>lab-large' (quoted: > redirects) " +
        "(policy ucb or thompson; repeatable; without --config the pool's models are served)",
      routeOption,
    )
    .option(
      "--route-lambda <lambda>",
      "price of one token in reward for the --route bandits: they maximise reward − λ·tokens·price (default 0)",
      numberOption(0, Number.MAX_SAFE_INTEGER),
    )
    .option(
      "--state <redis-url>",
      "share per-key token budgets and upstream circuits with other replicas through Redis, e.g. redis://10.0.0.5:6379 " +
        "(default: this process's memory)",
    )
    .option("--state-prefix <prefix>", "prefix of the keys --state writes (default mull:)")
    .action(async (flags) => {
      const config = await configFromFlags(flags);
      // Without --prompt-template, --system and --endpoint change the template of the model served by the
      // flags: the lab's for the embedded lab or a model named lab-…, the default one otherwise.
      const servedModels = config.upstreams.flatMap((upstream) =>
        upstream.models.map((entry) => (typeof entry === "string" ? entry : entry.name)),
      );
      const labServed = servedModels.length > 0 && servedModels.every((name) => /^lab-/.test(name));
      const chosen = await promptTemplateFromFlags(flags, labServed ? labProfile() : defaultModelProfile);
      const keysVariable = config.server.apiKeysEnv;
      const apiKeys = keysVariable === undefined ? [] : parseApiKeys(process.env[keysVariable]);
      if (keysVariable !== undefined && apiKeys.length === 0) {
        throw new UsageError(
          `${keysVariable} (named by --api-keys-env or server.apiKeysEnv) holds no keys; set it to comma-separated keys`,
          "--api-keys-env",
        );
      }
      if (apiKeys.length === 0 && !isLoopbackHost(config.server.host)) {
        throw new UsageError(
          `without API keys the server listens on loopback only, not on ${config.server.host}; set --api-keys-env`,
          "--host",
        );
      }
      const logger = createServerLogger({ level: config.server.logLevel });
      const assembled = await assembleServer(config, {
        apiKeys,
        logger,
        // No request waits for an upstream's capability probe: it runs now, and a failure only warns.
        probeUpstreams: true,
        loadEmbedded,
        ...(chosen === undefined ? {} : { promptTemplate: chosen.template.render }),
      });
      let running: Awaited<ReturnType<typeof listenServer>>;
      try {
        running = await listenServer(assembled.server, {
          host: config.server.host,
          port: config.server.port,
        });
      } catch (error) {
        await assembled.dispose();
        throw new MullError(
          `cannot listen on ${config.server.host}:${config.server.port}: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
      const models = servedModels;
      // Signal handlers go in before the "listening" line: whoever waits for it may signal at once.
      let unwatchParent: () => void = () => undefined;
      const stopped = new Promise<void>((resolve) => {
        let stopping = false;
        const stop = (signal: string) => {
          if (stopping) return;
          stopping = true;
          unwatchParent();
          process.stderr.write(
            `mull serve: ${signal}: draining ${assembled.server.inFlight()} requests (grace ${config.server.shutdownGraceMilliseconds} ms)\n`,
          );
          running
            .shutdown(config.server.shutdownGraceMilliseconds)
            .then((report) => {
              process.stderr.write(
                `mull serve: stopped (${report.drained ? "all requests finished" : `${report.cut} requests cut`})\n`,
              );
            })
            .finally(() => {
              process.off("SIGTERM", onTerm);
              process.off("SIGINT", onInterrupt);
              assembled.dispose().finally(resolve);
            });
        };
        const onTerm = () => stop("SIGTERM");
        const onInterrupt = () => stop("SIGINT");
        process.on("SIGTERM", onTerm);
        process.on("SIGINT", onInterrupt);
        // Under npm (`npx mull serve`, `npm run`), the signal stops only npm's shell: its death is the signal.
        if (process.env.npm_lifecycle_event !== undefined) {
          unwatchParent = watchParent({
            onGone: () => stop("its parent exited (npm passes signals to its shell only)"),
          });
        }
      });
      if (assembled.stateLocation !== "memory") {
        process.stderr.write(
          `mull serve: key budgets and upstream circuits shared through ${assembled.stateLocation}\n`,
        );
      }
      process.stderr.write(
        `mull serve: listening on ${running.url} (models: ${models.join(", ")}${config.routes.length === 0 ? "" : `; routes: ${config.routes.map((route) => route.name).join(", ")}`}; strategies by prefix, e.g. ${config.server.advertisedStrategies[0] ?? "sc@8"}:${models[0] ?? "MODEL"})\n`,
      );
      if (apiKeys.length === 0) {
        process.stderr.write(
          "mull serve: no API keys configured: listening on loopback only (set --api-keys-env to require keys)\n",
        );
      }
      await stopped;
    });
}
