import { MullError } from "./mull-error.ts";

const marker = Symbol.for("mull.error.capability");

/** A strategy or scorer needs a backend capability that the backend lacks. */
export class CapabilityError extends MullError {
  protected readonly [marker] = true;
  /** The missing capability, as named in `BackendCapabilities` (e.g. `logprobs`). */
  readonly capability: string;
  /** Who needed it (a strategy or scorer name). */
  readonly requiredBy: string;

  constructor(capability: string, requiredBy: string, backend: string) {
    super(`${requiredBy} needs the backend capability "${capability}", which ${backend} does not have`);
    this.name = "CapabilityError";
    this.capability = capability;
    this.requiredBy = requiredBy;
  }

  static override isInstance(error: unknown): error is CapabilityError {
    return typeof error === "object" && error !== null && marker in error;
  }
}
