import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { createServer } from "../create-server.ts";
import { plannedModel, planningConfig } from "./planning.test-support.ts";

// A client may paste an API key as a key name: the 400, its `param` and the request's log line describe
// a key over 16 characters by its length, and keep naming a short typo.

const canary = "sk-CANARY-paste-abcdef123";
const key = "sk-unknown-key-serving";
const logLines: string[] = [];
const destination = new Writable({
  write(chunk, _encoding, callback) {
    logLines.push(String(chunk));
    callback();
  },
});
const server = createServer({
  config: planningConfig,
  models: [plannedModel()],
  apiKeys: [key],
  logger: pino({ level: "info" }, destination),
});
const messages = [{ role: "user", content: "2+2?" }];

/** Posts `body`; the response's status and text, and the log lines the request wrote. */
async function post(path: string, body: object): Promise<{ status: number; text: string; logged: string }> {
  const before = logLines.length;
  const response = await server.app.request(path, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, logged: logLines.slice(before).join("") };
}

/** The `param` of the request's log line. */
function loggedParam(logged: string): unknown {
  const line = logged
    .split("\n")
    .filter((text) => text !== "")
    .map((text) => JSON.parse(text) as Record<string, unknown>)
    .find((entry) => entry.msg === "request");
  return line?.param;
}

describe("an unknown key name sent to mull serve", () => {
  it.each([
    ["mull", { mull: { [canary]: 1 } }, "mull.(an unknown key of 25 characters)", "unknown_parameter"],
    [
      "mull.budget",
      { mull: { strategy: "sc@3", budget: { [canary]: 1 } } },
      "mull.budget.(an unknown key of 25 characters)",
      "unknown_parameter",
    ],
    ["the body", { [canary]: 1 }, "(an unknown key of 25 characters)", "unsupported_parameter"],
    ["logit_bias", { logit_bias: { [canary]: "x" } }, "logit_bias.(a key of 25 characters)", "invalid_value"],
  ])("under %s: is described in the 400 and its log line, never repeated", async (_, extra, param, code) => {
    const { status, text, logged } = await post("/v1/chat/completions", { model: "m", messages, ...extra });
    expect(status).toBe(400);
    const error = (JSON.parse(text) as { error: { param: string; message: string; code: string } }).error;
    expect(error.param).toBe(param);
    expect(error.code).toBe(code);
    expect(error.message.startsWith(param)).toBe(true);
    expect(loggedParam(logged)).toBe(param);
    expect(text).not.toContain("CANARY");
    expect(logged).not.toContain("CANARY");
  });

  it("describes it on /v1/messages too", async () => {
    const { status, text, logged } = await post("/v1/messages", {
      model: "m",
      max_tokens: 16,
      messages,
      mull: { [canary]: 1 },
    });
    expect(status).toBe(400);
    expect(text).toContain("mull.(an unknown key of 25 characters) is not a known field");
    expect(loggedParam(logged)).toBe("mull.(an unknown key of 25 characters)");
    expect(text).not.toContain("CANARY");
    expect(logged).not.toContain("CANARY");
  });

  it("names a short typo in the 400 and its log line, with the key it was likely meant as", async () => {
    const { status, text, logged } = await post("/v1/chat/completions", {
      model: "m",
      messages,
      mull: { nn: 3 },
    });
    expect(status).toBe(400);
    const error = (JSON.parse(text) as { error: { param: string; message: string } }).error;
    expect(error.param).toBe("mull.nn");
    expect(error.message).toMatch(/^mull\.nn is not a known field: .+; did you mean mull\.n\?$/);
    expect(loggedParam(logged)).toBe("mull.nn");
  });
});
