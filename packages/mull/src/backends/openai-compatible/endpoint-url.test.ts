import { describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import { parseEndpointUrl } from "./endpoint-url.ts";

describe("parseEndpointUrl", () => {
  it("adds /v1 to a bare origin and keeps a given path", () => {
    expect(parseEndpointUrl("http://localhost:8000").requestBase).toBe("http://localhost:8000/v1");
    expect(parseEndpointUrl("http://localhost:8000/v1/").requestBase).toBe("http://localhost:8000/v1");
    expect(parseEndpointUrl("https://gateway.example/openai/v1").requestBase).toBe(
      "https://gateway.example/openai/v1",
    );
  });

  it("keeps credentials and query out of the public form", () => {
    const parsed = parseEndpointUrl("https://user:s3cret@host.example/v1?key=abc&api-version=1");
    expect(parsed.publicBase).toBe("https://host.example/v1");
    expect(parsed.query).toBe("?key=abc&api-version=1");
    expect(parsed.basicAuthorization).toBe(`Basic ${Buffer.from("user:s3cret").toString("base64")}`);
  });

  it("refuses what is not an http(s) URL, without echoing secrets", () => {
    expect(() => parseEndpointUrl("localhost:8000")).toThrow(ConfigError);
    expect(() => parseEndpointUrl("file:///etc/passwd")).toThrow(/http or https/);
    try {
      parseEndpointUrl("nonsense//user:hunter2@?key=topsecret");
      expect.unreachable();
    } catch (error) {
      expect(String(error)).not.toMatch(/hunter2|topsecret/);
      expect((error as ConfigError).field).toBe("baseUrl");
    }
  });
});
