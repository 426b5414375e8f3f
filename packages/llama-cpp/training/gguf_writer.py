"""A minimal GGUF v3 writer: header, metadata key/values, tensor infos, aligned tensor data.

Written here because Debian ships no Python `gguf` module. Supports the value types the lab needs
(integers, floats, booleans, strings and arrays of them) and F32 / F16 tensors.

File layout (little endian):
    magic "GGUF", version u32 = 3, tensor count u64, key/value count u64,
    key/values: key (u64 length + UTF-8), value type u32, value,
    tensor infos: name, dimension count u32, dimensions u64 (fastest first), type u32, offset u64,
    padding to `general.alignment`, then each tensor's data at its (aligned) offset.
"""

import struct

import numpy as np

GGUF_MAGIC = b"GGUF"
GGUF_VERSION = 3
ALIGNMENT = 32

TYPE_UINT32 = 4
TYPE_INT32 = 5
TYPE_FLOAT32 = 6
TYPE_BOOL = 7
TYPE_STRING = 8
TYPE_ARRAY = 9
TYPE_UINT64 = 10

TENSOR_F32 = 0
TENSOR_F16 = 1


class GGUFWriter:
    def __init__(self):
        self.metadata = []  # (key, type, value, element type for arrays)
        self.tensors = []  # (name, numpy array, tensor type)

    def add_uint32(self, key, value):
        self.metadata.append((key, TYPE_UINT32, int(value), None))

    def add_int32(self, key, value):
        self.metadata.append((key, TYPE_INT32, int(value), None))

    def add_float32(self, key, value):
        self.metadata.append((key, TYPE_FLOAT32, float(value), None))

    def add_bool(self, key, value):
        self.metadata.append((key, TYPE_BOOL, bool(value), None))

    def add_string(self, key, value):
        self.metadata.append((key, TYPE_STRING, str(value), None))

    def add_array(self, key, element_type, values):
        self.metadata.append((key, TYPE_ARRAY, list(values), element_type))

    def add_tensor(self, name, array, f16=True):
        """`array` in numpy (row-major) layout; GGUF dimensions are written fastest first."""
        array = np.ascontiguousarray(array)
        if f16 and array.ndim >= 2:
            self.tensors.append((name, array.astype(np.float16), TENSOR_F16))
        else:
            self.tensors.append((name, array.astype(np.float32), TENSOR_F32))

    @staticmethod
    def _string(value):
        encoded = value.encode("utf-8")
        return struct.pack("<Q", len(encoded)) + encoded

    @classmethod
    def _scalar(cls, value_type, value):
        if value_type == TYPE_UINT32:
            return struct.pack("<I", value)
        if value_type == TYPE_INT32:
            return struct.pack("<i", value)
        if value_type == TYPE_FLOAT32:
            return struct.pack("<f", value)
        if value_type == TYPE_BOOL:
            return struct.pack("<?", value)
        if value_type == TYPE_STRING:
            return cls._string(value)
        if value_type == TYPE_UINT64:
            return struct.pack("<Q", value)
        raise ValueError(f"unsupported GGUF value type {value_type}")

    def _key_values(self):
        out = bytearray()
        for key, value_type, value, element_type in self.metadata:
            out += self._string(key) + struct.pack("<I", value_type)
            if value_type == TYPE_ARRAY:
                out += struct.pack("<IQ", element_type, len(value))
                for element in value:
                    out += self._scalar(element_type, element)
            else:
                out += self._scalar(value_type, value)
        return bytes(out)

    def write(self, path):
        header = GGUF_MAGIC + struct.pack("<IQQ", GGUF_VERSION, len(self.tensors), len(self.metadata))
        infos = bytearray()
        offset = 0
        offsets = []
        for name, array, tensor_type in self.tensors:
            offsets.append(offset)
            dims = list(reversed(array.shape))
            infos += self._string(name) + struct.pack("<I", len(dims))
            infos += b"".join(struct.pack("<Q", d) for d in dims)
            infos += struct.pack("<IQ", tensor_type, offset)
            offset += array.nbytes
            offset += (-offset) % ALIGNMENT
        with open(path, "wb") as file:
            file.write(header)
            file.write(self._key_values())
            file.write(infos)
            file.write(b"\0" * ((-file.tell()) % ALIGNMENT))
            data_start = file.tell()
            for (_, array, _), tensor_offset in zip(self.tensors, offsets):
                file.write(b"\0" * (data_start + tensor_offset - file.tell()))
                file.write(array.tobytes())
            file.write(b"\0" * ((-file.tell()) % ALIGNMENT))


def write_lab_model(path, model, vocabulary, name, description="", f16=True):
    """Writes a `LabModel` (lab_model.py) as a llama-architecture GGUF; F16 matrices unless `f16=False`."""
    config = model.config
    writer = GGUFWriter()
    writer.add_string("general.architecture", "llama")
    writer.add_string("general.name", name)
    if description:
        writer.add_string("general.description", description)
    writer.add_uint32("general.alignment", ALIGNMENT)
    writer.add_uint32("general.file_type", 1 if f16 else 0)  # mostly F16, or all F32
    writer.add_uint32("llama.context_length", config["context"])
    writer.add_uint32("llama.embedding_length", config["dim"])
    writer.add_uint32("llama.block_count", config["layers"])
    writer.add_uint32("llama.feed_forward_length", config["ff"])
    writer.add_uint32("llama.attention.head_count", config["heads"])
    writer.add_uint32("llama.attention.head_count_kv", config["heads"])
    writer.add_float32("llama.attention.layer_norm_rms_epsilon", config["eps"])
    writer.add_uint32("llama.rope.dimension_count", config["dim"] // config["heads"])
    writer.add_float32("llama.rope.freq_base", config["rope_base"])
    writer.add_uint32("llama.vocab_size", vocabulary.size)
    texts, scores, types = vocabulary.gguf_tokens()
    writer.add_string("tokenizer.ggml.model", "llama")
    writer.add_array("tokenizer.ggml.tokens", TYPE_STRING, texts)
    writer.add_array("tokenizer.ggml.scores", TYPE_FLOAT32, scores)
    writer.add_array("tokenizer.ggml.token_type", TYPE_INT32, types)
    writer.add_uint32("tokenizer.ggml.unknown_token_id", 0)
    writer.add_uint32("tokenizer.ggml.bos_token_id", 1)
    writer.add_uint32("tokenizer.ggml.eos_token_id", 2)
    writer.add_bool("tokenizer.ggml.add_bos_token", True)
    writer.add_bool("tokenizer.ggml.add_eos_token", False)
    writer.add_bool("tokenizer.ggml.add_space_prefix", False)
    for tensor_name, array in model.gguf_tensors():
        writer.add_tensor(tensor_name, array, f16=f16)
    writer.write(path)
