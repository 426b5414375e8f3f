import { describe, expect, it } from "vitest";
import type { Backend, GenerationResult } from "../../spec/index.ts";
import { createScriptedBackend } from "../../testing/index.ts";
import type { ServedModel } from "./served-model.ts";
import { underServedName } from "./under-served-name.ts";

const request = { prompt: { kind: "text" as const, text: "Q: 1+1=? A:" }, n: 1 };

/** A served model over `backend`, as the server builds one (only what `underServedName` reads). */
const servedOver = (backend: Backend) => ({ name: "lab-v2-large", backend }) as unknown as ServedModel;

describe("underServedName", () => {
  it("names the description and every result by the served name, whatever the upstream reports", async () => {
    const upstream = createScriptedBackend({ responses: ["#### 2"] });
    const backend = underServedName(servedOver(upstream));
    const result = await backend.generate(request);
    expect(result.completions[0]?.text).toBe("#### 2");
    expect(upstream.describe().model).toBe("scripted");
    expect(result.model).toBe("lab-v2-large");
    expect(backend.describe()).toEqual({ kind: "scripted", model: "lab-v2-large" });
  });

  it("names what a call an abort cut told by the served name, its usage kept", async () => {
    const partial: GenerationResult = {
      completions: [{ index: 0, text: "so so", finishReason: "abort", completionTokens: 2 }],
      usage: { promptTokens: undefined, completionTokens: 2, calls: 1 },
      model: "/models/lab-v2-large.gguf",
    };
    const upstream: Backend = {
      describe: () => ({ kind: "openai-compatible", model: "lab-v2-large" }),
      capabilities: () => createScriptedBackend({ responses: ["ok"] }).capabilities(),
      async generate(_, options) {
        options?.onAborted?.(partial);
        throw new Error("aborted");
      },
    };
    const told: GenerationResult[] = [];
    await expect(
      underServedName(servedOver(upstream)).generate(request, { onAborted: (result) => told.push(result) }),
    ).rejects.toThrow("aborted");
    expect(told).toEqual([{ ...partial, model: "lab-v2-large" }]);
  });

  it("forwards the optional methods the upstream has, and no others", async () => {
    const upstream = { ...createScriptedBackend({ responses: ["ok"] }), countTokens: async () => 20 };
    const backend = underServedName(servedOver(upstream));
    expect(await backend.countTokens?.(request.prompt)).toBe(20);
    expect("measureRates" in backend).toBe(false);
  });
});
