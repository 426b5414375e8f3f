/**
 * Overhead of `mull serve` over calling its upstream directly, on loopback, in three processes: the fake
 * OpenAI upstream, the proxy (the real `mull serve` command) and this load generator.
 *
 * 1. n = 1, sequential: interleaved rounds (direct, proxy, direct, …), the median of round medians
 *    (cuihuan's method), plus p50/p99 over every request;
 * 2. n = 1 at 1 and 100 concurrent connections for `--duration` seconds each: p50/p99, direct and
 *    through the proxy (a closed loop timed with `performance.now()`, since autocannon's histogram
 *    counts whole milliseconds), and autocannon's requests/s and non-2xx at 100 connections;
 * 3. fan-out: `sc@16` (16 upstream samples per request, the fake answering in 50 ± 10 ms) at 1 and
 *    `--fanout-clients` concurrent clients: latency, and latency minus the slowest of the request's 16
 *    upstream calls; client and upstream requests/s;
 * 4. open streams: `--streams` SSE streams held for `--stream-seconds` while the upstream works: how many
 *    completed, and the proxy's event-loop delay;
 * 5. overload: twice `--overload-limit` connections against a proxy whose in-flight limit it is: the share
 *    refused with 429 and how fast;
 * 6. the proxy's resident memory before and after;
 * 7. soak (only when `--phases` names it): requests paced at half the proxy's measured capacity for
 *    `--soak-seconds`, the proxy's resident memory sampled every `--soak-sample-seconds`: its drift after
 *    the first fifth (the warm-up), failures, latency, and unhandled rejections in the proxy's log.
 *
 * Phase 2 also runs with streamed requests (`stream: true`, SSE back to the client). `--phases` picks the
 * phases to run (default all but soak): sequential, concurrent, autocannon, fanout, streams, overload, soak.
 *
 *   npm run bench:server [-- --duration 10 --rounds 7 --round-size 25 --fanout-clients 50 --json]
 *   npm run bench:server -- --duration 5 --phases sequential,concurrent
 *   npm run bench:server -- --phases soak --soak-seconds 1800
 *   npm run bench:server -- --help     # the options
 *
 * A bad flag (an unknown one or an unknown phase, `--rounds 0`, `--duration abc`) is a message naming it,
 * exit code 2, before any process starts. Every figure is relative to a baseline measured in the same run; other processes may share the cores.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { Agent, createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
// @ts-expect-error autocannon ships no type declarations; the one call below is typed by `Cannon`.
import autocannonUntyped from "autocannon";
import { optionsOrExitCode } from "../src/runtime/index.ts";
import {
  parseServerBenchOptions,
  type ServerBenchOptions,
  serverBenchMaxInFlight,
  serverBenchMaxSamples,
  serverBenchUsage,
} from "./server-options.ts";

const answer = "The answer is 42.\n#### 42";

/** The part of autocannon's API used here. */
type Cannon = (options: {
  url: string;
  method: string;
  connections: number;
  duration: number;
  headers: Record<string, string>;
  body: string;
}) => Promise<{ requests: { average: number }; latency: { p99: number }; non2xx: number; errors: number }>;
const autocannon = autocannonUntyped as Cannon;

// ---------------------------------------------------------------------------------------------------
// Child role: the fake upstream, with a stats endpoint recording the delay given to each fan-out call.

