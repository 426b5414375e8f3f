import { ConfigError } from "../../errors/index.ts";
import { describeValue } from "../../runtime/index.ts";

/**
 * Checks a BullMQ queue name before a run is created or a queue opened: BullMQ refuses an empty name, and
 * one holding `:` (which joins the parts of its Redis keys), only when a queue opens, and then with a
 * stack trace. Any other string is a name BullMQ takes. A name left out passes: the caller uses its
 * default (`defaultQueueName`). `enqueueBenchRun` and `startPairWorker` check their `queueName` with it;
 * `mull bench` and `mull worker` check `--queue-name` with it before they load anything.
 *
 * @param field how the error names the input: `queueName` for the library, `--queue-name` for the CLI.
 * @throws ConfigError naming the field, the value and what a queue name may hold, with `field` set.
 * @example
 * checkQueueName("runs:gsm8k", "queueName");
 * // ConfigError: queueName "runs:gsm8k": expected a BullMQ queue name: not empty, without ':' (BullMQ joins its Redis keys with it), e.g. mull-bench
 */
export function checkQueueName(name: unknown, field: string): void {
  if (name === undefined) return;
  if (typeof name !== "string" || name === "" || name.includes(":")) {
    throw new ConfigError(
      `${field} ${describeValue(name)}: expected a BullMQ queue name: not empty, without ':' ` +
        "(BullMQ joins its Redis keys with it), e.g. mull-bench",
      { field },
    );
  }
}
