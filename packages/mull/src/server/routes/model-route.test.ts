import OpenAI from "openai";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultModelProfile } from "../../generation/index.ts";
import { programmaticScorer } from "../../scoring/index.ts";
import { createScriptedBackend } from "../../testing/scripted-backend.ts";
import { parseServerConfig } from "../config/index.ts";
import { createServer } from "../create-server.ts";
import { listenServer, type RunningServer } from "../listen-server.ts";
import type { ServedModel } from "../upstreams/index.ts";

// `GET /v1/models/{model}`, OpenAI's retrieve-model call, against a server listening on loopback: the
// official client and plain fetch.

const key = "sk-model-route";
const backend = createScriptedBackend({ responses: ["#### 4"] });

function served(name: string, extra: Partial<ServedModel> = {}): ServedModel {
  return {
    name,
    upstream: "up",
    backend,
    kind: "other",
    profile: defaultModelProfile,
    contextWindow: undefined,
    scorer: undefined,
    ...extra,
  };
}

const server = createServer({
  config: parseServerConfig({
    server: { advertisedStrategies: ["sc@8", "bon@4"] },
    upstreams: [{ name: "up", baseUrl: "https://llm.example.com/v1", models: ["m", "org/plain"] }],
    routes: [{ name: "auto", models: ["m", "org/plain"], policy: "ucb" }],
  }),
  models: [
    served("m", { scorer: programmaticScorer({ name: "checker", check: () => true }) }),
    served("org/plain"),
  ],
  apiKeys: [key],
  logger: pino({ level: "silent" }),
});
let running: RunningServer | undefined;

beforeAll(async () => {
  running = await listenServer(server, { host: "127.0.0.1", port: 0 });
});
afterAll(async () => {
  await running?.shutdown(1_000);
});

function url(): string {
  if (running === undefined) throw new Error("the server listens in beforeAll");
  return running.url;
}

const client = () => new OpenAI({ baseURL: `${url()}/v1`, apiKey: key, maxRetries: 0 });
const get = (path: string, headers: Record<string, string> = { authorization: `Bearer ${key}` }) =>
  fetch(`${url()}${path}`, { headers });

// biome-ignore lint/suspicious/noExplicitAny: the tests read OpenAI's JSON shapes as they come.
type Json = any;

describe("GET /v1/models/{model}", () => {
  it("answers every listed id with the very object the list has for it", async () => {
    const listed: Json[] = [];
    for await (const model of client().models.list()) listed.push(model);
    expect(listed.map((model) => model.id)).toEqual([
      "m",
      "sc@8:m",
      "bon@4:m",
      "org/plain",
      "sc@8:org/plain",
      "auto",
    ]);
    for (const entry of listed) expect(await client().models.retrieve(entry.id)).toEqual(entry);
    expect(await client().models.retrieve("sc@8:m")).toEqual({
      id: "sc@8:m",
      object: "model",
      created: listed[0].created,
      owned_by: "mull",
      parent: "m",
    });
    expect(await client().models.retrieve("org/plain")).toMatchObject({ id: "org/plain", owned_by: "up" });
  });

  it("takes ids with slashes, raw or percent-encoded, and the strategy prefix percent-encoded", async () => {
    for (const path of ["/v1/models/org/plain", "/v1/models/org%2Fplain"]) {
      const response = await get(path);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ id: "org/plain", object: "model" });
    }
    expect(await (await get("/v1/models/sc%408%3Am")).json()).toMatchObject({ id: "sc@8:m", parent: "m" });
  });

  it("refuses what the list leaves out with 404 model_not_found: a strategy the model cannot run, another case", async () => {
    // bon@4 needs an outcome scorer, which org/plain has none of, so the list leaves bon@4:org/plain out.
    const refused = client().models.retrieve("bon@4:org/plain");
    await expect(refused).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(refused).rejects.toMatchObject({ status: 404, code: "model_not_found", param: "model" });
    const response = await get("/v1/models/M");
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: {
        message: 'The model "M" does not exist; this server serves m, org/plain (see GET /v1/models)',
        type: "not_found_error",
        param: "model",
        code: "model_not_found",
      },
    });
  });

  it("does not repeat an id longer than 16 characters, which may be a pasted key", async () => {
    const pasted = `sk-${"x".repeat(37)}`;
    const response = await get(`/v1/models/${pasted}`);
    expect(response.status).toBe(404);
    const text = await response.text();
    expect(text).not.toContain(pasted);
    expect(JSON.parse(text).error.message).toMatch(
      /^The model in the path \(a string of 40 characters\) does not exist/,
    );
  });

  it("needs the key, as the list does", async () => {
    const response = await get("/v1/models/m", {});
    expect(response.status).toBe(401);
    expect((await response.json()).error.code).toBe("invalid_api_key");
  });
});
