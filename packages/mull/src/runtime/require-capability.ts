import { CapabilityError } from "../errors/index.ts";
import type { Backend, BackendCapabilities, CallOptions } from "../spec/index.ts";

/** The yes-or-no capabilities a strategy can require. */
export type RequirableCapability = {
  [Name in keyof BackendCapabilities]-?: BackendCapabilities[Name] extends boolean ? Name : never;
}[keyof BackendCapabilities];

/**
 * Checks that a backend has a capability (probing it if needed) and returns all its capabilities; throws a
 * `CapabilityError` naming the capability, who needs it and the backend otherwise.
 *
 * @example
 * await requireCapability(context.backend, "logprobs", "deepconf", { signal: context.signal });
 */
export async function requireCapability(
  backend: Backend,
  name: RequirableCapability,
  requiredBy: string,
  options?: CallOptions,
): Promise<BackendCapabilities> {
  const capabilities = await backend.capabilities(options);
  if (capabilities[name] !== true) {
    const description = backend.describe();
    const where = description.baseUrl === undefined ? "" : ` at ${description.baseUrl}`;
    throw new CapabilityError(
      name,
      requiredBy,
      `the ${description.kind} backend${where} (model ${description.model})`,
    );
  }
  return capabilities;
}
