import { describe, expect, it } from "vitest";
import { UsageError } from "../usage-error.ts";
import { modelShapeFields, parseModelShapeOption } from "./model-shape-option.ts";
import { formatModelShape, statedModelShape } from "./stated-model-shape.ts";

const recorded = { type: "llama", parameters: 117952, layers: 2, embedding: 64, vocabulary: 32 };

describe("statedModelShape", () => {
  it("keeps the recorded shape, or takes the stated one where none was recorded, marked as stated", () => {
    expect(statedModelShape(recorded, undefined)).toBe(recorded);
    expect(statedModelShape(undefined, undefined)).toBeUndefined();
    expect(statedModelShape(undefined, { parameters: 10, layers: 1, embedding: 2 })).toEqual({
      parameters: 10,
      layers: 1,
      embedding: 2,
      type: "as stated with --model-shape",
    });
    expect(statedModelShape(recorded, { parameters: 117952, layers: 2, embedding: 64 })).toBe(recorded);
  });

  it("refuses a stated shape that differs from the recorded one, naming the flag, both shapes and the fields", () => {
    const refuse = (stated: Parameters<typeof statedModelShape>[1]) => {
      try {
        statedModelShape(recorded, stated);
      } catch (error) {
        expect(UsageError.isInstance(error)).toBe(true);
        expect((error as UsageError).field).toBe("--model-shape");
        return (error as UsageError).message;
      }
      throw new Error("not refused");
    };
    expect(refuse({ parameters: 1000, layers: 2, embedding: 4 })).toBe(
      "--model-shape parameters=1000,layers=2,embedding=4: the run recorded its model's shape, " +
        "parameters=117952,layers=2,embedding=64,vocabulary=32, which differs in parameters, embedding; " +
        "--model-shape is for runs that recorded none (a run over HTTP): drop it",
    );
    // A field the recording lacks would change the cost as much as a different one.
    expect(refuse({ parameters: 117952, layers: 2, embedding: 64, weightBytes: 1e6 })).toContain(
      "which differs in weightBytes;",
    );
  });

  it("writes a shape in the form --model-shape takes, leaving out the fields it lacks", () => {
    expect(formatModelShape({ parameters: 7e9, layers: 32, embedding: 4096, keyValueHeads: 8 })).toBe(
      "parameters=7000000000,layers=32,embedding=4096,keyValueHeads=8",
    );
  });

  it("writes every field --model-shape takes, in its order, so that what it writes reads back", () => {
    const shape = {
      parameters: 1,
      layers: 2,
      embedding: 3,
      heads: 4,
      keyValueHeads: 5,
      feedForward: 6,
      vocabulary: 7,
      contextLength: 8,
      weightBytes: 9,
    };
    expect(Object.keys(shape)).toEqual([...modelShapeFields]);
    const written = formatModelShape(shape);
    expect(written.split(",").map((pair) => pair.split("=")[0])).toEqual([...modelShapeFields]);
    expect(parseModelShapeOption(written)).toEqual(shape);
  });
});
