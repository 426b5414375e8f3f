import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { parseServerConfig } from "../server/index.ts";
import { serveConfigFlagError } from "./serve-config-flag-error.ts";
import { UsageError } from "./usage-error.ts";

const fromFlags = { source: "flags", impliedNetworks: 1, fileRoutes: 0, fileAdvertised: 0 };

/** The refusal `parseServerConfig` gives `config`, read as coming from `source`. */
function refusalOf(config: unknown, source = "flags"): ConfigError {
  try {
    parseServerConfig(config, source);
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("the configuration was accepted");
}

const upstream = (fields: Record<string, unknown>) => ({
  upstreams: [
    {
      name: "upstream",
      baseUrl: "http://127.0.0.1:9/v1",
      models: ["m"],
      allowedNetworks: ["127.0.0.1/32"],
      ...fields,
    },
  ],
});

describe("serveConfigFlagError", () => {
  it("tells an --allow-network entry by its place after the networks the --base-url host implies", () => {
    const error = refusalOf(upstream({ allowedNetworks: ["127.0.0.1/32", "10.0.0.0/8", "bogus"] }));
    const flags = { baseUrl: "http://127.0.0.1:9/v1", allowNetwork: ["10.0.0.0/8", "bogus"] };
    const said = serveConfigFlagError(error, flags, fromFlags);
    expect(said).toBeInstanceOf(UsageError);
    expect(said?.field).toBe("--allow-network");
    expect(said?.message).toBe(
      "--allow-network bogus: expected an IP address or CIDR range such as 10.0.0.0/8",
    );
  });

  it("says a schema refusal in one line naming the flag and its value", () => {
    const error = refusalOf({ ...upstream({}), server: { state: { url: "bogus" } } });
    expect(error.message).toContain("\n");
    const said = serveConfigFlagError(error, { baseUrl: "http://127.0.0.1:9/v1", state: "bogus" }, fromFlags);
    expect(said?.field).toBe("--state");
    expect(said?.message).toBe("--state bogus: expected a redis:// or rediss:// URL");
  });

  it("shows a URL flag's value without its password", () => {
    const error = refusalOf({
      ...upstream({}),
      server: { state: { url: "http://user:hunter2@10.0.0.5:6379" } },
    });
    const said = serveConfigFlagError(error, { state: "http://user:hunter2@10.0.0.5:6379" }, fromFlags);
    expect(said?.message).toBe("--state http://10.0.0.5:6379: expected a redis:// or rediss:// URL");
  });

  it("names --route for a route given on the command line, after the routes of a --config file", () => {
    const error = new ConfigError('x.json: routes[1].models[0]: "nope" is not a served model', {
      field: "routes[1].models[0]",
    });
    const flags = {
      config: "x.json",
      route: [{ name: "auto", policy: "ucb" as const, models: ["nope", "m"] }],
    };
    const said = serveConfigFlagError(error, flags, {
      source: "x.json",
      impliedNetworks: 0,
      fileRoutes: 1,
      fileAdvertised: 0,
    });
    expect(said?.field).toBe("--route");
    expect(said?.message).toBe('--route auto=ucb:nope>m: "nope" is not a served model');
    // The file's own route is the file's to name.
    const fileRoute = new ConfigError("x.json: routes[0].models[0]: bad", { field: "routes[0].models[0]" });
    expect(
      serveConfigFlagError(fileRoute, flags, {
        source: "x.json",
        impliedNetworks: 0,
        fileRoutes: 1,
        fileAdvertised: 0,
      }),
    ).toBe(undefined);
  });

  it("names --advertise and its value for a strategy given on the command line, after those of a --config file", () => {
    const error = refusalOf(
      { ...upstream({}), server: { advertisedStrategies: ["sc@8", "sc@0"] } },
      "x.json",
    );
    expect(error.field).toBe("server.advertisedStrategies[1]");
    const flags = { config: "x.json", advertise: ["sc@0"] };
    const said = serveConfigFlagError(error, flags, {
      source: "x.json",
      impliedNetworks: 0,
      fileRoutes: 0,
      fileAdvertised: 1,
    });
    expect(said?.field).toBe("--advertise");
    expect(said?.message).toBe(
      '--advertise "sc@0": gives N = 0 in sc@N; expected an integer from 1 to 100000',
    );
    // The file's own strategy is the file's to name.
    const fileError = refusalOf({ ...upstream({}), server: { advertisedStrategies: ["sc@0"] } }, "x.json");
    const origin = { source: "x.json", impliedNetworks: 0, fileRoutes: 0, fileAdvertised: 1 };
    expect(serveConfigFlagError(fileError, { config: "x.json", advertise: ["bon@4"] }, origin)).toBe(
      undefined,
    );
    // Without --config every strategy is a flag's: the second --advertise is the second entry.
    const unknown = refusalOf({ ...upstream({}), server: { advertisedStrategies: ["sc@8", "nosuch@4"] } });
    const named = serveConfigFlagError(unknown, { advertise: ["sc@8", "nosuch@4"] }, fromFlags);
    expect(named?.message).toMatch(
      /^--advertise "nosuch@4": unknown spec "nosuch@4"; expected one of greedy, /,
    );
    expect(named?.message).not.toContain("\n");
  });

  it("leaves what a --config file set, and errors that are not configuration errors, as they are", () => {
    const error = refusalOf(upstream({ concurrency: 0 }), "serve.json");
    expect(
      serveConfigFlagError(error, { config: "serve.json" }, { ...fromFlags, source: "serve.json" }),
    ).toBe(undefined);
    expect(serveConfigFlagError(new Error("boom"), {}, fromFlags)).toBeUndefined();
  });
});
