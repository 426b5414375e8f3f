import { pino } from "pino";
import {
  type FakeOpenAIServer,
  type FakeOpenAIServerOptions,
  startFakeOpenAIServer,
} from "../testing/fake-openai-server.ts";
import { type AssembledServer, assembleServer } from "./assemble-server.ts";
import { parseServerConfig } from "./config/index.ts";

/** The routing spec of the cascade these upstreams serve. */
export const cascadeModel = "cascade@4:lab-v2-small>lab-v2-large";

/** A lab question, a chain that answers it right, and one that answers it wrong. */
export const cascadeQuestion = "12+7-3=?";
export const rightChain = "\n12+7=19\n19-3=16\n#### 16";
export const wrongChain = "\n12+7=19\n19-3=15\n#### 15";

/** Two fake upstreams, `small-http` serving `lab-v2-small` and `large-http` serving `lab-v2-large`, and a server over them. */
export interface CascadeUpstreams {
  readonly small: FakeOpenAIServer;
  readonly large: FakeOpenAIServer;
  readonly assembled: AssembledServer;
  close(): Promise<void>;
}

/**
 * Starts the two upstreams with their handlers (both call their model `fake-model`, so that only the
 * served names keep them apart) and a server over them.
 */
export async function startCascadeUpstreams(handlers: {
  readonly small: FakeOpenAIServerOptions["handler"];
  readonly large: FakeOpenAIServerOptions["handler"];
}): Promise<CascadeUpstreams> {
  const small = await startFakeOpenAIServer({ handler: handlers.small });
  const large = await startFakeOpenAIServer({ handler: handlers.large });
  const upstream = (name: string, server: FakeOpenAIServer, model: string) => ({
    name,
    baseUrl: server.url,
    allowedNetworks: ["127.0.0.1/32"],
    models: [{ name: model, upstreamModel: "fake-model" }],
  });
  const config = parseServerConfig({
    upstreams: [upstream("small-http", small, "lab-v2-small"), upstream("large-http", large, "lab-v2-large")],
  });
  const assembled = await assembleServer(config, { logger: pino({ level: "silent" }) });
  return {
    small,
    large,
    assembled,
    async close() {
      await assembled.dispose();
      await small.close();
      await large.close();
    },
  };
}

/**
 * Completions an upstream was asked for (the lab models' prompts are text completions; the HTTP backend's
 * one-token chat call that probes `n` is not a sample).
 */
export function generations(server: FakeOpenAIServer): number {
  return server.requests.filter((request) => request.endpoint === "completions").length;
}

/** A sample's value in the Prometheus text, by metric name and labels written as in the exposition. */
export function metricSample(text: string, metric: string, labels: string): number | undefined {
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${metric}{${labels}}`));
  return line === undefined ? undefined : Number(line.split(" ").at(-1));
}

/** A request's or a model's token counts, as the `mull` object gives them. */
export interface UsageCounts {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  calls: number;
}
