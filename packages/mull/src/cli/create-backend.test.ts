import { describe, expect, it } from "vitest";
import { startFakeOpenAIServer } from "../testing/fake-openai-server.ts";
import { runCliCaptured } from "./commands/run-cli-captured.test-support.ts";
import { createBackendFromFlags } from "./create-backend.ts";
import { UsageError } from "./usage-error.ts";

// Nothing listens there: the models cannot be listed, so --model is taken as given.
const baseUrl = "http://127.0.0.1:9/v1";

describe("createBackendFromFlags over HTTP", () => {
  it("gives a served model named lab-… the lab's profile, at its card's temperature", async () => {
    const resolved = await createBackendFromFlags({ baseUrl, model: "lab-large" });
    try {
      expect(resolved.backend.describe()).toMatchObject({ kind: "openai-compatible", model: "lab-large" });
      expect(resolved.profile.name).toBe("lab");
      expect(resolved.profile.promptTemplate?.({ question: "12+7-3" })).toEqual({
        kind: "text",
        text: "Q: 12+7-3=? A:",
      });
      // The card of lab-large (packages/llama-cpp/models/models.json) recommends 1.25.
      expect(resolved.profile.samplingDefaults).toEqual({
        temperature: 1.25,
        topK: 0,
        topP: 1,
        minP: 0,
        maxTokens: 192,
      });
    } finally {
      await resolved.dispose();
    }
  });

  it("gives a model served by the path of a lab-….gguf file (llama-server without --alias) the lab's profile", async () => {
    const resolved = await createBackendFromFlags({
      baseUrl,
      model: "/work/models/lab-large.gguf",
    });
    try {
      expect(resolved.model).toBe("/work/models/lab-large.gguf");
      expect(resolved.backend.describe().model).toBe("/work/models/lab-large.gguf");
      expect(resolved.profile.name).toBe("lab");
      // The card of lab-large, found by the file's name.
      expect(resolved.profile.samplingDefaults.temperature).toBe(1.25);
    } finally {
      await resolved.dispose();
    }
  });

  it("gives any other served model the default profile", async () => {
    const resolved = await createBackendFromFlags({ baseUrl, model: "qwen2.5-7b" });
    try {
      expect(resolved.profile.name).toBe("default");
      expect(resolved.profile.samplingDefaults).toEqual({});
    } finally {
      await resolved.dispose();
    }
  });
});

describe("createBackendFromFlags: --model against the models a server lists", () => {
  it("refuses a model the server does not list, naming it and what the server serves", async () => {
    const server = await startFakeOpenAIServer({ model: "lab-large" });
    try {
      await expect(createBackendFromFlags({ baseUrl: server.url, model: "nosuch" })).rejects.toThrow(
        `--model: ${server.url} does not serve "nosuch"; it serves lab-large`,
      );
      const resolved = await createBackendFromFlags({ baseUrl: server.url, model: "lab-large" });
      expect(resolved.model).toBe("lab-large");
      expect(resolved.profile.name).toBe("lab");
      await resolved.dispose();
      expect(server.requests.filter((request) => request.endpoint === "models")).toHaveLength(2);
    } finally {
      await server.close();
    }
  });

  it("sends the listed path for a model llama-server lists by its file, with the lab's profile", async () => {
    const server = await startFakeOpenAIServer({ model: "/models/lab-large.gguf" });
    try {
      const resolved = await createBackendFromFlags({ baseUrl: server.url, model: "lab-large" });
      try {
        expect(resolved.model).toBe("/models/lab-large.gguf");
        expect(resolved.backend.describe().model).toBe("/models/lab-large.gguf");
        expect(resolved.profile.name).toBe("lab");
      } finally {
        await resolved.dispose();
      }
    } finally {
      await server.close();
    }
  });

  it("stops solve and fidelity (URL#model) with usage code 2 before any generation", async () => {
    const server = await startFakeOpenAIServer({ model: "lab-large" });
    try {
      const solve = await runCliCaptured(
        "solve",
        "412+307-95=?",
        "--base-url",
        server.url,
        "--model",
        "nosuch",
        "--strategy",
        "greedy",
      );
      expect(solve.code).toBe(2);
      expect(solve.stderr).toContain(`--model: ${server.url} does not serve "nosuch"; it serves lab-large`);
      const fidelity = await runCliCaptured(
        "fidelity",
        "--reference",
        `${server.url}#lab-large`,
        "--candidate",
        `${server.url}#nosuch`,
      );
      expect(fidelity.code).toBe(2);
      expect(fidelity.stderr).toContain('does not serve "nosuch"');
      expect(server.generations.started).toBe(0);
    } finally {
      await server.close();
    }
  });
});

