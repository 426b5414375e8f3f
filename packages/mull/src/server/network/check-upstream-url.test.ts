import { describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import { createAddressPolicy } from "./address-policy.ts";
import { checkUpstreamUrl } from "./check-upstream-url.ts";

describe("checkUpstreamUrl", () => {
  const policy = createAddressPolicy();
  const refused = (url: string) => {
    try {
      checkUpstreamUrl(url, policy, "upstreams[0].baseUrl");
    } catch (error) {
      expect(ConfigError.isInstance(error)).toBe(true);
      expect((error as ConfigError).field).toBe("upstreams[0].baseUrl");
      return (error as Error).message;
    }
    throw new Error(`${url} was accepted`);
  };

  it("refuses the cloud metadata address", () => {
    expect(refused("http://169.254.169.254/latest")).toMatch(/link-local/);
  });

  it("refuses file: and other protocols", () => {
    expect(refused("file:///etc/passwd")).toMatch(/only http and https/);
    expect(refused("gopher://example.com")).toMatch(/only http and https/);
  });

  it("refuses credentials in the URL without repeating them", () => {
    const message = refused("http://user:s3cret-pass@api.example.com/v1");
    expect(message).toMatch(/credentials in the URL are refused/);
    expect(message).not.toContain("s3cret-pass");
  });

  it("refuses a key in the query without repeating it", () => {
    const message = refused("https://api.example.com/v1?key=AIza-secret");
    expect(message).toMatch(/secret in the query/);
    expect(message).not.toContain("AIza-secret");
  });

  it.each([
    "http://0x7f.1/v1",
    "http://2130706433/v1",
    "http://017700000001/v1",
    "http://[::ffff:7f00:1]/v1",
    "http://localhost:8000/v1",
  ])("refuses loopback however it is written: %s", (url) => {
    expect(refused(url)).toMatch(/loopback/);
  });

  it("accepts public URLs and allowlisted private ones", () => {
    expect(checkUpstreamUrl("https://api.example.com/v1", policy, "f").hostname).toBe("api.example.com");
    const allowing = createAddressPolicy(["127.0.0.1/32", "::1/128"]);
    expect(checkUpstreamUrl("http://localhost:8000/v1", allowing, "f").port).toBe("8000");
    expect(checkUpstreamUrl("http://0x7f.1/v1", allowing, "f").hostname).toBe("127.0.0.1");
  });

  it("refuses text that is not a URL", () => {
    expect(refused("not a url")).toMatch(/absolute http\(s\) URL/);
  });
});
