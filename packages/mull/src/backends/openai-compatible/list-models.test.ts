import { describe, expect, it } from "vitest";
import { listServedModels } from "./list-models.ts";

function fakeFetch(
  status: number,
  body: unknown,
  seen: { url?: string; init?: RequestInit | undefined } = {},
) {
  return (async (url: string | URL | Request, init?: RequestInit) => {
    seen.url = String(url);
    seen.init = init;
    return new Response(typeof body === "string" ? body : JSON.stringify(body), { status });
  }) as typeof fetch;
}

describe("listServedModels", () => {
  it("lists the ids in the server's order, sending the key", async () => {
    const seen: { url?: string; init?: RequestInit | undefined } = {};
    const list = await listServedModels({
      baseUrl: "http://models.test/v1/",
      apiKey: "sk-1",
      fetch: fakeFetch(200, { data: [{ id: "a" }, { id: 7 }, { id: "b" }] }, seen),
    });
    expect(list).toEqual({ url: "http://models.test/v1/models", status: 200, models: ["a", "b"] });
    expect(seen.init?.headers).toEqual({ authorization: "Bearer sk-1" });
  });

  it("answers an empty list, with the status, for an error or a body of another shape", async () => {
    const baseUrl = "http://models.test/v1";
    expect(await listServedModels({ baseUrl, fetch: fakeFetch(401, { data: [{ id: "a" }] }) })).toEqual({
      url: `${baseUrl}/models`,
      status: 401,
      models: [],
    });
    expect((await listServedModels({ baseUrl, fetch: fakeFetch(200, "not json") })).models).toEqual([]);
    expect((await listServedModels({ baseUrl, fetch: fakeFetch(200, { data: "x" }) })).models).toEqual([]);
  });

  it("lets a failure to reach the server through", async () => {
    const failing = (async () => {
      throw new TypeError("fetch failed");
    }) as typeof fetch;
    await expect(listServedModels({ baseUrl: "http://models.test/v1", fetch: failing })).rejects.toThrow(
      "fetch failed",
    );
  });
});
