import { describe, expect, it } from "vitest";
import { parseModelShapeOption } from "./model-shape-option.ts";

describe("parseModelShapeOption", () => {
  it("reads the required fields and the optional ones, in any order", () => {
    expect(parseModelShapeOption("parameters=117952,layers=2,embedding=64")).toEqual({
      parameters: 117952,
      layers: 2,
      embedding: 64,
    });
    expect(
      parseModelShapeOption("embedding=3584, layers=28, parameters=7e9, heads=28, keyValueHeads=4"),
    ).toEqual({ parameters: 7e9, layers: 28, embedding: 3584, heads: 28, keyValueHeads: 4 });
  });

  it("refuses a missing, unknown, repeated or non-integer field, naming it and its value", () => {
    expect(() => parseModelShapeOption("parameters=1000,layers=2")).toThrow(
      "missing embedding: expected parameters=N,layers=N,embedding=N",
    );
    expect(() => parseModelShapeOption("parameters=1000,layers=2,embedding=8,layer=4")).toThrow(
      'unknown field "layer": a model shape takes parameters, layers, embedding, heads',
    );
    expect(() => parseModelShapeOption("parameters=1000,layers=2,layers=3,embedding=8")).toThrow(
      "layers is given twice",
    );
    expect(() => parseModelShapeOption("parameters=1000,layers=2.5,embedding=8")).toThrow(
      'layers must be a positive integer, got "2.5"',
    );
    expect(() => parseModelShapeOption("parameters=1000,layers,embedding=8")).toThrow(
      'expected parameters=N,layers=N,embedding=N[,heads=N,keyValueHeads=N,…], got "layers"',
    );
  });
});
