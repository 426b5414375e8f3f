export { ApiError, type ApiErrorBody, type ApiErrorOptions } from "./api-error.ts";
export { errorResponse } from "./error-response.ts";
export { createSseStream, type SseStreamOptions, type SseWriter, sseHeaders } from "./sse-stream.ts";
export { type ErrorContext, toApiError } from "./to-api-error.ts";
