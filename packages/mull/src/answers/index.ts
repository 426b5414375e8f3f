export { type AnswerFormatName, answerFormatByName, answerFormatNames } from "./answer-format-by-name.ts";
export { autoAnswerFormat } from "./auto-answer-format.ts";
export { choiceAnswerFormat } from "./choice-answer-format.ts";
export { dateAnswerFormat } from "./date-answer-format.ts";
export { exactAnswerFormat } from "./exact-answer-format.ts";
export { lastBoxed } from "./last-boxed.ts";
export { mathAnswerFormat } from "./math-answer-format.ts";
export { numericAnswerFormat } from "./numeric-answer-format.ts";
export { textAnswerFormat } from "./text-answer-format.ts";
