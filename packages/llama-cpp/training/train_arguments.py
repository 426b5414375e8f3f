"""The arguments of the training scripts: train.py's parser and the argparse types that every script's parser
(torch_evaluate.py, export_gguf.py, export_variant.py, gguf_reader.py, torch_probabilities.py) checks its
values with, before any work.

A refused value is argparse's usage error, exit status 2, naming the flag, the value and the rule:

    train.py: error: argument --steps: must be an integer ≥ 0, got -5
    export_gguf.py: error: argument checkpoint: must be a checkpoint file (model.pt, step-N.pt), got 'x.pt', which does not exist

Nothing here imports torch at load: train.py parses its arguments first and loads torch only for a run
(check_device imports it when called).
"""

import argparse
import math
import os

from lab_task import LEVELS, MAX_NEW_TOKENS, OperandSizes, longest_completion_length, longest_prompt_length

RESUME_FILE = "resume.pt"

# One token per character of the format (lab_model.Vocabulary): an example is <s>, the prompt, the
# completion and </s>, and the model reads every token of it but the last.
LONGEST_EXAMPLE = 1 + longest_prompt_length(max(LEVELS)) + longest_completion_length(max(LEVELS)) + 1
LONGEST_EXAMPLE_INPUT = LONGEST_EXAMPLE - 1
# --eval-every: torch_evaluate.py completes level-6 prompts by full recompute, feeding <s>, the prompt and up
# to MAX_NEW_TOKENS - 1 generated tokens.
LONGEST_EVALUATION_INPUT = 1 + longest_prompt_length(6) + MAX_NEW_TOKENS - 1


def integer(minimum):
    """An argparse type: an integer ≥ `minimum`."""

    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be an integer ≥ {minimum}, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be an integer ≥ {minimum}, got {value}")
        return value

    return parse


def seed(text):
    """An argparse type: a seed torch.manual_seed takes, 0 to 2^64 - 1."""
    value = integer(0)(text)
    if value >= 2**64:
        raise argparse.ArgumentTypeError(f"must be an integer from 0 to 2^64 - 1, got {value}")
    return value


def number(rule, accepts):
    """An argparse type: a finite number that `accepts`, described by `rule` ("a number > 0")."""

    def parse(text):
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be {rule}, got {text!r}") from None
        if not math.isfinite(value) or not accepts(value):
            raise argparse.ArgumentTypeError(f"must be {rule}, got {text}")
        return value

    return parse


def context_length(text):
    """An argparse type: a context that holds the longest training example."""
    value = integer(1)(text)
    if value < LONGEST_EXAMPLE_INPUT:
        raise argparse.ArgumentTypeError(
            f"must be at least {LONGEST_EXAMPLE_INPUT}, the tokens the model reads of the longest example "
            f"(level {max(LEVELS)}, 3-digit operands, the grouped path's 4-digit sums), got {value}"
        )
    return value


