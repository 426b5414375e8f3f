/** Which of its deadlines an HTTP attempt passed: the whole call's, a silence mid-body, or the first event's. */
export type AttemptTimeoutKind = "deadline" | "stall" | "first-token";

/**
 * The reason the OpenAI-compatible backend aborts an attempt its upstream did not answer in time (the
 * call's deadline over every retry, a body gone silent past the stall timeout, no first event within the
 * first-token timeout). A caller's own abort passes through with the caller's reason instead, so a fetch
 * wrapper can tell the upstream's slowness (this class) from a client that left or a budget that ran out.
 *
 * @example
 * controller.abort(new AttemptTimeout("stall")); // message "stall timeout"
 */
export class AttemptTimeout extends Error {
  /** The deadline that passed. */
  readonly kind: AttemptTimeoutKind;

  constructor(kind: AttemptTimeoutKind) {
    super(`${kind} timeout`);
    this.name = "AttemptTimeout";
    this.kind = kind;
  }
}
