import { describe, expect, it } from "vitest";
import { useFakeServerBackends } from "./fake-server-backends.test-support.ts";

const { fakeServer, backendFor } = useFakeServerBackends();

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
