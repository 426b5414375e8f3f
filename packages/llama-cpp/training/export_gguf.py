"""Exports a checkpoint written by train.py (model.pt or step-N.pt) as GGUF.

    /usr/bin/python3 export_gguf.py runs/large-s2/step-4800.pt out.gguf [--name lab-large] [--f32]

general.name is the run's --name, saved in the checkpoint (so that an F16 export of step-N.pt is the same
file as train.py's step-N.gguf), unless --name gives another; "lab" for a checkpoint that saved none.
"""

import argparse

import torch

from gguf_writer import write_lab_model
from lab_checkpoint import NotALabFile, model_of, read_checkpoint, refuse
from lab_model import Vocabulary
from train_arguments import CHECKPOINT, existing_file, name, output_file

DEFAULT_NAME = "lab"


def build_parser():
    """export_gguf.py's parser; every value is checked by its type (train_arguments.py)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkpoint", type=existing_file(CHECKPOINT), help="the checkpoint to export (model.pt, step-N.pt)")
    parser.add_argument("output", type=output_file("a GGUF file to write"), help="the GGUF to write, in a folder that exists")
    parser.add_argument("--name", type=name, default=None, help=f"the GGUF's general.name, not empty (default the run's --name saved in the checkpoint, else {DEFAULT_NAME})")
    parser.add_argument("--description", default="", help="the GGUF's general.description (default none)")
    parser.add_argument("--f32", action="store_true", help="F32 matrices (default F16)")
    return parser


def main(argv=None):
    parser = build_parser()
    arguments = parser.parse_args(argv)
    torch.set_num_threads(1)
    try:
        checkpoint = read_checkpoint(arguments.checkpoint)
        model = model_of(checkpoint, arguments.checkpoint)
    except NotALabFile as error:
        refuse(parser, "checkpoint", error)
    saved_name = checkpoint.get("name")
    model_name = arguments.name or (saved_name if isinstance(saved_name, str) and saved_name.strip() else DEFAULT_NAME)
    write_lab_model(arguments.output, model, Vocabulary(), model_name, arguments.description, f16=not arguments.f32)


if __name__ == "__main__":
    main()
