"""Writes a variant of a lab GGUF from the same weights: an F32 export, or a copy with every weight
perturbed by Gaussian noise of a relative size, to test that fidelity checks tell such files apart.

    /usr/bin/python3 export_variant.py ../models/lab-large.gguf /tmp/lab-large-f32.gguf --f32
    /usr/bin/python3 export_variant.py ../models/lab-large.gguf /tmp/lab-large-noisy.gguf --noise 0.01 --seed 1
"""

import argparse

import torch

from gguf_reader import read_gguf, read_lab_model
from gguf_writer import write_lab_model
from lab_checkpoint import NotALabFile, refuse
from lab_model import Vocabulary
from train_arguments import LAB_GGUF, existing_file, number, output_file, seed


def build_parser():
    """export_variant.py's parser; every value is checked by its type (train_arguments.py)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", type=existing_file(LAB_GGUF), help="the lab GGUF to read (e.g. ../models/lab-large.gguf)")
    parser.add_argument("output", type=output_file("a GGUF file to write"), help="the variant to write, in a folder that exists")
    parser.add_argument("--f32", action="store_true", help="F32 matrices (default F16, like the shipped files)")
    relative = number("a number ≥ 0", lambda value: value >= 0)
    parser.add_argument("--noise", type=relative, default=0.0, help="noise standard deviation relative to each tensor's, a number >= 0 (default 0: none)")
    parser.add_argument("--seed", type=seed, default=0, help="the noise's seed, an integer from 0 to 2^64 - 1 (default 0)")
    return parser


def main(argv=None):
    parser = build_parser()
    arguments = parser.parse_args(argv)
    torch.set_num_threads(1)
    try:
        metadata, _ = read_gguf(arguments.source)
        model = read_lab_model(arguments.source)
    except NotALabFile as error:
        refuse(parser, "source", error)
    if arguments.noise > 0:
        generator = torch.Generator().manual_seed(arguments.seed)
        with torch.no_grad():
            for parameter in model.parameters():
                scale = parameter.std().item() if parameter.numel() > 1 else abs(parameter.item())
                noise = torch.randn(parameter.shape, generator=generator) * scale * arguments.noise
                parameter.add_(noise)
    name = metadata.get("general.name", "lab")
    write_lab_model(arguments.output, model, Vocabulary(), name, metadata.get("general.description", ""), f16=not arguments.f32)


if __name__ == "__main__":
    main()
