import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import { redisUnderTest } from "../../runtime/test-services.test-support.ts";
import { redisTestPrefix } from "../../server/state/redis-test-prefix.test-support.ts";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../../testing/fake-openai-server.ts";
import { defaultLabModel } from "../create-backend.ts";
import { serveCommand } from "./serve.ts";
import { startServeProcess } from "./serve-process.test-support.ts";

// `mull serve` as its users start it: flag checks in-process, serving in a child process.

const labModel = fileURLToPath(
  new URL(`../../../../llama-cpp/models/${defaultLabModel}.gguf`, import.meta.url),
);

function startServe(args: readonly string[], environment: Record<string, string> = {}) {
  return startServeProcess(args, environment);
}

async function refusal(args: string[]): Promise<ConfigError> {
  try {
    await serveCommand().parseAsync(args, { from: "user" });
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("mull serve accepted the flags");
}

describe("mull serve flags", () => {
  it("refuses to listen beyond loopback without API keys", async () => {
    const error = await refusal(["--base-url", "http://127.0.0.1:9/v1", "--model", "m", "--host", "0.0.0.0"]);
    expect(error.message).toMatch(/loopback only/);
  });

  it("refuses --config together with --base-url", async () => {
    expect((await refusal(["--config", "x.json", "--base-url", "http://127.0.0.1:9/v1"])).message).toMatch(
      /not both/,
    );
  });

  it("refuses an API-keys variable that holds no keys", async () => {
    delete process.env.MULL_SERVE_TEST_EMPTY_KEYS;
    const error = await refusal([
      "--base-url",
      "http://127.0.0.1:9/v1",
      "--model",
      "m",
      "--api-keys-env",
      "MULL_SERVE_TEST_EMPTY_KEYS",
    ]);
    expect(error.message).toMatch(/holds no keys/);
  });

  it("refuses --reasoning-budget without --base-url", async () => {
    const error = await refusal(["--reasoning-budget", "vllm"]);
    expect(error.field).toBe("--reasoning-budget");
  });

  it("refuses a --grace longer than a Node timer keeps (which would cut requests at once)", async () => {
    let errors = "";
    const command = serveCommand()
      .exitOverride()
      .configureOutput({ writeErr: (text) => (errors += text) });
    await expect(command.parseAsync(["--grace", "3000000000"], { from: "user" })).rejects.toThrow();
    expect(errors).toMatch(/--grace.*3000000000.*2147483647/s);
  });

  it("refuses --route-lambda without --route", async () => {
    const error = await refusal(["--base-url", "http://127.0.0.1:9/v1", "--route-lambda", "0.1"]);
    expect(error.field).toBe("--route-lambda");
  });

  it("refuses --state-prefix without --state, and a state store that is not Redis", async () => {
    const base = ["--base-url", "http://127.0.0.1:9/v1", "--model", "m"];
    expect((await refusal([...base, "--state-prefix", "blue:"])).field).toBe("--state-prefix");
    const empty = await refusal([...base, "--state", "redis://127.0.0.1:6379", "--state-prefix", ""]);
    expect(empty.field).toBe("--state-prefix");
    expect(empty.message).toBe(
      '--state-prefix "": expected a key prefix of 1 to 200 characters, e.g. mull: or mull-staging:',
    );
    const notRedis = await refusal([...base, "--state", "http://127.0.0.1:6379"]);
    expect(notRedis.field).toBe("--state");
    expect(notRedis.message).toBe("--state http://127.0.0.1:6379: expected a redis:// or rediss:// URL");
  });

  it("refuses to start when the --state store cannot be reached, naming it", async () => {
    await expect(
      serveCommand().parseAsync(
        ["--base-url", "http://127.0.0.1:9/v1", "--model", "m", "--state", "redis://127.0.0.1:1"],
        { from: "user" },
      ),
    ).rejects.toThrow(/^cannot reach the serving state store redis:\/\/127\.0\.0\.1:1: /);
  });

  it("refuses an upstream on a metadata address", async () => {
    const error = await refusal(["--base-url", "http://user:pw@169.254.169.254/v1", "--model", "m"]);
    expect(error.message).toMatch(/credentials in the URL are refused/);
    // Said in the words of the command line, and without the password.
    expect(error.field).toBe("--base-url");
    expect(error.message).toMatch(
      /^--base-url: credentials in the URL are refused \(http:\/\/169\.254\.169\.254\/v1\)/,
    );
    expect(error.message).toContain("named by --upstream-key-env");
    expect(error.message).not.toContain("pw");
  });

  it("refuses a --base-url that is not an http(s) URL in one line, before asking it for models", async () => {
    for (const extra of [[], ["--model", "m"]]) {
      const error = await refusal(["--base-url", "notaurl", ...extra]);
      expect(error.field).toBe("--base-url");
      expect(error.message).toBe(
        '--base-url "notaurl": expected an absolute http(s) URL such as http://localhost:8000/v1',
      );
    }
  });

  it("names the flag and the value of an upstream setting the configuration refuses, in one line", async () => {
    const base = ["--base-url", "http://127.0.0.1:9/v1", "--model", "m"];
    const network = await refusal([...base, "--allow-network", "10.0.0.0/8", "--allow-network", "bogus"]);
    expect(network.field).toBe("--allow-network");
    expect(network.message).toBe(
      "--allow-network bogus: expected an IP address or CIDR range such as 10.0.0.0/8",
    );
    const state = await refusal(["--state", "bogus"]);
    expect(state.field).toBe("--state");
    expect(state.message).toBe("--state bogus: expected a redis:// or rediss:// URL");
    const keys = await refusal([...base, "--api-keys-env", "1bad"]);
    expect(keys.field).toBe("--api-keys-env");
    expect(keys.message).toBe("--api-keys-env 1bad: expected an environment variable name");
    const host = await refusal([...base, "--host", ""]);
    expect(host.field).toBe("--host");
    expect(host.message).toMatch(/^--host "": /);
    for (const error of [network, state, keys, host]) expect(error.message).not.toContain("\n");
  });

  it("names --advertise and its value for a strategy the configuration refuses, before anything loads", async () => {
    const error = await refusal(["--advertise", "sc@8", "--advertise", "nosuch@4"]);
    expect(error.field).toBe("--advertise");
    expect(error.message).toMatch(
      /^--advertise "nosuch@4": unknown spec "nosuch@4"; expected one of greedy, /,
    );
    const twice = await refusal([
      "--base-url",
      "http://127.0.0.1:9/v1",
      "--model",
      "m",
      ...["--advertise", "rs@4"],
      ...["--advertise", "rs@4"],
    ]);
    expect(twice.message).toBe("--advertise rs@4: given twice; expected each strategy once");
  });

  it("names --upstream-key-env when its variable is unset, with or without --model", async () => {
    delete process.env.MULL_SERVE_TEST_UNSET_KEY;
    for (const extra of [[], ["--model", "m"]]) {
      const error = await refusal([
        ...["--base-url", "http://127.0.0.1:9/v1", "--upstream-key-env", "MULL_SERVE_TEST_UNSET_KEY"],
        ...extra,
      ]);
      expect(error.field).toBe("--upstream-key-env");
      expect(error.message).toBe(
        "--upstream-key-env names MULL_SERVE_TEST_UNSET_KEY, which is not set in the environment",
      );
    }
  });

  it("refuses the flags of the --base-url upstream without it, as --reasoning-budget, and --threads with it", async () => {
    const key = await refusal(["--upstream-key-env", "NOPE"]);
    expect(key.field).toBe("--upstream-key-env");
    expect(key.message).toBe(
      "--upstream-key-env applies to the upstream of --base-url (in a --config file: upstreams[].apiKeyEnv)",
    );
    const network = await refusal(["--allow-network", "10.0.0.0/8"]);
    expect(network.field).toBe("--allow-network");
    expect(network.message).toBe(
      "--allow-network applies to the upstream of --base-url (in a --config file: upstreams[].allowedNetworks)",
    );
    const threads = await refusal(["--base-url", "http://127.0.0.1:9/v1", "--model", "m", "--threads", "2"]);
    expect(threads.field).toBe("--threads");
    expect(threads.message).toBe("--threads 2 applies to the embedded backend only, not to --base-url");
    const withConfig = await refusal(["--config", "x.json", "--threads", "2"]);
    expect(withConfig.field).toBe("--threads");
  });
});

describe("mull serve --base-url", () => {
  let fake: FakeOpenAIServer;
  beforeAll(async () => {
    fake = await startFakeOpenAIServer({
      model: "listed-model",
      handler: (request) => ({ choices: Array.from({ length: request.n }, () => "It is 9.\n#### 9") }),
    });
  });
  afterAll(async () => {
    await fake?.close();
  });

  it("serves the model the upstream lists, requires the keys, and stops on SIGTERM", async () => {
    const advertise = ["--advertise", "asc@16", "--advertise", "rs@4"];
    const served = await startServe(
      ["--base-url", fake.url, "--api-keys-env", "MULL_SERVE_TEST_KEYS", ...advertise],
      {
        MULL_SERVE_TEST_KEYS: "sk-one, sk-two",
      },
    );
    try {
      const client = new OpenAI({ baseURL: `${served.url}/v1`, apiKey: "sk-two", maxRetries: 0 });
      const completion = await client.chat.completions.create({
        model: "sc@3:listed-model",
        messages: [{ role: "user", content: "3 squared?" }],
      });
      expect(completion.choices[0]?.message.content).toBe("It is 9.\n#### 9");
      // --advertise replaces the default sc@8 in the list.
      const listed = (await client.models.list()).data.map((model) => model.id);
      expect(listed).toEqual(["listed-model", "asc@16:listed-model", "rs@4:listed-model"]);
      const rejected = new OpenAI({ baseURL: `${served.url}/v1`, apiKey: "sk-three", maxRetries: 0 });
      await expect(rejected.models.list()).rejects.toMatchObject({ status: 401 });
    } finally {
      expect(await served.stop()).toBe(0);
    }
    expect(served.stderr()).toMatch(/SIGTERM: draining/);
    expect(served.stderr()).toContain("strategies by prefix, e.g. asc@16:listed-model");
  }, 150_000);

  it("continues a caller's trace, and exports the spans a batching processor holds as it stops", async () => {
    // A tracing file as the README's recipe has users write one: NodeSDK batches spans, as this does (for a
    // minute: only the flush at shutdown exports them), and registers the W3C propagator.
    const directory = await mkdtemp(path.join(tmpdir(), "mull-serve-tracing-"));
    const spansFile = path.join(directory, "spans.jsonl");
    const tracingFile = path.join(directory, "tracing.mjs");
    const resolved = (name: string) =>
      JSON.stringify(pathToFileURL(createRequire(import.meta.url).resolve(name)).href);
    await writeFile(
      tracingFile,
      `import { appendFileSync } from "node:fs";
import { context, propagation, trace } from ${resolved("@opentelemetry/api")};
import { AsyncLocalStorageContextManager } from ${resolved("@opentelemetry/context-async-hooks")};
import { W3CTraceContextPropagator } from ${resolved("@opentelemetry/core")};
import { BasicTracerProvider, BatchSpanProcessor } from ${resolved("@opentelemetry/sdk-trace-base")};
const exporter = {
  export(spans, done) {
    for (const span of spans) appendFileSync(${JSON.stringify(spansFile)}, JSON.stringify({ name: span.name, trace: span.spanContext().traceId, parent: span.parentSpanContext?.spanId }) + "\\n");
    done({ code: 0 });
  },
  shutdown: async () => {},
};
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 60_000 })] }));
propagation.setGlobalPropagator(new W3CTraceContextPropagator());
`,
    );
    const served = await startServe(["--base-url", fake.url], { NODE_OPTIONS: `--import ${tracingFile}` });
    try {
      const response = await fetch(`${served.url}/v1/chat/completions`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        },
        body: JSON.stringify({ model: "listed-model", messages: [{ role: "user", content: "3 squared?" }] }),
      });
      expect(response.status).toBe(200);
      await response.text();
    } finally {
      expect(await served.stop()).toBe(0);
    }
    const spans = (await readFile(spansFile, "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { name: string; trace: string; parent?: string });
    const request = spans.find((span) => span.name === "POST /v1/chat/completions");
    expect(request).toMatchObject({ trace: "0af7651916cd43dd8448eb211c80319c", parent: "b7ad6b7169203331" });
    expect(spans.filter((span) => span.trace === request?.trace).map((span) => span.name)).toContain(
      "chat listed-model",
    );
    // The fake upstream was sent the client span's context.
    const upstream = fake.requests.findLast((sent) => sent.endpoint === "chat");
    expect(upstream?.headers.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    await rm(directory, { recursive: true, force: true });
  }, 150_000);

  const redis = redisUnderTest();
  if (redis.missing !== undefined) console.log(redis.missing);
  it.skipIf(redis.url === undefined)(
    "keeps key budgets, request rates and circuits in Redis with --state and --state-prefix",
    async () => {
      const scope = redisTestPrefix(redis.url ?? "", "serve");
      const served = await startServe(
        [
          "--base-url",
          fake.url,
          "--model",
          "listed-model",
          "--state",
          redis.url ?? "",
          "--state-prefix",
          scope.prefix,
        ],
        {},
      );
      try {
        const client = new OpenAI({ baseURL: `${served.url}/v1`, apiKey: "unused", maxRetries: 0 });
        const completion = await client.chat.completions.create({
          model: "listed-model",
          messages: [{ role: "user", content: "3 squared?" }],
        });
        expect(completion.choices[0]?.message.content).toBe("It is 9.\n#### 9");
      } finally {
        expect(await served.stop()).toBe(0);
        await scope.clean();
      }
      expect(served.stderr()).toContain(
        `key token budgets, key request rates and upstream circuits shared through ${redis.url?.replace(/\/$/, "")}`,
      );
    },
    150_000,
  );

  it("drains and stops when started by npm and npm's shell is signalled (npx mull serve)", async () => {
    const served = await startServeProcess(
      ["--base-url", fake.url],
      { npm_lifecycle_event: "npx" },
      { underShell: true },
    );
    const client = new OpenAI({ baseURL: `${served.url}/v1`, apiKey: "none", maxRetries: 0 });
    expect((await client.models.list()).data.map((model) => model.id)).toContain("listed-model");
    await served.stop();
    expect(served.stderr()).toMatch(
      /its parent exited \(npm passes signals to its shell only\): draining 0 requests/,
    );
    expect(served.stderr()).toMatch(/mull serve: stopped \(all requests finished\)/);
    // Nothing listens any more.
    await expect(fetch(`${served.url}/health`)).rejects.toThrow();
  }, 150_000);

  it("serves a bandit route over two of the upstream's models (--route, --route-lambda)", async () => {
    const served = await startServe([
      "--base-url",
      fake.url,
      "--route",
      "auto=thompson:model-a>model-b",
      "--route-lambda",
      "0.5",
    ]);
    try {
      const client = new OpenAI({ baseURL: `${served.url}/v1`, apiKey: "none", maxRetries: 0 });
      const completion = await client.chat.completions.create({
        model: "auto",
        messages: [{ role: "user", content: "3 squared?" }],
      });
      expect(completion.model).toBe("auto");
      const asked = fake.requests.at(-1)?.body?.model;
      expect(["model-a", "model-b"]).toContain(asked);
      const health = (await (await fetch(`${served.url}/health`)).json()) as {
        routes: { auto: { policy: string; lambda: number; models: { model: string; pulls: number }[] } };
      };
      expect(health.routes.auto.policy).toBe("thompson");
      expect(health.routes.auto.lambda).toBe(0.5);
      expect(health.routes.auto.models.find((model) => model.model === asked)?.pulls).toBe(1);
    } finally {
      expect(await served.stop()).toBe(0);
    }
    expect(served.stderr()).toMatch(/routes: auto/);
  }, 150_000);
});

describe.skipIf(!existsSync(labModel))("mull serve with the embedded lab", () => {
  it("names --model, or --route, for a model the embedded engine does not know", async () => {
    const model = await refusal(["--model", "nosuch", "--port", "0"]);
    expect(model.field).toBe("--model");
    expect(model.message).toMatch(/^--model: unknown model "nosuch": expected one of /);
    const route = await refusal(["--route", `auto=ucb:nosuch>${defaultLabModel}`, "--port", "0"]);
    expect(route.field).toBe("--route");
    expect(route.message).toMatch(/^--route: unknown model "nosuch": expected one of /);
  });

  it("answers lab questions with a strategy through the openai client", async () => {
    const served = await startServe(["--threads", "1"]);
    try {
      const client = new OpenAI({ baseURL: `${served.url}/v1`, apiKey: "unused", maxRetries: 0 });
      const ids: string[] = [];
      for await (const model of client.models.list()) ids.push(model.id);
      expect(ids).toContain(defaultLabModel);
      const completion = await client.chat.completions.create({
        model: `sc@8:${defaultLabModel}`,
        messages: [{ role: "user", content: "37+48-19=?" }],
        temperature: 0.8,
      });
      const mull = (
        completion as unknown as {
          mull: { answer: string | null; candidates: number; votes: Record<string, number> };
        }
      ).mull;
      expect(mull.candidates).toBe(8);
      expect(Object.values(mull.votes).reduce((sum, count) => sum + count, 0)).toBeLessThanOrEqual(8);
      const text = completion.choices[0]?.message.content ?? "";
      if (mull.answer !== null) expect(text.trim().endsWith(`#### ${mull.answer}`)).toBe(true);
      expect(completion.usage?.completion_tokens).toBeGreaterThan(0);
      // A step-level search, guided by the lab's exact step checker (the served lab models' PRM).
      const searched = await client.chat.completions.create({
        model: `pf@4:${defaultLabModel}`,
        messages: [{ role: "user", content: "539-467+192+679-89-336+144=?" }],
      });
      const report = (
        searched as unknown as { mull: { strategy: string; answer: string | null; candidates: number } }
      ).mull;
      expect(report.strategy).toBe("pf@4");
      expect(report.candidates).toBe(4);
      const searchedText = searched.choices[0]?.message.content ?? "";
      expect(searchedText.trim().endsWith(`#### ${report.answer}`)).toBe(true);
      expect(searched.usage?.completion_tokens).toBeGreaterThan(0);
      const refused = client.chat.completions.create({
        model: defaultLabModel,
        messages: [{ role: "user", content: "Write a poem." }],
      });
      await expect(refused).rejects.toMatchObject({ status: 400 });
    } finally {
      expect(await served.stop()).toBe(0);
    }
  }, 300_000);
});

describe("mull serve --help", () => {
  it("names every route the server answers", () => {
    const help = serveCommand().helpInformation();
    for (const route of [
      "POST /v1/chat/completions",
      "POST /v1/completions",
      "GET /v1/models,",
      "GET /v1/models/{model}",
      "POST /v1/messages,",
      "POST /v1/messages/count_tokens",
      "GET /health",
      "GET /metrics",
    ]) {
      expect(help.replace(/\s+/g, " ")).toContain(route);
    }
  });
});
