import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createOpenAICompatibleBackend, type OpenAICompatibleBackend, seededRng } from "mull";
import { labDataset } from "mull/lab";
import type { Completion, GenerationRequest, Prompt, TokenLogprob } from "mull/spec";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// The bench's own bootstrap and run reader, which no entry of mull exports (they serve its CLI and reports).
import { bootstrapAccuracy } from "../../mull/src/bench/metrics/index.ts";
import { loadRun } from "../../mull/src/bench/store/index.ts";
import { createLlamaCppBackend, type LlamaCppBackend } from "./create-llama-cpp-backend.ts";
import { labModelsDirectory } from "./lab-models.ts";
import { type LlamaServerProcess, llamaServerUnderTest, startLlamaServer } from "./test-llama-server.ts";
import { benchAccuracy, runMull, startMullServe } from "./test-mull-cli.ts";

// The real-server tier: llama.cpp's own `llama-server`, built from the llama.cpp node-llama-cpp binds
// (scripts/build-llama-server.sh), serving the lab model that the embedded backend runs in-process.
// Without a binary the tiers skip and say why, or fail where MULL_REQUIRE_LLAMA_SERVER=1 requires one.
const lookup = llamaServerUnderTest();
const modelPath = path.join(labModelsDirectory, "lab-large.gguf");
// A template that renders a chat as its messages' contents, so the chat endpoint gets the lab prompt.
const plainTemplate = "{% for message in messages %}{{ message['content'] }}{% endfor %}";
// Greedy sums of log-probabilities differ by float rounding only: the server is built for generic AVX2
// while node-llama-cpp picks a kernel variant for this CPU. Measured: at most 0.004 over 30 problems.
const sumTolerance = 0.02;
const labSampling = { temperature: 1.25, topK: 0, topP: 1, minP: 0, maxTokens: 256 } as const;
// A chain of small numbers, rare in training: samples at 1.25 disagree, so seeds show.
const spread: Prompt = { kind: "text", text: "Q: 37+48-19+5-88+61=? A:" };
const question: Prompt = { kind: "text", text: "Q: 30+444+273=? A:" };

function only(completions: readonly Completion[]): Completion {
  const [completion] = completions;
  if (completion === undefined || completions.length !== 1) throw new Error("expected one completion");
  return completion;
}

const sum = (tokens: readonly TokenLogprob[] | undefined) =>
  (tokens ?? []).reduce((total, token) => total + token.logprob, 0);

