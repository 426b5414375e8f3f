import { describe, expect, it } from "vitest";
import { builtinPromptTemplate } from "../prompts/index.ts";
import { parseServerConfig } from "../server/config/index.ts";
import type { Backend } from "../spec/index.ts";
import { createScriptedBackend } from "../testing/index.ts";
import { checkingServedTemplates, type EmbeddedLoader } from "./served-template-check.ts";
import { UsageError } from "./usage-error.ts";

const gsm8k = builtinPromptTemplate("gsm8k");
const lab = builtinPromptTemplate("lab");

/** A loader of text-only models (as the lab models are) that records what it loaded and disposed. */
function textOnlyLoader() {
  const loaded: string[] = [];
  const disposed: string[] = [];
  const load: EmbeddedLoader = async (model) => {
    loaded.push(model);
    const backend = createScriptedBackend({ responses: ["4"], model, capabilities: { chat: false } });
    return {
      ...backend,
      dispose: async () => {
        disposed.push(model);
      },
    } as Backend;
  };
  return { load, loaded, disposed };
}

function embeddedConfig(models: unknown[]) {
  return parseServerConfig({ upstreams: [{ name: "lab", kind: "embedded", models }] });
}

describe("checkingServedTemplates", () => {
  it("refuses --prompt-template's chat template for a text-only model as it loads, and disposes it", async () => {
    const { load, disposed } = textOnlyLoader();
    const checked = await checkingServedTemplates(load, embeddedConfig(["lab-small"]), gsm8k, undefined);
    const refusal = await checked("lab-small", {}).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(UsageError);
    expect((refusal as UsageError).field).toBe("--prompt-template");
    expect((refusal as UsageError).message).toBe(
      "--prompt-template gsm8k writes chat prompts, which the scripted backend (model lab-small) cannot take: " +
        "it has no chat template; add --endpoint completions for text prompts, or give a text template such as lab",
    );
    expect(disposed).toEqual(["lab-small"]);
  });

  it("passes a text template and keeps the model loaded", async () => {
    const { load, disposed } = textOnlyLoader();
    const checked = await checkingServedTemplates(load, embeddedConfig(["lab-small"]), lab, undefined);
    const backend = await checked("lab-small", {});
    expect(backend.describe().model).toBe("lab-small");
    expect(disposed).toEqual([]);
  });

  it("checks a model's own configured template instead of --prompt-template, naming the file and field", async () => {
    const { load, disposed } = textOnlyLoader();
    const config = embeddedConfig([
      "lab-small",
      { name: "large", upstreamModel: "lab-large", promptTemplate: "qwen-math" },
    ]);
    // --prompt-template lab suits lab-small; lab-large's own qwen-math does not.
    const checked = await checkingServedTemplates(load, config, lab, "serve.json");
    await expect(checked("lab-small", {})).resolves.toBeDefined();
    const refusal = await checked("lab-large", {}).catch((error: unknown) => error);
    expect((refusal as UsageError).field).toBe("upstreams[0].models[1].promptTemplate");
    expect((refusal as Error).message).toBe(
      "serve.json: upstreams[0].models[1].promptTemplate qwen-math writes chat prompts, which the scripted backend " +
        "(model lab-large) cannot take: it has no chat template; give a text template such as lab",
    );
    expect(disposed).toEqual(["lab-large"]);
  });

  it("leaves the loader as it is when no template is chosen for an embedded model", async () => {
    const { load } = textOnlyLoader();
    expect(await checkingServedTemplates(load, embeddedConfig(["lab-small"]), undefined, undefined)).toBe(
      load,
    );
    const http = parseServerConfig({
      upstreams: [{ name: "vllm", baseUrl: "https://llm.example.com/v1", models: ["qwen"] }],
    });
    expect(await checkingServedTemplates(load, http, gsm8k, undefined)).toBe(load);
  });
});
