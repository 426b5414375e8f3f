import type { z } from "zod";
import { messagesRequestSchema } from "./messages-schema.ts";

/**
 * The body of Anthropic's `POST /v1/messages/count_tokens`, checked as a `POST /v1/messages` body is
 * (`messagesRequestSchema`), so that a client may send the same body to both; only `max_tokens` is
 * optional, as Anthropic's count takes none. Fields that do not shape the prompt (`max_tokens`, `stream`,
 * sampling, `mull`) are checked and change nothing in the count.
 */
export const countTokensRequestSchema = messagesRequestSchema.extend({
  max_tokens: messagesRequestSchema.shape.max_tokens.optional(),
});

/** A validated `POST /v1/messages/count_tokens` body. */
export type CountTokensRequestBody = z.output<typeof countTokensRequestSchema>;
