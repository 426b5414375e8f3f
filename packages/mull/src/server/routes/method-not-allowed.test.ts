import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { defaultModelProfile } from "../../generation/index.ts";
import { createScriptedBackend } from "../../testing/scripted-backend.ts";
import { parseServerConfig } from "../config/index.ts";
import { createServer } from "../create-server.ts";

// A known path asked with a method it does not take answers 405 with `Allow`, whichever path it is.

const key = "sk-methods";
const server = createServer({
  config: parseServerConfig({
    upstreams: [{ name: "up", baseUrl: "https://llm.example.com/v1", models: ["m"] }],
  }),
  models: [
    {
      name: "m",
      upstream: "up",
      backend: createScriptedBackend({ responses: ["#### 4"] }),
      kind: "other",
      profile: defaultModelProfile,
      contextWindow: undefined,
      scorer: undefined,
    },
  ],
  apiKeys: [key],
  logger: pino({ level: "silent" }),
});

const send = (
  method: string,
  path: string,
  headers: Record<string, string> = { authorization: `Bearer ${key}` },
) => server.app.request(path, { method, headers });

describe("wrong methods on known routes", () => {
  it.each([
    ["POST", "/health", "GET, HEAD", "use GET"],
    ["DELETE", "/health", "GET, HEAD", "use GET"],
    ["POST", "/metrics", "GET, HEAD", "use GET"],
    ["POST", "/v1/models", "GET, HEAD", "use GET"],
    ["DELETE", "/v1/models/m", "GET, HEAD", "use GET"],
    ["GET", "/v1/chat/completions", "POST", "use POST"],
    ["PUT", "/v1/completions", "POST", "use POST"],
  ])("%s %s → 405, Allow: %s", async (method, path, allow, advice) => {
    const response = await send(method, path);
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe(allow);
    expect(response.headers.get("x-request-id")).toBeTruthy();
    const shownPath = path === "/v1/models/m" ? "/v1/models/{model}" : path;
    expect(await response.json()).toEqual({
      error: {
        message: `${method} is not allowed on ${shownPath}; ${advice}`,
        type: "invalid_request_error",
        param: null,
        code: "method_not_allowed",
      },
    });
  });

  it("answers 405 on /health without a key, as GET /health needs none", async () => {
    const response = await send("POST", "/health", {});
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
  });

  it("checks the key before the method elsewhere, as on the generation routes", async () => {
    for (const path of ["/metrics", "/v1/models", "/v1/models/m", "/v1/chat/completions"]) {
      expect((await send("DELETE", path, {})).status).toBe(401);
    }
  });

  it("answers HEAD where it answers GET", async () => {
    for (const path of ["/health", "/metrics", "/v1/models", "/v1/models/m"]) {
      const response = await send("HEAD", path);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe("");
    }
  });

  it("keeps Allow on the Anthropic paths, whose errors take Anthropic's shape", async () => {
    for (const path of ["/v1/messages", "/v1/messages/count_tokens"]) {
      const response = await server.app.request(path, { headers: { "x-api-key": key } });
      expect(response.status).toBe(405);
      expect(response.headers.get("allow")).toBe("POST");
      expect(await response.json()).toEqual({
        type: "error",
        error: { type: "invalid_request_error", message: `GET is not allowed on ${path}; use POST` },
      });
    }
  });

  it("still answers 404 for paths no route takes", async () => {
    const response = await send("POST", "/v1/embeddings");
    expect(response.status).toBe(404);
    expect(response.headers.get("allow")).toBeNull();
  });
});
