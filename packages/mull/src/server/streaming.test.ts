import OpenAI from "openai";
import { describe, expect, it, vi } from "vitest";
import type { FakeOpenAIRequest, FakeOpenAIServer, FakeReply } from "../testing/fake-openai-server.ts";
import { fakeUpstream, serveFakeUpstream } from "./replicas.test-support.ts";

// Streamed strategy requests over loopback against the fake upstream: progress while sampling, no upstream
// work left running once the strategy stopped early or the client left, and the judge's tokens billed.

const key = "sk-streaming";

const longText = `${Array.from({ length: 40 }, (_, index) => `word${index}`).join(" ")}\n#### 42`;

/**
 * Generation requests (not the capability probe) of exactly this prompt, in arrival order: one test's
 * samples, whatever other tests sent before it (the prompts of some begin with those of others).
 */
const sampled = (prompt: string): FakeOpenAIRequest[] =>
  served.fake.requests.filter((request) => request.prompt === prompt && request.body?.max_tokens !== 1);

/** A gate: `open` resolves `opened`. */
function gate(): { opened: Promise<void>; open: () => void; isOpen: () => boolean } {
  let open: () => void = () => undefined;
  let isOpen = false;
  const opened = new Promise<void>((resolve) => {
    open = () => {
      isOpen = true;
      resolve();
    };
  });
  return { opened, open, isOpen: () => isOpen };
}

/** Opened once all eight samples of the `two-held` request have arrived. */
const allHeldArrived = gate();
/** Releases the two samples of the `two-held` request that an upstream with no free slot holds. */
const heldRelease = gate();

async function reply(request: FakeOpenAIRequest): Promise<FakeReply> {
  const ok = { choices: Array.from({ length: request.n }, () => "The answer is 42.\n#### 42") };
  if (request.body?.max_tokens === 1) return ok; // capability probe
  const position = sampled(request.prompt).findIndex((other) => other.index === request.index);
  if (request.prompt.includes("two-held")) {
    if (sampled(request.prompt).length === 8) allHeldArrived.open();
    // Once all eight are in: four answer at once, two stream slowly, two wait without a first token.
    if (position >= 4 && position < 6) await heldRelease.opened;
    else await allHeldArrived.opened;
    return position < 4 ? ok : { choices: [longText], delivery: { tokenDelayMilliseconds: 50 } };
  }
  if (request.prompt.includes("deadline")) {
    // The first two answer at once; the others stall after three tokens, and can never finish.
    return position < 2 ? ok : { choices: [longText], delivery: { stallAfterTokens: 3 } };
  }
  // The first `fast` samples of a marked request answer at once; the others take 40 tokens at 50 ms.
  const fast = request.prompt.includes("two-fast") ? 2 : 4;
  if (request.prompt.includes("fast-then-slow")) {
    return position < fast ? ok : { choices: [longText], delivery: { tokenDelayMilliseconds: 50 } };
  }
  if (request.prompt.includes("seeded")) {
    // Answers 42 for most seeds and 41 for every third one, so the vote depends on the seed.
    const seed = request.body?.seed;
    const answer = typeof seed === "number" && seed % 3 === 0 ? "41" : "42";
    return { choices: [`Six sevens make ${answer}, as I count it.\n#### ${answer}`] };
  }
  if (request.prompt.includes("thinks-tagged")) {
    return { choices: ["<think>Maybe 41.\n#### 41</think>\nIt is 42.\n#### 42"] };
  }
  if (request.prompt.includes("thinks-apart")) {
    return { choices: [{ text: "It is 42.\n#### 42", reasoning: "Six sevens, maybe 41.\n#### 41" }] };
  }
  if (request.prompt.includes("You check solutions one step at a time")) {
    return { choices: ["YES"], usage: { promptTokens: 50, completionTokens: 1 } };
  }
  if (request.prompt.includes("Proposed solution:")) {
    return { choices: ["Looks right.\nScore: 8/10"], usage: { promptTokens: 100, completionTokens: 7 } };
  }
  if (request.prompt.includes("billed")) {
    return { choices: ["It is 12.\n#### 12"], usage: { promptTokens: 10, completionTokens: 5 } };
  }
  return ok;
}

