import { describe, expect, it } from "vitest";
import { runBudgetedWorkers } from "./run-budgeted-workers.ts";

/** A worker that ends when the test says so. */
function pending<Result>() {
  let end!: (value: Result) => void;
  let fail!: (reason: unknown) => void;
  const promise = new Promise<Result>((resolve, reject) => {
    end = resolve;
    fail = reject;
  });
  return { promise, end, fail };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe("runBudgetedWorkers", () => {
  it("starts what the budget affords, and more each time a worker ends and leaves room", async () => {
    const workers = Array.from({ length: 5 }, () => pending<number>());
    const waves: [number, number][] = [];
    // Two at a time fit: room is two minus those running.
    let running = 0;
    const run = runBudgetedWorkers({
      wanted: 5,
      affordable: () => ({ count: 2 - running, shortfall: "tokens" }),
      startWave: (count, first) => {
        waves.push([count, first]);
        running += count;
        return workers.slice(first, first + count).map((worker) =>
          worker.promise.finally(() => {
            running -= 1;
          }),
        );
      },
    });
    await turn();
    expect(waves).toEqual([[2, 0]]);
    workers[1]!.end(1);
    await turn();
    expect(waves).toEqual([
      [2, 0],
      [1, 2],
    ]);
    workers[0]!.end(0);
    workers[2]!.end(2);
    await turn();
    workers[3]!.end(3);
    workers[4]!.end(4);
    const result = await run;
    // Two ended in the same turn: both freed places were filled at once.
    expect(waves).toEqual([
      [2, 0],
      [1, 2],
      [2, 3],
    ]);
    expect(result.shortfall).toBeUndefined();
    expect(
      result.settled.map((outcome) => (outcome.status === "fulfilled" ? outcome.value : "failed")),
    ).toEqual([0, 1, 2, 3, 4]);
  });

  it("starts no more once a worker has failed, and lets those running end", async () => {
    const workers = Array.from({ length: 4 }, () => pending<number>());
    const waves: [number, number][] = [];
    let running = 0;
    const run = runBudgetedWorkers({
      wanted: 4,
      affordable: () => ({ count: 2 - running, shortfall: "tokens" }),
      startWave: (count, first) => {
        waves.push([count, first]);
        running += count;
        return workers.slice(first, first + count).map((worker) =>
          worker.promise.finally(() => {
            running -= 1;
          }),
        );
      },
    });
    await turn();
    const failure = new Error("upstream 503");
    workers[0]!.fail(failure);
    await turn();
    // The failed worker's place is not filled; the one running goes on.
    expect(waves).toEqual([[2, 0]]);
    workers[1]!.end(1);
    const result = await run;
    expect(waves).toEqual([[2, 0]]);
    expect(result).toEqual({
      settled: [
        { status: "rejected", reason: failure },
        { status: "fulfilled", value: 1 },
      ],
      shortfall: undefined,
    });
  });

  it("names the limit that kept the rest from starting once none is running and none fits", async () => {
    let left = 3;
    const result = await runBudgetedWorkers({
      wanted: 8,
      affordable: () => ({ count: Math.min(2, left), shortfall: "calls" }),
      startWave: (count) => {
        left -= count;
        return Array.from({ length: count }, async () => "done");
      },
    });
    expect(result).toEqual({
      settled: [
        { status: "fulfilled", value: "done" },
        { status: "fulfilled", value: "done" },
        { status: "fulfilled", value: "done" },
      ],
      shortfall: "calls",
    });
  });

  it("starts no more once stop holds, and then names no shortfall", async () => {
    let decided = false;
    const result = await runBudgetedWorkers({
      wanted: 4,
      affordable: () => ({ count: 1, shortfall: "tokens" }),
      startWave: (count) =>
        Array.from({ length: count }, async () => {
          decided = true;
          return 1;
        }),
      stop: () => decided,
    });
    expect(result).toEqual({ settled: [{ status: "fulfilled", value: 1 }], shortfall: undefined });
  });
});
