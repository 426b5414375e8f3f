import { pino } from "pino";
import type { FakeOpenAIRequest, FakeOpenAIServer } from "../testing/fake-openai-server.ts";
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

/**
 * Replicas started by a test file, and what stops them (call `stopAll` after each test); serving states
 * handed over with `own` are closed with them.
 */
export function replicaSet() {
  const started: Replica[] = [];
  const states: ServingState[] = [];
  return {
    async start(input: ServerConfigInput, options: AssembleServerOptions = {}): Promise<Replica> {
      const assembled = await assembleServer(parseServerConfig(input), {
        apiKeys: [replicaKey],
        logger: pino({ level: "silent" }),
        ...options,
      });
      const running = await listenServer(assembled.server, { host: "127.0.0.1", port: 0 });
      const replica = { assembled, running };
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
}

/** A chat request to a replica: its status, Retry-After and body. */
export async function chatWith(replica: Replica, model: string, maxTokens = 64) {
  const response = await fetch(`${replica.running.url}/v1/chat/completions`, {
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

/** The circuit states a replica's `/health` lists. */
export async function circuitsOf(replica: Replica): Promise<Record<string, string>> {
  return (await (await fetch(`${replica.running.url}/health`)).json()).circuits;
}
