import type { TokenLogprob } from "../../spec/index.ts";

/** A chat choice's `logprobs`: per token its log-probability, bytes and top alternatives; `null` without tokens. */
export function chatLogprobs(tokens: readonly TokenLogprob[] | undefined): Record<string, unknown> | null {
  if (tokens === undefined) return null;
  return {
    content: tokens.map((token) => ({
      token: token.token,
      logprob: token.logprob,
      bytes: [...Buffer.from(token.token, "utf8")],
      top_logprobs: (token.topLogprobs ?? []).map((top) => ({
        token: top.token,
        logprob: top.logprob,
        bytes: [...Buffer.from(top.token, "utf8")],
      })),
    })),
  };
}

/** A text completion choice's `logprobs` (the legacy shape, with `text_offset`); `null` without tokens. */
export function completionLogprobs(
  tokens: readonly TokenLogprob[] | undefined,
): Record<string, unknown> | null {
  if (tokens === undefined) return null;
  let offset = 0;
  const offsets = tokens.map((token) => {
    const start = offset;
    offset += token.token.length;
    return start;
  });
  return {
    tokens: tokens.map((token) => token.token),
    token_logprobs: tokens.map((token) => token.logprob),
    top_logprobs: tokens.map((token) =>
      token.topLogprobs === undefined
        ? null
        : Object.fromEntries(token.topLogprobs.map((top) => [top.token, top.logprob])),
    ),
    text_offset: offsets,
  };
}