describe("createBackendFromFlags: speculative decoding", () => {
  it("loads the embedded backend with a draft model or prompt lookup", async () => {
    const drafted = await createBackendFromFlags({ model: "lab-large", draftModel: "lab-small" });
    try {
      const backend = drafted.backend as { settings?: { speculative?: unknown } };
      expect(backend.settings?.speculative).toMatchObject({ kind: "draft", model: "lab-small" });
    } finally {
      await drafted.dispose();
    }
    const lookedUp = await createBackendFromFlags({ model: "lab-small", promptLookup: true });
    try {
      const backend = lookedUp.backend as { settings?: { speculative?: unknown } };
      expect(backend.settings?.speculative).toMatchObject({ kind: "prompt-lookup" });
    } finally {
      await lookedUp.dispose();
    }
  });

  it("refuses the speculative flags over HTTP and together", async () => {
    await expect(createBackendFromFlags({ baseUrl, model: "m", draftModel: "lab-small" })).rejects.toThrow(
      "--draft-model applies to the embedded backend only, not to --base-url",
    );
    await expect(createBackendFromFlags({ baseUrl, model: "m", promptLookup: true })).rejects.toThrow(
      "--prompt-lookup applies to the embedded backend only, not to --base-url",
    );
    await expect(createBackendFromFlags({ draftModel: "lab-small", promptLookup: true })).rejects.toThrow(
      "give either --draft-model or --prompt-lookup, not both",
    );
  });
});

describe("createBackendFromFlags: an embedded model it cannot load", () => {
  it("names --model, or the flag the model came from, with the lab models", async () => {
    const refusal = async (flags: { model: string; modelFlag?: string }): Promise<UsageError> => {
      const resolved = await createBackendFromFlags(flags).catch((caught: unknown) => caught as UsageError);
      if (resolved instanceof UsageError) return resolved;
      await (resolved as { dispose(): Promise<void> }).dispose();
      throw new Error(`expected ${flags.model} to be refused`);
    };
    const unknown = await refusal({ model: "lab-huge" });
    expect(unknown).toBeInstanceOf(UsageError);
    expect(unknown.field).toBe("--model");
    expect(unknown.message).toBe(
      '--model: unknown model "lab-huge": expected one of lab-v2-large, lab-v2-small, lab-large, lab-small or a path to a .gguf file',
    );
    const reference = await refusal({ model: "/no/such/model.gguf", modelFlag: "--reference" });
    expect(reference.field).toBe("--reference");
    expect(reference.message).toMatch(/^--reference: model file \/no\/such\/model\.gguf does not exist/);
  });
});

describe("createBackendFromFlags: flags named as the user typed them", () => {
  it("names --draft-model for a draft model the engine cannot load", async () => {
    const refused = await createBackendFromFlags({ model: "lab-large", draftModel: "lab-huge" }).catch(
      (caught: unknown) => caught,
    );
    expect(refused).toBeInstanceOf(UsageError);
    expect((refused as UsageError).field).toBe("--draft-model");
    expect((refused as UsageError).message).toBe(
      '--draft-model: unknown model "lab-huge": expected one of lab-v2-large, lab-v2-small, lab-large, lab-small or a path to a .gguf file',
    );
  });

  it("refuses a --base-url that is not an http(s) URL first, with or without --model (exit 2)", async () => {
    for (const url of ["notaurl", "ftp://host/v1", "localhost:8000/v1"]) {
      for (const model of [undefined, "m"]) {
        const refused = await createBackendFromFlags({ baseUrl: url, model }).catch(
          (caught: unknown) => caught,
        );
        expect(refused).toBeInstanceOf(UsageError);
        expect((refused as UsageError).field).toBe("--base-url");
        expect((refused as UsageError).message).toBe(
          `--base-url ${JSON.stringify(url)}: expected an absolute http(s) URL such as http://localhost:8000/v1`,
        );
      }
    }
    const solve = await runCliCaptured("solve", "1+1=?", "--base-url", "notaurl");
    expect(solve).toMatchObject({ code: 2, stdout: "" });
    expect(solve.stderr).toBe(
      'mull: --base-url "notaurl": expected an absolute http(s) URL such as http://localhost:8000/v1\n',
    );
  });
});

describe("createBackendFromFlags: flags read from a backend spec", () => {
  it("names the spec's flag, not --model, for a server that lists no model; --base-url alone keeps --model", async () => {
    const server = await startFakeOpenAIServer({ models: [] });
    try {
      const refused = await createBackendFromFlags({
        baseUrl: server.url,
        modelFlag: "--reference",
        spec: server.url,
      }).catch((caught: unknown) => caught);
      expect(refused).toBeInstanceOf(UsageError);
      expect((refused as UsageError).field).toBe("--reference");
      expect((refused as UsageError).message).toBe(
        `--reference ${server.url}: ${server.url}/models did not name a model (status 200); ` +
          `give the model after '#': --reference ${server.url}#MODEL`,
      );
      const plain = await createBackendFromFlags({ baseUrl: server.url }).catch((caught: unknown) => caught);
      expect((plain as UsageError).field).toBe("--model");
      expect((plain as UsageError).message).toBe(
        `--model is required: ${server.url}/models did not name a model (status 200)`,
      );
    } finally {
      await server.close();
    }
  });

  it("refuses a spec's URL naming the spec's flag", async () => {
    const refused = await createBackendFromFlags({
      baseUrl: "ftp://host/v1",
      modelFlag: "--candidate",
      spec: "ftp://host/v1",
    }).catch((caught: unknown) => caught);
    expect((refused as UsageError).field).toBe("--candidate");
    expect((refused as UsageError).message).toBe(
      '--candidate "ftp://host/v1": expected an absolute http(s) URL such as http://localhost:8000/v1',
    );
  });
});
