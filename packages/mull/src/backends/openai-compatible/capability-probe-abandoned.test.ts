import { describe, expect, it, vi } from "vitest";
import { rejection } from "../../runtime/rejection.test-support.ts";
import { useFakeServerBackends } from "./fake-server-backends.test-support.ts";

const { fakeServer, backendFor } = useFakeServerBackends();

/** Waits up to `timeout` ms for `check` to pass, trying every 10 ms. */
const within = (timeout: number, check: () => void) => vi.waitFor(check, { timeout, interval: 10 });

describe("the OpenAI-compatible backend's capability probe when its callers abort", () => {
  it("is aborted upstream within a second once its only caller aborts, and probed afresh by a later call", async () => {
    const server = await fakeServer({ handler: () => ({ fault: "hang" }) });
    const backend = backendFor(server);
    const controller = new AbortController();
    const reason = new Error("the client went away");
    const waiting = rejection(backend.capabilities({ signal: controller.signal }));
    await within(2_000, () => expect(server.generations.running).toBe(1));

    const abortedAt = performance.now();
    controller.abort(reason);
    expect(await waiting).toBe(reason);
    await within(1_000, () => expect(server.generations.abortedByClient).toBe(1));
    expect(performance.now() - abortedAt).toBeLessThan(1_000);
    expect(server.generations).toMatchObject({ started: 1, running: 0 });

    // Neither a result nor the abort was kept: the next call sends a probe of its own and learns from it.
    server.setHandler((request) => ({ choices: Array.from({ length: request.n }, () => "ok") }));
    expect(await backend.capabilities()).toMatchObject({ n: true, logprobs: true });
    expect(server.generations).toMatchObject({ started: 2, completed: 1, abortedByClient: 1 });
  });

  it("goes on for a caller still waiting when another one aborts", async () => {
    const server = await fakeServer({
      handler: (request) => ({
        choices: Array.from({ length: request.n }, () => "ok"),
        delivery: { headerDelayMilliseconds: 600 },
      }),
    });
    const backend = backendFor(server);
    const leaving = new AbortController();
    const staying = new AbortController();
    const left = rejection(backend.capabilities({ signal: leaving.signal }));
    const answered = backend.capabilities({ signal: staying.signal });
    await within(2_000, () => expect(server.generations.running).toBe(1));

    const reason = new Error("one client went away");
    leaving.abort(reason);
    expect(await left).toBe(reason);
    expect(await answered).toMatchObject({ n: true, logprobs: true });
    // One probe, answered whole: the other caller's abort did not cut it.
    expect(server.generations).toMatchObject({ started: 1, completed: 1, abortedByClient: 0 });
    // Kept once answered: a later call sends nothing.
    await backend.capabilities();
    expect(server.generations.started).toBe(1);
  });

  it("is aborted once the last of several callers aborts", async () => {
    const server = await fakeServer({ handler: () => ({ fault: "hang" }) });
    const backend = backendFor(server);
    const first = new AbortController();
    const second = new AbortController();
    const waits = [first, second].map((controller) =>
      rejection(backend.capabilities({ signal: controller.signal })),
    );
    await within(2_000, () => expect(server.generations.running).toBe(1));
    first.abort(new Error("first gone"));
    await waits[0];
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(server.generations).toMatchObject({ running: 1, abortedByClient: 0 });
    second.abort(new Error("second gone"));
    await waits[1];
    await within(1_000, () => expect(server.generations.abortedByClient).toBe(1));
    expect(server.generations).toMatchObject({ started: 1, running: 0 });
  });
});