const served = serveFakeUpstream({
  apiKey: key,
  handler: reply,
  server: { keepAliveMilliseconds: 50 },
  upstreams: (url) => [
    fakeUpstream("fake", url),
    // The deadline test's own, so that whatever its circuit makes of the six samples the deadline aborts,
    // no other test's upstream is left refusing requests, whichever test runs first.
    fakeUpstream("budgeted", url, ["budgeted-model"]),
    { ...fakeUpstream("judged", url, ["judged-model"]), scorer: undefined },
    { ...fakeUpstream("stepped", url, ["stepped-model"]), prm: "judge" },
  ],
});

// biome-ignore lint/suspicious/noExplicitAny: the tests read OpenAI's JSON shapes as they come.
type Json = any;

function post(body: object, signal?: AbortSignal): Promise<Response> {
  return fetch(`${served.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: signal ?? null,
  });
}

/** The `data:` payloads and comments of a whole SSE body. */
function parseEvents(text: string): { data: Json[]; comments: string[] } {
  const data: Json[] = [];
  const comments: string[] = [];
  for (const event of text.split("\n\n")) {
    if (event.startsWith(": ")) comments.push(event.slice(2));
    else if (event.startsWith("data: ") && event !== "data: [DONE]") data.push(JSON.parse(event.slice(6)));
  }
  return { data, comments };
}

/**
 * Waits until the fake upstream has taken in all `sent` samples of `prompt` and has nothing running, then
 * returns how its counts moved since `before`. The replica sends every sample before any answer, but the
 * fake may read some only after the replica gave up on them: until then they count nowhere, and nothing
 * running would not yet mean that every sample was aborted or completed.
 */
async function settledSince(before: FakeOpenAIServer["generations"], prompt: string, sent: number) {
  // A deadline for the fake to catch up, not a timing asserted: what became of each sample is checked after.
  await vi.waitFor(
    () => {
      expect(sampled(prompt)).toHaveLength(sent);
      expect(served.fake.generations.running).toBe(0);
    },
    { timeout: 5_000 },
  );
  const now = served.fake.generations;
  return {
    started: now.started - before.started,
    completed: now.completed - before.completed,
    abortedByClient: now.abortedByClient - before.abortedByClient,
  };
}

describe("the openai client streaming a strategy request", () => {
  const client = () => new OpenAI({ baseURL: `${served.url}/v1`, apiKey: key, maxRetries: 0 });
  const request = {
    model: "sc@5:fake-model",
    messages: [{ role: "user" as const, content: "What is 6 times 7? seeded" }],
    temperature: 0.7,
    seed: 6,
  };

  it("sees progress, then the answer in many pieces that add up to the unstreamed answer", async () => {
    const whole = await client().chat.completions.create(request);
    const stream = await client().chat.completions.create({ ...request, stream: true });
    const pieces: string[] = [];
    const progress: Json[] = [];
    let mull: Json;
    for await (const chunk of stream) {
      const extension = (chunk as Json).mull;
      if (extension?.progress !== undefined) progress.push(extension.progress);
      else if (extension !== undefined) mull = extension;
      const content = chunk.choices[0]?.delta.content;
      if (content) pieces.push(content);
    }
    expect(pieces.length).toBeGreaterThan(3);
    expect(pieces.join("")).toBe(whole.choices[0]?.message.content);
    expect(whole.choices[0]?.message.content).toMatch(/^Six sevens make 4[12], as I count it\.\n#### 4[12]$/);
    expect(progress.map((entry) => entry.samples_done)).toEqual([1, 2, 3, 4, 5]);
    expect(progress.at(-1).samples_planned).toBe(5);
    expect(mull.votes).toEqual((whole as Json).mull.votes);
    expect(progress.at(-1).leader).toBe((whole as Json).mull.answer);
  });
});

describe("a reasoning model's thinking", () => {
  it.each([
    ["thinks-tagged", "Maybe 41.\n#### 41"],
    ["thinks-apart", "Six sevens, maybe 41.\n#### 41"],
  ])("is kept apart from the answer and never voted on (%s)", async (marker, reasoning) => {
    const request = {
      model: "sc@3:fake-model",
      messages: [{ role: "user", content: `What is 6 times 7? ${marker}` }],
      temperature: 0.7,
      seed: 3,
    };
    const whole = (await (await post(request)).json()) as Json;
    expect(whole.mull.votes).toEqual({ "42": 3 });
    expect(whole.choices[0].message).toEqual({
      role: "assistant",
      content: "It is 42.\n#### 42",
      reasoning_content: reasoning,
    });
    const { data } = parseEvents(await (await post({ ...request, stream: true })).text());
    const deltas = data.flatMap((chunk) => chunk.choices.map((choice: Json) => choice.delta));
    const thought = deltas.flatMap((delta) =>
      delta.reasoning_content === undefined ? [] : [delta.reasoning_content],
    );
    const content = deltas.flatMap((delta) => (delta.content ? [delta.content] : []));
    expect(thought.length).toBeGreaterThan(1);
    expect(thought.join("")).toBe(reasoning);
    expect(content.join("")).toBe("It is 42.\n#### 42");
    // Every piece of reasoning comes before the answer's first piece.
    const lastThought = deltas.findLastIndex((delta) => delta.reasoning_content !== undefined);
    expect(lastThought).toBeLessThan(deltas.findIndex((delta) => delta.content));
    expect(data.find((chunk) => chunk.mull?.progress !== undefined).mull.progress.leader).toBe("42");
  });
  it("is returned apart by a pass-through too", async () => {
    const body = (await (
      await post({ model: "fake-model", messages: [{ role: "user", content: "6 times 7? thinks-apart" }] })
    ).json()) as Json;
    expect(body.choices[0].message).toEqual({
      role: "assistant",
      content: "It is 42.\n#### 42",
      reasoning_content: "Six sevens, maybe 41.\n#### 41",
    });
  });
});

describe("an adaptive strategy that stops early", () => {
  it("answers at the stop, and every upstream sample still running is aborted", async () => {
    const before = served.fake.generations;
    const prompt = "What is 6 times 7? fast-then-slow";
    const response = await post({
      model: "pasc@16:fake-model",
      messages: [{ role: "user", content: prompt }],
      temperature: 0.7,
      stream: true,
    });
    const { data, comments } = parseEvents(await response.text());
    const last = data.at(-1);
    expect(last.mull.stopped_by).toBe("condition:adaptive-consistency");
    expect(last.mull.candidates).toBe(16);
    const progress = data.flatMap((chunk) =>
      chunk.mull?.progress === undefined ? [] : [chunk.mull.progress],
    );
    expect(progress.map((entry) => entry.samples_done)).toEqual([1, 2, 3, 4]);
    expect(progress.at(-1)).toEqual({ samples_done: 4, samples_planned: 16, leader: "42", leader_share: 1 });
    expect(comments.filter((comment) => comment.startsWith("progress "))).toContain(
      'progress 4/16 leader="42" share=1.00',
    );
    const pieces = data.flatMap((chunk) => chunk.choices.map((choice: Json) => choice.delta.content ?? ""));
    expect(pieces.filter((piece) => piece !== "").length).toBeGreaterThan(1);
    expect(pieces.join("")).toBe("The answer is 42.\n#### 42");
    const counts = await settledSince(before, prompt, 16);
    expect(counts.abortedByClient).toBe(12);
    expect(counts.completed + counts.abortedByClient).toBe(counts.started);
  });
});

describe("an adaptive strategy whose upstream holds samples before their first token", () => {
  it("answers while they are still held, and aborts them", async () => {
    const before = served.fake.generations;
    const prompt = "What is 6 times 7? two-held";
    const response = await post({
      model: "pasc@8:fake-model",
      messages: [{ role: "user", content: prompt }],
      temperature: 0.7,
      stream: true,
    });
    const { data } = parseEvents(await response.text());
    // The whole streamed answer is in, and the upstream has not let the two held samples go.
    expect(heldRelease.isOpen()).toBe(false);
    expect(sampled(prompt)).toHaveLength(8);
    const last = data.at(-1);
    expect(last.mull.stopped_by).toBe("condition:adaptive-consistency");
    expect(last.mull.votes).toEqual({ "42": 4 });
    const pieces = data.flatMap((chunk) => chunk.choices.map((choice: Json) => choice.delta.content ?? ""));
    expect(pieces.join("")).toBe("The answer is 42.\n#### 42");
    const counts = await settledSince(before, prompt, 8);
    // The two held and the two streaming slowly.
    expect(counts.abortedByClient).toBe(4);
    expect(counts.completed + counts.abortedByClient).toBe(counts.started);
    heldRelease.open();
  });
});

describe("a client that leaves mid-stream", () => {
  it("aborts every upstream sample still in flight under sc@8", async () => {
    const before = served.fake.generations;
    const controller = new AbortController();
    const prompt = "What is 6 times 7? fast-then-slow two-fast";
    const response = await post(
      {
        model: "sc@8:fake-model",
        messages: [{ role: "user", content: prompt }],
        temperature: 0.7,
        stream: true,
      },
      controller.signal,
    );
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = "";
    // Reads until two samples are reported done, then goes away.
    while (!text.includes('"samples_done":2')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    expect(text).toContain('"samples_planned":8');
    controller.abort();
    await reader.cancel().catch(() => undefined);
    const counts = await settledSince(before, prompt, 8);
    expect(counts.abortedByClient).toBe(6);
    expect(counts.completed + counts.abortedByClient).toBe(counts.started);
    await vi.waitFor(() => expect(served.replica.assembled.server.inFlight()).toBe(0), { timeout: 1_000 });
  });
});

describe("a budget that runs out", () => {
  it("aborts every upstream sample still in flight at the deadline, and answers from the others", async () => {
    const before = served.fake.generations;
    const prompt = "What is 6 times 7? deadline";
    const response = await post({
      model: "sc@8:budgeted-model",
      messages: [{ role: "user", content: prompt }],
      temperature: 0.7,
      stream: true,
      // Room for the two fast samples on a loaded machine; the six stalled ones never finish, however long.
      mull: { budget: { max_milliseconds: 2_000 } },
    });
    const { data } = parseEvents(await response.text());
    const mull = data.at(-1).mull;
    expect(mull.stopped_by).toBe("time");
    expect(mull.partial).toBe(true);
    expect(mull.candidates).toBe(2);
    expect(mull.samples).toEqual({ requested: 8, ok: 2, failed: 0 });
    expect(mull.votes).toEqual({ "42": 2 });
    const counts = await settledSince(before, prompt, 8);
    expect(counts.abortedByClient).toBe(6);
    expect(counts.completed + counts.abortedByClient).toBe(counts.started);
  });
});

describe("usage billed to the client", () => {
  const question = "What is 3 × 4? billed";
  /** This question's samples and the judge's calls on them (not the probe, not another test's samples). */
  const isBilled = (request: FakeOpenAIRequest) =>
    request.prompt.includes(question) && request.body?.max_tokens !== 1;

  it("includes the judge's tokens under bon@3", async () => {
    const before = served.fake.requests.length;
    const response = await post({
      model: "bon@3:judged-model",
      messages: [{ role: "user", content: question }],
      temperature: 0.7,
    });
    const body = (await response.json()) as Json;
    const sent = served.fake.requests.slice(before).filter(isBilled);
    const judged = sent.filter((request) => request.prompt.includes("Proposed solution:")).length;
    const samples = sent.length - judged;
    expect(samples).toBe(3);
    expect(judged).toBeGreaterThan(0);
    expect(body.usage.prompt_tokens).toBe(samples * 10 + judged * 100);
    expect(body.usage.completion_tokens).toBe(samples * 5 + judged * 7);
  });

  it("includes the process reward judge's tokens under a step search", async () => {
    const before = served.fake.requests.length;
    const response = await post({
      model: "beam@2x2:stepped-model",
      messages: [{ role: "user", content: question }],
      temperature: 0.7,
    });
    const body = (await response.json()) as Json;
    expect(response.status, JSON.stringify(body)).toBe(200);
    const sent = served.fake.requests.slice(before).filter(isBilled);
    const judged = sent.filter((request) => request.prompt.includes("one step at a time")).length;
    const steps = sent.length - judged;
    expect(steps).toBeGreaterThan(0);
    expect(judged).toBeGreaterThan(0);
    expect(body.mull.usage.score_calls).toBe(judged);
    expect(body.usage.prompt_tokens).toBe(steps * 10 + judged * 50);
    expect(body.usage.completion_tokens).toBe(steps * 5 + judged * 1);
  });
});
