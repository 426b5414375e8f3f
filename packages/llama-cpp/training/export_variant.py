"""Writes a variant of a lab GGUF from the same weights: an F32 export, or a copy with every weight
perturbed by Gaussian noise of a relative size, to test that fidelity checks tell such files apart.

    /usr/bin/python3 export_variant.py ../models/lab-large.gguf /tmp/lab-large-f32.gguf --f32
    /usr/bin/python3 export_variant.py ../models/lab-large.gguf /tmp/lab-large-noisy.gguf --noise 0.01 --seed 1
"""

import argparse

import torch

from gguf_reader import read_gguf, read_lab_model
from gguf_writer import write_lab_model
from lab_model import Vocabulary


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("source")
    parser.add_argument("output")
    parser.add_argument("--f32", action="store_true", help="F32 matrices (default F16, like the shipped files)")
    parser.add_argument("--noise", type=float, default=0.0, help="noise standard deviation relative to each tensor's")
    parser.add_argument("--seed", type=int, default=0)
    arguments = parser.parse_args()
    torch.set_num_threads(1)
    metadata, _ = read_gguf(arguments.source)
    model = read_lab_model(arguments.source)
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
