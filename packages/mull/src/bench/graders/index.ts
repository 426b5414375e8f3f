export { answerFormatGrader } from "./answer-format-grader.ts";
export type { Grader } from "./grader.ts";
export { type GraderName, graderByName, graderNames } from "./grader-by-name.ts";
