import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { checkQueueName } from "./check-queue-name.ts";

describe("checkQueueName", () => {
  it("takes any name BullMQ takes, and a name left out", () => {
    for (const name of [undefined, "mull-bench", "bench run 2", "a/b.c_d"]) {
      expect(() => checkQueueName(name, "--queue-name"), String(name)).not.toThrow();
    }
  });

  it("refuses an empty name and one holding ':', naming the field and the value", () => {
    for (const name of ["", "runs:gsm8k", ":"]) {
      let refusal: unknown;
      try {
        checkQueueName(name, "--queue-name");
      } catch (error) {
        refusal = error;
      }
      expect(ConfigError.isInstance(refusal), JSON.stringify(name)).toBe(true);
      expect((refusal as ConfigError).field).toBe("--queue-name");
      expect((refusal as ConfigError).message).toBe(
        `--queue-name ${JSON.stringify(name)}: expected a BullMQ queue name: not empty, without ':' ` +
          "(BullMQ joins its Redis keys with it), e.g. mull-bench",
      );
    }
  });
});
