export { type AISDKBackendOptions, createAISDKBackend } from "./ai-sdk-backend.ts";
export { mullMiddleware } from "./mull-middleware.ts";
export { createMullProvider, type MullProvider, type MullProviderOptions } from "./mull-provider.ts";
export { type CallPromptTemplate, problemFromPrompt, toChatMessages } from "./prompt-messages.ts";
export {
  chosenText,
  type MullCallSettings,
  mullMetadata,
  type PassedCallOptions,
  solveCall,
  toGenerateResult,
  toLanguageModelUsage,
  toStreamResult,
} from "./solve-call.ts";
