import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { trace } from "@opentelemetry/api";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { afterEach, describe, expect, it, vi } from "vitest";
import { packageVersion } from "../runtime/index.ts";
import { flushTracerProvider } from "../telemetry/index.ts";
import { startFakeOpenAIServer } from "../testing/fake-openai-server.ts";
import { type MullProcess, startMull, waitFor } from "./commands/mull-process.test-support.ts";
import { endCliProcess } from "./end-cli-process.ts";

describe("endCliProcess", () => {
  afterEach(() => {
    trace.disable();
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });

  it("sets the exit code alone, unless a flush that timed out still runs: then it exits", async () => {
    const exit = vi.spyOn(process, "exit").mockImplementation((() => undefined) as never);
    await endCliProcess(2);
    expect(process.exitCode).toBe(2);
    expect(exit).not.toHaveBeenCalled();

    let finishFlush: () => void = () => undefined;
    const stalled = Object.assign(new BasicTracerProvider(), {
      forceFlush: () => new Promise<void>((resolve) => (finishFlush = () => resolve())),
    });
    trace.setGlobalTracerProvider(stalled);
    expect(await flushTracerProvider(20)).toBe("timed-out");
    await endCliProcess(1);
    expect(process.exitCode).toBe(1);
    expect(exit).toHaveBeenCalledExactlyOnceWith(1);

    finishFlush();
    await new Promise((resolve) => setImmediate(resolve));
    await endCliProcess(0);
    expect(exit).toHaveBeenCalledTimes(1);
  });
});

/** An OTLP-like collector that accepts span exports and answers none until `answer()`: one that hangs. */
interface HangingCollector {
  /** Where the exporter posts, `http://127.0.0.1:PORT/v1/traces`. */
  readonly url: string;
  /** How many exports it has received. */
  received(): number;
  /** Answers the exports held, and any later one at once. */
  answer(): void;
  close(): Promise<void>;
}

async function startHangingCollector(): Promise<HangingCollector> {
  const held: ServerResponse[] = [];
  let answering = false;
  let received = 0;
  const server = createServer((request, response) => {
    request.resume();
    received += 1;
    if (answering) response.end("{}");
    else held.push(response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    received: () => received,
    answer() {
      answering = true;
      for (const response of held.splice(0)) response.end("{}");
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Writes a tracing file as the README's recipe has users write one, loaded with `node --import`: a batching
 * processor (for a minute: only the flush at the end exports) whose exporter posts to `endpoint` and,
 * like an OTLP exporter, waits for the answer. It ends one span at once, so there is always one to flush.
 */
async function writeTracingFile(directory: string, endpoint: string): Promise<string> {
  const file = path.join(directory, "tracing.mjs");
  const resolved = (name: string) =>
    JSON.stringify(pathToFileURL(createRequire(import.meta.url).resolve(name)).href);
  await writeFile(
    file,
    `import { request } from "node:http";
import { trace } from ${resolved("@opentelemetry/api")};
import { BasicTracerProvider, BatchSpanProcessor } from ${resolved("@opentelemetry/sdk-trace-base")};
const exporter = {
  export(spans, done) {
    const post = request(${JSON.stringify(endpoint)}, { method: "POST" }, (response) => {
      response.resume();
      response.on("end", () => done({ code: 0 }));
    });
    post.on("error", (error) => done({ code: 1, error }));
    post.end(JSON.stringify(spans.map((span) => span.name)));
  },
  shutdown: async () => {},
};
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 60_000 })] }));
trace.getTracer("tracing-file").startSpan("started").end();
`,
  );
  return file;
}

/** Whether `started` has exited; set once it has. */
function exitWatch(started: MullProcess): { exited: boolean } {
  const watch = { exited: false };
  void started.exited.then(() => {
    watch.exited = true;
  });
  return watch;
}

/**
 * Waits `windowMilliseconds` at most for `started` to exit while `collector` holds its export, then has
 * the collector answer; says whether the process exited first. Without the exit, the exporter's request
 * (which never times out here) would keep the process alive until the answer.
 */
async function exitsWhileExportHangs(
  started: MullProcess,
  collector: HangingCollector,
  windowMilliseconds: number,
): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const window = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), windowMilliseconds);
  });
  const exitedFirst = await Promise.race([started.exited.then(() => true as const), window]);
  clearTimeout(timer);
  collector.answer();
  await started.exited;
  return exitedFirst;
}

describe("the mull process with an exporter whose collector never answers", () => {
  const sessions: { collector?: HangingCollector; directory?: string; started?: MullProcess }[] = [];
  afterEach(async () => {
    for (const session of sessions.splice(0)) {
      session.started?.child.kill("SIGKILL");
      await session.collector?.close();
      if (session.directory !== undefined) await rm(session.directory, { recursive: true, force: true });
    }
  });

  async function prepare() {
    const collector = await startHangingCollector();
    const directory = await mkdtemp(path.join(tmpdir(), "mull-flush-exit-"));
    const session: (typeof sessions)[number] = { collector, directory };
    sessions.push(session);
    const tracingFile = await writeTracingFile(directory, collector.url);
    return { collector, session, environment: { NODE_OPTIONS: `--import ${tracingFile}` } };
  }

  it("ends a command once the flush has timed out, its output whole, not when the export ends", async () => {
    const { collector, session, environment } = await prepare();
    const started = startMull(["--version"], environment);
    session.started = started;
    const watch = exitWatch(started);
    const flushMessage = "mull: the tracer provider did not flush its spans within 5 s";
    await waitFor(() => watch.exited || started.output.stderr.includes(flushMessage), "the flush", 90_000);
    expect(started.output.stderr).toContain(flushMessage);
    expect(collector.received()).toBe(1);
    // Well past the prompt exit, well short of the minute the bug would wait here.
    expect(await exitsWhileExportHangs(started, collector, 20_000)).toBe(true);
    expect(await started.exited).toBe(0);
    expect(started.output.stdout).toBe(`${packageVersion()}\n`);
  }, 120_000);

  it("ends mull serve once its flush at SIGTERM has timed out, not when the export ends", async () => {
    const { collector, session, environment } = await prepare();
    const upstream = await startFakeOpenAIServer({ model: "listed-model" });
    try {
      const started = startMull(
        ["serve", "--base-url", upstream.url, "--port", "0", "--log-level", "warn"],
        environment,
      );
      session.started = started;
      const watch = exitWatch(started);
      await waitFor(() => watch.exited || /listening on/.test(started.output.stderr), "listening", 90_000);
      expect(started.output.stderr).toMatch(/listening on/);
      started.child.kill("SIGTERM");
      const flushMessage = "mull serve: flushing the tracer provider took over 5000 ms";
      await waitFor(() => watch.exited || started.output.stderr.includes(flushMessage), "the flush", 60_000);
      expect(started.output.stderr).toContain(flushMessage);
      expect(collector.received()).toBeGreaterThanOrEqual(1);
      expect(await exitsWhileExportHangs(started, collector, 20_000)).toBe(true);
      expect(await started.exited).toBe(0);
    } finally {
      await upstream.close();
    }
  }, 120_000);
});
