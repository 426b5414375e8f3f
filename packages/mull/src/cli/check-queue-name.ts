import { UsageError } from "./usage-error.ts";

/**
 * Checks a BullMQ queue name from the command line before a run is created or a queue opened: BullMQ
 * refuses an empty name, and one holding `:` (which joins the parts of its Redis keys), only when a queue
 * opens, and then with a stack trace. Any other name is one BullMQ takes. A name left out passes: the
 * command uses its default.
 *
 * @throws UsageError naming the field and the value, and what a queue name may hold.
 * @example
 * checkQueueName(flags.queueName, "--queue-name");
 */
export function checkQueueName(name: string | undefined, field: string): void {
  if (name === undefined) return;
  if (name === "" || name.includes(":")) {
    throw new UsageError(
      `${field} ${JSON.stringify(name)}: expected a BullMQ queue name: not empty, without ':' ` +
        "(BullMQ joins its Redis keys with it), e.g. mull-bench",
      field,
    );
  }
}
