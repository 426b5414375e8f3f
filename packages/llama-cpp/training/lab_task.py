"""The lab's arithmetic task, in the exact text format the TypeScript generator produces.

A problem is a chain of + / - on operands 1..999 where every intermediate result stays in 0..999;
its level is the number of operations (1..6). The completion after the prompt is one step per line:

    Q: 30+444+273=? A:
    30+444=474
    474+273=747
    #### 747

The random stream differs from the TypeScript generator (``lab/generate-lab-problems.ts``); the
distribution and the format are the same: the first operand is uniform in 1..999, then each step draws an
operator (+ or - with equal odds) and an operand uniform in 1..999, redrawing both until the result fits.
"""

import random

MIN_OPERAND = 1
MAX_OPERAND = 999
MIN_VALUE = 0
MAX_VALUE = 999


def generate_problem(level, rng):
    """Returns (operands, operators) for a chain of `level` operations."""
    operands = [rng.randint(MIN_OPERAND, MAX_OPERAND)]
    operators = []
    current = operands[0]
    for _ in range(level):
        while True:
            operator = "+" if rng.random() < 0.5 else "-"
            operand = rng.randint(MIN_OPERAND, MAX_OPERAND)
            result = current + operand if operator == "+" else current - operand
            if MIN_VALUE <= result <= MAX_VALUE:
                break
        operands.append(operand)
        operators.append(operator)
        current = result
    return operands, operators


def question_text(operands, operators):
    text = str(operands[0])
    for operator, operand in zip(operators, operands[1:]):
        text += operator + str(operand)
    return text + "=?"


def prompt_text(operands, operators):
    return "Q: " + question_text(operands, operators) + " A:"


def answer_of(operands, operators):
    current = operands[0]
    for operator, operand in zip(operators, operands[1:]):
        current = current + operand if operator == "+" else current - operand
    return current


def completion_text(operands, operators):
    lines = []
    current = operands[0]
    for operator, operand in zip(operators, operands[1:]):
        result = current + operand if operator == "+" else current - operand
        lines.append(f"{current}{operator}{operand}={result}")
        current = result
    return "\n" + "\n".join(lines) + f"\n#### {current}"


def extract_answer(text):
    """The integer after the first '#### ' in a completion, or None."""
    marker = text.find("####")
    if marker < 0:
        return None
    rest = text[marker + 4 :].strip().split("\n")[0].strip()
    return int(rest) if rest.isdigit() else None


def evaluation_set(level, count, seed):
    """A fixed list of problems for evaluation (independent of the training stream)."""
    rng = random.Random(f"eval-{level}-{seed}")
    return [generate_problem(level, rng) for _ in range(count)]
