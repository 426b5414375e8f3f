/**
 * Time to first answer token against total time for streamed strategy requests through `mull serve`, in
 * one process over loopback: the fake OpenAI upstream streams each sample's tokens at a fixed pace
 * (`--token-ms` per token after `--first-token-ms`), samples of 20 to 60 tokens (by seed), answering 42
 * except every fifth seed (41). For each strategy (`--strategies`, default `sc@8,sc@16,asc@16,pasc@16`) it sends
 * `--rounds` streamed requests, one at a time, and times from the request's start:
 *
 * - first byte: the response's first body bytes (headers and the first `: keep-alive` comment);
 * - first progress: the first `mull.progress` chunk (a sample finished);
 * - last progress: the last one (the sample that decided the vote, for an adaptive strategy);
 * - first answer token: the first `delta.content` piece of the chosen answer;
 * - total: `data: [DONE]`.
 *
 * It prints the medians and the ratios of each to the total, and the gap between the last progress event
 * and the first answer token (what the run did between deciding and answering: cutting the samples still
 * running, voting).
 *
 *   npm run bench:streaming [-- --rounds 5 --token-ms 15 --first-token-ms 100 --json]
 *   npm run bench:streaming -- --help     # the options
 *
 * A bad flag (an unknown one, `--rounds 0`, a strategy spec the server cannot run) is a message naming it,
 * exit code 2; a request the server answers with an error status ends the run with its message, exit code 1.
 */
import { assembleServer, listenServer, parseServerConfig } from "mull/server";
import { type FakeOpenAIRequest, type FakeOpenAIServer, startFakeOpenAIServer } from "mull/testing";
import { pino } from "pino";
import { ConfigError, MullError } from "../src/errors/index.ts";
import { parseStreamingOptions, type StreamingOptions, streamingUsage } from "./streaming-options.ts";

/** A sample of 20 to 60 word tokens ending in its answer, both chosen by the seed. */
function sampleFor(request: FakeOpenAIRequest, options: StreamingOptions) {
  const seed = typeof request.body?.seed === "number" ? request.body.seed : 0;
  const words = 20 + ((seed * 7919) % 41);
  const answer = seed % 5 === 0 ? "41" : "42";
  const text = `${Array.from({ length: words - 2 }, (_, index) => `step${index}`).join(" ")}\n#### ${answer}`;
  return {
    choices: [text],
    delivery: {
      headerDelayMilliseconds: options.firstTokenMilliseconds,
      tokenDelayMilliseconds: options.tokenMilliseconds,
    },
  };
}

const key = "sk-bench-streaming";

interface Timing {
  readonly firstByte: number;
  readonly firstProgress: number;
  readonly lastProgress: number;
  readonly firstAnswer: number;
  readonly total: number;
  readonly samples: number;
  readonly aborted: number;
}

/** The error message of a response with an error status: the OpenAI-shaped body's, else the body itself. */
async function errorMessage(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const message = (JSON.parse(text) as { error?: { message?: unknown } }).error?.message;
    if (typeof message === "string") return message;
  } catch {
    // Not JSON: the text itself says what went wrong.
  }
  return text.trim() === "" ? "(no body)" : text.trim();
}

/**
 * Times one streamed request.
 *
 * @throws MullError with the server's message when it answers with an error status: such an answer is
 *   not a timing.
 */
async function timeOne(url: string, fake: FakeOpenAIServer, strategy: string, seed: number): Promise<Timing> {
  const abortedBefore = fake.generations.abortedByClient;
  const start = performance.now();
  const model = `${strategy}:fake-model`;
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({
      model,
      messages: [{ role: "user", content: "What is 6 times 7?" }],
      temperature: 0.7,
      seed,
      stream: true,
    }),
  });
  if (!response.ok || response.body === null) {
    throw new MullError(
      `the server answered ${model} with status ${response.status}: ${await errorMessage(response)}`,
    );
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let firstByte: number | undefined;
  let firstProgress: number | undefined;
  let lastProgress: number | undefined;
  let firstAnswer: number | undefined;
  let samples = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    const now = performance.now() - start;
    firstByte ??= now;
    buffer += decoder.decode(value, { stream: true });
    const events = buffer.split("\n\n");
    buffer = events.pop() ?? "";
    for (const event of events) {
      if (!event.startsWith("data: {")) continue;
      const chunk = JSON.parse(event.slice(6));
      if (chunk.error !== undefined) {
        throw new MullError(`the server failed ${model} mid-stream: ${chunk.error.message ?? event}`);
      }
      if (chunk.mull?.progress !== undefined) {
        firstProgress ??= now;
        lastProgress = now;
        samples = chunk.mull.progress.samples_done;
      }
      if (chunk.choices?.[0]?.delta?.content) firstAnswer ??= now;
    }
  }
  const total = performance.now() - start;
  // Cut samples close on their side a moment later.
  await new Promise((resolve) => setTimeout(resolve, 100));
  return {
    firstByte: firstByte ?? total,
    firstProgress: firstProgress ?? total,
    lastProgress: lastProgress ?? total,
    firstAnswer: firstAnswer ?? total,
    total,
    samples,
    aborted: fake.generations.abortedByClient - abortedBefore,
  };
}

