import { ConfigError } from "../errors/index.ts";

/** The error a promise rejects with; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to reject");
}

/** The `ConfigError` that `work` rejects with; any other outcome fails the test. */
export async function configRefusal(work: () => Promise<unknown>): Promise<ConfigError> {
  const error = await rejection(work());
  if (ConfigError.isInstance(error)) return error;
  throw error;
}

/** The `ConfigError` that `work` throws; any other outcome fails the test. */
export function thrownConfigError(work: () => unknown): ConfigError {
  try {
    work();
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}