describe.skipIf(lookup.binary === undefined)(
  `the OpenAI-compatible backend against llama.cpp's llama-server${lookup.missing === undefined ? "" : ` (skipped: ${lookup.missing})`}`,
  () => {
    let server: LlamaServerProcess;
    let embedded: LlamaCppBackend;
    let backend: OpenAICompatibleBackend;
    const bodies: Record<string, unknown>[] = [];
    const counting: typeof fetch = async (input, init) => {
      // Generation requests only: the GET of the server's sampling defaults has no body.
      if (init?.body !== undefined) bodies.push(JSON.parse(String(init.body)) as Record<string, unknown>);
      return fetch(input, init);
    };
    const http = (options: { fetch?: typeof fetch } = {}) =>
      createOpenAICompatibleBackend({ baseUrl: server.baseUrl, model: "lab-large", ...options });

    beforeAll(async () => {
      server = await startLlamaServer({
        binary: lookup.binary as string,
        model: modelPath,
        alias: "lab-large",
        arguments: ["--chat-template", plainTemplate],
      });
      embedded = await createLlamaCppBackend({ model: modelPath, threads: 1, sequences: 4 });
      backend = http({ fetch: counting });
    }, 90_000);

    afterAll(async () => {
      await backend?.dispose();
      await embedded?.dispose();
      await server?.stop();
    });

    it("probes once: native n, log-probabilities with alternatives, chat and completions", async () => {
      const capabilities = await backend.capabilities();
      expect(capabilities).toMatchObject({
        n: true,
        // Its usage counts a request's prompt once whatever its n, unlike the embedded engine's.
        promptPerCompletion: false,
        logprobs: true,
        topLogprobs: true,
        seed: true,
        chat: true,
        completion: true,
        watchTokens: true,
      });
      expect(bodies).toHaveLength(1);
      expect(bodies[0]).toMatchObject({ n: 2, max_tokens: 1, logprobs: true, top_logprobs: 1 });
      // The server's silent truncation, read from its /props: top-k 40 and min-p 0.05 unless a request
      // says otherwise.
      expect(capabilities.samplingDefaults).toMatchObject({
        source: "llama.cpp GET /props",
        values: { top_k: 40, min_p: 0.05, top_p: 0.95 },
      });
    });

    it("writes the embedded backend's greedy solutions on the completions endpoint, logprobs within 0.02", async () => {
      for (const problem of labDataset("lab:mixed", { limit: 12 })) {
        const request: GenerationRequest = {
          prompt: problem.prompt as Prompt,
          temperature: 0,
          topLogprobs: 3,
        };
        const [served, local] = await Promise.all([backend.generate(request), embedded.generate(request)]);
        const [remote, own] = [only(served.completions), only(local.completions)];
        expect(remote.text).toBe(own.text);
        expect(remote.finishReason).toBe("stop");
        // llama.cpp lists the end-of-sequence token (text "") as a last token and counts it; the HTTP
        // backend sets it apart as endLogprob, as the embedded backend reports it, so the lists agree.
        const tokens = remote.tokens ?? [];
        expect(tokens.map((token) => token.token)).toEqual(own.tokens?.map((token) => token.token));
        expect(Math.abs(sum(tokens) - sum(own.tokens))).toBeLessThan(sumTolerance);
        expect(own.endLogprob).toBeLessThanOrEqual(0);
        expect(Math.abs((remote.endLogprob ?? Number.NaN) - (own.endLogprob ?? Number.NaN))).toBeLessThan(
          sumTolerance,
        );
        expect(remote.completionTokens).toBe((own.completionTokens ?? 0) + 1);
        expect(served.usage.promptTokens).toBe(local.usage.promptTokens);
        for (const token of tokens) {
          // Greedy: the sampled token is the first of three alternatives, most likely first.
          expect(token.topLogprobs).toHaveLength(3);
          expect(token.topLogprobs?.[0]).toEqual({
            token: token.token,
            logprob: token.logprob,
            id: expect.any(Number),
          });
          const logprobs = token.topLogprobs?.map((top) => top.logprob) ?? [];
          expect(logprobs).toEqual([...logprobs].sort((a, b) => b - a));
        }
      }
    });

    it("streams pieces as they come, and answers chat prompts and whole responses alike", async () => {
      const pieces: string[] = [];
      const streamed = only(
        (
          await backend.generate(
            { prompt: question, temperature: 0 },
            { onText: (text) => pieces.push(text) },
          )
        ).completions,
      );
      expect(streamed.text).toBe("\n30+444=474\n474+273=747\n#### 747");
      expect(pieces.length).toBeGreaterThan(10);
      expect(pieces.join("")).toBe(streamed.text);
      const whole = only(
        (await backend.unstreamed().generate({ prompt: question, temperature: 0 })).completions,
      );
      expect(whole.text).toBe(streamed.text);
      const chat = only(
        (
          await backend.generate({
            prompt: { kind: "chat", messages: [{ role: "user", content: question.text }] },
            temperature: 0,
          })
        ).completions,
      );
      expect(chat.text).toBe(streamed.text);
      // A partial solution continued: the stream carries the rest only.
      const continued = only(
        (
          await backend.generate({
            prompt: {
              kind: "chat",
              messages: [
                { role: "user", content: question.text },
                { role: "assistant", content: "\n30+444=474\n" },
              ],
              continueFinalMessage: true,
            },
            temperature: 0,
          })
        ).completions,
      );
      expect(continued.text).toBe("474+273=747\n#### 747");
    });

    it("reports sampled tokens' log-probabilities under the model itself, before temperature and top-k, as the embedded backend does", async () => {
      // What mass@N and the confidence strategies read: both backends give log p at temperature 1 over the
      // whole vocabulary (the scorer's numbers), not the probability the truncated, sharpened sampler drew with.
      const request: GenerationRequest = {
        prompt: spread,
        n: 3,
        seed: 5,
        logprobs: true,
        temperature: 0.6,
        topK: 5,
        topP: 1,
        minP: 0,
        maxTokens: 256,
      };
      const [served, local] = await Promise.all([backend.generate(request), embedded.generate(request)]);
      const sampled = [...served.completions, ...local.completions];
      expect(sampled).toHaveLength(6);
      let sharper = 0;
      for (const completion of sampled) {
        const tokens = completion.tokens ?? [];
        expect(tokens.at(-1)?.token).not.toBe("");
        const scored = await embedded.score({ prompt: spread, continuation: completion.text });
        expect(tokens.map((token) => token.token)).toEqual(scored.tokens.map((token) => token.token));
        expect(Math.abs(sum(tokens) - scored.logprob), completion.text).toBeLessThan(sumTolerance);
        // The sampler's own probability of a drawn token (T 0.6, top 5 renormalised) is well above the
        // model's wherever the model was unsure, so a sum this low tells the two apart.
        if (scored.logprob < -0.5) sharper += 1;
      }
      expect(sharper).toBeGreaterThan(0);
    });

    it("answers n in one request with choices seeded seed + index, as its fan-out seeds them", async () => {
      bodies.length = 0;
      const result = await backend.generate({
        prompt: spread,
        n: 4,
        seed: 11,
        logprobs: true,
        ...labSampling,
      });
      expect(bodies.map((body) => body.n)).toEqual([4]);
      const texts = result.completions.map((completion) => completion.text);
      expect(new Set(texts).size).toBeGreaterThan(1);
      // llama.cpp streams a usage per choice; all four are counted (the prompt once).
      // Each choice's count holds its end token, which its token list sets apart as endLogprob.
      const counted = result.completions.map((completion) => completion.completionTokens ?? 0);
      for (const completion of result.completions) {
        const ended = completion.endLogprob === undefined ? 0 : 1;
        expect(completion.completionTokens).toBe((completion.tokens?.length ?? 0) + ended);
      }
      expect(result.usage.completionTokens).toBe(counted.reduce((total, count) => total + count, 0));
      expect(result.usage.promptTokens).toBe(25);
      const whole = await backend
        .unstreamed()
        .generate({ prompt: spread, n: 4, seed: 11, logprobs: true, ...labSampling });
      expect(whole.completions.map((completion) => completion.text)).toEqual(texts);
      expect(whole.usage.completionTokens).toBe(result.usage.completionTokens);
      const singles = await Promise.all(
        [0, 1, 2, 3].map((index) => backend.generate({ prompt: spread, seed: 11 + index, ...labSampling })),
      );
      expect(singles.map((single) => only(single.completions).text)).toEqual(texts);
    });

    it("fans out n beyond its slots with the same seeds, and keeps smaller n in one request", async () => {
      const requests: Record<string, unknown>[] = [];
      const own = http({
        fetch: async (input, init) => {
          if (init?.body !== undefined)
            requests.push(JSON.parse(String(init.body)) as Record<string, unknown>);
          return fetch(input, init);
        },
      });
      try {
        await own.capabilities();
        const eight = await own.generate({ prompt: spread, n: 8, seed: 11, ...labSampling });
        // Refused ("Field 'n': Value must be between 1 <= value <= 4"), then one request per sample.
        expect(requests.map((body) => body.n ?? 1)).toEqual([2, 8, 1, 1, 1, 1, 1, 1, 1, 1]);
        expect(requests.slice(2).map((body) => body.seed)).toEqual([11, 12, 13, 14, 15, 16, 17, 18]);
        const four = await own.generate({ prompt: spread, n: 4, seed: 11, ...labSampling });
        expect(requests.at(-1)?.n).toBe(4);
        expect(four.completions.map((completion) => completion.text)).toEqual(
          eight.completions.slice(0, 4).map((completion) => completion.text),
        );
        expect((await own.capabilities()).n).toBe(false);
      } finally {
        await own.dispose();
      }
    });

    it("reproduces a seeded sample, and ends before a stop string as the embedded backend does", async () => {
      const [first, second] = await Promise.all([
        backend.generate({ prompt: spread, seed: 5, ...labSampling }),
        backend.generate({ prompt: spread, seed: 5, ...labSampling }),
      ]);
      expect(only(second.completions).text).toBe(only(first.completions).text);
      const request: GenerationRequest = { prompt: question, temperature: 0, stop: ["474+"], logprobs: true };
      const [remote, local] = await Promise.all([backend.generate(request), embedded.generate(request)]);
      expect(only(remote.completions).text).toBe("\n30+444=474\n");
      expect(only(remote.completions).text).toBe(only(local.completions).text);
      expect(only(remote.completions).finishReason).toBe("stop");
      // The tokens' texts are the pieces llama.cpp released: held-back tokens come as "", and still add up.
      expect(
        only(remote.completions)
          .tokens?.map((token) => token.token)
          .join(""),
      ).toBe("\n30+444=474\n");
    });

    it("lets a token watcher cut a streamed completion, and counts the tokens up to the cut", async () => {
      const heard: string[] = [];
      // Stop at the end of the first step: the second "\n" of the solution.
      const watch = (_index: number, token: TokenLogprob) => {
        heard.push(token.token);
        return token.token === "\n" && heard.length > 1 ? "stop" : "continue";
      };
      const result = await backend.generate({ prompt: question, temperature: 0, logprobs: true }, { watch });
      const cut = only(result.completions);
      expect(cut.text).toBe("\n30+444=474\n");
      expect(cut.finishReason).toBe("cut");
      expect(heard.join("")).toBe(cut.text);
      expect(cut.completionTokens).toBe(12);
      expect(result.usage.completionTokens).toBe(12);
      // Each choice of n streams on its own: one is cut, the others run to their end.
      const several = await backend.generate(
        { prompt: spread, n: 3, seed: 11, ...labSampling },
        { watch: (index, token) => (index === 1 && token.token === "=" ? "stop" : "continue") },
      );
      expect(several.completions.map((completion) => completion.finishReason)).toEqual([
        "stop",
        "cut",
        "stop",
      ]);
      expect(several.completions[1]?.text).toBe("\n37+48=");
      // The server is free again: a plain request still answers.
      expect(only((await backend.generate({ prompt: question, temperature: 0 })).completions).text).toBe(
        "\n30+444=474\n474+273=747\n#### 747",
      );
    });

    it("serves one request through mull serve, which gives the lab model the lab's prompt", async () => {
      const serve = await startMullServe(["--base-url", server.baseUrl, "--model", "lab-large"]);
      try {
        const response = await fetch(`${serve.url}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            model: "lab-large",
            messages: [{ role: "user", content: "30+444+273=?" }],
            temperature: 0,
          }),
        });
        const body = (await response.json()) as {
          choices: { message: { content: string } }[];
          usage: { completion_tokens: number };
        };
        expect(response.status, JSON.stringify(body)).toBe(200);
        expect(body.choices[0]?.message.content).toBe("\n30+444=474\n474+273=747\n#### 747");
        expect(body.usage.completion_tokens).toBe(33);
      } finally {
        await serve.stop();
      }
    });

    it("benches 30 lab problems over HTTP to accuracies within the embedded run's 95% bootstrap interval", async () => {
      const scratch = await mkdtemp(path.join(tmpdir(), "mull-llama-server-bench-"));
      try {
        const flags = ["--dataset", "lab:mixed", "--limit", "30", "--strategies", "greedy,sc@4"];
        const [overHttp, local] = await Promise.all([
          benchAccuracy([
            ...flags,
            "--base-url",
            server.baseUrl,
            "--model",
            "lab-large",
            "--out",
            path.join(scratch, "http"),
          ]),
          benchAccuracy([
            ...flags,
            "--model",
            "lab-large",
            "--threads",
            "1",
            "--out",
            path.join(scratch, "embedded"),
          ]),
        ]);
        const [httpGreedy, httpVotes] = overHttp;
        const [localGreedy] = local;
        // Greedy decoding is deterministic on both sides: only a near tie broken by float rounding could
        // flip a problem (none did in our runs), so one problem in 30 is the tolerance.
        expect(Math.abs((httpGreedy?.correct ?? -9) - (localGreedy?.correct ?? 9))).toBeLessThanOrEqual(1);
        // Each HTTP accuracy lies within the 95% bootstrap interval of the embedded run's per-problem
        // outcomes (sc@4 samples differ between the backends: each seeds its sampler its own way).
        const embeddedRun = await loadRun(path.join(scratch, "embedded"));
        for (const served of overHttp) {
          const outcomes = embeddedRun.results
            .filter((result) => result.strategy === served.strategy)
            .map((result) => result.correct);
          expect(outcomes).toHaveLength(30);
          const interval = bootstrapAccuracy(outcomes, { rng: seededRng(embeddedRun.manifest.seed) });
          const said = `${served.strategy}: ${served.accuracy} over HTTP, embedded ${interval.accuracy} [${interval.lower}, ${interval.upper}]`;
          expect(served.accuracy, said).toBeGreaterThanOrEqual(interval.lower);
          expect(served.accuracy, said).toBeLessThanOrEqual(interval.upper);
        }
        // One request per problem (n = 4 within the server's slots), counting all four samples' tokens.
        expect(httpVotes?.calls).toBe(30);
        expect(httpVotes?.tokens.completion).toBeGreaterThan(3.5 * (httpGreedy?.tokens.completion ?? 0));
        // The run's manifest records the server's own sampling defaults beside the run's sampling.
        const manifest = JSON.parse(await readFile(path.join(scratch, "http", "manifest.json"), "utf8")) as {
          capabilities?: { samplingDefaults?: { values: Record<string, unknown> } };
        };
        expect(manifest.capabilities?.samplingDefaults?.values).toMatchObject({ top_k: 40, min_p: 0.05 });
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
    }, 120_000);
  },
);

describe.skipIf(lookup.binary === undefined)(
  `a lab model served as a user serves it: llama-server without --alias or --chat-template${lookup.missing === undefined ? "" : ` (skipped: ${lookup.missing})`}`,
  () => {
    let server: LlamaServerProcess;

    beforeAll(async () => {
      server = await startLlamaServer({ binary: lookup.binary as string, model: modelPath });
    }, 90_000);

    afterAll(async () => {
      await server?.stop();
    });

    it("is named by its file's path, and read as the lab by mull solve and mull serve", async () => {
      // llama-server names a model without --alias by the path it was given.
      const listed = (await (await fetch(`${server.baseUrl}/models`)).json()) as { data: { id: string }[] };
      expect(listed.data.map((model) => model.id)).toEqual([modelPath]);
      // No --model: mull takes the first listed model, recognises lab-large.gguf, and sends the lab prompt to
      // the completions endpoint (the server's own chat template would garble it).
      const solved = await runMull([
        "solve",
        "412+307-95=?",
        "--base-url",
        server.baseUrl,
        "--strategy",
        "greedy",
      ]);
      expect(solved.trim()).toBe("624");
      const serve = await startMullServe(["--base-url", server.baseUrl]);
      try {
        const models = (await (await fetch(`${serve.url}/v1/models`)).json()) as { data: { id: string }[] };
        expect(models.data.map((model) => model.id)).toContain(modelPath);
        const response = await fetch(`${serve.url}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            model: modelPath,
            messages: [{ role: "user", content: "412+307-95=?" }],
            temperature: 0,
          }),
        });
        const body = (await response.json()) as { choices: { message: { content: string } }[] };
        expect(response.status, JSON.stringify(body)).toBe(200);
        expect(body.choices[0]?.message.content).toBe("\n412+307=719\n719-95=624\n#### 624");
      } finally {
        await serve.stop();
      }
    }, 120_000);
  },
);
