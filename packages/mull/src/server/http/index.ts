export { ApiError, type ApiErrorBody, type ApiErrorOptions } from "./api-error.ts";
export { type ErrorContext, toApiError } from "./to-api-error.ts";
