"""Reads a lab GGUF back into a torch `LabModel`, to check or evaluate a shipped file in torch.

    /usr/bin/python3 gguf_reader.py ../models/lab-large.gguf runs/lab-large-from-gguf.pt

Supports what gguf_writer.py writes: GGUF v3, scalar/string/array metadata, F32 and F16 tensors.
"""

import argparse
import struct

import numpy as np
import torch

from lab_checkpoint import NotALabFile, refuse
from lab_model import LabModel, Vocabulary
from train_arguments import LAB_GGUF, existing_file, output_file

SCALAR_FORMATS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
TYPE_STRING = 8
TYPE_ARRAY = 9


class _Cursor:
    def __init__(self, data):
        self.data = data
        self.position = 0

    def take(self, fmt):
        value = struct.unpack_from(fmt, self.data, self.position)[0]
        self.position += struct.calcsize(fmt)
        return value

    def string(self):
        length = self.take("<Q")
        value = self.data[self.position : self.position + length].decode("utf-8")
        self.position += length
        return value

    def value(self, value_type):
        if value_type == TYPE_STRING:
            return self.string()
        if value_type == TYPE_ARRAY:
            element_type = self.take("<I")
            return [self.value(element_type) for _ in range(self.take("<Q"))]
        return self.take(SCALAR_FORMATS[value_type])


def read_gguf(path):
    """Returns (metadata dict, {tensor name: float32 numpy array in numpy layout}). Raises NotALabFile for a
    file that is not a GGUF file, another GGUF version, or one cut short or holding what the lab never writes."""
    with open(path, "rb") as file:
        data = file.read()
    if not data:
        raise NotALabFile(f"{path} is not a lab GGUF file (it is empty)")
    if data[:4] != b"GGUF":
        raise NotALabFile(f"{path} is not a lab GGUF file (it starts with {data[:4]!r}, not the GGUF magic b'GGUF')")
    try:
        return _read_gguf(path, data)
    except (struct.error, UnicodeDecodeError, KeyError, ValueError) as error:
        raise NotALabFile(f"{path} is not a lab GGUF file (cut short or corrupt: {type(error).__name__}: {error})") from None


def _read_gguf(path, data):
    cursor = _Cursor(data)
    cursor.position = 4
    version, tensor_count, metadata_count = cursor.take("<I"), cursor.take("<Q"), cursor.take("<Q")
    if version != 3:
        raise NotALabFile(f"{path} is not a lab GGUF file (GGUF version {version}, expected 3)")
    metadata = {}
    for _ in range(metadata_count):
        key = cursor.string()
        metadata[key] = cursor.value(cursor.take("<I"))
    infos = []
    for _ in range(tensor_count):
        name = cursor.string()
        dims = [cursor.take("<Q") for _ in range(cursor.take("<I"))]
        infos.append((name, dims, cursor.take("<I"), cursor.take("<Q")))
    alignment = metadata.get("general.alignment", 32)
    start = cursor.position + (-cursor.position) % alignment
    tensors = {}
    for name, dims, tensor_type, offset in infos:
        dtype = {0: np.float32, 1: np.float16}[tensor_type]
        count = int(np.prod(dims))
        array = np.frombuffer(data, dtype=dtype, count=count, offset=start + offset)
        tensors[name] = array.reshape(list(reversed(dims))).astype(np.float32)
    return metadata, tensors


def read_lab_model(path):
    """The LabModel of a lab GGUF, in eval mode. Raises NotALabFile for a file that is not one: not a GGUF
    file (read_gguf), another architecture than llama, another vocabulary than the lab's, or tensors that do
    not make a lab model."""
    metadata, tensors = read_gguf(path)
    architecture = metadata.get("general.architecture")
    if architecture != "llama":
        raise NotALabFile(f"{path} is not a lab GGUF file (general.architecture is {architecture!r}, expected 'llama')")
    vocabulary = len(metadata.get("tokenizer.ggml.tokens", []))
    if vocabulary != Vocabulary().size:
        raise NotALabFile(f"{path} is not a lab GGUF file (a vocabulary of {vocabulary} tokens, expected the lab's {Vocabulary().size})")
    try:
        return _lab_model(metadata, tensors)
    except (KeyError, RuntimeError) as error:
        raise NotALabFile(f"{path} is not a lab GGUF file (its metadata and tensors do not make a lab model: {type(error).__name__}: {error})") from None


def _lab_model(metadata, tensors):
    config = {
        "dim": metadata["llama.embedding_length"],
        "layers": metadata["llama.block_count"],
        "heads": metadata["llama.attention.head_count"],
        "ff": metadata["llama.feed_forward_length"],
        "context": metadata["llama.context_length"],
        "vocab": len(metadata["tokenizer.ggml.tokens"]),
        "eps": metadata["llama.attention.layer_norm_rms_epsilon"],
        "rope_base": metadata["llama.rope.freq_base"],
    }
    model = LabModel(config)
    names = dict(model.gguf_tensor_parameters())
    for name, array in tensors.items():
        names[name].data.copy_(torch.from_numpy(array.copy()))
    model.eval()
    return model


def build_parser():
    """gguf_reader.py's parser; every value is checked by its type (train_arguments.py)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", type=existing_file(LAB_GGUF), help="the lab GGUF to read (e.g. ../models/lab-large.gguf)")
    parser.add_argument("output", type=output_file("a checkpoint file to write"), help="the checkpoint to write (.pt), in a folder that exists")
    return parser


def main(argv=None):
    parser = build_parser()
    arguments = parser.parse_args(argv)
    try:
        metadata, _ = read_gguf(arguments.source)
        model = read_lab_model(arguments.source)
    except NotALabFile as error:
        refuse(parser, "source", error)
    # The name makes export_gguf.py write the file back as it was named.
    torch.save({"config": model.config, "state": model.state_dict(), "steps": None, "name": metadata.get("general.name")}, arguments.output)


if __name__ == "__main__":
    main()
