import { describe, expect, it } from "vitest";
import { throwEarlyFailure } from "./early-failure.ts";
import { createLiveText } from "./live-text.ts";

const never = new Promise<void>(() => undefined);

describe("throwEarlyFailure", () => {
  it("throws the work's failure when it comes before the request was accepted", async () => {
    const failure = new Error("upstream answered 429");
    await expect(throwEarlyFailure(Promise.reject(failure), never, undefined)).rejects.toBe(failure);
  });

  it("lets the stream open once the request is accepted, whatever the work does after", async () => {
    let fail: (error: Error) => void = () => undefined;
    const work = new Promise((_, reject) => {
      fail = reject;
    });
    await expect(throwEarlyFailure(work, Promise.resolve(), undefined)).resolves.toBeUndefined();
    fail(new Error("cut after the headers"));
    await expect(work).rejects.toThrow("cut after the headers");
  });

  it("lets the stream open when its first piece arrives", async () => {
    const live = createLiveText();
    const held = throwEarlyFailure(never, never, live);
    live.push("It");
    await expect(held).resolves.toBeUndefined();
  });

  it("lets the stream open when the work succeeds before it was accepted", async () => {
    await expect(throwEarlyFailure(Promise.resolve("done"), never, undefined)).resolves.toBeUndefined();
  });
});
