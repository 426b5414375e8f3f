import type { RunData } from "../bench/index.ts";
import { loadRun, type RunLocation } from "../bench/store/index.ts";
import { DiskFullError, MullError } from "../errors/index.ts";
import { UsageError } from "./usage-error.ts";

/**
 * The run a command's argument names, read with `loadRun`; where there is none to read (no run there, a
 * run directory given as its `bench.sqlite`, another tool's database, a server that refuses the login),
 * a usage error (exit 2) whose message starts with the argument, e.g. `--run: no run in runs/x: …`. A
 * full disk or file-size limit (`DiskFullError`) is thrown as it is.
 *
 * @example
 * const run = await loadRunArgument(parseRunLocation(flags.run, flags.store, { out: "--run" }), "--run");
 */
export async function loadRunArgument(location: RunLocation, argument: string): Promise<RunData> {
  try {
    return await loadRun(location);
  } catch (error) {
    // No room to open the run (its WAL index) is a fault of the machine, not of the argument.
    if (!MullError.isInstance(error) || DiskFullError.isInstance(error)) throw error;
    throw new UsageError(`${argument}: ${error.message}`, argument, { cause: error });
  }
}
