import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type FakeOpenAIRequest,
  type FakeOpenAIServer,
  startFakeOpenAIServer,
} from "../testing/fake-openai-server.ts";
import { runCliCaptured } from "./commands/run-cli-captured.test-support.ts";
import { startServeProcess } from "./commands/serve-process.test-support.ts";

// The prompt flags as users give them: the requests a fake OpenAI server receives show what was sent.

let workspace: string;
let server: FakeOpenAIServer;

beforeAll(async () => {
  workspace = mkdtempSync(join(tmpdir(), "mull-prompt-flags-"));
  server = await startFakeOpenAIServer({
    model: "fake-model",
    handler: (request) => ({ choices: Array.from({ length: request.n }, () => "So it is 42.\n#### 42") }),
  });
});

afterAll(async () => {
  await server?.close();
  rmSync(workspace, { recursive: true, force: true });
});

/** The generation requests (not the one-token capability probes) received since `from`. */
function generations(from: number): FakeOpenAIRequest[] {
  return server.requests
    .slice(from)
    .filter((request) => request.body?.max_tokens !== 1 && request.endpoint !== "models");
}

function solve(...flags: string[]) {
  return runCliCaptured(
    "solve",
    "What is 6 times 7?",
    "--base-url",
    server.url,
    "--model",
    "fake-model",
    "--strategy",
    "greedy",
    ...flags,
  );
}

