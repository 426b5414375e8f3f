import { describe, expect, it } from "vitest";
import { argumentPath } from "./argument-path.ts";

describe("argumentPath", () => {
  const typedIn = { INIT_CWD: "/repo/packages/llama-cpp/training" };

  it("reads a relative path from the folder npx was started in", () => {
    expect(argumentPath("../models/lab-large.gguf", typedIn)).toBe(
      "/repo/packages/llama-cpp/models/lab-large.gguf",
    );
    expect(argumentPath("runs/large-s2/step-4800.gguf", typedIn)).toBe(
      "/repo/packages/llama-cpp/training/runs/large-s2/step-4800.gguf",
    );
  });

  it("keeps an absolute path, and every path when INIT_CWD is unset or empty", () => {
    expect(argumentPath("/tmp/lab-large.pt", typedIn)).toBe("/tmp/lab-large.pt");
    expect(argumentPath("../models/lab-large.gguf", {})).toBe("../models/lab-large.gguf");
    expect(argumentPath("../models/lab-large.gguf", { INIT_CWD: "" })).toBe("../models/lab-large.gguf");
    expect(argumentPath("", typedIn)).toBe("");
  });
});
