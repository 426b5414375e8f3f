import { describe, expect, it } from "vitest";
import { ApiError } from "../http/index.ts";
import { planRequest } from "./plan-request.ts";
import { plannedModel, planningConfig } from "./planning.test-support.ts";
import type { ChatRequestBody } from "./request-schema.ts";

const config = planningConfig;
const served = plannedModel();
const models = new Map([["m", served]]);
const messages = [{ role: "user" as const, content: "2+2=?" }];

function plan(body: Omit<ChatRequestBody, "messages">) {
  return planRequest("chat", { messages, max_tokens: 20, ...body } as ChatRequestBody, models, config.limits);
}

/** The ApiError `planRequest` throws for `body`. */
function refusal(body: Omit<ChatRequestBody, "messages">): ApiError {
  let error: unknown;
  try {
    plan(body);
  } catch (thrown) {
    error = thrown;
  }
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe("planRequest: samples that would all be the same", () => {
  it("answers 400 on param temperature, naming the value, the strategy and what was expected", () => {
    const error = refusal({ model: "sc@8:m", temperature: 0 });
    expect({ status: error.status, param: error.param, code: error.code }).toEqual({
      status: 400,
      param: "temperature",
      code: "invalid_value",
    });
    expect(error.message).toBe(
      "temperature must be above 0 for strategy sc@8, got 0: it draws 8 samples, and at temperature 0 they would all be the same. Use a temperature above 0, or the greedy strategy",
    );
    // Named in mull.strategy, it is the temperature that is refused all the same.
    const named = refusal({ model: "m", temperature: 0, mull: { strategy: "pasc@4" } });
    expect(named.param).toBe("temperature");
    expect(named.message).toMatch(
      /^temperature must be above 0 for strategy pasc@4, got 0: it draws 4 samples/,
    );
  });

  it("plans greedy at 0, a strategy above 0 or at the default, and the bare model's n at 0", () => {
    expect(plan({ model: "greedy:m", temperature: 0 }).samples).toBe(1);
    expect(plan({ model: "sc@8:m", temperature: 0.7 }).samples).toBe(8);
    expect(plan({ model: "sc@8:m" }).samples).toBe(8);
    expect(plan({ model: "sc@8:m", temperature: null }).samples).toBe(8);
    expect(plan({ model: "m", n: 3, temperature: 0 }).choices).toBe(3);
  });
});
