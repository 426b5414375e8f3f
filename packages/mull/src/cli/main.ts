import { Command, CommanderError } from "@commander-js/extra-typings";
import { ConfigError, MullError } from "../errors/index.ts";
import { checkOneOf, packageVersion } from "../runtime/index.ts";
import { flushTracerProvider } from "../telemetry/index.ts";
import { benchCommand } from "./commands/bench.ts";
import { fidelityCommand } from "./commands/fidelity.ts";
import { labCommand } from "./commands/lab.ts";
import { modelsCommand } from "./commands/models.ts";
import { replayCommand } from "./commands/replay.ts";
import { reportCommand } from "./commands/report.ts";
import { serveCommand } from "./commands/serve.ts";
import { solveCommand } from "./commands/solve.ts";
import { tuneCommand } from "./commands/tune.ts";
import { workerCommand } from "./commands/worker.ts";
import { endOnClosedPipe } from "./end-on-closed-pipe.ts";
import { ignoreFileSizeSignal } from "./ignore-file-size-signal.ts";
import { StoppedBySignal } from "./stopped-by-signal.ts";
import { unknownOptionsFirst } from "./unknown-options-first.ts";

export { endCliProcess } from "./end-cli-process.ts";

/** Exit codes: 0 success, 1 failure, 2 bad usage. */
export const exitCodes = { success: 0, failure: 1, usage: 2 } as const;

/** The `mull` program with every command registered. */
export function createProgram(): Command {
  const program = new Command("mull")
    .description(
      "Inference-time compute for LLM reasoning: spend samples, scores and search for better answers.",
    )
    .version(packageVersion(), "-v, --version")
    .showHelpAfterError("(run with --help for usage)")
    .configureHelp({ sortOptions: false });
  for (const command of [
    solveCommand(),
    benchCommand(),
    replayCommand(),
    reportCommand(),
    serveCommand(),
    tuneCommand(),
    workerCommand(),
    labCommand(),
    modelsCommand(),
    fidelityCommand(),
  ]) {
    program.addCommand(command as unknown as Command);
  }
  program.exitOverride();
  for (const command of program.commands) command.exitOverride();
  // A mistyped required flag (`--datset`) is said as a typo, not as the flag missing.
  unknownOptionsFirst(program, (name) => createProgram().commands.find((command) => command.name() === name));
  return program;
}

/** Options of `runCli`. */
export interface RunCliOptions {
  /**
   * What `argv` holds: `node` (the default), a process's own `process.argv`, whose first two entries (the
   * Node executable and the script) are skipped; `user`, the arguments alone, as a person types them after
   * `mull`.
   */
  readonly from?: "node" | "user" | undefined;
}

/**
 * Runs the CLI and returns the exit code instead of exiting, so it can be tested in-process.
 * Errors are printed to stderr: usage errors name the flag and value (code 2), failures say what failed (code 1).
 *
 * By default `argv` is read as `process.argv` is: `["node", "mull", "solve", …]`, its first two entries
 * skipped whatever they are, so `runCli(["models"])` runs `mull` with no command (the help, code 2). Pass
 * `{ from: "user" }` to give the arguments alone. The form is never guessed from the contents of `argv`.
 *
 * A process that runs it as its whole work ends with `endCliProcess`, which exits at once when a flush
 * of the tracer provider that timed out would otherwise keep the process alive.
 *
 * @throws ConfigError when `options.from` is neither `node` nor `user` (before anything runs).
 * @example
 * await endCliProcess(await runCli(process.argv));
 * const code = await runCli(["solve", "37+48-19=?", "--strategy", "sc@4"], { from: "user" }); // the lab model: 66
 */
export async function runCli(argv: readonly string[], options: RunCliOptions = {}): Promise<number> {
  const from = checkOneOf("runCli", "from", options.from ?? "node", ["node", "user"]);
  // Before any command loads the embedded engine: a file-size limit is then an error, not a silent kill.
  ignoreFileSizeSignal();
  // A reader that closes the pipe early (`mull models | head -1`) ends the command quietly.
  endOnClosedPipe();
  const program = createProgram();
  try {
    await program.parseAsync([...argv], { from });
    return exitCodes.success;
  } catch (error) {
    return exitCodeOf(error);
  } finally {
    // A registered OpenTelemetry SDK's batching processor still holds the command's last spans: export
    // them before the process exits (nothing happens without one).
    if ((await flushTracerProvider(spanFlushMilliseconds)) === "timed-out") {
      process.stderr.write(
        `mull: the tracer provider did not flush its spans within ${spanFlushMilliseconds / 1000} s\n`,
      );
    }
  }
}

/** How long the CLI waits at exit for a registered tracer provider to export its last spans. */
const spanFlushMilliseconds = 5_000;

/** The exit code of an error a command threw, its message printed to stderr. */
function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander already printed the message (or the help/version text).
    if (error.code === "commander.helpDisplayed" || error.code === "commander.version")
      return exitCodes.success;
    // `mull` alone prints the help as an error (commander's exit code 1): no command is bad usage.
    if (error.code === "commander.help") return error.exitCode === 0 ? exitCodes.success : exitCodes.usage;
    return exitCodes.usage;
  }
  // A command a signal stopped has printed what it finished; it ends as the signal would have.
  if (StoppedBySignal.isInstance(error)) return error.exitCode;
  if (ConfigError.isInstance(error)) {
    process.stderr.write(`mull: ${error.message}\n`);
    return exitCodes.usage;
  }
  if (MullError.isInstance(error)) {
    process.stderr.write(`mull: ${error.message}\n`);
    return exitCodes.failure;
  }
  process.stderr.write(
    `mull: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return exitCodes.failure;
}