def operand_sizes(text):
    """An argparse type: three weights for OperandSizes, kept as the text (the run records it as given);
    empty: uniform operands."""
    if text == "":
        return text
    rule = "three non-negative weights of 1-, 2- and 3-digit operands with a positive sum, e.g. 0.2,0.3,0.5"
    try:
        weights = [float(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be {rule}, got {text!r}") from None
    if not all(math.isfinite(weight) for weight in weights):
        raise argparse.ArgumentTypeError(f"must be {rule}, got {text!r}")
    try:
        OperandSizes(weights)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be {rule}, got {text!r}") from None
    return text


def name(text):
    """An argparse type: the GGUF's general.name, not empty."""
    if not text.strip():
        raise argparse.ArgumentTypeError(f"must be a model name that is not empty, got {text!r}")
    return text


def output_folder(text):
    """An argparse type: a folder to create or write into, not a file."""
    if not text:
        raise argparse.ArgumentTypeError("must be a folder, got ''")
    if os.path.exists(text) and not os.path.isdir(text):
        raise argparse.ArgumentTypeError(f"must be a folder, got {text!r}, which is a file")
    return text


def existing_file(description):
    """An argparse type: a file that exists and can be read (not a folder), described by `description`
    ("a lab GGUF file"). What the file holds is left to its reader (torch, gguf_reader.py)."""

    def parse(text):
        if os.path.isdir(text):
            raise argparse.ArgumentTypeError(f"must be {description}, got {text!r}, which is a folder")
        if not os.path.isfile(text):
            raise argparse.ArgumentTypeError(f"must be {description}, got {text!r}, which does not exist")
        if not os.access(text, os.R_OK):
            raise argparse.ArgumentTypeError(f"must be {description}, got {text!r}, which cannot be read")
        return text

    return parse


def output_file(description):
    """An argparse type: a file to write (created, or replaced if it is there), described by `description`
    ("a GGUF file to write"), in a folder that exists and can be written."""

    def parse(text):
        if not text:
            raise argparse.ArgumentTypeError(f"must be {description}, got ''")
        if os.path.isdir(text):
            raise argparse.ArgumentTypeError(f"must be {description}, got {text!r}, which is a folder")
        folder = os.path.dirname(text) or "."
        if not os.path.exists(folder):
            raise argparse.ArgumentTypeError(f"must be {description}, got {text!r}, whose folder {folder!r} does not exist")
        if not os.path.isdir(folder):
            raise argparse.ArgumentTypeError(f"must be {description}, got {text!r}, whose folder {folder!r} is a file")
        if not os.access(folder, os.W_OK | os.X_OK) or (os.path.exists(text) and not os.access(text, os.W_OK)):
            raise argparse.ArgumentTypeError(f"must be {description}, got {text!r}, which cannot be written")
        return text

    return parse


CHECKPOINT = "a checkpoint file (model.pt, step-N.pt)"
LAB_GGUF = "a lab GGUF file"


def checkpoint_file(text):
    """An argparse type: a checkpoint file that exists (model.pt, step-N.pt); empty: none."""
    if text == "":
        return text
    return existing_file(CHECKPOINT)(text)


def level_range(text):
    """An argparse type: one trained level (`6`) or a range of them (`1-6`), as a `range`."""
    rule = f"a level or a range of levels from {min(LEVELS)} to {max(LEVELS)}, e.g. 6 or 1-6"
    low, dash, high = text.partition("-")
    try:
        first = int(low)
        last = int(high) if dash else first
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be {rule}, got {text!r}") from None
    if not min(LEVELS) <= first <= last <= max(LEVELS):
        raise argparse.ArgumentTypeError(f"must be {rule}, got {text!r}")
    return range(first, last + 1)


def check_device(parser, device):
    """Refuses, as a usage error, a torch device that this machine cannot use (`gpu`, `cuda` without CUDA).
    Imports torch."""
    import torch

    try:
        torch.empty(0, device=device)
    except (RuntimeError, AssertionError) as error:
        parser.error(f"argument --device: must be a torch device this machine has, e.g. cpu or cuda, got {device!r} ({error})")


def resume_folder(text):
    """An argparse type: a run's folder holding its resume.pt; empty: a new run."""
    if text == "":
        return text
    if not os.path.isfile(os.path.join(text, RESUME_FILE)):
        raise argparse.ArgumentTypeError(
            f"must be a run's folder holding {RESUME_FILE} (written by --checkpoint-every, --stop-at, "
            f"--stop-after-minutes or a signal), got {text!r}, which has none"
        )
    return text


def build_parser(description):
    """train.py's parser; every value is checked by its type, the combinations by check_combinations."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    positive, non_negative = integer(1), integer(0)
    parser.add_argument("--dim", type=positive, default=64, help="model width, a multiple of 2 x --heads (an even size per head)")
    parser.add_argument("--layers", type=positive, default=3, help="blocks, an integer >= 1")
    parser.add_argument("--heads", type=positive, default=4, help="attention heads, an integer >= 1")
    parser.add_argument("--ff", type=positive, default=192, help="feed-forward width, an integer >= 1")
    parser.add_argument("--context", type=context_length, default=256, help=f"positions, at least {LONGEST_EXAMPLE_INPUT} ({LONGEST_EVALUATION_INPUT} with --eval-every)")
    parser.add_argument("--steps", type=non_negative, default=5400, help="the schedule's steps (0: export untrained weights)")
    parser.add_argument("--batch", type=positive, default=64, help="examples per step, an integer >= 1")
    parser.add_argument("--lr", type=number("a number > 0", lambda value: value > 0), default=3e-3, help="peak learning rate, a number > 0")
    parser.add_argument("--warmup", type=non_negative, default=200, help="linear warm-up steps, an integer >= 0")
    parser.add_argument("--seed", type=seed, default=1, help="an integer from 0 to 2^64 - 1")
    parser.add_argument("--name", type=name, default="lab", help="the GGUF's general.name, not empty")
    parser.add_argument("--out", type=output_folder, help="the run's folder (required unless --resume)")
    parser.add_argument("--operand-sizes", type=operand_sizes, default="", help="weights of 1-, 2- and 3-digit operands, e.g. 0.2,0.3,0.5 (default uniform 1..999)")
    share = number("a number from 0 to 1", lambda value: 0 <= value <= 1)
    parser.add_argument("--grouped-share", type=share, default=0.0, help="share of examples solved by the grouped path, 0 to 1 (default 0)")
    parser.add_argument("--checkpoint-every", type=non_negative, default=0, help="write <out>/resume.pt every N steps")
    parser.add_argument("--stop-at", type=non_negative, default=0, help="stop (with a resume checkpoint) after this step")
    minutes = number("a number ≥ 0", lambda value: value >= 0)
    parser.add_argument("--stop-after-minutes", type=minutes, default=0, help="stop (with a resume checkpoint) after this many minutes")
    parser.add_argument("--init", type=checkpoint_file, default="", help="start from the weights of this checkpoint (model.pt, step-N.pt; same shape)")
    parser.add_argument("--device", default="cpu", help="torch device, e.g. cuda (checkpoints are always saved on the CPU)")
    parser.add_argument("--resume", type=resume_folder, default="", help="continue the run in this folder from its resume.pt")
    parser.add_argument("--save-every", type=non_negative, default=0, help="also write step-N.gguf and step-N.pt every N steps")
    parser.add_argument("--eval-every", type=non_negative, default=0, help="greedy level-6 accuracy every N steps")
    parser.add_argument("--eval-count", type=positive, default=100, help="problems of each evaluation, an integer >= 1")
    parser.add_argument("--log-every", type=positive, default=100, help="log the loss every N steps, an integer >= 1")
    return parser


def check_combinations(parser, arguments):
    """Refuses, as a usage error, values that are each fine but do not go together."""
    if arguments.dim % (2 * arguments.heads) != 0:
        parser.error(
            f"argument --dim: must be a multiple of 2 x --heads ({2 * arguments.heads}), so that each head's "
            f"size (--dim / --heads) is a whole even number for the rotary embeddings' pairs, got {arguments.dim}"
        )
    if arguments.eval_every and arguments.context < LONGEST_EVALUATION_INPUT:
        parser.error(
            f"argument --context: must be at least {LONGEST_EVALUATION_INPUT} with --eval-every (a level-6 prompt "
            f"and {MAX_NEW_TOKENS} generated tokens), got {arguments.context}"
        )


def parse_arguments(parser, argv=None):
    """The checked arguments of train.py (`argv` default sys.argv[1:]); exits 2 with a usage error otherwise."""
    arguments = parser.parse_args(argv)
    if not arguments.resume and not arguments.out:
        parser.error("--out is required (or --resume DIR)")
    check_combinations(parser, arguments)
    return arguments
