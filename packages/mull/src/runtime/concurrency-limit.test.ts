import { AsyncLocalStorage } from "node:async_hooks";
import { describe, expect, it } from "vitest";
import { createConcurrencyLimit } from "./concurrency-limit.ts";

/** A task that runs until `finish()`, recording when it started. */
function deferredTask(log: string[], name: string) {
  let finish: (value: string) => void = () => undefined;
  let fail: (error: unknown) => void = () => undefined;
  const task = () => {
    log.push(`start ${name}`);
    return new Promise<string>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
  };
  return {
    task,
    finish: () => finish(name),
    fail: (error: unknown) => fail(error),
  };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe("createConcurrencyLimit", () => {
  it("starts a task at once below the limit", async () => {
    const limit = createConcurrencyLimit(2);
    const log: string[] = [];
    const first = deferredTask(log, "a");
    const promise = limit.run(first.task);
    expect(log).toEqual(["start a"]);
    expect(limit.active()).toBe(1);
    first.finish();
    await expect(promise).resolves.toBe("a");
    expect(limit.active()).toBe(0);
  });

  it("never runs more than the limit, and starts waiting tasks in order", async () => {
    const limit = createConcurrencyLimit(2);
    const log: string[] = [];
    const tasks = ["a", "b", "c", "d", "e"].map((name) => deferredTask(log, name));
    const promises = tasks.map((task) => limit.run(task.task));
    expect(log).toEqual(["start a", "start b"]);
    expect(limit.active()).toBe(2);
    expect(limit.waiting()).toBe(3);

    tasks[1]?.finish();
    await flush();
    expect(log).toEqual(["start a", "start b", "start c"]);
    expect(limit.active()).toBe(2);

    tasks[0]?.finish();
    tasks[2]?.finish();
    await flush();
    expect(log).toEqual(["start a", "start b", "start c", "start d", "start e"]);
    expect(limit.active()).toBe(2);
    expect(limit.waiting()).toBe(0);

    tasks[3]?.finish();
    tasks[4]?.finish();
    expect(await Promise.all(promises)).toEqual(["a", "b", "c", "d", "e"]);
    expect(limit.active()).toBe(0);
  });

  it("keeps the order when a slot frees while others wait: a new task does not jump the queue", async () => {
    const limit = createConcurrencyLimit(1);
    const log: string[] = [];
    const first = deferredTask(log, "a");
    const second = deferredTask(log, "b");
    const third = deferredTask(log, "c");
    const promises = [limit.run(first.task), limit.run(second.task)];
    first.finish();
    // Added before the freed slot was handed on: it still waits behind "b".
    promises.push(limit.run(third.task));
    await flush();
    expect(log).toEqual(["start a", "start b"]);
    second.finish();
    await flush();
    third.finish();
    expect(await Promise.all(promises)).toEqual(["a", "b", "c"]);
  });

  it("frees the slot of a task that fails or throws", async () => {
    const limit = createConcurrencyLimit(1);
    const log: string[] = [];
    const failing = deferredTask(log, "a");
    const failed = limit.run(failing.task);
    const thrown = limit.run(() => {
      throw new Error("sync");
    });
    const after = deferredTask(log, "b");
    const last = limit.run(after.task);
    failing.fail(new Error("async"));
    await expect(failed).rejects.toThrow("async");
    await expect(thrown).rejects.toThrow("sync");
    await flush();
    expect(log).toEqual(["start a", "start b"]);
    after.finish();
    await expect(last).resolves.toBe("b");
    expect(limit.active()).toBe(0);
  });

  it("drops a waiting task whose signal aborts, without starting it, and hands its turn on", async () => {
    const limit = createConcurrencyLimit(1);
    const log: string[] = [];
    const first = deferredTask(log, "a");
    const second = deferredTask(log, "b");
    const third = deferredTask(log, "c");
    const controller = new AbortController();
    const running = limit.run(first.task, controller.signal);
    const dropped = limit.run(second.task, controller.signal);
    const other = limit.run(third.task);
    const reason = new Error("cancelled");
    controller.abort(reason);
    await expect(dropped).rejects.toBe(reason);
    expect(limit.waiting()).toBe(1);
    // The running task is the task's own business: the limit does not cut it.
    first.finish();
    await expect(running).resolves.toBe("a");
    await flush();
    expect(log).toEqual(["start a", "start c"]);
    third.finish();
    await expect(other).resolves.toBe("c");
    expect(limit.active()).toBe(0);
    expect(limit.waiting()).toBe(0);
  });

  it("refuses a task whose signal already aborted", async () => {
    const limit = createConcurrencyLimit(1);
    const log: string[] = [];
    const reason = new Error("too late");
    await expect(limit.run(deferredTask(log, "a").task, AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(log).toEqual([]);
    expect(limit.active()).toBe(0);
  });

  it("starts a waiting task in the asynchronous context it was queued from, not that of the task that freed its slot", async () => {
    const limit = createConcurrencyLimit(1);
    const context = new AsyncLocalStorage<string>();
    const log: string[] = [];
    const first = deferredTask(log, "a");
    const running = context.run("first caller", () => limit.run(first.task));
    const seen: (string | undefined)[] = [];
    const waiting = context.run("second caller", () =>
      limit.run(async () => {
        seen.push(context.getStore());
        return "b";
      }),
    );
    const unmarked = limit.run(async () => {
      seen.push(context.getStore());
      return "c";
    });
    first.finish();
    await expect(Promise.all([running, waiting, unmarked])).resolves.toEqual(["a", "b", "c"]);
    expect(seen).toEqual(["second caller", undefined]);
  });

  it("drops every waiter of a signal shared by many, and takes new tasks at once afterwards", async () => {
    const limit = createConcurrencyLimit(2);
    const log: string[] = [];
    const busy = [deferredTask(log, "a"), deferredTask(log, "b")];
    const running = busy.map((task) => limit.run(task.task));
    const controller = new AbortController();
    const waiting = Array.from({ length: 50 }, (_, index) =>
      limit.run(deferredTask(log, `w${index}`).task, controller.signal),
    );
    expect(limit.waiting()).toBe(50);
    controller.abort(new Error("gone"));
    const results = await Promise.allSettled(waiting);
    expect(results.every((result) => result.status === "rejected")).toBe(true);
    expect(limit.waiting()).toBe(0);
    for (const task of busy) task.finish();
    await Promise.all(running);
    const next = deferredTask(log, "c");
    const promise = limit.run(next.task);
    expect(log).toEqual(["start a", "start b", "start c"]);
    next.finish();
    await expect(promise).resolves.toBe("c");
  });
});
