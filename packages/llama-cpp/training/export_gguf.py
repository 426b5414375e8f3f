"""Exports a checkpoint written by train.py (model.pt or step-N.pt) as GGUF.

    /usr/bin/python3 export_gguf.py runs/large-s2/step-4800.pt out.gguf --name lab-large [--f32]
"""

import argparse

import torch

from gguf_writer import write_lab_model
from lab_model import Vocabulary
from torch_evaluate import load
from train_arguments import CHECKPOINT, existing_file, name, output_file


def build_parser():
    """export_gguf.py's parser; every value is checked by its type (train_arguments.py)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkpoint", type=existing_file(CHECKPOINT), help="the checkpoint to export (model.pt, step-N.pt)")
    parser.add_argument("output", type=output_file("a GGUF file to write"), help="the GGUF to write, in a folder that exists")
    parser.add_argument("--name", type=name, default="lab", help="the GGUF's general.name, not empty (default lab)")
    parser.add_argument("--description", default="", help="the GGUF's general.description (default none)")
    parser.add_argument("--f32", action="store_true", help="F32 matrices (default F16)")
    return parser


def main(argv=None):
    arguments = build_parser().parse_args(argv)
    torch.set_num_threads(1)
    write_lab_model(arguments.output, load(arguments.checkpoint), Vocabulary(), arguments.name, arguments.description, f16=not arguments.f32)


if __name__ == "__main__":
    main()
