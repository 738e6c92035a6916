"""Writes a GGUF file with Phi-3-mini-4k's exact architecture and random F16 weights.

llama.cpp's speed does not depend on the weights' values, so this file runs at the real
model's speed (its Q4_0 quantization is within 0.01 % of the size of Ollama's real
phi3:3.8b-mini-4k-instruct-q4_0). Metadata and tensors follow what llama.cpp's
convert_hf_to_gguf.py writes for microsoft/Phi-3-mini-4k-instruct (src/models/phi3.cpp).

Usage: python make_phi3_gguf.py OUT.gguf        writes the file
       python make_phi3_gguf.py --sizes FILE...  prints each file's size and the bytes of
                                                 its token_embd.weight (the figures of
                                                 core/src/speed/table.rs)
(needs the gguf and numpy packages)
"""

import os

import sys

import gguf
import numpy as np

LAYERS = 32
HIDDEN = 3072
FFN = 8192
HEADS = 32
VOCAB = 32064
CONTEXT = 4096
ROPE_DIMS = HIDDEN // HEADS


def tensors():
    """(name, numpy shape (rows, cols), dtype) in the order convert_hf_to_gguf.py writes them."""
    yield "token_embd.weight", (VOCAB, HIDDEN), np.float16
    for n in range(LAYERS):
        yield f"blk.{n}.attn_norm.weight", (HIDDEN,), np.float32
        yield f"blk.{n}.attn_qkv.weight", (3 * HIDDEN, HIDDEN), np.float16
        yield f"blk.{n}.attn_output.weight", (HIDDEN, HIDDEN), np.float16
        yield f"blk.{n}.ffn_norm.weight", (HIDDEN,), np.float32
        yield f"blk.{n}.ffn_up.weight", (2 * FFN, HIDDEN), np.float16
        yield f"blk.{n}.ffn_down.weight", (HIDDEN, FFN), np.float16
    yield "output_norm.weight", (HIDDEN,), np.float32
    yield "output.weight", (VOCAB, HIDDEN), np.float16


def add_metadata(writer):
    # Not "Phi-3…": llama.cpp gives a model so named the token attributes of Phi-3's added
    # tokens (<|endoftext|>, …), which this vocabulary lacks; attributes do not change speed.
    writer.add_name("Phi_3-mini-4k random weights")
    writer.add_context_length(CONTEXT)
    writer.add_embedding_length(HIDDEN)
    writer.add_feed_forward_length(FFN)
    writer.add_block_count(LAYERS)
    writer.add_head_count(HEADS)
    writer.add_head_count_kv(HEADS)
    writer.add_rope_dimension_count(ROPE_DIMS)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_F16)
    add_tokenizer(writer)


def add_tokenizer(writer):
    """A llama-type (SentencePiece) vocabulary of VOCAB tokens: specials, the 256 byte
    tokens llama.cpp looks up, then distinct filler pieces."""
    tokens = ["<unk>", "<s>", "</s>"] + [f"<0x{b:02X}>" for b in range(256)]
    types = [gguf.TokenType.UNKNOWN, gguf.TokenType.CONTROL, gguf.TokenType.CONTROL]
    types += [gguf.TokenType.BYTE] * 256
    filler = VOCAB - len(tokens)
    tokens += [f"\u2581t{i}" for i in range(filler)]
    types += [gguf.TokenType.NORMAL] * filler
    writer.add_tokenizer_model("llama")
    writer.add_token_list(tokens)
    writer.add_token_scores([-float(i) for i in range(VOCAB)])
    writer.add_token_types(types)
    writer.add_bos_token_id(1)
    writer.add_eos_token_id(2)
    writer.add_unk_token_id(0)


def random_tensor(rng, shape, dtype):
    if len(shape) == 1:
        return np.ones(shape, dtype=dtype)
    values = rng.standard_normal(shape, dtype=np.float32)
    values *= 0.02
    return values.astype(dtype)


def main(path):
    writer = gguf.GGUFWriter(path, "phi3")
    add_metadata(writer)
    specs = list(tensors())
    for name, shape, dtype in specs:
        nbytes = int(np.prod(shape)) * np.dtype(dtype).itemsize
        writer.add_tensor_info(name, shape, np.dtype(dtype), nbytes)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_ti_data_to_file()
    rng = np.random.default_rng(20261201)
    for _name, shape, dtype in specs:
        writer.write_tensor_data(random_tensor(rng, shape, dtype))
    writer.close()


def sizes(paths):
    for path in paths:
        reader = gguf.GGUFReader(path)
        embd = next(t for t in reader.tensors if t.name == "token_embd.weight")
        print(f"{os.path.basename(path)}: file_bytes {os.path.getsize(path)}, "
              f"embedding_bytes {int(embd.n_bytes)} ({embd.tensor_type.name})")


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--sizes":
        sizes(sys.argv[2:])
    elif len(sys.argv) == 2:
        main(sys.argv[1])
    else:
        sys.exit("usage: make_phi3_gguf.py OUT.gguf | --sizes FILE...")
