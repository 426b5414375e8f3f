import { describe, expect, it } from "vitest";
import { retryAfterMilliseconds } from "./retry-after.ts";

describe("retryAfterMilliseconds", () => {
  it("reads seconds, fractions and HTTP dates", () => {
    expect(retryAfterMilliseconds(new Headers({ "retry-after": "2" }))).toBe(2000);
    expect(retryAfterMilliseconds(new Headers({ "retry-after": "0.25" }))).toBe(250);
    const now = Date.parse("Wed, 21 Oct 2015 07:28:00 GMT");
    expect(retryAfterMilliseconds(new Headers({ "retry-after": "Wed, 21 Oct 2015 07:28:03 GMT" }), now)).toBe(
      3000,
    );
    expect(retryAfterMilliseconds(new Headers({ "retry-after": "Wed, 21 Oct 2015 07:27:00 GMT" }), now)).toBe(
      0,
    );
  });

  it("prefers retry-after-ms and ignores what it cannot read", () => {
    expect(retryAfterMilliseconds(new Headers({ "retry-after": "5", "retry-after-ms": "120" }))).toBe(120);
    expect(retryAfterMilliseconds(new Headers({ "retry-after": "5", "retry-after-ms": "soon" }))).toBe(5000);
    expect(retryAfterMilliseconds(new Headers({ "retry-after": "later" }))).toBeUndefined();
    expect(retryAfterMilliseconds(new Headers())).toBeUndefined();
  });
});
