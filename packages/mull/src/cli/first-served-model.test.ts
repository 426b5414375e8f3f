import { describe, expect, it } from "vitest";
import { MullError } from "../errors/index.ts";
import { firstServedModel } from "./first-served-model.ts";

/** The error a promise rejects with. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to reject");
}

describe("firstServedModel", () => {
  it("names the first model the server lists", async () => {
    const fetchModels = (async () =>
      new Response(JSON.stringify({ data: [{ id: "lab-v2-large" }, { id: "sc@8:lab-v2-large" }] }), {
        status: 200,
      })) as typeof fetch;
    expect(await firstServedModel("http://127.0.0.1:1/v1", { fetch: fetchModels })).toBe("lab-v2-large");
  });

  it("says why a server that cannot be reached listed nothing: the refused connection", async () => {
    // Node's fetch hides the socket's error under a bare "fetch failed".
    const refused = (async () => {
      throw new TypeError("fetch failed", {
        cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:18599"), { code: "ECONNREFUSED" }),
      });
    }) as typeof fetch;
    const baseUrl = "http://127.0.0.1:18599/v1";
    const error = await rejection(firstServedModel(baseUrl, { fetch: refused }));
    expect(MullError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      `could not list the models of ${baseUrl} to choose one: connect ECONNREFUSED 127.0.0.1:18599 (pass --model)`,
    );
  });

  it("says a server that did not answer in time did not answer", async () => {
    const timedOut = (async () => {
      throw new DOMException("The operation was aborted due to timeout", "TimeoutError");
    }) as typeof fetch;
    const error = await rejection(firstServedModel("http://10.0.0.1/v1", { fetch: timedOut }));
    expect((error as Error).message).toBe(
      "could not list the models of http://10.0.0.1/v1 to choose one: no answer within 10 s (pass --model)",
    );
  });
});