const median = (numbers: readonly number[]) => {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** Starts the fake upstream and the server, times every strategy, and stops them again. */
async function measure(options: StreamingOptions): Promise<Record<string, Record<string, number>>> {
  const fake = await startFakeOpenAIServer({
    handler: (request) => (request.body?.max_tokens === 1 ? "ok" : sampleFor(request, options)),
  });
  try {
    const config = parseServerConfig({
      server: { keepAliveMilliseconds: 1_000 },
      upstreams: [
        {
          name: "fake",
          baseUrl: fake.url,
          models: ["fake-model"],
          allowedNetworks: ["127.0.0.1/32"],
          scorer: "none",
        },
      ],
    });
    const assembled = await assembleServer(config, { apiKeys: [key], logger: pino({ level: "silent" }) });
    try {
      const running = await listenServer(assembled.server, { host: "127.0.0.1", port: 0 });
      try {
        const results: Record<string, Record<string, number>> = {};
        for (const strategy of options.strategies) {
          const timings: Timing[] = [];
          for (let round = 0; round < options.rounds; round += 1) {
            timings.push(await timeOne(running.url, fake, strategy, 1 + round * 101));
          }
          const of = (field: keyof Timing) => median(timings.map((timing) => timing[field]));
          const total = of("total");
          results[strategy] = {
            firstByteMs: of("firstByte"),
            firstProgressMs: of("firstProgress"),
            lastProgressMs: of("lastProgress"),
            firstAnswerMs: of("firstAnswer"),
            totalMs: total,
            decisionToAnswerMs: median(timings.map((timing) => timing.firstAnswer - timing.lastProgress)),
            firstByteShare: of("firstByte") / total,
            firstProgressShare: of("firstProgress") / total,
            firstAnswerShare: of("firstAnswer") / total,
            samplesDone: of("samples"),
            upstreamAborted: of("aborted"),
          };
        }
        return results;
      } finally {
        await running.shutdown(1_000);
      }
    } finally {
      await assembled.dispose();
    }
  } finally {
    await fake.close();
  }
}

function print(options: StreamingOptions, results: Record<string, Record<string, number>>): void {
  const { rounds, tokenMilliseconds, firstTokenMilliseconds } = options;
  if (options.json) {
    console.log(JSON.stringify({ rounds, tokenMilliseconds, firstTokenMilliseconds, results }, null, 2));
    return;
  }
  console.log(
    `streamed strategy requests, medians of ${rounds} rounds; upstream ${firstTokenMilliseconds} ms to first token, ${tokenMilliseconds} ms per token, 20-60 tokens a sample`,
  );
  const ms = (value: number | undefined) => `${(value ?? 0).toFixed(0)} ms`;
  const share = (value: number | undefined) => (value ?? 0).toFixed(3);
  for (const [strategy, row] of Object.entries(results)) {
    console.log(
      `${strategy.padEnd(9)} first byte ${ms(row.firstByteMs)} (${share(row.firstByteShare)}) · first progress ${ms(row.firstProgressMs)} (${share(row.firstProgressShare)}) · first answer token ${ms(row.firstAnswerMs)} (${share(row.firstAnswerShare)}) · total ${ms(row.totalMs)} · decision→answer ${ms(row.decisionToAnswerMs)} · samples done ${row.samplesDone} · upstream aborted ${row.upstreamAborted}`,
    );
  }
}

/**
 * Runs the benchmark: exit code 0, 2 after a message naming a bad flag, 1 after a request the server
 * refused (its message printed), never a stack trace for either.
 */
async function main(argv: readonly string[]): Promise<number> {
  try {
    const options = parseStreamingOptions(argv);
    if (options === undefined) {
      process.stdout.write(streamingUsage);
      return 0;
    }
    print(options, await measure(options));
    return 0;
  } catch (error) {
    if (ConfigError.isInstance(error)) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    if (!MullError.isInstance(error)) throw error;
    process.stderr.write(`bench:streaming: ${error.message}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