async function runFake(): Promise<void> {
  const { startFakeOpenAIServer } = await import("../src/testing/fake-openai-server.ts");
  const delays = new Map<string, number[]>();
  let upstreamRequests = 0;
  const fake = await startFakeOpenAIServer({
    handler: (request) => {
      upstreamRequests += 1;
      const choices = Array.from({ length: request.n }, () => answer);
      if (request.prompt.startsWith("slow")) return { choices, delivery: { headerDelayMilliseconds: 100 } };
      if (request.prompt.startsWith("hold")) {
        return { choices, delivery: { headerDelayMilliseconds: Number(request.prompt.split(" ")[1]) } };
      }
      if (!request.prompt.startsWith("fanout")) return { choices };
      const delay = 40 + Math.random() * 20;
      const list = delays.get(request.prompt) ?? [];
      list.push(delay);
      delays.set(request.prompt, list);
      return { choices, delivery: { headerDelayMilliseconds: delay } };
    },
  });
  // The fake keeps every request it saw; a long benchmark must not grow it without bound.
  const trim = setInterval(() => {
    const requests = fake.requests as unknown as unknown[];
    if (requests.length > 10_000) requests.splice(0, requests.length);
  }, 1_000);
  const stats = createServer((incoming, response) => {
    if (incoming.method === "POST") {
      delays.clear();
      upstreamRequests = 0;
      response.end("{}");
      return;
    }
    const slowest: Record<string, number> = {};
    for (const [prompt, list] of delays) slowest[prompt] = Math.max(...list);
    response.setHeader("content-type", "application/json");
    response.end(JSON.stringify({ upstreamRequests, slowest }));
  });
  await new Promise<void>((resolve) => stats.listen(0, "127.0.0.1", resolve));
  process.stdout.write(
    `${JSON.stringify({ url: fake.url, stats: `http://127.0.0.1:${(stats.address() as AddressInfo).port}` })}\n`,
  );
  process.once("SIGTERM", () => {
    clearInterval(trim);
    stats.close();
    fake.close().finally(() => process.exit(0));
  });
}

async function runProxy(configFile: string): Promise<void> {
  const { serveCommand } = await import("../src/cli/commands/serve.ts");
  await serveCommand().parseAsync(["--config", configFile], { from: "user" });
}

// ---------------------------------------------------------------------------------------------------
// The load generator.

interface Child {
  readonly process: ChildProcess;
  readonly output: () => string;
}

function startChild(args: readonly string[], outputStream: "stdout" | "stderr"): Child {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), ...args], {
    stdio: [
      "ignore",
      outputStream === "stdout" ? "pipe" : "inherit",
      outputStream === "stderr" ? "pipe" : "inherit",
    ],
  });
  let text = "";
  child[outputStream]?.on("data", (part) => {
    text += String(part);
  });
  return { process: child, output: () => text };
}

