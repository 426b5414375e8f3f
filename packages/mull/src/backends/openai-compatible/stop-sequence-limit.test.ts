import { describe, expect, it } from "vitest";
import { parseEndpointUrl } from "./endpoint-url.ts";
import { openAIStopSequenceLimit, stopSequenceLimit } from "./stop-sequence-limit.ts";

describe("stopSequenceLimit", () => {
  it("is 4 for OpenAI's API and Azure OpenAI", () => {
    expect(openAIStopSequenceLimit).toBe(4);
    expect(stopSequenceLimit(parseEndpointUrl("https://api.openai.com/v1"))).toBe(4);
    expect(stopSequenceLimit(parseEndpointUrl("https://API.OpenAI.com/v1"))).toBe(4);
    expect(
      stopSequenceLimit(parseEndpointUrl("https://my-team.openai.azure.com/openai/v1?api-version=preview")),
    ).toBe(4);
  });

  it("sets no limit for other servers, whatever their path says", () => {
    expect(stopSequenceLimit(parseEndpointUrl("http://localhost:8000/v1"))).toBeUndefined();
    expect(stopSequenceLimit(parseEndpointUrl("https://gateway.example/api.openai.com/v1"))).toBeUndefined();
    expect(stopSequenceLimit(parseEndpointUrl("https://api.openai.com.example/v1"))).toBeUndefined();
  });
});
