import { describe, expect, it } from "vitest";
import { ConfigError } from "../src/errors/index.ts";
import { checkRoutePairModels, routePairFromFlags } from "./route-pair.ts";

describe("routePairFromFlags", () => {
  it("reads the pair, names trimmed", () => {
    expect(routePairFromFlags("bench:routing", { small: " lab-small", large: "lab-large " })).toEqual({
      small: "lab-small",
      large: "lab-large",
    });
  });

  it("refuses an empty name and one model twice, naming the owner and the flag", () => {
    expect(() => routePairFromFlags("bench:routing", { small: "", large: "lab-large" })).toThrow(
      'bench:routing: --small must be a lab model name or a .gguf path, got ""',
    );
    expect(() => routePairFromFlags("bench:routing", { small: "lab-small", large: "lab-small" })).toThrow(
      'bench:routing: --small and --large both name "lab-small"; expected two models',
    );
  });
});

describe("checkRoutePairModels", () => {
  it("accepts the committed lab models and refuses one that is not there under its own flag", async () => {
    await expect(
      checkRoutePairModels("bench:glimpse", { small: "lab-v2-small", large: "lab-v2-large" }),
    ).resolves.toBeUndefined();
    const refused = await checkRoutePairModels("bench:glimpse", {
      small: "lab-v2-small",
      large: "nosuch",
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(ConfigError.isInstance(refused) && refused.field).toBe("--large");
    expect((refused as Error).message).toMatch(/^bench:glimpse: --large: unknown model "nosuch"/);
  });
});
