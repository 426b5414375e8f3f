import { afterEach, describe, expect, it } from "vitest";
import {
  createOpenAICompatibleBackend,
  type OpenAICompatibleBackend,
} from "../backends/openai-compatible/index.ts";
import { BackendCallError } from "../errors/index.ts";
import { manualClock } from "../runtime/index.ts";
import { rejection } from "../runtime/rejection.test-support.ts";
import { type FakeOpenAIServer, startFakeOpenAIServer, testStrategyContext } from "../testing/index.ts";
import { capabilitiesOrStop } from "./capabilities-or-stop.ts";

const opened: { servers: FakeOpenAIServer[]; backends: OpenAICompatibleBackend[] } = {
  servers: [],
  backends: [],
};
afterEach(async () => {
  await Promise.all(opened.backends.splice(0).map((backend) => backend.dispose()));
  await Promise.all(opened.servers.splice(0).map((server) => server.close()));
});

/** A cold HTTP backend on a fake server whose probe is answered after `probeDelay` ms; every request noted. */
async function coldBackend(probeDelay = 0) {
  const server = await startFakeOpenAIServer({
    handler: (request) => ({
      choices: Array.from({ length: request.n }, () => "ok"),
      delivery: { headerDelayMilliseconds: probeDelay },
    }),
  });
  opened.servers.push(server);
  const paths: string[] = [];
  const backend = createOpenAICompatibleBackend({
    baseUrl: server.url,
    model: "fake-model",
    maxRetries: 0,
    fetch: (input, init) => {
      paths.push(new URL(String(input)).pathname);
      return fetch(input, init);
    },
  });
  opened.backends.push(backend);
  return { backend, paths };
}

describe("capabilitiesOrStop", () => {
  it("returns the capabilities of a backend asked while the run goes on", async () => {
    const { backend } = await coldBackend();
    const asked = await capabilitiesOrStop(testStrategyContext({ backend }));
    expect(asked.stoppedBy).toBeUndefined();
    expect(asked.capabilities).toMatchObject({ n: true, logprobs: true });
  });

  it("asks nothing of a run already aborted, and names the abort", async () => {
    const { backend, paths } = await coldBackend();
    const asked = await capabilitiesOrStop(testStrategyContext({ backend, signal: AbortSignal.abort() }));
    expect(asked).toEqual({ stoppedBy: "abort" });
    expect(paths).toEqual([]);
  });

  it("asks nothing of a run whose time limit has passed, and names the time", async () => {
    const { backend, paths } = await coldBackend();
    const clock = manualClock();
    const context = testStrategyContext({ backend, clock, limits: { maxMilliseconds: 10 } });
    clock.advance(10);
    expect(await capabilitiesOrStop(context)).toEqual({ stoppedBy: "time" });
    expect(paths).toEqual([]);
  });

  it("turns an abort, or the time limit, that comes while the server is probed into the budget's stop reason", async () => {
    const controller = new AbortController();
    const aborted = await coldBackend(2_000);
    setTimeout(() => controller.abort(new Error("the caller gave up")), 30);
    const byAbort = testStrategyContext({ backend: aborted.backend, signal: controller.signal });
    expect(await capabilitiesOrStop(byAbort)).toEqual({ stoppedBy: "abort" });

    const timed = await coldBackend(2_000);
    const clock = manualClock();
    const byTime = testStrategyContext({ backend: timed.backend, clock, limits: { maxMilliseconds: 10 } });
    setTimeout(() => clock.advance(10), 30);
    expect(await capabilitiesOrStop(byTime)).toEqual({ stoppedBy: "time" });
  });

  it("throws the backend's failure while the run goes on", async () => {
    const server = await startFakeOpenAIServer();
    await server.close();
    const backend = createOpenAICompatibleBackend({
      baseUrl: server.url,
      model: "fake-model",
      maxRetries: 0,
    });
    opened.backends.push(backend);
    const error = await rejection(capabilitiesOrStop(testStrategyContext({ backend })));
    expect(BackendCallError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/^probing capabilities: POST /);
  });
});
