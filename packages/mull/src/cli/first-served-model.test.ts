import { describe, expect, it } from "vitest";
import { MullError } from "../errors/index.ts";
import { rejection } from "../runtime/rejection.test-support.ts";
import { firstServedModel, servedModelNamed } from "./first-served-model.ts";
import { UsageError } from "./usage-error.ts";

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

/** A `fetch` whose `GET /models` lists `ids`, and that counts its calls. */
function listing(ids: readonly string[], status = 200): typeof fetch & { calls: number } {
  const counter = { calls: 0 };
  const answer = async () => {
    counter.calls += 1;
    return new Response(JSON.stringify({ data: ids.map((id) => ({ id })) }), { status });
  };
  const fake = answer as unknown as typeof fetch & { calls: number };
  Object.defineProperty(fake, "calls", { get: () => counter.calls });
  return fake;
}

describe("servedModelNamed", () => {
  const baseUrl = "http://127.0.0.1:1/v1";

  it("keeps a name the server lists, and one a strategy prefix puts on listed models", async () => {
    const fetchModels = listing(["lab-small", "lab-large"]);
    expect(await servedModelNamed(baseUrl, "lab-large", { fetch: fetchModels })).toBe("lab-large");
    expect(await servedModelNamed(baseUrl, "sc@8:lab-large", { fetch: fetchModels })).toBe("sc@8:lab-large");
    expect(await servedModelNamed(baseUrl, "cascade@8:lab-small>lab-large", { fetch: fetchModels })).toBe(
      "cascade@8:lab-small>lab-large",
    );
    expect(fetchModels.calls).toBe(3);
  });

  it("gives the listed path for the name of a .gguf file llama-server lists by its path", async () => {
    const fetchModels = listing(["/models/lab-v2-large.gguf"]);
    expect(await servedModelNamed(baseUrl, "lab-v2-large", { fetch: fetchModels })).toBe(
      "/models/lab-v2-large.gguf",
    );
  });

  it("refuses a name the server does not list, naming it and what is served", async () => {
    const error = await rejection(
      servedModelNamed(baseUrl, "nosuch", { fetch: listing(["lab-large", "sc@8:lab-large"]) }),
    );
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).field).toBe("--model");
    expect((error as Error).message).toBe(
      `--model: ${baseUrl} does not serve "nosuch"; it serves lab-large, sc@8:lab-large`,
    );
    // Compared exactly: another case, or a prefix over a model not listed, is not the listed model.
    await expect(servedModelNamed(baseUrl, "Lab-Large", { fetch: listing(["lab-large"]) })).rejects.toThrow(
      'does not serve "Lab-Large"',
    );
    await expect(
      servedModelNamed(baseUrl, "sc@8:lab-small", { fetch: listing(["lab-large"]) }),
    ).rejects.toThrow('does not serve "sc@8:lab-small"');
  });

  it("keeps the name when the server lists nothing or cannot be asked", async () => {
    expect(await servedModelNamed(baseUrl, "any", { fetch: listing([], 404) })).toBe("any");
    expect(await servedModelNamed(baseUrl, "any", { fetch: listing([]) })).toBe("any");
    const refused = (async () => {
      throw new TypeError("fetch failed");
    }) as typeof fetch;
    expect(await servedModelNamed(baseUrl, "any", { fetch: refused })).toBe("any");
  });
});
