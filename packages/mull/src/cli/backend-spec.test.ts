import { describe, expect, it } from "vitest";
import { backendFlagsFromSpec } from "./backend-spec.ts";

describe("backendFlagsFromSpec", () => {
  it("reads embedded models and URL#model", () => {
    expect(backendFlagsFromSpec("lab-large", "--reference")).toEqual({
      model: "lab-large",
      modelFlag: "--reference",
    });
    expect(backendFlagsFromSpec("./x.gguf", "--reference")).toEqual({
      model: "./x.gguf",
      modelFlag: "--reference",
    });
    expect(backendFlagsFromSpec("http://localhost:8080/v1#lab-large", "--candidate")).toEqual({
      baseUrl: "http://localhost:8080/v1",
      model: "lab-large",
    });
    expect(backendFlagsFromSpec("https://api.example.com/v1", "--candidate")).toEqual({
      baseUrl: "https://api.example.com/v1",
    });
  });

  it("names the flag and the problem for a bad spec", () => {
    expect(() => backendFlagsFromSpec(" ", "--candidate")).toThrow(/--candidate: empty backend spec/);
    expect(() => backendFlagsFromSpec("http://localhost:8080/v1#", "--candidate")).toThrow(
      /--candidate: "http:\/\/localhost:8080\/v1#" names no model after #/,
    );
    expect(() => backendFlagsFromSpec("localhost:8080#lab", "--reference")).toThrow(
      /--reference: "localhost:8080#lab" has a #model but no http\(s\) URL/,
    );
  });
});
