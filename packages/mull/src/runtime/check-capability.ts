import { CapabilityError } from "../errors/index.ts";
import type { Backend, BackendCapabilities } from "../spec/index.ts";

/** The yes-or-no capabilities a strategy can require. */
export type RequirableCapability = {
  [Name in keyof BackendCapabilities]-?: BackendCapabilities[Name] extends boolean ? Name : never;
}[keyof BackendCapabilities];

/**
 * Checks a backend's capabilities, already asked, for one a caller needs; throws a `CapabilityError` naming
 * the capability, who needs it and the backend when it is missing.
 *
 * @example
 * checkCapability(backend, await backend.capabilities(), "logprobs", "deepconf");
 */
export function checkCapability(
  backend: Backend,
  capabilities: BackendCapabilities,
  name: RequirableCapability,
  requiredBy: string,
): void {
  if (capabilities[name] === true) return;
  const description = backend.describe();
  const where = description.baseUrl === undefined ? "" : ` at ${description.baseUrl}`;
  throw new CapabilityError(
    name,
    requiredBy,
    `the ${description.kind} backend${where} (model ${description.model})`,
  );
}
