import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import { loadServerConfig } from "./load-server-config.ts";
import { modelEntries, parseServerConfig } from "./server-config.ts";

const upstream = { name: "vllm", baseUrl: "https://llm.example.com/v1", models: ["qwen"] };

function failure(value: unknown): ConfigError {
  try {
    parseServerConfig(value, "serve.json");
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("the config was accepted");
}

describe("parseServerConfig", () => {
  it("fills in defaults", () => {
    const config = parseServerConfig({ upstreams: [upstream] });
    expect(config.server.host).toBe("127.0.0.1");
    expect(config.server.maxInFlight).toBe(256);
    expect(config.limits.maxSamples).toBe(64);
    const first = config.upstreams[0];
    expect(first?.kind).toBe("openai-compatible");
    if (first?.kind !== "openai-compatible") throw new Error("unexpected kind");
    expect(first.concurrency).toBe(64);
    expect(first.maxRetries).toBe(2);
  });

  it("reads the shared serving state: absent by default, prefix mull: unless given, Redis URLs only", () => {
    expect(parseServerConfig({ upstreams: [upstream] }).server.state).toBeUndefined();
    const state = (value: unknown) => parseServerConfig({ server: { state: value }, upstreams: [upstream] });
    expect(state({ url: "redis://10.0.0.5:6379" }).server.state).toEqual({
      url: "redis://10.0.0.5:6379",
      prefix: "mull:",
    });
    expect(state({ url: "rediss://cache:6380/1", prefix: "blue:" }).server.state?.prefix).toBe("blue:");
    const wrong = failure({ server: { state: { url: "postgres://db" } }, upstreams: [upstream] });
    expect(wrong.field).toBe("server.state.url");
    expect(wrong.message).toMatch(/expected a redis:\/\/ or rediss:\/\/ URL/);
  });

  it("takes a Redis URL whose password holds a space, and shows a refused one without its credentials", () => {
    const state = (url: string) =>
      parseServerConfig({ server: { state: { url } }, upstreams: [upstream] }).server.state?.url;
    expect(state("redis://:top secret@10.0.0.5:6379")).toBe("redis://:top secret@10.0.0.5:6379");
    const refused = (url: string) =>
      failure({ server: { state: { url } }, upstreams: [upstream] }).message.split("\n")[1];
    expect(refused("http://user:hunter2@10.0.0.5:6379")).toBe(
      "  server.state.url: expected a redis:// or rediss:// URL, got a http:// URL (http://10.0.0.5:6379)",
    );
    expect(refused("not a url:hunter2@cache")).toBe(
      '  server.state.url: expected a redis:// or rediss:// URL, got "…@cache"',
    );
    expect(refused("redis://")).toBe(
      "  server.state.url: expected a redis:// or rediss:// URL with a host, got none",
    );
  });

  it("refuses a concurrency or a timeout of 0, naming the path", () => {
    expect(failure({ upstreams: [{ ...upstream, concurrency: 0 }] }).message).toMatch(
      /upstreams\[0\]\.concurrency/,
    );
    expect(failure({ upstreams: [{ ...upstream, timeoutMilliseconds: 0 }] }).message).toMatch(
      /upstreams\[0\]\.timeoutMilliseconds/,
    );
    expect(failure({ upstreams: [upstream], server: { maxInFlight: 0 } }).message).toMatch(
      /server\.maxInFlight/,
    );
  });

  it("refuses a time in milliseconds longer than a Node timer keeps (which would fire after 1 ms)", () => {
    const tooLong = 2 ** 31;
    expect(failure({ upstreams: [{ ...upstream, timeoutMilliseconds: tooLong }] }).message).toContain(
      `upstreams[0].timeoutMilliseconds: expected a number of at most 2147483647, got ${tooLong}`,
    );
    for (const field of ["keepAliveMilliseconds", "shutdownGraceMilliseconds"]) {
      expect(failure({ upstreams: [upstream], server: { [field]: tooLong } }).message).toContain(
        `server.${field}: expected a number of at most 2147483647`,
      );
    }
    expect(
      parseServerConfig({ upstreams: [{ ...upstream, timeoutMilliseconds: tooLong - 1 }] }).upstreams[0],
    ).toMatchObject({ timeoutMilliseconds: tooLong - 1 });
  });

  it("reads the per-key request rate: absent by default, a positive integer", () => {
    expect(parseServerConfig({ upstreams: [upstream] }).limits.keyRequestsPerMinute).toBeUndefined();
    const limits = (keyRequestsPerMinute: unknown) => ({
      upstreams: [upstream],
      limits: { keyRequestsPerMinute },
    });
    expect(parseServerConfig(limits(600)).limits.keyRequestsPerMinute).toBe(600);
    expect(failure(limits(0)).message).toMatch(/limits\.keyRequestsPerMinute/);
    expect(failure(limits(1.5)).message).toMatch(/limits\.keyRequestsPerMinute/);
  });

  it("refuses unknown keys, which are usually typos", () => {
    expect(failure({ upstreams: [{ ...upstream, concurency: 4 }] }).message).toMatch(/concurency/);
  });

  it.each([
    [
      "the AI SDK's baseURL",
      { name: "u", baseURL: "https://llm.example.com/v1", models: ["qwen"] },
      "upstreams[0].baseURL",
      "upstreams[0].baseURL: unknown key (did you mean baseUrl?)",
    ],
    [
      "a missing name",
      { baseUrl: "https://llm.example.com/v1", models: ["qwen"] },
      "upstreams[0].name",
      "upstreams[0].name: missing; expected a string",
    ],
    [
      "a misspelt key",
      { ...upstream, concurency: 4 },
      "upstreams[0].concurency",
      "upstreams[0].concurency: unknown key (did you mean concurrency?)",
    ],
    [
      "an unknown kind",
      { ...upstream, kind: "vllm" },
      "upstreams[0].kind",
      'upstreams[0].kind: expected "embedded" or "openai-compatible" (left out: "openai-compatible"), got "vllm"',
    ],
    [
      "a key of the other kind",
      { name: "local", kind: "embedded", models: ["lab-small"], baseUrl: "http://127.0.0.1:8000/v1" },
      "upstreams[0].baseUrl",
      'upstreams[0].baseUrl: unknown key (upstreams[0] takes name, kind, models, threads, concurrency; baseUrl is a key of kind "openai-compatible")',
    ],
    [
      "a misspelt key of a model entry",
      { ...upstream, models: [{ nam: "qwen" }] },
      "upstreams[0].models[0].nam",
      "upstreams[0].models[0].nam: unknown key (did you mean name?)",
    ],
    [
      "a concurrency of 0",
      { ...upstream, concurrency: 0 },
      "upstreams[0].concurrency",
      "upstreams[0].concurrency: expected a number of at least 1, got 0",
    ],
  ])("names the field and what was expected for %s in an upstream", (_, given, field, problem) => {
    const error = failure({ upstreams: [given] });
    expect(error.field).toBe(field);
    expect(error.message).toBe(`serve.json is invalid:\n  ${problem}`);
  });

  it("shows the value given beside what was expected for a field of the wrong type", () => {
    const error = failure({ server: { port: "abc", host: 5 }, upstreams: [upstream] });
    expect(error.message).toBe(
      'serve.json is invalid:\n  server.host: expected a string, got 5\n  server.port: expected a number, got "abc"',
    );
  });

  it("lists every problem, unknown keys first, with a key misspelt anywhere", () => {
    const error = failure({ server: { prot: 80 }, upstreams: [{ ...upstream, timeoutMilliseconds: 0 }] });
    expect(error.field).toBe("server.prot");
    expect(error.message).toBe(
      "serve.json is invalid:\n  server.prot: unknown key (did you mean port?)\n" +
        "  upstreams[0].timeoutMilliseconds: expected a number of at least 1, got 0",
    );
    expect(failure({ server: { colour: "red" }, upstreams: [upstream] }).message).toMatch(
      /server\.colour: unknown key \(server takes host, port, apiKeysEnv, /,
    );
  });

  it.each([
    ["http://169.254.169.254/v1", /link-local/],
    ["file:///etc/passwd", /only http and https/],
    ["http://u:p@llm.example.com/v1", /credentials/],
    ["http://0x7f.1/v1", /loopback/],
  ])("refuses the upstream %s at load", (baseUrl, pattern) => {
    const error = failure({ upstreams: [{ ...upstream, baseUrl }] });
    expect(error.message).toMatch(pattern);
    expect(error.message).toMatch(/upstreams\[0\]\.baseUrl/);
  });

  it("accepts a private upstream that is allowlisted", () => {
    const config = parseServerConfig({
      upstreams: [{ ...upstream, baseUrl: "http://127.0.0.1:8000/v1", allowedNetworks: ["127.0.0.1/32"] }],
    });
    expect(config.upstreams).toHaveLength(1);
  });

  it("refuses duplicate upstream and model names", () => {
    expect(failure({ upstreams: [upstream, upstream] }).message).toMatch(/used twice/);
    expect(failure({ upstreams: [upstream, { ...upstream, name: "other" }] }).message).toMatch(
      /served by both/,
    );
  });

  it("refuses a model name that reads as a strategy prefix", () => {
    expect(failure({ upstreams: [{ ...upstream, models: ["sc@8:qwen"] }] }).message).toMatch(
      /strategy prefix/,
    );
  });

  it("resolves model entries", () => {
    const config = parseServerConfig({
      upstreams: [{ ...upstream, models: ["a", { name: "b", upstreamModel: "org/B", contextWindow: 4096 }] }],
    });
    const first = config.upstreams[0];
    if (first === undefined) throw new Error("no upstream");
    expect(modelEntries(first)).toEqual([
      {
        name: "a",
        upstreamModel: "a",
        contextWindow: undefined,
        fallback: undefined,
        pricePerToken: 1,
        promptTemplate: undefined,
      },
      {
        name: "b",
        upstreamModel: "org/B",
        contextWindow: 4096,
        fallback: undefined,
        pricePerToken: 1,
        promptTemplate: undefined,
      },
    ]);
  });
});

describe("circuit breakers and fallbacks", () => {
  const second = { name: "backup", baseUrl: "https://backup.example.com/v1", models: ["small"] };

  it("gives every OpenAI-compatible upstream a circuit breaker with defaults", () => {
    const config = parseServerConfig({
      upstreams: [upstream, { ...second, circuitBreaker: { failureThreshold: 2 } }],
    });
    const [first, other] = config.upstreams;
    if (first?.kind !== "openai-compatible" || other?.kind !== "openai-compatible") throw new Error("kind");
    expect(first.circuitBreaker).toEqual({ failureThreshold: 5, cooldownMilliseconds: 10_000 });
    expect(other.circuitBreaker).toEqual({ failureThreshold: 2, cooldownMilliseconds: 10_000 });
  });

  it("refuses a threshold or cooldown of 0 and unknown keys, naming the path", () => {
    expect(failure({ upstreams: [{ ...upstream, circuitBreaker: { failureThreshold: 0 } }] }).field).toBe(
      "upstreams[0].circuitBreaker.failureThreshold",
    );
    expect(failure({ upstreams: [{ ...upstream, circuitBreaker: { cooldownMilliseconds: 0 } }] }).field).toBe(
      "upstreams[0].circuitBreaker.cooldownMilliseconds",
    );
    expect(failure({ upstreams: [{ ...upstream, circuitBreaker: { threshold: 3 } }] }).message).toMatch(
      /threshold/,
    );
  });

  it("accepts a fallback that names another served model, and resolves it", () => {
    const config = parseServerConfig({
      upstreams: [{ ...upstream, models: ["a", { name: "qwen", fallback: "small" }] }, second],
    });
    const first = config.upstreams[0];
    if (first === undefined) throw new Error("no upstream");
    expect(modelEntries(first).map((model) => model.fallback)).toEqual([undefined, "small"]);
  });

  it("refuses a fallback to an unknown model, naming the field", () => {
    const error = failure({
      upstreams: [{ ...upstream, models: ["a", { name: "qwen", fallback: "nope" }] }, second],
    });
    expect(error.field).toBe("upstreams[0].models[1].fallback");
    expect(error.message).toMatch(/upstreams\[0\]\.models\[1\]\.fallback "nope" is not a served model/);
  });

  it("refuses a fallback to the model itself", () => {
    const error = failure({ upstreams: [{ ...upstream, models: [{ name: "qwen", fallback: "qwen" }] }] });
    expect(error.field).toBe("upstreams[0].models[0].fallback");
    expect(error.message).toMatch(/the model itself/);
  });

  it("refuses fallbacks that form a cycle, naming the first model on it", () => {
    const error = failure({
      upstreams: [
        { ...upstream, models: ["x", { name: "qwen", fallback: "small" }] },
        {
          ...second,
          models: [
            { name: "small", fallback: "tiny" },
            { name: "tiny", fallback: "qwen" },
          ],
        },
      ],
    });
    expect(error.field).toBe("upstreams[0].models[1].fallback");
    expect(error.message).toMatch(/cycle of fallbacks: qwen → small → tiny → qwen/);
    // A chain that ends is fine.
    expect(() =>
      parseServerConfig({
        upstreams: [
          { ...upstream, models: [{ name: "qwen", fallback: "small" }] },
          { ...second, models: [{ name: "small", fallback: "tiny" }, "tiny"] },
        ],
      }),
    ).not.toThrow();
  });
});

describe("loadServerConfig", () => {
  it("names the file when it is not JSON or cannot be read", async () => {
    const directory = await mkdtemp(path.join(tmpdir(), "mull-config-"));
    onTestFinished(() => rm(directory, { recursive: true, force: true }));
    const file = path.join(directory, "serve.json");
    await writeFile(file, "{ upstreams: ");
    await expect(loadServerConfig(file)).rejects.toThrow(/serve\.json is not valid JSON/);
    await expect(loadServerConfig(path.join(directory, "missing.json"))).rejects.toThrow(/ENOENT/);
    await writeFile(file, JSON.stringify({ upstreams: [upstream] }));
    await expect(loadServerConfig(file)).resolves.toMatchObject({ upstreams: [{ name: "vllm" }] });
  });
});
