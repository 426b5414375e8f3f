"""Reading a lab checkpoint (train.py's model.pt and step-N.pt, gguf_reader.py's) and refusing, in one line,
a file an argument names that holds something else.

A file that exists but is not what its argument expects (random bytes, an empty file, a GGUF where a
checkpoint belongs, train.py's resume.pt) is a usage error, exit status 2, like a bad value:

    export_gguf.py: error: argument checkpoint: junk.pt is not a lab checkpoint (torch cannot read it: UnpicklingError: invalid load key, 'x'.)

Nothing here imports torch at load: train.py imports this module before it parses its arguments.
"""

import sys

GGUF_MAGIC = b"GGUF"
EXPECTED_CHECKPOINT = "expected train.py's model.pt or step-N.pt, or gguf_reader.py's checkpoint"


class NotALabFile(ValueError):
    """A file that holds something other than what its argument expects; the message names the path and
    says what it holds and what was expected."""


def _starts_with_gguf_magic(path):
    with open(path, "rb") as file:
        return file.read(len(GGUF_MAGIC)) == GGUF_MAGIC


def _first_line(error):
    """`error`'s type and the first line of its message, for a one-line refusal."""
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__


def read_checkpoint(path):
    """The dictionary of a lab checkpoint (`config`, `state`, and `name` when the run saved it).

    Raises NotALabFile for a file torch cannot read, a GGUF file, a resume checkpoint or any other pickle
    without a lab model's `config` and `state`."""
    import torch

    if _starts_with_gguf_magic(path):
        raise NotALabFile(f"{path} is a GGUF file, not a lab checkpoint (read it into one with gguf_reader.py; {EXPECTED_CHECKPOINT})")
    try:
        checkpoint = torch.load(path, map_location="cpu")
    except Exception as error:  # a pickle that is not one fails in many ways (UnpicklingError, EOFError, RuntimeError…)
        raise NotALabFile(f"{path} is not a lab checkpoint (torch cannot read it: {_first_line(error)}; {EXPECTED_CHECKPOINT})") from None
    if isinstance(checkpoint, dict) and "optimizer" in checkpoint and "model" in checkpoint:
        raise NotALabFile(
            f"{path} is train.py's resume checkpoint, not a lab checkpoint (continue the run with train.py --resume, "
            f"or use the run's model.pt or step-N.pt)"
        )
    if not isinstance(checkpoint, dict) or not isinstance(checkpoint.get("config"), dict) or "state" not in checkpoint:
        held = f"a dictionary of {sorted(map(str, checkpoint))}" if isinstance(checkpoint, dict) else f"a {type(checkpoint).__name__}"
        raise NotALabFile(f"{path} is not a lab checkpoint (it holds {held}, not a config and a state; {EXPECTED_CHECKPOINT})")
    return checkpoint


def model_of(checkpoint, path):
    """The LabModel of a checkpoint read by read_checkpoint from `path`, in eval mode, on the CPU. Raises
    NotALabFile for a config and state that do not make a LabModel."""
    from lab_model import LabModel

    try:
        model = LabModel(checkpoint["config"])
        model.load_state_dict(checkpoint["state"])
    except (KeyError, TypeError, ValueError, RuntimeError) as error:
        raise NotALabFile(f"{path} is not a lab checkpoint (its config and state do not make a lab model: {_first_line(error)})") from None
    model.eval()
    return model


def load(path):
    """The LabModel of the lab checkpoint at `path` (read_checkpoint, then model_of); raises NotALabFile."""
    return model_of(read_checkpoint(path), path)


def refuse(parser, argument, error):
    """Refuses the file `argument` names, as a usage error: one line on stderr, `<prog>: error: argument
    <argument>: <error>`, and exit status 2."""
    print(f"{parser.prog}: error: argument {argument}: {error}", file=sys.stderr)
    sys.exit(2)
