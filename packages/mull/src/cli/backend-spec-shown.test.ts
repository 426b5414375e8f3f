import { describe, expect, it } from "vitest";
import { backendSpecShown } from "./backend-spec-shown.ts";

describe("backendSpecShown", () => {
  it("shows a spec without the credentials of its URL", () => {
    expect(backendSpecShown("http://me:secret@host:8080/v1#m")).toBe("http://host:8080/v1#m");
    expect(backendSpecShown("lab-large")).toBe("lab-large");
  });
});
