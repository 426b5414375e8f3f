export { anthropicErrorBody, anthropicErrors } from "./anthropic-error.ts";
export { chatBodyOf } from "./chat-body-of.ts";
export { type CountTokensRouteOptions, countTokensRoute } from "./count-tokens-route.ts";
export { type CountTokensRequestBody, countTokensRequestSchema } from "./count-tokens-schema.ts";
export {
  type ContentBlock,
  contentBlocks,
  messageBody,
  type StopReason,
  stopReasonOf,
} from "./message-body.ts";
export { type MessageEvent, messageTailEvents } from "./message-events.ts";
export { type MessageStreamOptions, streamMessage } from "./message-stream.ts";
export { messagesRoute } from "./messages-route.ts";
export { type MessagesRequestBody, messagesRequestSchema } from "./messages-schema.ts";
