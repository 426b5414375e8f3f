import { describe, expect, it } from "vitest";
import { chatRequestSchema, completionRequestSchema } from "./request-schema.ts";
import { unknownFieldsOf } from "./unknown-fields-of.ts";

describe("unknownFieldsOf", () => {
  it("keeps the top-level fields the schema does not model, values untouched", () => {
    const guided = { type: "object", properties: { a: { type: "integer" } } };
    const raw = {
      model: "m",
      messages: [],
      top_k: 5,
      mull: {},
      reasoning_effort: "low",
      guided_json: guided,
      ignore_eos: true,
      extra: null,
    };
    const fields = unknownFieldsOf(raw, chatRequestSchema);
    expect(fields).toEqual({ reasoning_effort: "low", guided_json: guided, ignore_eos: true, extra: null });
    expect(fields?.guided_json).toBe(guided);
  });

  it("reads the fields each endpoint models: chat's tools are unknown to completions", () => {
    const raw = { model: "m", prompt: "x", tools: [], response_format: { type: "text" }, echo: true };
    expect(unknownFieldsOf(raw, completionRequestSchema)).toEqual({
      tools: [],
      response_format: { type: "text" },
      echo: true,
    });
    expect(unknownFieldsOf({ ...raw, messages: [] }, chatRequestSchema)).toEqual({ prompt: "x", echo: true });
  });

  it("never keeps banned fields or object internals, and reports none as undefined", () => {
    const raw = JSON.parse(
      '{"model":"m","base_url":"http://x","__proto__":{"polluted":true},"constructor":{"prototype":{}},"prototype":1}',
    );
    expect(unknownFieldsOf(raw, chatRequestSchema)).toBeUndefined();
    expect(unknownFieldsOf({ model: "m", messages: [] }, chatRequestSchema)).toBeUndefined();
    expect(unknownFieldsOf([1, 2], chatRequestSchema)).toBeUndefined();
    const mixed = unknownFieldsOf(JSON.parse('{"__proto__":{"polluted":true},"a":1}'), chatRequestSchema);
    expect(mixed).toEqual({ a: 1 });
    expect(Object.getPrototypeOf(mixed)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
