export { checkGenerationRequest } from "./check-generation-request.ts";
export { requestStopStrings } from "./request-stop-strings.ts";
