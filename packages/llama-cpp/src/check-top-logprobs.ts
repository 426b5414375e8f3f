import { ConfigError } from "mull/errors";
import { checkInteger } from "mull/runtime";

/**
 * Checks a request's `topLogprobs`: an integer from 0 to the vocabulary size, the bound named as such since
 * it differs between models.
 *
 * @throws ConfigError on `topLogprobs`.
 */
export function checkTopLogprobs(owner: string, value: unknown, vocabularySize: number): number {
  const topLogprobs = checkInteger(owner, "topLogprobs", value, { minimum: 0 });
  if (topLogprobs > vocabularySize) {
    throw new ConfigError(
      `${owner}: topLogprobs must be at most ${vocabularySize} (the vocabulary size), got ${topLogprobs}`,
      { field: "topLogprobs" },
    );
  }
  return topLogprobs;
}
