import path from "node:path";
import { assembleServer, listenServer, parseServerConfig, type RunningServer } from "mull/server";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labModelsDirectory } from "./lab-models.ts";
import { type LlamaServerProcess, llamaServerUnderTest, startLlamaServer } from "./test-llama-server.ts";

// A pass-through (no strategy) of `n > 1` through mull serve against llama.cpp's own llama-server: its
// whole response for several choices reports one choice's completion tokens, so the usage mull returns,
// and counts in /metrics, must add every choice's, whether the client streams or not. Without a binary
// the file skips and says why, or fails where MULL_REQUIRE_LLAMA_SERVER=1 requires one.
const lookup = llamaServerUnderTest();

const question = "Q: 539-467+192=? A:";
const n = 2;
const seed = 11;
const sampling = { max_tokens: 40, temperature: 1 };

interface Usage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
}

/** The value of one series of a Prometheus text, 0 when it is absent. */
function metricValue(text: string, series: string): number {
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

const completionSeries = 'mull_tokens_total{upstream="llama",kind="completion",model="lab-v2-large"}';

describe.skipIf(lookup.binary === undefined)(
  `pass-through usage of n > 1 through mull serve against llama-server${lookup.missing === undefined ? "" : ` (skipped: ${lookup.missing})`}`,
  () => {
    let llama: LlamaServerProcess;
    let running: RunningServer;
    let dispose: () => Promise<void>;

    beforeAll(async () => {
      llama = await startLlamaServer({
        binary: lookup.binary as string,
        model: path.join(labModelsDirectory, "lab-v2-large.gguf"),
        alias: "lab-v2-large",
      });
      const config = parseServerConfig({
        upstreams: [
          {
            name: "llama",
            baseUrl: llama.baseUrl,
            models: ["lab-v2-large"],
            allowedNetworks: ["127.0.0.1/32"],
          },
        ],
      });
      const assembled = await assembleServer(config, {
        logger: pino({ level: "silent" }),
        probeUpstreams: true,
      });
      await assembled.probed;
      dispose = assembled.dispose;
      running = await listenServer(assembled.server, { host: "127.0.0.1", port: 0 });
    }, 90_000);

    afterAll(async () => {
      await running?.shutdown(1_000);
      await dispose?.();
      await llama?.stop();
    });

    const post = (endpoint: "chat" | "text", settings: { stream: boolean; n: number; seed: number }) =>
      fetch(`${running.url}/v1/${endpoint === "chat" ? "chat/completions" : "completions"}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          model: "lab-v2-large",
          ...(endpoint === "chat"
            ? { messages: [{ role: "user", content: question }] }
            : { prompt: question }),
          ...sampling,
          n: settings.n,
          seed: settings.seed,
          ...(settings.stream ? { stream: true, stream_options: { include_usage: true } } : {}),
        }),
      });

    /**
     * The completion tokens of each choice, asked alone and whole at its seed (llama.cpp seeds the choices
     * of one request `seed + index`): a single choice's usage is whole.
     */
    const singleChoiceTokens = async (endpoint: "chat" | "text"): Promise<number[]> =>
      Promise.all(
        Array.from({ length: n }, async (_, index) => {
          const response = await post(endpoint, { stream: false, n: 1, seed: seed + index });
          return ((await response.json()) as { usage: Usage }).usage.completion_tokens;
        }),
      );

    /** The usage of a streamed response: its usage chunk's. */
    const streamedUsage = async (response: Response): Promise<Usage> => {
      const chunks = (await response.text())
        .split("\n")
        .filter((line) => line.startsWith("data: {"))
        .map((line) => JSON.parse(line.slice("data: ".length)) as { usage?: Usage | null });
      const usage = chunks.find((chunk) => chunk.usage != null)?.usage;
      if (usage == null) throw new Error("the stream had no usage chunk");
      return usage;
    };

    const completionTokensCounted = async () =>
      metricValue(await (await fetch(`${running.url}/metrics`)).text(), completionSeries);

    it.each([
      "chat",
      "text",
    ] as const)("counts every choice of an unstreamed %s request, as a streamed one does, in its usage and /metrics", async (endpoint) => {
      const singles = await singleChoiceTokens(endpoint);
      const expected = singles.reduce((sum, tokens) => sum + tokens, 0);
      const before = await completionTokensCounted();
      const whole = await post(endpoint, { stream: false, n, seed });
      expect(whole.status).toBe(200);
      const body = (await whole.json()) as { choices: unknown[]; usage: Usage };
      expect(body.choices).toHaveLength(n);
      expect(body.usage.completion_tokens).toBe(expected);
      const streamed = await post(endpoint, { stream: true, n, seed });
      expect(streamed.status).toBe(200);
      expect((await streamedUsage(streamed)).completion_tokens).toBe(expected);
      expect((await completionTokensCounted()) - before).toBe(2 * expected);
    }, 60_000);
  },
);
