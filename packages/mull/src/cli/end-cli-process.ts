import { tracerFlushUnfinished } from "../telemetry/index.ts";

/** Resolves once what `stream` still holds has been written (or the stream has failed or closed). */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.writableLength === 0 || stream.writableEnded || stream.destroyed) return Promise.resolve();
  // Writes are done in order: the callback of an empty one comes after every earlier write.
  return new Promise((resolve) => stream.write("", () => resolve()));
}

/**
 * Ends the `mull` process once `runCli` has returned `code`. Usually it only sets `process.exitCode`, and
 * Node exits when nothing is left to do. When a tracer provider's flush that the command stopped waiting
 * for is still running (`runCli` and `mull serve` wait 5 s at most), its exporter's request would keep the
 * process alive for as long as the exporter waits (an OTLP exporter: 10 s more): then it waits until
 * standard output and error have written what they hold (a pipe takes writes asynchronously, and an exit
 * would drop them) and exits with `code` at once. The spans of that flush are lost, as `runCli` said.
 *
 * @example
 * await endCliProcess(await runCli(process.argv));
 */
export async function endCliProcess(code: number): Promise<void> {
  process.exitCode = code;
  if (!tracerFlushUnfinished()) return;
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  process.exit(code);
}
