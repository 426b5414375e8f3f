/** Passes a growing completion text on in pieces, never a piece that could still turn out to be a stop string. */
export interface TextRelay {
  /** Relays what `text` (the whole text so far) adds; `final` relays the rest, held-back characters included. */
  relay(text: string, final: boolean): void;
}

/**
 * A relay to `onText` (none when it is `undefined`) that holds back the last characters that could still
 * begin one of `stops`, and an unfinished UTF-8 character (`\uFFFD` at the end).
 *
 * @example
 * const relay = createTextRelay((piece) => process.stdout.write(piece), ["####"]);
 * relay.relay("1+1=2\n##", false); // writes "1+1=2" and holds back "\n##"
 */
export function createTextRelay(
  onText: ((text: string) => void) | undefined,
  stops: readonly string[],
): TextRelay {
  const holdBack = stops.reduce((longest, stop) => Math.max(longest, stop.length - 1), 0);
  let relayed = 0;
  return {
    relay(text, final) {
      if (onText === undefined) return;
      let end = final ? text.length : text.length - holdBack;
      if (!final) while (end > relayed && text[end - 1] === "\uFFFD") end -= 1;
      if (end > relayed) {
        onText(text.slice(relayed, end));
        relayed = end;
      }
    },
  };
}
