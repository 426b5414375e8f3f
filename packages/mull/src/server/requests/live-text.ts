/** One relayed piece of a pass-through: of a choice's text, or of what it reasoned apart from it. */
export interface LivePiece {
  readonly kind: "text" | "reasoning";
  readonly text: string;
  /** The choice it belongs to, among the request's `n`. */
  readonly index: number;
}

/**
 * The text (and reasoning) of a pass-through's completions as the upstream streams them, each under its
 * choice's index, between the backend (which pushes pieces) and the response stream (which may start
 * listening later: pieces pushed before are replayed).
 */
export interface LiveText {
  /** Adds a piece of choice `index`'s text (choice 0 by default); empty pieces are ignored. */
  push(text: string, index?: number): void;
  /** Adds a piece of choice `index`'s reasoning (`reasoning_content`); empty pieces are ignored. */
  pushReasoning(text: string, index?: number): void;
  /** Settles when the first piece (of either kind, of any choice) arrives. */
  readonly started: Promise<void>;
  /** The text of choice `index` (choice 0 by default) pushed so far. */
  text(index?: number): string;
  /**
   * Whether any piece (text or reasoning) was pushed, of choice `index` when given, of any choice
   * otherwise: once one went out, the answer cannot be restarted.
   */
  delivered(index?: number): boolean;
  /**
   * Calls `listener` with every piece so far, then with each new one; `first` marks the first piece of
   * its choice.
   */
  listen(listener: (piece: LivePiece, first: boolean) => void): void;
}

/**
 * Creates the relay of one pass-through's text and reasoning, for any number of choices.
 *
 * @example
 * const live = createLiveText();
 * await backend.generate(request, { signal, onText: live.push, onReasoning: live.pushReasoning });
 */
export function createLiveText(): LiveText {
  const pieces: { readonly piece: LivePiece; readonly first: boolean }[] = [];
  const started = new Set<number>();
  let listener: ((piece: LivePiece, first: boolean) => void) | undefined;
  let markStarted: () => void = () => undefined;
  const startedPromise = new Promise<void>((resolve) => {
    markStarted = resolve;
  });
  const add = (piece: LivePiece) => {
    if (piece.text === "") return;
    const first = !started.has(piece.index);
    started.add(piece.index);
    pieces.push({ piece, first });
    if (pieces.length === 1) markStarted();
    listener?.(piece, first);
  };
  return {
    push: (text, index = 0) => add({ kind: "text", text, index }),
    pushReasoning: (text, index = 0) => add({ kind: "reasoning", text, index }),
    started: startedPromise,
    text: (index = 0) =>
      pieces
        .filter(({ piece }) => piece.kind === "text" && piece.index === index)
        .map(({ piece }) => piece.text)
        .join(""),
    delivered: (index) => (index === undefined ? pieces.length > 0 : started.has(index)),
    listen(next) {
      listener = next;
      for (const { piece, first } of pieces) next(piece, first);
    },
  };
}
