import { describe, expect, it } from "vitest";
import { autoAnswerFormat, numericAnswerFormat } from "../answers/index.ts";
import { ConfigError } from "../errors/index.ts";
import { defaultPromptTemplate } from "../generation/index.ts";
import { manualClock, seededRng } from "../runtime/index.ts";
import { createScriptedBackend } from "./scripted-backend.ts";
import { type TestStrategyContextOptions, testStrategyContext } from "./test-strategy-context.ts";

describe("testStrategyContext", () => {
  it("fills every field with a fixed default", () => {
    const context = testStrategyContext();
    expect(context.backend.describe().kind).toBe("scripted");
    expect(context.rng.next()).toBe(seededRng(1).next());
    expect(context.clock.now()).toBe(0);
    expect(context.parentId).toBeUndefined();
    expect(context.answerFormat).toBe(autoAnswerFormat);
    expect(context.promptTemplate).toBe(defaultPromptTemplate);
    expect(context.sampling).toEqual({});
    expect(context.budget.limits).toEqual({});
    expect(context.signal).toBe(context.budget.signal);
  });

  it("takes the backend, limits, seed, clock and caller's signal it is given", () => {
    const backend = createScriptedBackend({ responses: ["#### 1"] });
    const clock = manualClock(500);
    const caller = new AbortController();
    const context = testStrategyContext({
      backend,
      limits: { maxMilliseconds: 100 },
      seed: 7,
      clock,
      signal: caller.signal,
      parentId: "run",
      sampling: { temperature: 1 },
    });
    expect(context.backend).toBe(backend);
    expect(context.rng.next()).toBe(seededRng(7).next());
    expect(context.parentId).toBe("run");
    expect(context.sampling).toEqual({ temperature: 1 });
    expect(context.clock).toBe(clock);
    expect(context.budget.exhausted()).toBeUndefined();
    clock.advance(100);
    expect(context.budget.exhausted()).toBe("time");
    context.budget.close();
    const aborted = testStrategyContext({ signal: caller.signal });
    caller.abort();
    expect(aborted.signal.aborted).toBe(true);
    aborted.budget.close();
  });

  it("refuses a misspelled key, so that a test cannot run against an unlimited budget by a typo", () => {
    const backend = createScriptedBackend({ responses: ["#### 1"] });
    // @ts-expect-error: `limts` is no option; the check is for callers the compiler does not see.
    const misspelled = () => testStrategyContext({ backend, limts: { maxCalls: 1 } });
    expect(misspelled).toThrow(ConfigError);
    expect(misspelled).toThrow(
      "testStrategyContext: limts: unknown key (testStrategyContext takes backend, limits, price, signal, " +
        "clock, seed, parentId, answerFormat, promptTemplate, sampling)",
    );
    expect(() => testStrategyContext(5 as never)).toThrow(
      "testStrategyContext: expected an options object { backend, limits, price, … }; got 5",
    );
  });

  it("takes every documented key", () => {
    const clock = manualClock();
    const template = () => ({ kind: "text", text: "Q:" }) as const;
    const options: Required<TestStrategyContextOptions> = {
      backend: createScriptedBackend({ responses: ["#### 1"] }),
      limits: { maxCalls: 1 },
      price: { promptUsdPerMillion: 1, completionUsdPerMillion: 2 },
      signal: new AbortController().signal,
      clock,
      seed: 3,
      parentId: "run",
      answerFormat: numericAnswerFormat,
      promptTemplate: template,
      sampling: { temperature: 0.5 },
    };
    const context = testStrategyContext(options);
    expect(context.budget.limits).toEqual({ maxCalls: 1 });
    expect(context.backend).toBe(options.backend);
    expect(context.clock).toBe(clock);
    expect(context.answerFormat).toBe(numericAnswerFormat);
    expect(context.promptTemplate).toBe(template);
    context.budget.close();
  });
});
