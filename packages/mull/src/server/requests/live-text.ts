/** One relayed piece of a pass-through: of its text, or of what it reasoned apart from it. */
export interface LivePiece {
  readonly kind: "text" | "reasoning";
  readonly text: string;
}

/**
 * The text (and reasoning) of a pass-through completion as the upstream streams it, between the backend
 * (which pushes pieces) and the response stream (which may start listening later: pieces pushed before are
 * replayed).
 */
export interface LiveText {
  /** Adds a piece of the text; empty pieces are ignored. */
  push(text: string): void;
  /** Adds a piece of the reasoning (`reasoning_content`); empty pieces are ignored. */
  pushReasoning(text: string): void;
  /** Settles when the first piece (of either kind) arrives. */
  readonly started: Promise<void>;
  /** The text pushed so far. */
  text(): string;
  /** Whether any piece (text or reasoning) was pushed: once one went out, the answer cannot be restarted. */
  delivered(): boolean;
  /** Calls `listener` with every piece so far, then with each new one; `first` marks the very first. */
  listen(listener: (piece: LivePiece, first: boolean) => void): void;
}

/**
 * Creates the relay of one pass-through's text and reasoning.
 *
 * @example
 * const live = createLiveText();
 * await backend.generate(request, { signal, onText: live.push, onReasoning: live.pushReasoning });
 */
export function createLiveText(): LiveText {
  const pieces: LivePiece[] = [];
  let listener: ((piece: LivePiece, first: boolean) => void) | undefined;
  let markStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
  });
  const add = (piece: LivePiece) => {
    if (piece.text === "") return;
    pieces.push(piece);
    if (pieces.length === 1) markStarted();
    listener?.(piece, pieces.length === 1);
  };
  return {
    push: (text) => add({ kind: "text", text }),
    pushReasoning: (text) => add({ kind: "reasoning", text }),
    started,
    text: () =>
      pieces
        .filter((piece) => piece.kind === "text")
        .map((piece) => piece.text)
        .join(""),
    delivered: () => pieces.length > 0,
    listen(next) {
      listener = next;
      for (const [index, piece] of pieces.entries()) next(piece, index === 0);
    },
  };
}
