import { afterEach, describe, expect, it } from "vitest";
import {
  createOpenAICompatibleBackend,
  type OpenAICompatibleBackend,
} from "./backends/openai-compatible/index.ts";
import { BudgetExhaustedError } from "./errors/index.ts";
import { labProcessReward } from "./lab/index.ts";
import { rejection } from "./runtime/rejection.test-support.ts";
import { solve } from "./solve.ts";
import {
  type FakeOpenAIServer,
  type FakeOpenAIServerOptions,
  startFakeOpenAIServer,
} from "./testing/index.ts";
import { usageByModel } from "./trace/index.ts";

const problem = { question: "2+2=?", prompt: { kind: "text", text: "Q: 2+2=? A:" } } as const;
const prm = labProcessReward();

const opened: { servers: FakeOpenAIServer[]; backends: OpenAICompatibleBackend[] } = {
  servers: [],
  backends: [],
};
afterEach(async () => {
  await Promise.all(opened.backends.splice(0).map((backend) => backend.dispose()));
  await Promise.all(opened.servers.splice(0).map((server) => server.close()));
});

/** A fake server, and a cold backend on it (nothing asked yet) whose `fetch` notes every path it sends to. */
async function coldBackend(options: FakeOpenAIServerOptions = {}, capabilities = {}) {
  const server = await startFakeOpenAIServer(options);
  opened.servers.push(server);
  const paths: string[] = [];
  const backend = createOpenAICompatibleBackend({
    baseUrl: server.url,
    model: "fake-model",
    capabilities,
    fetch: (input, init) => {
      paths.push(new URL(String(input)).pathname);
      return fetch(input, init);
    },
  });
  opened.backends.push(backend);
  return { server, backend, paths };
}

/** Holds the capability probe (the one-token request) `milliseconds`; answers samples at once. */
const probeHeld = (milliseconds: number): FakeOpenAIServerOptions => ({
  handler: (request) => ({
    choices: Array.from({ length: request.n }, () => "#### 4"),
    delivery: { headerDelayMilliseconds: request.body?.max_tokens === 1 ? milliseconds : 0 },
  }),
});

// Sampling, a wrapper's rounds, capabilities required by the strategy itself, and step-level search.
const strategies = ["greedy", "sc@4", "asc@8", "deepconf@4", "beam@4x2", "pf@4"];

describe("solve on a cold HTTP backend, cut before anything was produced", () => {
  it("throws BudgetExhaustedError (abort) for a signal aborted before the run, and sends no request", async () => {
    for (const strategy of strategies) {
      const { backend, paths } = await coldBackend(probeHeld(0));
      const error = await rejection(solve({ problem, strategy, backend, prm, signal: AbortSignal.abort() }));
      expect(BudgetExhaustedError.isInstance(error) && [strategy, error.reason]).toEqual([strategy, "abort"]);
      expect((error as Error).message).toBe("the run was aborted before any answer was produced");
      expect([strategy, paths]).toEqual([strategy, []]);
    }
  });

  it("throws BudgetExhaustedError (time) when the time limit passes while the first call probes the server", async () => {
    for (const strategy of strategies) {
      const { server, backend } = await coldBackend(probeHeld(10_000));
      // The limit leaves time to discover the server and send the probe, even on a loaded machine; the
      // probe is held far longer, so the limit passes while it is out.
      const started = performance.now();
      const error = await rejection(
        solve({ problem, strategy, backend, prm, budget: { maxMilliseconds: 1_000 } }),
      );
      expect(BudgetExhaustedError.isInstance(error) && [strategy, error.reason]).toEqual([strategy, "time"]);
      expect((error as Error).message).toBe("the time limit passed before any answer was produced");
      expect(performance.now() - started).toBeLessThan(5_000);
      // The probe alone: no sample was asked for after the deadline.
      expect(server.requests.map((request) => request.body?.max_tokens)).toEqual([1]);
    }
  });

  it("throws BudgetExhaustedError (abort) when the caller aborts while the first call probes the server", async () => {
    for (const strategy of ["sc@4", "deepconf@4"]) {
      const { backend } = await coldBackend(probeHeld(2_000));
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error("the caller gave up")), 50);
      const error = await rejection(solve({ problem, strategy, backend, signal: controller.signal }));
      expect(BudgetExhaustedError.isInstance(error) && [strategy, error.reason]).toEqual([strategy, "abort"]);
    }
  });
});

describe("solve on an HTTP backend: every call charged is in the trace", () => {
  it("records a call aborted before its stream began, so usageByModel(trace) equals the run's usage", async () => {
    // asc@8 samples one at a time: two answers at once, then the third request waits for its first byte
    // while the run is aborted.
    const controller = new AbortController();
    let received = 0;
    const { backend } = await coldBackend(
      {
        handler: () => {
          received += 1;
          if (received < 3) return { choices: [`#### ${received}`] };
          setTimeout(() => controller.abort(new Error("the caller gave up")), 30);
          return { choices: ["#### 3"], delivery: { headerDelayMilliseconds: 2_000 } };
        },
      },
      { n: false, logprobs: true, topLogprobs: true },
    );
    const result = await solve({ problem, strategy: "asc@8", backend, seed: 1, signal: controller.signal });
    expect(result).toMatchObject({ stoppedBy: "abort", partial: true });
    expect(result.candidates).toHaveLength(2);
    expect(result.usage.calls).toBe(3);
    expect(usageByModel(result.trace)).toEqual({ "fake-model": result.usage });
    const generations = result.trace.filter((event) => event.type === "generation");
    expect(generations.map((event) => [event.text, event.finishReason])).toEqual([
      ["#### 1", "stop"],
      ["#### 2", "stop"],
      ["", "abort"],
    ]);
  });
});
