import { pino } from "pino";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import {
  type FakeHandler,
  type FakeOpenAIRequest,
  type FakeOpenAIServer,
  startFakeOpenAIServer,
} from "../testing/fake-openai-server.ts";
import { type AssembledServer, type AssembleServerOptions, assembleServer } from "./assemble-server.ts";
import { parseServerConfig, type ServerConfigInput } from "./config/index.ts";
import { listenServer, type RunningServer } from "./listen-server.ts";
import type { ServingState } from "./state/index.ts";

/** The client key of the replicas' tests. */
export const replicaKey = "sk-shared";

/** Holds generation requests (not one-token capability probes) at a fake upstream until opened. */
export function createGate() {
  let open: () => void = () => undefined;
  let held = new Promise<void>((resolve) => {
    open = resolve;
  });
  return {
    wait: (request: FakeOpenAIRequest) => (request.body?.max_tokens === 1 ? undefined : held),
    open: () => open(),
    close() {
      held = new Promise<void>((resolve) => {
        open = resolve;
      });
    },
  };
}

/** Generation requests a fake upstream received (capability probes ask for one token and are left out). */
export const generations = (fake: FakeOpenAIServer) =>
  fake.requests.filter((request) => request.body?.max_tokens !== 1).length;

/** Waits for a condition the test brings about (requests decided, held or answered); no timing is asserted. */
export async function until(condition: () => boolean, what: string): Promise<void> {
  for (let attempt = 0; attempt < 1_000; attempt += 1) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** One `mull serve` replica listening on loopback. */
export interface Replica {
  readonly assembled: AssembledServer;
  readonly running: RunningServer;
}

/** One HTTP (not embedded) entry of a server config's `upstreams`. */
export type UpstreamInput = Extract<ServerConfigInput["upstreams"][number], { baseUrl: string }>;

/**
 * The upstream entry for a fake OpenAI server on loopback: the fake's URL, its models, loopback allowed,
 * no scorer. Spread it to add fields (`{ ...fakeUpstream("fake", fake.url), maxRetries: 0 }`).
 */
export function fakeUpstream(
  name: string,
  baseUrl: string,
  models: UpstreamInput["models"] = ["fake-model"],
): UpstreamInput {
  return { name, baseUrl, models, allowedNetworks: ["127.0.0.1/32"], scorer: "none" };
}

/**
 * Assembles one `mull serve` replica from a config and listens on a free loopback port, with a silent
 * logger and the replicas' key unless `options` say otherwise; the caller shuts it down.
 * @throws what `parseServerConfig` and `assembleServer` throw for a bad config or an unreachable state store.
 */
export async function startReplica(
  input: ServerConfigInput,
  options: AssembleServerOptions = {},
): Promise<Replica> {
  const assembled = await assembleServer(parseServerConfig(input), {
    apiKeys: [replicaKey],
    logger: pino({ level: "silent" }),
    ...options,
  });
  const running = await listenServer(assembled.server, { host: "127.0.0.1", port: 0 });
  return { assembled, running };
}

/** Shuts a replica down and disposes of what it assembled. */
export async function stopReplica(replica: Replica): Promise<void> {
  await replica.running.shutdown(1_000);
  await replica.assembled.dispose();
}

/** How `serveFakeUpstream` sets up a replica in front of a fake upstream. */
export interface FakeUpstreamServingOptions {
  /** The one client key the replica accepts. */
  readonly apiKey: string;
  /** Answers the fake upstream's requests. */
  readonly handler: FakeHandler;
  /** The config's `server` section (none by default). */
  readonly server?: ServerConfigInput["server"];
  /** The config's upstreams, given the fake's URL; by default one, `fake`, serving `fake-model`. */
  readonly upstreams?: (fakeUrl: string) => UpstreamInput[];
}

/** A fake upstream and the replica in front of it, readable once the file's `beforeAll` ran. */
export interface ServedFakeUpstream {
  readonly fake: FakeOpenAIServer;
  readonly replica: Replica;
  /** The replica's base URL (`http://127.0.0.1:<port>`). */
  readonly url: string;
}

/**
 * Starts a fake OpenAI upstream and one `mull serve` replica in front of it before the file's tests
 * (`beforeAll`), and stops both after them (`afterAll`): the setup of the server tests that drive the
 * proxy over loopback.
 * @example
 * const served = serveFakeUpstream({ apiKey: "sk-test", handler: () => ({ choices: ["42"] }) });
 * it("answers", async () => expect((await fetch(`${served.url}/health`)).status).toBe(200));
 */
export function serveFakeUpstream(options: FakeUpstreamServingOptions): ServedFakeUpstream {
  let fake: FakeOpenAIServer | undefined;
  let replica: Replica | undefined;
  beforeAll(async () => {
    fake = await startFakeOpenAIServer({ handler: options.handler });
    const upstreams = options.upstreams?.(fake.url) ?? [fakeUpstream("fake", fake.url)];
    replica = await startReplica({ server: options.server, upstreams }, { apiKeys: [options.apiKey] });
  });
  afterAll(async () => {
    if (replica !== undefined) await stopReplica(replica);
    await fake?.close();
  });
  const started = <Value>(value: Value | undefined): Value => {
    if (value === undefined) throw new Error("the fake upstream and its replica start in beforeAll");
    return value;
  };
  return {
    get fake() {
      return started(fake);
    },
    get replica() {
      return started(replica);
    },
    get url() {
      return started(replica).running.url;
    },
  };
}

/**
 * Replicas started by a test file, stopped after each of its tests (`afterEach` calls `stopAll`); serving
 * states handed over with `own` are closed with them.
 */
export function replicaSet() {
  const started: Replica[] = [];
  const states: ServingState[] = [];
  afterEach(() => set.stopAll());
  const set = {
    async start(input: ServerConfigInput, options: AssembleServerOptions = {}): Promise<Replica> {
      const replica = await startReplica(input, options);
      started.push(replica);
      return replica;
    },
    own(...owned: ServingState[]) {
      states.push(...owned);
    },
    async stopAll() {
      const replicas = started.splice(0);
      await Promise.all(replicas.map((replica) => replica.running.shutdown(1_000)));
      await Promise.all(replicas.map((replica) => replica.assembled.dispose()));
      await Promise.all(states.splice(0).map((state) => state.close()));
    },
  };
  return set;
}

/** A chat request to a replica: its status, Retry-After and body. */
export function chatWith(replica: Replica, model: string, maxTokens = 64) {
  return chatAt(replica.running.url, model, maxTokens);
}

/**
 * A chat request with the replicas' key to a server at `url` (`http://host:port`), such as a `mull serve`
 * child process: its status, Retry-After and body.
 */
export async function chatAt(url: string, model: string, maxTokens = 64) {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${replicaKey}` },
    body: JSON.stringify({
      model,
      max_tokens: maxTokens,
      messages: [{ role: "user", content: "What is 6 times 7?" }],
    }),
  });
  const body = (await response.json()) as {
    error?: { code: string; message: string };
    mull?: { served_by?: string };
  };
  return { status: response.status, retryAfter: response.headers.get("retry-after"), body };
}

/** What `raceEight` saw: how many requests passed, and the refused ones. */
export interface RaceOutcome {
  readonly passed: number;
  readonly refused: readonly Awaited<ReturnType<typeof chatAt>>[];
}

/**
 * Eight chat requests at once, alternating between two servers (`urls`), held at the upstream by `gate`
 * until every one is decided: refused by a server, or arrived at the upstream (`arrived()` counts those,
 * from zero at the call). Then the gate opens and every answer is read.
 */
export async function raceEight(
  urls: readonly [string, string],
  gate: ReturnType<typeof createGate>,
  arrived: () => number,
  maxTokens = 64,
): Promise<RaceOutcome> {
  gate.close();
  let refused = 0;
  const pending = Array.from({ length: 8 }, (_, index) =>
    chatAt(urls[index % 2] as string, "fake-model", maxTokens).then((result) => {
      if (result.status === 429) refused += 1;
      return result;
    }),
  );
  await until(() => refused + arrived() === 8, "every request to be decided");
  gate.open();
  const results = await Promise.all(pending);
  return {
    passed: results.filter((result) => result.status === 200).length,
    refused: results.filter((result) => result.status === 429),
  };
}

/** The two pairs of replicas `expectOneLimitAcrossReplicas` races, and how it races them. */
export interface LimitRace {
  /** Two replicas sharing one state store. */
  readonly sharedPair: () => Promise<readonly Replica[]>;
  /** Two replicas with a state of their own each. */
  readonly separatePair: () => Promise<readonly Replica[]>;
  readonly race: (pair: readonly Replica[]) => Promise<RaceOutcome>;
  /** The error code of a refused request. */
  readonly code: string;
}

/**
 * A per-key limit that admits three requests of eight raced through two replicas: sharing a store, exactly
 * three pass and five are refused with `code` and a Retry-After within the minute; with a store each, each
 * replica admits three of its four.
 */
export async function expectOneLimitAcrossReplicas(limit: LimitRace): Promise<void> {
  const shared = await limit.race(await limit.sharedPair());
  expect(shared.passed).toBe(3);
  expect(shared.refused).toHaveLength(5);
  for (const result of shared.refused) {
    expect(result.body.error?.code).toBe(limit.code);
    expect(Number(result.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(result.retryAfter)).toBeLessThanOrEqual(60);
  }
  const separate = await limit.race(await limit.separatePair());
  expect(separate.passed).toBe(6);
  expect(separate.refused).toHaveLength(2);
}

/** The circuit states a replica's `/health` lists. */
export async function circuitsOf(replica: Replica): Promise<Record<string, string>> {
  return (await (await fetch(`${replica.running.url}/health`)).json()).circuits;
}