async function waitForOutput(child: Child, pattern: RegExp): Promise<RegExpExecArray> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const match = pattern.exec(child.output());
    if (match !== null) return match;
    if (child.process.exitCode !== null || Date.now() > deadline) {
      throw new Error(`a benchmark process did not start: ${child.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface LoopResult {
  /** Latency of every successful request, in milliseconds. */
  readonly latencies: number[];
  /** Latencies of requests answered with other statuses, by status. */
  readonly others: Map<number, number[]>;
  readonly failures: number;
  readonly seconds: number;
  /** Prompts of the requests, in the order of `latencies`. */
  readonly prompts: string[];
}

/** One POST over a keep-alive agent; resolves with the status once the whole body was read. */
function post(agent: Agent, url: URL, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      url,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (incoming) => {
        incoming.on("data", () => undefined);
        incoming.on("end", () => resolve(incoming.statusCode ?? 0));
        incoming.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

/** A closed loop: `concurrency` workers send requests back to back until `count` or `seconds` is reached. */
async function closedLoop(options: {
  url: string;
  body: (prompt: string) => string;
  prompt: (index: number) => string;
  concurrency: number;
  seconds?: number;
  count?: number;
}): Promise<LoopResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const url = new URL(options.url);
  const latencies: number[] = [];
  const prompts: string[] = [];
  const others = new Map<number, number[]>();
  let failures = 0;
  let issued = 0;
  const started = performance.now();
  const deadline =
    options.seconds === undefined ? Number.POSITIVE_INFINITY : started + options.seconds * 1000;
  const limit = options.count ?? Number.POSITIVE_INFINITY;
  const worker = async () => {
    while (issued < limit && performance.now() < deadline) {
      const prompt = options.prompt(issued);
      issued += 1;
      const begin = performance.now();
      try {
        const status = await post(agent, url, options.body(prompt));
        if (status === 200) {
          latencies.push(performance.now() - begin);
          prompts.push(prompt);
        } else {
          failures += 1;
          others.set(status, [...(others.get(status) ?? []), performance.now() - begin]);
        }
      } catch {
        failures += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  agent.destroy();
  return { latencies, others, failures, seconds: (performance.now() - started) / 1000, prompts };
}

/**
 * An open loop: requests sent at `rate` per second for `seconds` whatever the answers' pace (up to 1,024
 * outstanding), with `sample` called every `sampleSeconds`.
 */
async function pacedLoop(options: {
  url: string;
  body: string;
  rate: number;
  seconds: number;
  sampleSeconds: number;
  sample: (elapsedSeconds: number) => Promise<void>;
}): Promise<LoopResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1_024 });
  const url = new URL(options.url);
  const latencies: number[] = [];
  const others = new Map<number, number[]>();
  const pending = new Set<Promise<void>>();
  let failures = 0;
  let issued = 0;
  let nextSample = options.sampleSeconds;
  const started = performance.now();
  for (;;) {
    const elapsed = (performance.now() - started) / 1000;
    if (elapsed >= options.seconds) break;
    while (issued < Math.floor(elapsed * options.rate) && pending.size < 1_024) {
      issued += 1;
      const begin = performance.now();
      const request = post(agent, url, options.body)
        .then((status) => {
          if (status === 200) latencies.push(performance.now() - begin);
          else {
            failures += 1;
            others.set(status, [...(others.get(status) ?? []), performance.now() - begin]);
          }
        })
        .catch(() => {
          failures += 1;
        })
        .finally(() => pending.delete(request));
      pending.add(request);
    }
    if (elapsed >= nextSample) {
      nextSample += options.sampleSeconds;
      await options.sample(elapsed);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await Promise.all(pending);
  agent.destroy();
  return { latencies, others, failures, seconds: (performance.now() - started) / 1000, prompts: [] };
}

function percentile(values: readonly number[], fraction: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] as number;
}

const median = (values: readonly number[]) => percentile(values, 0.5);

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN elsewhere. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    // utime and stime are fields 14 and 15 of the whole line, in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** Runs `work` and returns its result with the CPU milliseconds per request it cost each process. */
async function withCpu<T extends { latencies: readonly number[] }>(
  pids: { proxy: number | undefined; fake: number | undefined },
  work: () => Promise<T>,
): Promise<T & { proxyCpuMsPerRequest: number; fakeCpuMsPerRequest: number }> {
  const proxyBefore = cpuSeconds(pids.proxy);
  const fakeBefore = cpuSeconds(pids.fake);
  const result = await work();
  const requests = Math.max(1, result.latencies.length);
  return {
    ...result,
    proxyCpuMsPerRequest: round3(((cpuSeconds(pids.proxy) - proxyBefore) * 1000) / requests),
    fakeCpuMsPerRequest: round3(((cpuSeconds(pids.fake) - fakeBefore) * 1000) / requests),
  };
}
const round3 = (value: number) => Math.round(value * 1000) / 1000;

/** Opens `count` streamed requests at once and reads each to its end. */
async function openStreams(url: string, count: number, body: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: count });
  let completed = 0;
  let dropped = 0;
  let keepAlives = 0;
  await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((resolve) => {
          const outgoing = httpRequest(
            new URL(url),
            { method: "POST", agent, headers: { "content-type": "application/json" } },
            (incoming) => {
              let text = "";
              incoming.on("data", (part) => {
                text += String(part);
              });
              incoming.on("end", () => {
                keepAlives += text.split(": keep-alive").length - 1;
                if (incoming.statusCode === 200 && text.endsWith("data: [DONE]\n\n")) completed += 1;
                else dropped += 1;
                resolve();
              });
              incoming.on("error", () => {
                dropped += 1;
                resolve();
              });
            },
          );
          outgoing.on("error", () => {
            dropped += 1;
            resolve();
          });
          outgoing.end(body);
        }),
    ),
  );
  agent.destroy();
  return { completed, dropped, keepAlives };
}

async function eventLoopDelay(proxyUrl: string): Promise<{ p99Ms: number; maxMs: number }> {
  const text = await (await fetch(`${proxyUrl}/metrics`)).text();
  const read = (quantile: string) =>
    Number(new RegExp(`mull_event_loop_delay_seconds\\{quantile="${quantile}"\\} (\\S+)`).exec(text)?.[1]) *
    1000;
  return { p99Ms: round3(read("0.99")), maxMs: round3(read("1")) };
}

async function startProxy(directory: string, name: string, upstreamUrl: string, maxInFlight: number) {
  const configFile = path.join(directory, `${name}.json`);
  await writeFile(
    configFile,
    JSON.stringify({
      server: { port: 0, logLevel: "warn", maxInFlight, keepAliveMilliseconds: 1_000 },
      limits: { maxSamples: serverBenchMaxSamples },
      upstreams: [
        {
          name: "fake",
          baseUrl: upstreamUrl,
          models: ["fake-model"],
          allowedNetworks: ["127.0.0.1/32"],
          concurrency: 4096,
          scorer: "none",
        },
      ],
    }),
  );
  const child = startChild(["--role", "proxy", "--config", configFile], "stderr");
  const url = (await waitForOutput(child, /listening on (http:\/\/\S+)/))[1] as string;
  return { child, url };
}

async function rssBytes(proxyUrl: string): Promise<number> {
  return (await memoryBytes(proxyUrl)).rss;
}

/** The proxy's resident memory and V8 heap in use (garbage not yet collected included), from /metrics. */
async function memoryBytes(proxyUrl: string): Promise<{ rss: number; heap: number }> {
  const text = await (await fetch(`${proxyUrl}/metrics`)).text();
  const read = (name: string) => Number(new RegExp(`${name} (\\d+)`).exec(text)?.[1] ?? Number.NaN);
  return { rss: read("mull_process_resident_memory_bytes"), heap: read("mull_process_heap_used_bytes") };
}

async function main(options: ServerBenchOptions): Promise<void> {
  const { phases, duration, rounds, roundSize, fanoutClients, fanoutN } = options;
  const log = (line: string) => {
    if (!options.json) process.stderr.write(`${line}\n`);
  };

  const fake = startChild(["--role", "fake"], "stdout");
  let proxy: Child | undefined;
  const directory = await mkdtemp(path.join(os.tmpdir(), "mull-bench-server-"));
  try {
    const endpoints = JSON.parse((await waitForOutput(fake, /^\{.*\}$/m))[0]) as {
      url: string;
      stats: string;
    };
    const started = await startProxy(directory, "proxy", endpoints.url, serverBenchMaxInFlight);
    proxy = started.child;
    const proxyUrl = started.url;
    const directChat = `${endpoints.url}/chat/completions`;
    const proxyChat = `${proxyUrl}/v1/chat/completions`;
    const body =
      (model: string, extra: Record<string, unknown> = {}) =>
      (prompt: string) =>
        JSON.stringify({ model, messages: [{ role: "user", content: prompt }], max_tokens: 16, ...extra });
    const plain = body("fake-model");

    const pids = { proxy: proxy.process.pid, fake: fake.process.pid };
    const rssBefore = await rssBytes(proxyUrl);
    log(
      `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "unknown"}), load ${os
        .loadavg()
        .map((value) => value.toFixed(2))
        .join(" ")}; node ${process.version}`,
    );
    log("warming up…");
    await closedLoop({ url: directChat, body: plain, prompt: () => "ping", concurrency: 4, count: 500 });
    await closedLoop({ url: proxyChat, body: plain, prompt: () => "ping", concurrency: 4, count: 500 });

    // 1. Sequential, interleaved rounds.
    const sequential = phases.has("sequential") ? await runSequential() : undefined;
    async function runSequential() {
      const directRounds: number[] = [];
      const proxyRounds: number[] = [];
      const directAll: number[] = [];
      const proxyAll: number[] = [];
      const sequentialCpuBefore = cpuSeconds(pids.proxy);
      for (let round = 0; round < rounds; round += 1) {
        const direct = await closedLoop({
          url: directChat,
          body: plain,
          prompt: () => "ping",
          concurrency: 1,
          count: roundSize,
        });
        const through = await closedLoop({
          url: proxyChat,
          body: plain,
          prompt: () => "ping",
          concurrency: 1,
          count: roundSize,
        });
        directRounds.push(median(direct.latencies));
        proxyRounds.push(median(through.latencies));
        directAll.push(...direct.latencies);
        proxyAll.push(...through.latencies);
      }
      const result = {
        rounds,
        roundSize,
        directMedianOfMediansMs: round3(median(directRounds)),
        proxyMedianOfMediansMs: round3(median(proxyRounds)),
        addedMedianOfMediansMs: round3(median(proxyRounds) - median(directRounds)),
        addedP99Ms: round3(percentile(proxyAll, 0.99) - percentile(directAll, 0.99)),
        proxyCpuMsPerRequest: round3(
          ((cpuSeconds(pids.proxy) - sequentialCpuBefore) * 1000) / proxyAll.length,
        ),
      };
      log(
        `sequential n=1: added ${result.addedMedianOfMediansMs} ms (median of ${rounds} round medians; direct ${result.directMedianOfMediansMs} ms); p99 added ${result.addedP99Ms} ms; proxy CPU ${result.proxyCpuMsPerRequest} ms/request`,
      );
      return result;
    }

    // 2. n = 1 at 1 and 100 connections, plain and streamed (SSE from the fake directly, too).
    const concurrent: Record<string, unknown>[] = [];
    const streamed = body("fake-model", { stream: true });
    const concurrentRuns = phases.has("concurrent")
      ? [false, true].flatMap((stream) => [1, 100].map((connections) => ({ stream, connections })))
      : [];
    for (const { stream, connections } of concurrentRuns) {
      const direct = await withCpu(pids, () =>
        closedLoop({
          url: directChat,
          body: stream ? streamed : plain,
          prompt: () => "ping",
          concurrency: connections,
          seconds: duration,
        }),
      );
      const through = await withCpu(pids, () =>
        closedLoop({
          url: proxyChat,
          body: stream ? streamed : plain,
          prompt: () => "ping",
          concurrency: connections,
          seconds: duration,
        }),
      );
      const row = {
        stream,
        connections,
        directP50Ms: round3(percentile(direct.latencies, 0.5)),
        directP99Ms: round3(percentile(direct.latencies, 0.99)),
        proxyP50Ms: round3(percentile(through.latencies, 0.5)),
        proxyP99Ms: round3(percentile(through.latencies, 0.99)),
        addedP50Ms: round3(percentile(through.latencies, 0.5) - percentile(direct.latencies, 0.5)),
        addedP99Ms: round3(percentile(through.latencies, 0.99) - percentile(direct.latencies, 0.99)),
        directRps: Math.round(direct.latencies.length / direct.seconds),
        proxyRps: Math.round(through.latencies.length / through.seconds),
        failures: direct.failures + through.failures,
        proxyCpuMsPerRequest: through.proxyCpuMsPerRequest,
        fakeCpuMsPerRequestDirect: direct.fakeCpuMsPerRequest,
        fakeCpuMsPerRequestThroughProxy: through.fakeCpuMsPerRequest,
      };
      concurrent.push(row);
      log(
        `n=1${stream ? " streamed" : ""}, ${connections} connections: added p50 ${row.addedP50Ms} ms, p99 ${row.addedP99Ms} ms (direct ${row.directP50Ms}/${row.directP99Ms}, proxy ${row.proxyP50Ms}/${row.proxyP99Ms}); ${row.directRps} vs ${row.proxyRps} req/s; ${row.failures} failures; proxy CPU ${row.proxyCpuMsPerRequest} ms/request (fake ${row.fakeCpuMsPerRequestDirect} direct, ${row.fakeCpuMsPerRequestThroughProxy} through the proxy)`,
      );
    }

    // autocannon at 100 connections (whole-millisecond latencies): throughput and non-2xx.
    const cannon = async (url: string) => {
      const result = await autocannon({
        url,
        method: "POST",
        connections: 100,
        duration,
        headers: { "content-type": "application/json" },
        body: plain("ping"),
      });
      return {
        rps: Math.round(result.requests.average),
        p99Ms: result.latency.p99,
        non2xx: result.non2xx,
        errors: result.errors,
      };
    };
    let autocannonResult: Record<string, unknown> | undefined;
    if (phases.has("autocannon")) {
      const autocannonDirect = await cannon(directChat);
      const autocannonProxy = await cannon(proxyChat);
      autocannonResult = {
        connections: 100,
        seconds: duration,
        direct: autocannonDirect,
        proxy: autocannonProxy,
      };
      log(
        `autocannon, 100 connections: direct ${autocannonDirect.rps} req/s (p99 ${autocannonDirect.p99Ms} ms), proxy ${autocannonProxy.rps} req/s (p99 ${autocannonProxy.p99Ms} ms, ${autocannonProxy.non2xx} non-2xx, ${autocannonProxy.errors} errors)`,
      );
    }

    // 3. Fan-out: sc@N, the fake answering each sample in 50 ± 10 ms.
    const fanout: Record<string, unknown>[] = [];
    const strategyBody = body(`sc@${fanoutN}:fake-model`, { temperature: 0.7 });
    for (const clients of phases.has("fanout") ? [1, fanoutClients] : []) {
      await fetch(endpoints.stats, { method: "POST" });
      let counter = 0;
      const result = await withCpu(pids, () =>
        closedLoop({
          url: proxyChat,
          body: strategyBody,
          prompt: () => `fanout ${clients} ${counter++}`,
          concurrency: clients,
          seconds: duration,
        }),
      );
      const stats = (await (await fetch(endpoints.stats)).json()) as {
        upstreamRequests: number;
        slowest: Record<string, number>;
      };
      const overheads = result.latencies.map(
        (latency, index) => latency - (stats.slowest[result.prompts[index] as string] ?? Number.NaN),
      );
      const row = {
        clients,
        n: fanoutN,
        p50Ms: round3(percentile(result.latencies, 0.5)),
        p99Ms: round3(percentile(result.latencies, 0.99)),
        overSlowestUpstreamP50Ms: round3(percentile(overheads, 0.5)),
        overSlowestUpstreamP99Ms: round3(percentile(overheads, 0.99)),
        clientRps: Math.round(result.latencies.length / result.seconds),
        upstreamRps: Math.round(stats.upstreamRequests / result.seconds),
        failures: result.failures,
        proxyCpuMsPerRequest: result.proxyCpuMsPerRequest,
      };
      fanout.push(row);
      log(
        `fan-out n=${fanoutN}, ${clients} clients: p50 ${row.p50Ms} ms, p99 ${row.p99Ms} ms; over the slowest upstream call p50 ${row.overSlowestUpstreamP50Ms} ms, p99 ${row.overSlowestUpstreamP99Ms} ms; ${row.clientRps} req/s, ${row.upstreamRps} upstream req/s; ${row.failures} failures; proxy CPU ${row.proxyCpuMsPerRequest} ms/request`,
      );
    }

    // 4. Open streams: many SSE streams held open while the upstream takes its time.
    let streams: Record<string, unknown> | undefined;
    if (phases.has("streams")) {
      const streamCount = options.streams;
      const streamSeconds = options.streamSeconds;
      await eventLoopDelay(proxyUrl);
      const held = await openStreams(
        proxyChat,
        streamCount,
        JSON.stringify({
          model: "fake-model",
          stream: true,
          messages: [{ role: "user", content: `hold ${streamSeconds * 1000} x` }],
        }),
      );
      const streamLoop = await eventLoopDelay(proxyUrl);
      streams = { count: streamCount, heldSeconds: streamSeconds, ...held, eventLoopDelay: streamLoop };
      log(
        `open streams: ${held.completed} of ${streamCount} completed after ${streamSeconds} s, ${held.dropped} dropped, ${held.keepAlives} keep-alive comments; proxy event-loop delay p99 ${streamLoop.p99Ms} ms, max ${streamLoop.maxMs} ms`,
      );
    }

    const rssAfter = await rssBytes(proxyUrl);
    log(
      `proxy RSS: ${(rssBefore / 1_048_576).toFixed(1)} MB before, ${(rssAfter / 1_048_576).toFixed(1)} MB after`,
    );
    // 5. Overload: twice as many connections as a second proxy's in-flight limit, upstream at 100 ms.
    let overload: Record<string, unknown> | undefined;
    if (phases.has("overload")) {
      const limit = options.overloadLimit;
      const small = await startProxy(directory, "overload", endpoints.url, limit);
      try {
        const overloadRss = await rssBytes(small.url);
        const result = await closedLoop({
          url: `${small.url}/v1/chat/completions`,
          body: plain,
          prompt: () => "slow",
          concurrency: 2 * limit,
          seconds: duration,
        });
        const refused = result.others.get(429) ?? [];
        overload = {
          inFlightLimit: limit,
          connections: 2 * limit,
          ok: result.latencies.length,
          refused429: refused.length,
          otherFailures: result.failures - refused.length,
          refusedP50Ms: round3(percentile(refused, 0.5)),
          refusedP99Ms: round3(percentile(refused, 0.99)),
          okP99Ms: round3(percentile(result.latencies, 0.99)),
          rssBeforeBytes: overloadRss,
          rssAfterBytes: await rssBytes(small.url),
        };
        log(
          `overload (${2 * limit} connections, limit ${limit}): ${result.latencies.length} ok, ${refused.length} refused with 429 in p50 ${overload.refusedP50Ms} ms / p99 ${overload.refusedP99Ms} ms, ${overload.otherFailures} other failures`,
        );
      } finally {
        small.child.process.kill("SIGTERM");
        await new Promise((resolve) => small.child.process.once("exit", resolve));
      }
    }

    // 7. Soak: half the measured capacity for a long while; memory should level off after the warm-up.
    let soak: Record<string, unknown> | undefined;
    if (phases.has("soak")) {
      const soakSeconds = options.soakSeconds;
      const sampleSeconds = options.soakSampleSeconds;
      const probe = await closedLoop({
        url: proxyChat,
        body: plain,
        prompt: () => "ping",
        concurrency: 32,
        seconds: 5,
      });
      const capacity = probe.latencies.length / probe.seconds;
      const rate = Math.max(1, Math.round(capacity / 2));
      const memory: { seconds: number; rssBytes: number; heapBytes: number }[] = [];
      const result = await pacedLoop({
        url: proxyChat,
        body: plain("ping"),
        rate,
        seconds: soakSeconds,
        sampleSeconds,
        sample: async (elapsed) => {
          const { rss, heap } = await memoryBytes(proxyUrl);
          memory.push({ seconds: Math.round(elapsed), rssBytes: rss, heapBytes: heap });
        },
      });
      const settled = memory.filter((point) => point.seconds >= soakSeconds / 5);
      const first = settled[0]?.rssBytes ?? Number.NaN;
      const last = settled.at(-1)?.rssBytes ?? Number.NaN;
      const unhandled = (proxy.output().match(/unhandled/gi) ?? []).length;
      // The heap's low points (just after a collection) of the first and last fifth after the warm-up:
      // what the server keeps alive, whatever the allocator holds on to.
      const fifth = settled.length / 4;
      const lowest = (points: typeof memory) => Math.min(...points.map((point) => point.heapBytes));
      const heapFirst = lowest(settled.slice(0, Math.max(1, Math.floor(fifth))));
      const heapLast = lowest(settled.slice(Math.floor(settled.length - Math.max(1, fifth))));
      // What the failures were: HTTP statuses, and requests that got no response at all.
      const failedStatuses = Object.fromEntries(
        [...result.others].map(([status, times]) => [status, times.length]),
      );
      const withoutResponse =
        result.failures - Object.values(failedStatuses).reduce((sum, count) => sum + count, 0);
      const failureKinds = [
        ...Object.entries(failedStatuses).map(([status, count]) => `${count} × ${status}`),
        ...(withoutResponse > 0 ? [`${withoutResponse} without a response`] : []),
      ];
      soak = {
        seconds: soakSeconds,
        capacityRps: Math.round(capacity),
        rateRps: rate,
        ok: result.latencies.length,
        failures: result.failures,
        failedStatuses,
        failedWithoutResponse: withoutResponse,
        p50Ms: round3(percentile(result.latencies, 0.5)),
        p99Ms: round3(percentile(result.latencies, 0.99)),
        rssAfterWarmUpBytes: first,
        rssEndBytes: last,
        rssDriftPercent: round3(((last - first) / first) * 100),
        rssMaxBytes: Math.max(...memory.map((point) => point.rssBytes)),
        heapLowFirstBytes: heapFirst,
        heapLowLastBytes: heapLast,
        unhandledInProxyLog: unhandled,
        memory,
      };
      log(
        `soak: ${rate} req/s (half of ${Math.round(capacity)}) for ${soakSeconds} s: ${result.latencies.length} ok, ${result.failures} failures${failureKinds.length === 0 ? "" : ` (${failureKinds.join(", ")})`}, p50 ${soak.p50Ms} ms, p99 ${soak.p99Ms} ms; proxy RSS ${(first / 1_048_576).toFixed(1)} MB after the warm-up, ${(last / 1_048_576).toFixed(1)} MB at the end (drift ${soak.rssDriftPercent}%); heap low point ${(heapFirst / 1_048_576).toFixed(1)} MB early, ${(heapLast / 1_048_576).toFixed(1)} MB late; ${unhandled} unhandled in its log`,
      );
    }

    const report = {
      machine: {
        cores: os.cpus().length,
        cpu: os.cpus()[0]?.model,
        node: process.version,
        loadAverage: os.loadavg(),
      },
      sequential,
      concurrent,
      autocannon: autocannonResult,
      fanout,
      streams,
      overload,
      soak,
      rss: { beforeBytes: rssBefore, afterBytes: rssAfter },
    };
    if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    if (proxy !== undefined) {
      proxy.process.kill("SIGTERM");
      await new Promise((resolve) => proxy?.process.once("exit", resolve));
    }
    fake.process.kill("SIGTERM");
    await new Promise((resolve) => fake.process.once("exit", resolve));
    await rm(directory, { recursive: true, force: true });
  }
}

const parsed = optionsOrExitCode(() => parseServerBenchOptions(process.argv.slice(2)), serverBenchUsage);
if (typeof parsed === "number") process.exitCode = parsed;
else if (parsed.role === "fake") await runFake();
else if (parsed.role === "proxy") await runProxy(parsed.config);
else await main(parsed);
