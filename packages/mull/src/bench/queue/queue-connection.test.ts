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

  it("refuses a URL that does not parse without showing it: its password could be anywhere", () => {
    // The port is out of range: not a URL, though its password is plain to see.
    expect(() => queueConnection("redis://:s3cr3t@127.0.0.1:99999", "--queue")).toThrow(
      new ConfigError("--queue: expected a Redis URL such as redis://127.0.0.1:6379, got <unparsable URL>", {
        field: "--queue",
      }),
    );
  });

  it("refuses a database that is not a whole number, which Redis clients would read as database 0", () => {
    const error = (() => {
      try {
        queueConnection("redis://:SECRETPW@127.0.0.1:6379/abc", "--redis");
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).field).toBe("--redis");
    expect((error as Error).message).toBe(
      '--redis: redis://:***@127.0.0.1:6379/abc: expected a database number as the URL\'s path, e.g. /0, got "/abc"',
    );
    expect(queueConnection("redis://127.0.0.1:6379/3").url).toBe("redis://127.0.0.1:6379/3");
  });
});
