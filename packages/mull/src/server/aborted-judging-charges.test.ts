import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../testing/fake-openai-server.ts";
import { type AssembledServer, assembleServer } from "./assemble-server.ts";
import { parseServerConfig } from "./config/index.ts";
import { keyTokensLeft, metricsTokenTotal } from "./key-budget-probes.test-support.ts";

// A judged strategy (`bon@N`, `wv@N`, `accept@N` with `scorer: "judge"`; a step-level search with
// `prm: "judge"`) whose client goes away while the judge works: the key is charged, and `/metrics` counts,
// every token its upstream calls used, the judge's included: the samples, the judge calls that finished
// (as their usage says) and what the judge calls the abort cut had delivered (their streams ended before
// any usage, so no prompt is known for them).

const key = "sk-aborted-judging";
const tokensPerMinute = 1_000_000;
const question = "What is 6 times 7?";
/** A sample's prompt, as the upstream reports it. */
const samplePromptTokens = 10;
/** A whole solution: 6 word tokens. */
const solution = () => "Six sevens make 42. #### 42";
/** A search's step, no two alike (so that each is judged): 5 word tokens. */
const step = (drawn: number) => `Step ${drawn} of the work.`;
/** A quick verdict, which no strategy accepts: 2 word tokens, its prompt reported as 40. */
const quickVerdict = { choices: ["Score: 2/10"], usage: { promptTokens: 40 } };
const quickVerdictTokens = 40 + 2;
/** A slow verdict: it sends 5 tokens, then nothing until its client goes away. */
const stalledTokens = 5;
const slowVerdict = {
  choices: [`${Array.from({ length: 60 }, (_, index) => `reason${index}`).join(" ")}\nScore: 3/10`],
  delivery: { stallAfterTokens: stalledTokens },
};

let fake: FakeOpenAIServer | undefined;
let assembled: AssembledServer | undefined;

afterEach(async () => {
  await assembled?.dispose();
  await fake?.close();
  assembled = undefined;
  fake = undefined;
});

/** Whether a request to the upstream is a judge's: an outcome judge's, or a step judge's. */
const isJudge = (prompt: string) =>
  prompt.includes("Proposed solution:") || prompt.includes("Is the new step correct");

/**
 * A fake upstream that answers samples with `reply(samples drawn so far)`, whose first two judge calls
 * answer at once and whose others stall, and a server over it.
 */
async function judgedServer(reply: (drawn: number) => string) {
  let judgeCalls = 0;
  let drawn = 0;
  const upstream = await startFakeOpenAIServer({
    handler: (request) => {
      if (request.body?.max_tokens === 1) return { choices: ["ok"] }; // capability probe
      if (!isJudge(request.prompt)) {
        drawn += 1;
        return { choices: [reply(drawn)], usage: { promptTokens: samplePromptTokens } };
      }
      judgeCalls += 1;
      return judgeCalls <= 2 ? quickVerdict : slowVerdict;
    },
  });
  fake = upstream;
  const server = await assembleServer(
    parseServerConfig({
      limits: {
        maxTokens: 2 * tokensPerMinute,
        maxRequestTokens: 4 * tokensPerMinute,
        keyTokensPerMinute: tokensPerMinute,
      },
      upstreams: [
        {
          name: "fake",
          baseUrl: upstream.url,
          models: ["fake-model"],
          allowedNetworks: ["127.0.0.1/32"],
          maxRetries: 0,
          scorer: "judge",
          prm: "judge",
        },
      ],
    }),
    { apiKeys: [key], logger: pino({ level: "silent" }) },
  );
  assembled = server;
  const { app } = server.server;
  const post = (body: Record<string, unknown>, signal?: AbortSignal) =>
    Promise.resolve(
      app.request("/v1/chat/completions", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
        body: JSON.stringify(body),
        ...(signal === undefined ? {} : { signal }),
      }),
    );
  const metricsText = async () =>
    (await app.request("/metrics", { headers: { authorization: `Bearer ${key}` } })).text();
  /** The tokens the key has left in its window. */
  const tokensLeft = () => keyTokensLeft(post, 2 * tokensPerMinute);
  /** The sum of `mull_tokens_total` over its kinds. */
  const metricsTokens = async () => metricsTokenTotal(await metricsText());
  return { upstream, post, metricsText, tokensLeft, metricsTokens };
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let wait = 0; wait < 500; wait += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("a judged strategy whose client goes away while the judge works", () => {
  // accept@4 judges each sample before it draws the next: the third sample's verdict is the one cut. pf@2
  // judges its two particles' first steps, then their second steps, whose verdicts are cut.
  it.each([
    ["bon@4", false, 4, 2],
    ["bon@4", true, 4, 2],
    ["wv@4", false, 4, 2],
    ["wv@4", true, 4, 2],
    ["accept@4", false, 3, 1],
    ["accept@4", true, 3, 1],
    ["pf@2", false, 4, 2],
    ["pf@2", true, 4, 2],
  ])("%s (stream: %s) is charged, and counted, its samples and every judge call's tokens", async (strategy, stream, samples, stalled) => {
    const search = strategy.startsWith("pf@");
    const { upstream, post, metricsText, tokensLeft, metricsTokens } = await judgedServer(
      search ? step : solution,
    );
    const before = await tokensLeft();
    expect(before).toBe(tokensPerMinute);
    const counted = await metricsTokens();
    const client = new AbortController();
    const answered = post(
      {
        model: `${strategy}:fake-model`,
        messages: [{ role: "user", content: question }],
        // A reservation above what the request uses: its charge is what it used, not the reservation.
        max_tokens: 200,
        temperature: 0.7,
        ...(stream ? { stream: true } : {}),
      },
      client.signal,
    );
    const judgeRequests = () => upstream.requests.filter((request) => isJudge(request.prompt));
    // The samples and the quick verdicts are in; the slow verdicts have sent their first tokens.
    await waitFor(
      () => judgeRequests().length === 2 + stalled && upstream.generations.running === stalled,
      "the judge's calls to be under way",
    );
    const response = stream ? await answered : undefined;
    if (response !== undefined) expect(response.status).toBe(200);
    // Time for the stalled verdicts' tokens to reach the server.
    await new Promise((resolve) => setTimeout(resolve, 300));
    client.abort();
    await response?.body?.cancel().catch(() => undefined);
    if (!stream) expect((await answered).status).toBe(499);
    // The response's end (its 499 counted) waits for the aborted work: the key is settled by then.
    await waitFor(async () => (await metricsText()).includes('status="499"'), "the 499 to be counted");
    await waitFor(() => upstream.generations.running === 0, "the slow verdicts to be cut");
    expect(upstream.generations.abortedByClient).toBe(stalled);
    const drawn = upstream.requests.filter(
      (request) => request.body?.max_tokens !== 1 && !isJudge(request.prompt),
    ).length;
    expect(drawn).toBe(samples);
    const sampleTokens = samplePromptTokens + (search ? 5 : 6);
    const used = samples * sampleTokens + 2 * quickVerdictTokens + stalled * stalledTokens;
    const charged = before - (await tokensLeft());
    expect(charged).toBe(used);
    expect((await metricsTokens()) - counted).toBe(charged);
  });
});
