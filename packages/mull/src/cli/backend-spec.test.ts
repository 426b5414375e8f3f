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
      modelFlag: "--candidate",
      spec: "http://localhost:8080/v1#lab-large",
    });
    expect(backendFlagsFromSpec(" https://api.example.com/v1 ", "--reference")).toEqual({
      baseUrl: "https://api.example.com/v1",
      modelFlag: "--reference",
      spec: "https://api.example.com/v1",
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
    expect(() => backendFlagsFromSpec("http://[::1/v1", "--candidate")).toThrow(
      /--candidate: "http:\/\/\[::1\/v1" is not a valid URL/,
    );
  });
});
