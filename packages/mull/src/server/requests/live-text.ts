/**
 * The text of a pass-through completion as the upstream streams it, between the backend (which pushes
 * pieces) and the response stream (which may start listening later: pieces pushed before are replayed).
 */
export interface LiveText {
  /** Adds a piece; empty pieces are ignored. */
  push(text: string): void;
  /** Settles when the first piece arrives. */
  readonly started: Promise<void>;
  /** The text pushed so far. */
  text(): string;
  /** Calls `listener` with every piece so far, then with each new one; `first` marks the very first. */
  listen(listener: (text: string, first: boolean) => void): void;
}

/**
 * Creates the relay of one pass-through's text.
 *
 * @example
 * const live = createLiveText();
 * await backend.generate(request, { signal, onText: live.push });
 */
export function createLiveText(): LiveText {
  const pieces: string[] = [];
  let listener: ((text: string, first: boolean) => void) | undefined;
  let markStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
  });
  return {
    push(text) {
      if (text === "") return;
      pieces.push(text);
      if (pieces.length === 1) markStarted();
      listener?.(text, pieces.length === 1);
    },
    started,
    text: () => pieces.join(""),
    listen(next) {
      listener = next;
      for (const [index, piece] of pieces.entries()) next(piece, index === 0);
    },
  };
}
