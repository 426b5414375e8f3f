import { describe, expect, it } from "vitest";
import { sleep } from "../../runtime/index.ts";
import { rejection } from "../../runtime/rejection.test-support.ts";
import { useFakeServerBackends } from "./fake-server-backends.test-support.ts";

const { fakeServer, backendFor } = useFakeServerBackends();

/** A `fetch` that notes the path of every request it is asked to send, discovery's GETs included. */
function notingFetch(): { fetch: typeof fetch; paths: string[] } {
  const paths: string[] = [];
  return {
    paths,
    fetch: (input, init) => {
      paths.push(new URL(String(input)).pathname);
      return fetch(input, init);
    },
  };
}

describe("the OpenAI-compatible backend's capabilities", () => {
  it("say a request's prompt is charged once whatever its n, as its usage counts it, on llama.cpp's server too", async () => {
    for (const props of [undefined, { build_info: "b6123-1a2b3c4d" }]) {
      const server = await fakeServer({ props });
      const backend = backendFor(server);
      const capabilities = await backend.capabilities();
      expect(capabilities.promptPerCompletion).toBe(false);
      // `Q: 2+2=? A:`: 3 word tokens to the fake server, reported once for the request of 3 completions.
      const result = await backend.generate({ prompt: { kind: "text", text: "Q: 2+2=? A:" }, n: 3 });
      expect(result.completions).toHaveLength(3);
      expect(result.usage).toMatchObject({ promptTokens: 3, calls: 1 });
      expect(backend.describe().versions).toEqual(
        props === undefined ? undefined : { "llama.cpp": "b6123-1a2b3c4d" },
      );
    }
  });
});

describe("the OpenAI-compatible backend's capabilities given in its options", () => {
  it("report a prompt charged per completion where the options say the server charges it so", async () => {
    const server = await fakeServer();
    const backend = backendFor(server, { capabilities: { promptPerCompletion: true } });
    expect(await backend.capabilities()).toMatchObject({ n: true, promptPerCompletion: true });
  });
});

describe("the OpenAI-compatible backend's capabilities under an aborted signal", () => {
  it("are asked of the server by no request when the call's signal aborted before they were known", async () => {
    const server = await fakeServer({ props: { build_info: "b1-fake" } });
    const noted = notingFetch();
    const backend = backendFor(server, { fetch: noted.fetch });
    const reason = new Error("the caller gave up");
    const error = await rejection(backend.capabilities({ signal: AbortSignal.abort(reason) }));
    expect(error).toBe(reason);
    // Neither the probe nor the discovery's GET /props and GET /version.
    expect(noted.paths).toEqual([]);
    // A later call that goes on asks as usual.
    expect(await backend.capabilities()).toMatchObject({ n: true, logprobs: true });
    expect(noted.paths.sort()).toEqual(["/props", "/v1/chat/completions", "/version"]);
  });

  it("are answered once known whatever the call's signal says, with no request", async () => {
    const server = await fakeServer({ props: { build_info: "b1-fake" } });
    const noted = notingFetch();
    const backend = backendFor(server, { fetch: noted.fetch });
    const known = await backend.capabilities();
    const sent = noted.paths.length;
    expect(await backend.capabilities({ signal: AbortSignal.abort() })).toEqual(known);
    expect(noted.paths).toHaveLength(sent);
  });

  it("stop being waited for when the call's signal aborts while the server is asked", async () => {
    // The probe is held 2 s by the server; in the second round it is answered, and GET /props is held.
    for (const held of ["probe", "discovery"] as const) {
      const server = await fakeServer({
        props: { build_info: "b1-fake" },
        handler: (request) => ({
          choices: Array.from({ length: request.n }, () => "ok"),
          delivery: { headerDelayMilliseconds: held === "probe" ? 2_000 : 0 },
        }),
      });
      const slowProps: typeof fetch = async (input, init) => {
        if (held === "discovery" && String(input).endsWith("/props"))
          await sleep(1_500, init?.signal ?? undefined);
        return fetch(input, init);
      };
      const backend = backendFor(server, { fetch: slowProps });
      const controller = new AbortController();
      const reason = new Error("the caller gave up");
      setTimeout(() => controller.abort(reason), 50);
      const started = performance.now();
      const error = await rejection(backend.capabilities({ signal: controller.signal }));
      expect(error).toBe(reason);
      expect(performance.now() - started).toBeLessThan(1_000);
    }
  });
});
