import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { strictOptionKeys } from "./strict-option-keys.ts";

interface ServerOptions {
  readonly port?: number | undefined;
  readonly host?: string | undefined;
}

const checkKeys = strictOptionKeys<ServerOptions>("startServer", { port: true, host: true });

describe("strictOptionKeys", () => {
  it("takes the listed keys, given or not, whatever their values", () => {
    expect(() => checkKeys({})).not.toThrow();
    expect(() => checkKeys({ port: "not checked here", host: undefined })).not.toThrow();
  });

  it("refuses an unknown key by its name, with the keys the owner takes", () => {
    let caught: unknown;
    try {
      checkKeys({ prot: 80 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).message).toBe(
      "startServer: prot: unknown key (startServer takes port, host)",
    );
    expect((caught as ConfigError).field).toBe("prot");
    expect(() => checkKeys({ prot: 80, hots: "h" })).toThrow(
      "startServer: prot, hots: unknown keys (startServer takes port, host)",
    );
  });

  it("refuses a value that is no options object", () => {
    expect(() => checkKeys(null)).toThrow("startServer: expected an options object { port, host }; got null");
  });
});
