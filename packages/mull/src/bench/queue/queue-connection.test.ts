import { describe, expect, it } from "vitest";
import { ConfigError } from "../../errors/index.ts";
import { queueConnection } from "./queue-connection.ts";

describe("queueConnection", () => {
  it("takes a redis:// or rediss:// URL, with no per-command retry limit", () => {
    expect(queueConnection("redis://127.0.0.1:6379")).toEqual({
      url: "redis://127.0.0.1:6379",
      maxRetriesPerRequest: null,
    });
    expect(queueConnection("rediss://cache:6380").url).toBe("rediss://cache:6380");
  });

  it("refuses another scheme, naming the field and redacting the password", () => {
    const error = (() => {
      try {
        queueConnection("http://user:SECRETPW@cache:6379", "--queue");
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      "--queue: expected a redis:// or rediss:// URL, got http://user:***@cache:6379/",
    );
  });

  it("refuses text that is not a URL", () => {
    expect(() => queueConnection("127.0.0.1:6379", "--queue")).toThrow(
      /^--queue: expected a Redis URL such as redis:\/\/127\.0\.0\.1:6379, got /,
    );
  });
});
