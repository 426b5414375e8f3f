import { describe, expect, it } from "vitest";
import { extractLabAnswer } from "../lab/index.ts";
import { withCue } from "./with-cue.ts";

describe("withCue", () => {
  it("replaces the text's trailing whitespace with a cue that begins with whitespace", () => {
    expect(withCue("\n61+84=145\n145+4", "\n#### ")).toBe("\n61+84=145\n145+4\n#### ");
    expect(withCue("\n61+84=145\n", "\n#### ")).toBe("\n61+84=145\n#### ");
    expect(withCue("So it is 12.  \n\n", "\n\nFinal answer: ")).toBe("So it is 12.\n\nFinal answer: ");
  });

  it("appends any other cue as it is", () => {
    expect(withCue("x = 3 ", "Final answer: ")).toBe("x = 3 Final answer: ");
    expect(withCue("", "\n#### ")).toBe("\n#### ");
  });

  it("leaves the lab's answer readable after its cue", () => {
    expect(extractLabAnswer(`${withCue("\n61+84=145\n145+4", "\n#### ")}194`)).toBe("194");
  });
});
