import { describe, expect, it } from "vitest";
import { checkBaseUrlFlag, withoutUrlSecrets } from "./base-url-flag.ts";
import { UsageError } from "./usage-error.ts";

describe("checkBaseUrlFlag", () => {
  it("takes absolute http and https URLs", () => {
    expect(checkBaseUrlFlag("http://localhost:8000/v1").host).toBe("localhost:8000");
    expect(checkBaseUrlFlag("https://api.example.com/v1").protocol).toBe("https:");
  });

  it("refuses anything else in one line naming the flag and the value, without its secrets", () => {
    const refusal = (text: string, flag?: string): UsageError => {
      try {
        checkBaseUrlFlag(text, flag);
      } catch (error) {
        return error as UsageError;
      }
      throw new Error(`expected ${text} to be refused`);
    };
    const bare = refusal("notaurl");
    expect(bare).toBeInstanceOf(UsageError);
    expect(bare.field).toBe("--base-url");
    expect(bare.message).toBe(
      '--base-url "notaurl": expected an absolute http(s) URL such as http://localhost:8000/v1',
    );
    expect(refusal("ftp://host/v1").message).toMatch(/^--base-url "ftp:\/\/host\/v1": expected/);
    const named = refusal("localhost:8000/v1", "--prm");
    expect(named.field).toBe("--prm");
    expect(named.message).toMatch(/^--prm "localhost:8000\/v1": expected/);
    const secret = refusal("htp://user:hunter2@host/v1?key=sk-1");
    expect(secret.message).not.toContain("hunter2");
    expect(secret.message).not.toContain("sk-1");
    expect(secret.message).not.toContain("\n");
  });
});

describe("withoutUrlSecrets", () => {
  it("drops credentials and the query, parsable or not", () => {
    expect(withoutUrlSecrets("redis://:hunter2@10.0.0.5:6379?x=1")).toBe("redis://10.0.0.5:6379");
    expect(withoutUrlSecrets("http//u:p@host/v1#frag")).toBe("http//host/v1");
    expect(withoutUrlSecrets("bogus")).toBe("bogus");
  });
});