describe("mull solve prompt flags", () => {
  it("sends --system as the chat request's first message, before the default prompt", async () => {
    const from = server.requests.length;
    const result = await solve("--system", "You are terse.");
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe("42");
    const sent = generations(from);
    expect(sent.map((request) => request.path)).toEqual(["/v1/chat/completions"]);
    const messages = sent[0]?.body?.messages as { role: string; content: string }[];
    expect(messages).toHaveLength(2);
    expect(messages[0]).toEqual({ role: "system", content: "You are terse." });
    expect(messages[1]?.content.startsWith("What is 6 times 7?\n\nReason step by step.")).toBe(true);
  });

  it("with --endpoint completions sends the prompt as text to /v1/completions only", async () => {
    const from = server.requests.length;
    const result = await solve("--endpoint", "completions");
    expect(result.code).toBe(0);
    expect(server.requests.slice(from).map((request) => request.path)).not.toContain("/v1/chat/completions");
    const sent = generations(from);
    expect(sent.map((request) => request.path)).toEqual(["/v1/completions"]);
    expect(sent[0]?.body?.prompt).toBe(
      "What is 6 times 7?\n\nReason step by step. Then write the final answer alone on the last line, in the form `#### <answer>`.",
    );
  });

  it("renders a few-shot template file exactly", async () => {
    const file = join(workspace, "few-shot.json");
    writeFileSync(
      file,
      JSON.stringify({
        endpoint: "text",
        prompt: "Question: {question}\nAnswer:",
        examples: [
          { question: "What is 2 times 3?", answer: "6\n#### 6" },
          { question: "What is 4 times 5?", answer: "20\n#### 20" },
        ],
      }),
    );
    const from = server.requests.length;
    const result = await solve("--prompt-template", file);
    expect(result.code).toBe(0);
    const sent = generations(from);
    expect(sent.map((request) => request.path)).toEqual(["/v1/completions"]);
    expect(sent[0]?.body?.prompt).toBe(
      "Question: What is 2 times 3?\nAnswer: 6\n#### 6\n\n" +
        "Question: What is 4 times 5?\nAnswer: 20\n#### 20\n\n" +
        "Question: What is 6 times 7?\nAnswer:",
    );
  });

  it("refuses a bad template file naming the field (exit 2), and --system on a text template", async () => {
    const file = join(workspace, "bad.json");
    writeFileSync(file, JSON.stringify({ endpoint: "chat", prompt: "Solve it." }));
    const from = server.requests.length;
    const bad = await solve("--prompt-template", file);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${file}: prompt: must contain {question}, got "Solve it."`);
    const system = await solve("--prompt-template", "lab", "--system", "Be brief.");
    expect(system.code).toBe(2);
    expect(system.stderr).toMatch(/--system: the lab template renders a text prompt for \/v1\/completions/);
    expect(generations(from)).toEqual([]);
  });
});

describe("mull bench prompt flags", () => {
  it("hashes the prompt settings: a resume with another system message is refused", async () => {
    const dataset = join(workspace, "products.jsonl");
    writeFileSync(
      dataset,
      `${JSON.stringify({ id: "p1", question: "What is 6 times 7?", answer: "42" })}\n` +
        `${JSON.stringify({ id: "p2", question: "What is 7 times 6?", answer: "42" })}\n`,
    );
    const out = join(workspace, "bench");
    const args = ["bench", "--dataset", dataset, "--base-url", server.url, "--model", "fake-model"];
    const from = server.requests.length;
    const first = await runCliCaptured(...args, "--out", out, "--prompt-template", "qwen-math", "--json");
    expect(first.code).toBe(0);
    const sent = generations(from);
    expect(sent).toHaveLength(2);
    for (const request of sent) {
      const messages = request.body?.messages as { role: string; content: string }[];
      expect(messages[0]?.content).toBe(
        "Please reason step by step, and put your final answer within \\boxed{}.",
      );
    }
    const resumed = await runCliCaptured(
      ...args,
      "--out",
      out,
      "--prompt-template",
      "qwen-math",
      "--system",
      "Answer in one line.",
      "--resume",
    );
    expect(resumed.code).toBe(2);
    expect(resumed.stderr).toContain("its configuration changed");
    expect(resumed.stderr).toContain("promptTemplate:");
    expect(resumed.stderr).toContain("Answer in one line.");
  }, 60_000);

  it("asks a JSON dataset's questions with the template it names, unless --prompt-template names another", async () => {
    const dataset = join(workspace, "boxed.json");
    writeFileSync(
      dataset,
      JSON.stringify({
        promptTemplate: "qwen-math",
        problems: [{ id: "p1", question: "What is 6 times 7?", answer: "42" }],
      }),
    );
    const args = ["bench", "--dataset", dataset, "--base-url", server.url, "--model", "fake-model", "--json"];
    const from = server.requests.length;
    expect((await runCliCaptured(...args, "--out", join(workspace, "boxed"))).code).toBe(0);
    expect(generations(from).map((request) => request.body?.messages)).toEqual([
      [
        {
          role: "system",
          content: "Please reason step by step, and put your final answer within \\boxed{}.",
        },
        { role: "user", content: "What is 6 times 7?" },
      ],
    ]);
    const next = server.requests.length;
    const chosen = await runCliCaptured(
      ...args,
      "--out",
      join(workspace, "chosen"),
      "--prompt-template",
      "gsm8k",
    );
    expect(chosen.code).toBe(0);
    const [request] = generations(next);
    const messages = request?.body?.messages as { role: string; content: string }[];
    expect(messages.map((message) => message.role)).toEqual(["user"]);
    expect(messages[0]?.content).toMatch(/^What is 6 times 7\?\n\nSolve the problem step by step\./);
  }, 60_000);
});

describe("mull serve prompt flags", () => {
  it("renders chat requests' last user message with --prompt-template", async () => {
    const served = await startServeProcess([
      "--base-url",
      server.url,
      "--model",
      "fake-model",
      "--prompt-template",
      "qwen-math",
    ]);
    try {
      const from = server.requests.length;
      const response = await fetch(`${served.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          model: "fake-model",
          messages: [
            { role: "system", content: "ignored" },
            { role: "user", content: "3 squared?" },
          ],
        }),
      });
      expect(response.status).toBe(200);
      const sent = generations(from);
      expect(sent).toHaveLength(1);
      expect(sent[0]?.body?.messages).toEqual([
        {
          role: "system",
          content: "Please reason step by step, and put your final answer within \\boxed{}.",
        },
        { role: "user", content: "3 squared?" },
      ]);
    } finally {
      expect(await served.stop()).toBe(0);
    }
  }, 150_000);

  /** Sends one chat request through a `mull serve` started with `flags` and returns what reached the upstream. */
  async function servedThrough(flags: readonly string[]): Promise<FakeOpenAIRequest[]> {
    const served = await startServeProcess(["--base-url", server.url, "--model", "fake-model", ...flags]);
    try {
      const from = server.requests.length;
      const response = await fetch(`${served.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          model: "fake-model",
          messages: [
            { role: "system", content: "ignored" },
            { role: "user", content: "3 squared?" },
          ],
        }),
      });
      const body = (await response.json()) as { choices: { message: { content: string } }[] };
      expect(response.status, JSON.stringify(body)).toBe(200);
      expect(body.choices[0]?.message.content).toBe("So it is 42.\n#### 42");
      return generations(from);
    } finally {
      expect(await served.stop()).toBe(0);
    }
  }

  it("sends --system as the upstream's system message, before the default template's user message", async () => {
    const sent = await servedThrough(["--system", "You are terse."]);
    expect(sent.map((request) => request.path)).toEqual(["/v1/chat/completions"]);
    const messages = sent[0]?.body?.messages as { role: string; content: string }[];
    expect(messages).toHaveLength(2);
    expect(messages[0]).toEqual({ role: "system", content: "You are terse." });
    expect(messages[1]?.role).toBe("user");
    expect(messages[1]?.content.startsWith("3 squared?\n\nReason step by step.")).toBe(true);
  }, 150_000);

  it("with --endpoint completions sends chat requests upstream as text to /v1/completions", async () => {
    const sent = await servedThrough(["--endpoint", "completions"]);
    expect(sent.map((request) => request.path)).toEqual(["/v1/completions"]);
    expect(sent[0]?.body?.prompt).toBe(
      "3 squared?\n\nReason step by step. Then write the final answer alone on the last line, in the form `#### <answer>`.",
    );
    expect(sent[0]?.body?.messages).toBeUndefined();
  }, 150_000);

  it("reads a model served by the path of a lab-….gguf file as the lab: --system is refused, as for lab-large", async () => {
    const from = server.requests.length;
    const refused = await runCliCaptured(
      "serve",
      "--base-url",
      server.url,
      "--model",
      "/srv/models/lab-large.gguf",
      "--system",
      "Be brief.",
      "--port",
      "0",
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--system: the lab template renders a text prompt for \/v1\/completions/);
    expect(generations(from)).toEqual([]);
  });
});
