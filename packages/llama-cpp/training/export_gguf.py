"""Exports a checkpoint written by train.py (model.pt or step-N.pt) as GGUF.

    /usr/bin/python3 export_gguf.py runs/large-s2/step-4800.pt out.gguf --name lab-large [--f32]
"""

import argparse

import torch

from gguf_writer import write_lab_model
from lab_model import Vocabulary
from torch_evaluate import load


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("checkpoint")
    parser.add_argument("output")
    parser.add_argument("--name", default="lab")
    parser.add_argument("--description", default="")
    parser.add_argument("--f32", action="store_true", help="F32 matrices (default F16)")
    arguments = parser.parse_args()
    torch.set_num_threads(1)
    write_lab_model(arguments.output, load(arguments.checkpoint), Vocabulary(), arguments.name, arguments.description, f16=not arguments.f32)


if __name__ == "__main__":
    main()
