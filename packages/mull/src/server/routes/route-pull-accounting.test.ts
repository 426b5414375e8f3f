import { describe, expect, it } from "vitest";
import { ApiError } from "../http/index.ts";
import type { RoutePull } from "../model-routes/index.ts";
import { createServerMetrics } from "../telemetry/index.ts";
import { failPull } from "./request-accounting.ts";

// A routed request that failed teaches its bandit a reward of 0 only when the upstream failed it: a
// refusal (4xx) or a request its client abandoned takes the pull back instead.

/** A pull that records which of `fail` and `release` the route called. */
function recordingPull() {
  const calls: string[] = [];
  // The parts of a pull `failPull` uses: its route's name, its model, `fail` and `release`.
  const pull = {
    route: { name: "auto" },
    model: "small",
    fail: () => calls.push("fail"),
    release: () => calls.push("release"),
  } as unknown as RoutePull;
  return { pull, calls };
}

/** The failures `mull_route_outcomes_total` counted for the pull's route and model. */
async function countedFailures(metrics: ReturnType<typeof createServerMetrics>): Promise<number> {
  const text = await metrics.registry.metrics();
  const line = text
    .split("\n")
    .find((candidate) =>
      candidate.startsWith('mull_route_outcomes_total{route="auto",model="small",source="failure"}'),
    );
  return line === undefined ? 0 : Number(line.split(" ").at(-1));
}

const running = () => new AbortController().signal;

describe("failPull", () => {
  it("fails the pull of a request an upstream failed without an ApiError (counted as a 500)", async () => {
    const metrics = createServerMetrics();
    const { pull, calls } = recordingPull();
    failPull(metrics, pull, new Error("upstream reset"), running());
    expect(calls).toEqual(["fail"]);
    expect(await countedFailures(metrics)).toBe(1);
  });

  it("fails the pull of a request answered with a 5xx ApiError", async () => {
    const metrics = createServerMetrics();
    const { pull, calls } = recordingPull();
    failPull(metrics, pull, new ApiError(502, "upstream failed"), running());
    expect(calls).toEqual(["fail"]);
    expect(await countedFailures(metrics)).toBe(1);
  });

  it("takes back the pull of a refused request, counting no failure", async () => {
    const metrics = createServerMetrics();
    const { pull, calls } = recordingPull();
    failPull(metrics, pull, new ApiError(400, "max_tokens is too large"), running());
    expect(calls).toEqual(["release"]);
    expect(await countedFailures(metrics)).toBe(0);
  });

  it("takes back the pull of a request its client abandoned, whatever it failed with", async () => {
    const metrics = createServerMetrics();
    const { pull, calls } = recordingPull();
    const abort = new AbortController();
    abort.abort();
    failPull(metrics, pull, new Error("aborted"), abort.signal);
    expect(calls).toEqual(["release"]);
    expect(await countedFailures(metrics)).toBe(0);
  });
});
