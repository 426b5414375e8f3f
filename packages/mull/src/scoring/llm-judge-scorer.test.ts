import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { thrownConfigError } from "../runtime/rejection.test-support.ts";
import type { Backend, GenerationRequest, Problem } from "../spec/index.ts";
import { createScriptedBackend } from "../testing/scripted-backend.ts";
import { llmJudgeScorer } from "./llm-judge-scorer.ts";

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
}

/** A minimal chat-completions client: enough to put the judge on the other side of a real socket. */
function chatBackend(baseUrl: string, model: string): Backend {
  return {
    describe: () => ({ kind: "test-http", model, baseUrl }),
    capabilities: async () => ({
      n: false,
      logprobs: false,
      topLogprobs: false,
      maxTopLogprobs: undefined,
      promptLogprobs: false,
      score: false,
      seed: false,
      chat: true,
      completion: false,
      continuePrefix: false,
      grammar: false,
      topK: false,
      watchTokens: false,
    }),
    async generate(request: GenerationRequest, options) {
      if (request.prompt.kind !== "chat") throw new Error("chat only");
      const response = await fetch(`${baseUrl}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          model,
          messages: request.prompt.messages,
          temperature: request.temperature,
          max_tokens: request.maxTokens,
        }),
        signal: options?.signal ?? null,
      });
      const body = (await response.json()) as {
        choices: { message: { content: string } }[];
        usage: { prompt_tokens: number; completion_tokens: number };
      };
      return {
        model,
        completions: body.choices.map((choice, index) => ({
          index,
          text: choice.message.content,
          finishReason: "stop",
          completionTokens: undefined,
        })),
        usage: {
          promptTokens: body.usage.prompt_tokens,
          completionTokens: body.usage.completion_tokens,
          calls: 1,
        },
      };
    },
  };
}

describe("llmJudgeScorer over HTTP", () => {
  const received: Record<string, unknown>[] = [];
  let server: Server;
  let baseUrl: string;

  beforeAll(async () => {
    server = createServer(async (request, response) => {
      const body = await readJson(request);
      received.push({ ...body, path: request.url });
      const messages = body.messages as { role: string; content: string }[];
      const user = messages.at(-1)!.content;
      // The judge's verdict depends on the solution it was shown.
      const reply = user.includes("#### 42")
        ? "Each step checks out.\nScore: 9/10"
        : user.includes("#### 41")
          ? "The product is wrong.\nScore: 1/10"
          : "I am not sure what to say.";
      response.setHeader("content-type", "application/json");
      response.end(
        JSON.stringify({
          choices: [{ index: 0, message: { role: "assistant", content: reply }, finish_reason: "stop" }],
          usage: { prompt_tokens: 50, completion_tokens: 8 },
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it("prompts the judge with the problem and each solution, and parses its verdicts", async () => {
    const judge = llmJudgeScorer({ backend: chatBackend(baseUrl, "judge-model"), concurrency: 2 });
    expect(judge.name).toBe("judge:judge-model");
    const problem = { question: "What is 6 × 7?" };
    const batch = await judge.score(problem, [
      { text: "6 × 7 = 42\n#### 42", answer: "42" },
      { text: "6 × 7 = 41\n#### 41", answer: "41" },
      { text: "blah", answer: undefined },
    ]);
    expect(batch.scores.map((score) => score.value)).toEqual([0.9, 0.1, 0]);
    expect(
      batch.scores.every((score) => score.kind === "judge" && score.scorer === "judge:judge-model"),
    ).toBe(true);
    expect(batch.scores[2]!.detail).toMatch(/no verdict/);
    expect(batch.calls).toBe(3);
    expect(batch.usage).toEqual({ promptTokens: 150, completionTokens: 24, calls: 3 });
    expect(received).toHaveLength(3);
    for (const body of received) {
      expect(body).toMatchObject({
        path: "/v1/chat/completions",
        model: "judge-model",
        temperature: 0,
        max_tokens: 512,
      });
      const messages = body.messages as { role: string; content: string }[];
      expect(messages.map((message) => message.role)).toEqual(["system", "user"]);
      expect(messages[1]!.content).toContain("What is 6 × 7?");
      expect(messages[1]!.content).toMatch(/Score: N\/10/);
    }
    const shown = received.map((body) => (body.messages as { content: string }[])[1]!.content);
    expect(shown.filter((content) => content.includes("6 × 7 = 41\n#### 41"))).toHaveLength(1);
  });

  it("takes a custom template and parser", async () => {
    const backend = createScriptedBackend({ responses: ["VERDICT=good", "VERDICT=bad"] });
    const judge = llmJudgeScorer({
      backend,
      name: "custom",
      concurrency: 1,
      template: (problem, solution) => ({ kind: "text", text: `${problem.question} | ${solution.answer}` }),
      parse: (reply) => (reply.endsWith("good") ? 1 : reply.endsWith("bad") ? 0.25 : undefined),
    });
    const batch = await judge.score({ question: "Q" }, [
      { text: "x", answer: "A" },
      { text: "y", answer: "B" },
    ]);
    expect(batch.scores.map((score) => score.value)).toEqual([1, 0.25]);
    expect(backend.calls.map((call) => call.request.prompt)).toEqual([
      { kind: "text", text: "Q | A" },
      { kind: "text", text: "Q | B" },
    ]);
  });

  it("reads a custom parser's NaN as no verdict, scored 0", () => {
    const judge = llmJudgeScorer({
      backend: createScriptedBackend({ responses: ["meh"] }),
      parse: () => Number.NaN,
    });
    expect(judge.judge!.verdict("meh")).toMatchObject({
      value: 0,
      detail: "no verdict in the judge's reply: meh",
    });
  });
});

describe("llmJudgeScorer on a tool-use conversation", () => {
  const weather = { id: "call_1", name: "get_weather", arguments: '{ "unit": "c", "city": "Paris" }' };
  const problem: Problem = {
    question: "And in Oslo?",
    prompt: {
      kind: "chat",
      messages: [
        { role: "system", content: "You answer with the weather tool." },
        { role: "user", content: "Weather in Paris?" },
        { role: "assistant", content: "", toolCalls: [weather] },
        { role: "tool", content: "18 C, sunny", toolCallId: "call_1" },
        { role: "assistant", content: "It is 18 C and sunny in Paris." },
        { role: "user", content: "And in Oslo?" },
      ],
    },
  };

  /** The user message of each prompt the judge received. */
  const shown = (backend: ReturnType<typeof createScriptedBackend>) =>
    backend.calls.map((call) => {
      const prompt = call.request.prompt;
      if (prompt.kind !== "chat") throw new Error("the default judge prompt is a chat");
      return prompt.messages.at(-1)?.content ?? "";
    });

  it("shows the judge the conversation and a call sample's calls, with canonical arguments", async () => {
    const backend = createScriptedBackend({
      responses: ["Right call.\nScore: 9/10", "Wrong city.\nScore: 1/10"],
    });
    const judge = llmJudgeScorer({ backend, concurrency: 1 });
    const batch = await judge.score(problem, [
      {
        text: "",
        answer: 'tool:get_weather({"city":"Oslo","unit":"c"})',
        toolCalls: [{ id: "call_2", name: "get_weather", arguments: '{"unit":"c",  "city":"Oslo"}' }],
      },
      {
        text: "Let me look.",
        answer: 'tool:get_weather({"city":"Paris"})',
        toolCalls: [{ id: "call_3", name: "get_weather", arguments: '{"city":"Paris"}' }],
      },
    ]);
    expect(batch.scores.map((score) => score.value)).toEqual([0.9, 0.1]);
    const [first, second] = shown(backend);
    expect(first).toBe(
      "Conversation so far:\n" +
        "System: You answer with the weather tool.\n\n" +
        "User: Weather in Paris?\n\n" +
        'Assistant: \n[calls get_weather({"city":"Paris","unit":"c"})]\n\n' +
        "Tool result (call_1): 18 C, sunny\n\n" +
        "Assistant: It is 18 C and sunny in Paris.\n\n" +
        "User: And in Oslo?\n\n" +
        "Proposed next assistant turn:\n" +
        'It ends its turn by calling:\n- get_weather({"city":"Oslo","unit":"c"})\n\n' +
        "Is the proposed turn right: are these the right functions to call next, with the right arguments? " +
        'Explain briefly, then end with a last line of the form "Score: N/10", where 10 means certainly correct and 0 certainly wrong.',
    );
    expect(second).toContain(
      'Proposed next assistant turn:\nLet me look.\n\nIt ends its turn by calling:\n- get_weather({"city":"Paris"})',
    );
  });

  it("shows a text answer to the conversation as a proposed turn, and a lone question as the problem", async () => {
    const backend = createScriptedBackend({ responses: ["Score: 8/10", "Score: 8/10"] });
    const judge = llmJudgeScorer({ backend, concurrency: 1 });
    await judge.score(problem, [{ text: "It is 3 C in Oslo.", answer: "3 C" }]);
    const lone: Problem = {
      question: "2+2?",
      prompt: {
        kind: "chat",
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "2+2?" },
        ],
      },
    };
    await judge.score(lone, [{ text: "4", answer: "4" }]);
    const [conversation, question] = shown(backend);
    expect(conversation).toMatch(/^Conversation so far:\n.*Tool result \(call_1\): 18 C, sunny/s);
    expect(conversation).toMatch(
      /Proposed next assistant turn:\nIt is 3 C in Oslo\.\n\nIs the proposed solution correct, in its reasoning and its final answer\?/,
    );
    expect(question).toMatch(
      /^Problem:\n2\+2\?\n\nProposed solution:\n4\n\nIs the proposed solution correct/,
    );
    expect(question).not.toContain("Be brief.");
  });

  it("names its options object and its backend when called from plain JavaScript without them", () => {
    const untyped = llmJudgeScorer as (...given: unknown[]) => unknown;
    const nothing = thrownConfigError(() => untyped());
    expect(nothing.message).toBe("llmJudgeScorer: expected an options object { backend, … }; got undefined");
    expect(nothing.field).toBe("options");
    const malformed = thrownConfigError(() => untyped({}));
    expect(malformed.message).toBe(
      "llmJudgeScorer: backend: missing; expected a backend (an object with describe, capabilities and generate methods)",
    );
    expect(malformed.field).toBe("backend");
  });

  it("hands a run its calls: the request for each solution and the verdict of a reply, as score makes them", async () => {
    const backend = createScriptedBackend({ responses: ["Looks right.\nScore: 7/10"] });
    const scorer = llmJudgeScorer({
      backend,
      name: "strict",
      temperature: 0.2,
      maxTokens: 64,
      concurrency: 2,
    });
    const judge = scorer.judge!;
    expect(judge.backend).toBe(backend);
    expect(judge.concurrency).toBe(2);
    const problem = { question: "2+2?" };
    const request = judge.request(problem, { text: "4", answer: "4" });
    expect(request).toMatchObject({ n: 1, temperature: 0.2, maxTokens: 64 });
    expect(judge.verdict("Score: 3/10")).toEqual({
      scorer: "strict",
      kind: "judge",
      value: 0.3,
      detail: "Score: 3/10",
    });
    expect(judge.verdict("Hard to say.")).toMatchObject({
      value: 0,
      detail: "no verdict in the judge's reply: Hard to say.",
    });
    // `score` sends the same request and reads the reply the same way.
    const batch = await scorer.score(problem, [{ text: "4", answer: "4" }]);
    expect(backend.calls[0]?.request).toMatchObject({ ...request, prompt: request.prompt });
    expect(batch.scores).toEqual([judge.verdict("Looks right.\nScore: 7/10")]);
  });
});

describe("llmJudgeScorer's worst case", () => {
  /** Characters of a chat prompt's messages, and how many there are. */
  const sizeOf = (call: { request: GenerationRequest } | undefined) => {
    const prompt = call?.request.prompt;
    if (prompt?.kind !== "chat") throw new Error("the default judge prompt is a chat");
    const characters = prompt.messages.reduce((sum, message) => sum + message.content.length, 0);
    return { characters, messages: prompt.messages.length };
  };

  it("covers the prompt the judge is really sent, and its longest reply", async () => {
    const backend = createScriptedBackend({ responses: ["Score: 8/10", "Score: 2/10"] });
    const judge = llmJudgeScorer({ backend, maxTokens: 100, concurrency: 1 });
    const question = "What is the sum of the first twenty odd numbers? Think it through.";
    const solution = "The first n odd numbers sum to n squared, so twenty of them sum to 400. #### 400";
    const call = { id: "call_1", name: "calculator", arguments: '{"expression":"20*20"}' };
    await judge.score({ question }, [
      { text: solution, answer: "400" },
      { text: solution, answer: undefined, toolCalls: [call] },
    ]);
    const request = {
      promptTokens: Math.ceil(question.length / 4),
      maxTokens: Math.ceil((solution.length + call.name.length + call.arguments.length) / 4),
      charactersPerToken: 4,
    };
    const worstCase = judge.worstCaseTokens?.(request) ?? 0;
    for (const sent of backend.calls) {
      const { characters, messages } = sizeOf(sent);
      // Its prompt at 4 characters a token with 8 tokens a message, and a reply of up to 100 tokens.
      expect(Math.ceil(characters / 4) + 8 * messages + 100).toBeLessThanOrEqual(worstCase);
    }
    // Not far above: the template's own text is all it adds beyond the problem, the solution and the reply.
    expect(worstCase - request.promptTokens - request.maxTokens - 100).toBeLessThan(150);
  });

  it("grows token for token with the prompt, the solutions' max_tokens and the judge's own maxTokens", () => {
    const backend = createScriptedBackend({ responses: ["Score: 8/10"] });
    const short = llmJudgeScorer({ backend, maxTokens: 100 });
    const long = llmJudgeScorer({ backend });
    const at = (request: { promptTokens: number; maxTokens: number; charactersPerToken?: number }) =>
      short.worstCaseTokens?.(request) ?? Number.NaN;
    const base = at({ promptTokens: 0, maxTokens: 0, charactersPerToken: 4 });
    expect(at({ promptTokens: 16, maxTokens: 48, charactersPerToken: 4 })).toBe(base + 16 + 48);
    expect(long.worstCaseTokens?.({ promptTokens: 0, maxTokens: 0, charactersPerToken: 4 })).toBe(base + 412);
    // Without a characters-per-token figure, the template's text counts a token per character.
    expect(at({ promptTokens: 0, maxTokens: 0 })).toBeGreaterThan(base + 250);
    expect(at({ promptTokens: 0, maxTokens: 0 })).toBe(
      at({ promptTokens: 0, maxTokens: 0, charactersPerToken: 1 }),
    );
  });

  it("reckons a custom template by its own text", () => {
    const backend = createScriptedBackend({ responses: ["Score: 8/10"] });
    const template = (problem: Problem, solution: { text: string }) => ({
      kind: "text" as const,
      text: `${"x".repeat(400)}${problem.question}${solution.text}`,
    });
    const judge = llmJudgeScorer({ backend, template, maxTokens: 10 });
    expect(judge.worstCaseTokens?.({ promptTokens: 5, maxTokens: 7, charactersPerToken: 4 })).toBe(
      100 + 5 + 7 + 10,
    );
  });

  it("refuses a characters-per-token figure that is not above 0, naming it", () => {
    const judge = llmJudgeScorer({ backend: createScriptedBackend({ responses: ["Score: 8/10"] }) });
    const refused = thrownConfigError(() =>
      judge.worstCaseTokens?.({ promptTokens: 1, maxTokens: 1, charactersPerToken: 0 }),
    );
    expect(refused.message).toBe(
      "llmJudgeScorer.worstCaseTokens: charactersPerToken must be a number > 0, got 0",
    );
    expect(refused.field).toBe("charactersPerToken");
  });

  it("refuses a maxTokens below 1, naming it", () => {
    const backend = createScriptedBackend({ responses: ["Score: 8/10"] });
    const refused = thrownConfigError(() => llmJudgeScorer({ backend, maxTokens: 0 }));
    expect(refused.message).toBe("llmJudgeScorer: maxTokens must be an integer ≥ 1, got 0");
    expect(refused.field).toBe("maxTokens");
  });
});
