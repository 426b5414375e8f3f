import { describe, expect, it } from "vitest";
import { manualClock } from "../../runtime/index.ts";
import type { BackendCapabilities, BackendDescription } from "../../spec/index.ts";
import type { CapabilityState } from "./capability-state.ts";
import { parseEndpointUrl } from "./endpoint-url.ts";
import type { ParsedBackendOptions } from "./openai-compatible-backend-options.ts";
import { createServerProfile } from "./server-profile.ts";

/** llama.cpp's `/props`, trimmed to what is read. */
const llamaProps = {
  build_info: "b6123-1a2b3c4d",
  model_path: "/models/lab-large.gguf",
  default_generation_settings: { params: { top_k: 40 } },
};

const configured: BackendDescription = {
  kind: "openai-compatible",
  model: "fake-model",
  baseUrl: "http://127.0.0.1:8080/v1",
};

const probed = { n: true, logprobs: true } as BackendCapabilities;

/** A server on a scripted `fetch`: `/props` answers `props` (404 when absent), `/version` 404; counts the requests. */
function scriptedServer(props: object | undefined) {
  const urls: string[] = [];
  const fetch = (async (input: string | URL | Request) => {
    const url = String(input);
    urls.push(url);
    return url.endsWith("/props") && props !== undefined
      ? Response.json(props)
      : new Response("not found", { status: 404 });
  }) as typeof globalThis.fetch;
  return { fetch, urls };
}

/** A capability state whose `capabilities` answers `probed`, and that nothing else of is used. */
const state = { capabilities: async () => probed } as unknown as CapabilityState;

function profileOn(
  props: object | undefined,
  tokenizer: ParsedBackendOptions["tokenizer"] = "auto",
  lifetime = new AbortController().signal,
) {
  const server = scriptedServer(props);
  const profile = createServerProfile({
    endpoint: parseEndpointUrl("http://127.0.0.1:8080/v1"),
    headers: {},
    fetch: server.fetch,
    clock: manualClock(),
    lifetime,
    tokenizer,
    configured,
    state,
  });
  return { profile, urls: server.urls };
}

describe("createServerProfile", () => {
  it("describes the backend as configured until a discovery finds the server's versions and model file", async () => {
    const { profile, urls } = profileOn(llamaProps);
    expect(profile.describe()).toEqual(configured);
    expect(urls).toEqual([]);
    await profile.discover();
    expect(profile.describe()).toEqual({
      ...configured,
      versions: { "llama.cpp": "b6123-1a2b3c4d" },
      modelFile: "/models/lab-large.gguf",
    });
    expect(urls).toEqual(["http://127.0.0.1:8080/props", "http://127.0.0.1:8080/version"]);
  });

  it("adds the server's sampling defaults to the capabilities, and asks the answered server only once", async () => {
    const { profile, urls } = profileOn(llamaProps);
    expect(await profile.capabilities()).toEqual({
      ...probed,
      samplingDefaults: { source: "llama.cpp GET /props", values: { top_k: 40 } },
    });
    await profile.capabilities();
    expect(urls).toHaveLength(2);
    const bare = profileOn(undefined);
    expect(await bare.profile.capabilities()).toEqual(probed);
  });

  it("asks nothing for a signal already aborted, and takes what the server said so far", async () => {
    const { profile, urls } = profileOn(llamaProps);
    expect(await profile.capabilities(AbortSignal.abort())).toEqual(probed);
    expect(urls).toEqual([]);
  });

  it("knows a llama.cpp server by its discovery, or by the tokenizer option without asking", async () => {
    const signal = new AbortController().signal;
    expect(await profileOn(llamaProps).profile.servedByLlamaCpp(signal)).toBe(true);
    expect(await profileOn({}).profile.servedByLlamaCpp(signal)).toBe(false);
    const told = profileOn(undefined, "llama.cpp");
    expect(await told.profile.servedByLlamaCpp(signal)).toBe(true);
    const vllm = profileOn(llamaProps, "vllm");
    expect(await vllm.profile.servedByLlamaCpp(signal)).toBe(false);
    expect([...told.urls, ...vllm.urls]).toEqual([]);
  });

  it("rejects with the reason of a signal that aborted before the discovery answered", async () => {
    const { profile } = profileOn(llamaProps);
    const reason = new Error("caller gave up");
    await expect(profile.servedByLlamaCpp(AbortSignal.abort(reason))).rejects.toBe(reason);
  });
});
