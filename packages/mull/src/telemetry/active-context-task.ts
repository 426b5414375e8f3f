import { context } from "@opentelemetry/api";

/**
 * `task`, bound to the context active now: run later, from anywhere (a queue started by another task's
 * end), its spans and outgoing requests still belong to the span that was active when it was queued.
 * Without a registered context manager it is `task` itself.
 *
 * @example
 * limit.run(activeContextTask(() => fetch(url)), signal);
 */
export function activeContextTask<Result>(task: () => Promise<Result>): () => Promise<Result> {
  return context.bind(context.active(), task);
}
