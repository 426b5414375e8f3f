import { BackendCallError } from "../errors/index.ts";
import type { Backend, BackendDescription } from "../spec/index.ts";

/**
 * The backend's description once it has been asked what its software is: a backend that knows no
 * versions yet (an HTTP backend before any call: a server's build is learnt beside its capability probe)
 * is asked its `capabilities()` first, so that `describe()` adds what the server said (`llama.cpp`,
 * `server`). One that already knows some (an embedded engine, a server discovered earlier) is asked
 * nothing. A server that cannot be probed (a `BackendCallError`) leaves the versions unknown, which no
 * comparison refuses (`softwareChanges`); any other failure, an abort of `signal` among them, is thrown.
 *
 * @example
 * const versions = softwareVersions(await describedWithVersions(backend, signal));
 * // { mull: "0.9.0", node: "24.1.0", "llama.cpp": "b6123-1a2b3c4d" } behind a llama.cpp server
 */
export async function describedWithVersions(
  backend: Backend,
  signal?: AbortSignal,
): Promise<BackendDescription> {
  if (backend.describe().versions !== undefined) return backend.describe();
  try {
    await backend.capabilities({ signal });
  } catch (error) {
    if (!BackendCallError.isInstance(error)) throw error;
  }
  return backend.describe();
}
