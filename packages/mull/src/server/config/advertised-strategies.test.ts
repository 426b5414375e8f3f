import { describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import { checkAdvertisedStrategies } from "./advertised-strategies.ts";
import { parseServerConfig } from "./server-config.ts";

const upstream = { name: "vllm", baseUrl: "https://llm.example.com/v1", models: ["qwen"] };

/** The error `parseServerConfig` refuses a config advertising `specs` with. */
function refusal(specs: readonly string[]): ConfigError {
  try {
    parseServerConfig({ server: { advertisedStrategies: specs }, upstreams: [upstream] }, "serve.json");
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error(`advertising ${specs.join(", ")} was accepted`);
}

describe("server.advertisedStrategies", () => {
  it("accepts the specs a model name can carry as its prefix, the default included", () => {
    expect(parseServerConfig({ upstreams: [upstream] }).server.advertisedStrategies).toEqual(["sc@8"]);
    const specs = [
      "sc@8",
      "bon@4",
      "greedy",
      "single",
      "asc(bon@8)",
      "gen@8+critique+fuse@2",
      "pf@8",
      "SC@4",
    ];
    const config = parseServerConfig({ server: { advertisedStrategies: specs }, upstreams: [upstream] });
    expect(config.server.advertisedStrategies).toEqual(specs);
  });

  it.each([
    ["sc@0", "gives N = 0 in sc@N; expected an integer from 1 to 100000"],
    ["cascade@8t2", "gives T = 2 in cascade@NtT; expected a number above 0 and at most 1"],
    ["nosuch@4", 'unknown spec "nosuch@4"; expected one of greedy, single, sc@N'],
    ["esc@16w32", "earlyStoppingConsistency: window must be an integer from 1 to 16, got 32"],
  ])("refuses %s at start-up, naming the entry, the value and the parser's reason", (spec, reason) => {
    const error = refusal(["sc@8", spec]);
    // Before: accepted, and listed by GET /v1/models as a model every request for refuses.
    expect(error.field).toBe("server.advertisedStrategies[1]");
    expect(error.message.startsWith(`serve.json: server.advertisedStrategies[1] "${spec}": ${reason}`)).toBe(
      true,
    );
  });

  it("refuses a spec with models after a colon: the list puts each served model there", () => {
    const error = refusal(["sc@8:qwen"]);
    expect(error.field).toBe("server.advertisedStrategies[0]");
    expect(error.message).toBe(
      'serve.json: server.advertisedStrategies[0] "sc@8:qwen": names models after ":"; expected the strategy alone (e.g. "sc@8"), which GET /v1/models lists as "sc@8:MODEL" for each served model',
    );
  });

  it("refuses a routing strategy, whose listed one-model names every request would be refused for", () => {
    const error = refusal(["bild@0.5"]);
    expect(error.field).toBe("server.advertisedStrategies[0]");
    expect(error.message).toMatch(
      /^serve\.json: server\.advertisedStrategies\[0\] "bild@0\.5": routes between models, so "bild@0\.5:MODEL" names one model .*"strategy": "bild@0\.5:small>large"/,
    );
    expect(() => checkAdvertisedStrategies(["cascade@8"], "serve.json")).toThrow(/routes between models/);
  });

  it("refuses a spec a model name does not read back as its prefix", () => {
    const error = refusal([" sc@8"]);
    expect(error.field).toBe("server.advertisedStrategies[0]");
    expect(error.message).toMatch(
      /^serve\.json: server\.advertisedStrategies\[0\] " sc@8": is not read back as/,
    );
  });
});
