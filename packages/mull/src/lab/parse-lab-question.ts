import { ConfigError } from "../errors/index.ts";
import { type LabChain, type LabOperator, labMaxValue } from "./lab-chain.ts";

const numberPattern = /^\d+$/;

/**
 * Parses a lab question such as `37+48-19=?`, `37 + 48 − 19` or `Q: 37+48-19=? A:` into its chain.
 * Operands are whole numbers 0–999; every intermediate result must stay in 0–999 (the range the models
 * were trained on). Accepts the Unicode minus sign `−` as `-`.
 *
 * @throws ConfigError naming the question and what was expected, when it is not a lab chain.
 * @example
 * parseLabQuestion("37+48-19=?"); // { operands: [37, 48, 19], operators: ["+", "-"] }
 */
export function parseLabQuestion(text: string): LabChain {
  const fail = (reason: string): never => {
    throw new ConfigError(
      `question ${JSON.stringify(text)} is not a lab chain: ${reason}; expected whole numbers 0-${labMaxValue} joined by + or -, e.g. "37+48-19=?"`,
      { field: "question" },
    );
  };
  let body = text.replaceAll("\u2212", "-").replaceAll(/\s+/g, "");
  if (body.startsWith("Q:")) body = body.slice(2);
  if (body.endsWith("A:")) body = body.slice(0, -2);
  if (body.endsWith("=?")) body = body.slice(0, -2);
  else if (body.endsWith("=")) body = body.slice(0, -1);
  if (body.length === 0) fail("it is empty");
  const parts = body.split(/([+-])/);
  const operands: number[] = [];
  const operators: LabOperator[] = [];
  parts.forEach((part, index) => {
    if (index % 2 === 1) {
      operators.push(part as LabOperator);
      return;
    }
    if (!numberPattern.test(part))
      fail(part === "" ? "an operand is missing" : `${JSON.stringify(part)} is not a whole number`);
    const value = Number(part);
    if (value > labMaxValue) fail(`operand ${value} is above ${labMaxValue}`);
    operands.push(value);
  });
  if (operators.length === 0) fail("it has no + or - operation");
  let current = operands[0] ?? 0;
  operators.forEach((operator, index) => {
    const operand = operands[index + 1] ?? 0;
    current = operator === "+" ? current + operand : current - operand;
    if (current < 0 || current > labMaxValue) {
      fail(`the intermediate result after step ${index + 1} is ${current}, outside 0-${labMaxValue}`);
    }
  });
  return { operands, operators };
}
